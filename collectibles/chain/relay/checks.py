"""The relay's checks against the chain, before anything is sent: would the contract execute each intent now?

Per row, in file order: the domain (chain id, verifying contract, the contract's name and version), the deadline
against the chain's time, then by kind.

- A gift: the token exists; it was not moved since signing (its ``acquiredAt`` is still the signed one); the
  signature is its owner's (a key's, or for a contract owner its ERC-1271 ``isValidSignature``, asked with a
  view call); the token is not soulbound and its hold is over.
- A voucher: its signer holds ``VOUCHER_SIGNER_ROLE`` (a revoked signer's vouchers die with the role), may issue
  for the series, is under its cap there counting the file's earlier vouchers of the same signer and series, and
  has not used the voucher id.

What these rules do not name (a pause, a closed series, a token acquired this very second) is caught by
simulating each intent alone (:mod:`~collectibles.chain.relay.simulation`), with the contract's own error.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from eth_abi import encode
from eth_utils import keccak

from collectibles.chain.relay.schema import Problem, Row
from collectibles.domain.intents import Gift, Voucher
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.node import NodeClient
    from collectibles.domain.intents import Domain

ERC1271_MAGIC = keccak(text="isValidSignature(bytes32,bytes)")[:4]
ERC1271_GAS = 500_000
"""The gas the contract gives a wallet's ``isValidSignature``: the view call gets no more."""


class RowRefused(Exception):
    """One row the contract would refuse, with the reason; caught per row."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def check_rows(
    nft: ContractInstance, node: NodeClient, domain: Domain, rows: list[Row], now: int
) -> tuple[list[Row], list[Problem]]:
    """The rows the contract would execute now, and a :class:`Problem` for each other one."""
    good: list[Row] = []
    problems: list[Problem] = []
    vouchers: Counter[tuple[str, int]] = (
        Counter()
    )  # (signer, series) -> earlier good vouchers in the file
    for row in rows:
        try:
            check_domain(row, domain)
            check_deadline(row, now)
            if isinstance(row.intent, Gift):
                check_gift(nft, node, row, row.intent, now)
            else:
                check_voucher(nft, row, row.intent, vouchers[(row.signer, row.intent.series_id)])
                vouchers[(row.signer, row.intent.series_id)] += 1
        except RowRefused as refused:
            problems.append(Problem(row.line, refused.reason, row.kind, row.digest))
            continue
        good.append(row)
    return good, problems


def check_domain(row: Row, domain: Domain) -> None:
    """The row was signed for this chain, this contract, and the contract's EIP-712 name and version."""
    signed = row.domain
    if signed.chain_id != domain.chain_id:
        raise RowRefused(f"signed for chain id {signed.chain_id}, this chain is {domain.chain_id}")
    if signed.verifying_contract != domain.verifying_contract:
        raise RowRefused(
            f"signed for the contract {signed.verifying_contract}, not {domain.verifying_contract}"
        )
    if (signed.name, signed.version) != (domain.name, domain.version):
        raise RowRefused(
            f"signed for the domain {signed.name!r} version {signed.version!r}, the contract's is "
            f"{domain.name!r} version {domain.version!r}"
        )


def check_deadline(row: Row, now: int) -> None:
    """The intent's deadline has not passed."""
    if row.intent.deadline < now:
        raise RowRefused(
            f"expired: its deadline {row.intent.deadline} has passed (the chain's time is {now})"
        )


def check_gift(nft: ContractInstance, node: NodeClient, row: Row, gift: Gift, now: int) -> None:
    """The gift's token, its acquisition time, its owner's signature, its policy and hold."""
    try:
        owner = str(nft.ownerOf(gift.token_id))
    except Exception:  # noqa: BLE001 - the contract's refusal of a burned or unminted token
        raise RowRefused(f"token {gift.token_id} does not exist") from None
    acquired = int(nft.acquiredAt(gift.token_id))
    if acquired != gift.acquired_at:
        raise RowRefused(
            f"token {gift.token_id} moved since signing (acquired at {acquired}, the gift was signed "
            f"for {gift.acquired_at}): the signature is spent"
        )
    if not (row.key_signed and row.signer == owner) and not _wallet_accepts(node, owner, row):
        raise RowRefused(
            f"the signature is {row.signer}'s, not the token owner {owner}'s"
            if row.key_signed
            else f"the token owner {owner} does not accept the signature (no key's, no wallet's)"
        )
    info = nft.series(gift.token_id // SERIES_STRIDE)
    policy = TransferPolicy(int(info.policy))
    if policy is TransferPolicy.SOULBOUND:
        raise RowRefused(f"token {gift.token_id} is soulbound: it can never be gifted")
    held_until = acquired + int(info.holdSeconds)
    if policy is TransferPolicy.GIFT_AFTER_HOLD and now < held_until:
        raise RowRefused(
            f"token {gift.token_id} is in its hold until {held_until} (the chain's time is {now})"
        )


def check_voucher(nft: ContractInstance, row: Row, voucher: Voucher, earlier: int) -> None:
    """The voucher signer's role, its allowance for the series (with ``earlier`` vouchers of the file
    counted), and the voucher id unused."""
    signer = row.signer
    if not nft.hasRole(nft.VOUCHER_SIGNER_ROLE(), signer):
        raise RowRefused(
            f"{signer} does not hold VOUCHER_SIGNER_ROLE (revoked, or never granted): its vouchers are void"
        )
    cap, claimed = (int(x) for x in nft.voucherAllowance(signer, voucher.series_id))
    if cap == 0:
        raise RowRefused(f"{signer} may not issue vouchers for series {voucher.series_id}")
    if claimed + earlier >= cap:
        raise RowRefused(
            f"over the cap: {signer} may issue {cap} for series {voucher.series_id}, {claimed} are "
            f"claimed and {earlier} come earlier in this file"
        )
    if nft.isVoucherUsed(signer, voucher.voucher_id):
        raise RowRefused(f"voucher {voucher.voucher_id} of {signer} was claimed already")


def _wallet_accepts(node: NodeClient, owner: str, row: Row) -> bool:
    """Whether ``owner`` is a contract whose ERC-1271 ``isValidSignature`` accepts the row's signature, asked
    as the contract asks it (a view call with its gas) without sending anything."""
    from collectibles.chain.airdrop.node import NodeRefused

    if node.request("reading code", "eth_getCode", owner, "latest") in (None, "0x"):
        return False
    query = ERC1271_MAGIC + encode(
        ["bytes32", "bytes"], [bytes.fromhex(row.digest[2:]), row.signature]
    )
    call = {"to": owner, "data": "0x" + query.hex(), "gas": hex(ERC1271_GAS)}
    try:
        answer = node.request("asking a wallet", "eth_call", call, "latest")
    except NodeRefused:
        return False
    return bytes.fromhex(str(answer)[2:])[:4] == ERC1271_MAGIC
