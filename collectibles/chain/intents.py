"""Signed intents on chain: the contract's EIP-712 domain, gifts and vouchers built from its state, and their
checks before anything is signed or sent.

The typed data, digests and signature rules are pure (:mod:`collectibles.domain.intents`); what needs the
chain is here: the domain as the contract's ERC-5267 ``eip712Domain()`` says it (so a signature is always for
this chain and this contract), the token's ``acquiredAt`` a gift binds, who owns it and whether its policy and
hold let a gift through before the deadline, a voucher signer's role, cap and used ids, and the calldata of an
intent for ``giftBySig``, ``claimVoucher`` or a ``relay`` batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collectibles.domain.intents import (
    Domain,
    Gift,
    InvalidIntent,
    Voucher,
    signable,
    signature_bytes,
    typed_data,
)
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

VOUCHER_SIGNER_ROLE = "VOUCHER_SIGNER_ROLE"
ERC5267_FIELDS = 0x0F
"""``eip712Domain()``'s field bits when the domain is name, version, chain id and verifying contract."""


def contract_domain(nft: ContractInstance) -> Domain:
    """The EIP-712 domain the contract checks signatures in, as its ``eip712Domain()`` returns it."""
    fields, name, version, chain_id, verifying_contract, _salt, _extensions = nft.eip712Domain()
    if int.from_bytes(bytes(fields), "big") != ERC5267_FIELDS:
        raise InvalidIntent(f"the contract at {nft.address} has an EIP-712 domain of another shape")
    return Domain(
        name=name, version=version, chain_id=chain_id, verifying_contract=verifying_contract
    )


def gift_for(
    nft: ContractInstance, signer: str, token_id: int, to: str, deadline: int, now: int
) -> Gift:
    """The gift of ``token_id`` to ``to`` that ``signer`` can sign now, bound to the token's ``acquiredAt``.

    Refused (:class:`InvalidIntent`) unless ``signer`` owns the token, the deadline is not past, the token is not
    soulbound, and a ``GiftAfterHold`` token's hold ends by the deadline: otherwise the contract would refuse it.
    """
    if deadline < now:
        raise InvalidIntent(f"the deadline {deadline} has passed (the chain's time is {now})")
    owner = nft.ownerOf(token_id)
    if owner.lower() != signer.lower():
        raise InvalidIntent(f"{signer} does not own token {token_id} (its owner is {owner})")
    acquired_at = nft.acquiredAt(token_id)
    info = nft.series(token_id // SERIES_STRIDE)
    policy = TransferPolicy(info.policy)
    if policy is TransferPolicy.SOULBOUND:
        raise InvalidIntent(f"token {token_id} is soulbound: it can never be gifted")
    if policy is TransferPolicy.GIFT_AFTER_HOLD and acquired_at + info.holdSeconds > deadline:
        raise InvalidIntent(
            f"token {token_id} is held until {acquired_at + info.holdSeconds}, after the deadline {deadline}"
        )
    return Gift(token_id=token_id, to=to, deadline=deadline, acquired_at=acquired_at)


def voucher_for(
    nft: ContractInstance,
    signer: str,
    series_id: int,
    to: str,
    voucher_id: int,
    deadline: int,
    now: int,
) -> Voucher:
    """A voucher of ``signer`` that the contract would honour now: refused (:class:`InvalidIntent`) otherwise.

    ``signer`` must hold ``VOUCHER_SIGNER_ROLE``, have a cap for the series with room left, and not have used
    ``voucher_id``; the deadline must not be past.
    """
    if deadline < now:
        raise InvalidIntent(f"the deadline {deadline} has passed (the chain's time is {now})")
    if not nft.hasRole(nft.VOUCHER_SIGNER_ROLE(), signer):
        raise InvalidIntent(
            f"{signer} does not hold {VOUCHER_SIGNER_ROLE}: its vouchers would be refused"
        )
    cap, claimed = nft.voucherAllowance(signer, series_id)
    if cap == 0:
        raise InvalidIntent(
            f"{signer} may not issue vouchers for series {series_id} (no allowance)"
        )
    if claimed >= cap:
        raise InvalidIntent(f"{signer} has used its cap of {cap} vouchers for series {series_id}")
    if nft.isVoucherUsed(signer, voucher_id):
        raise InvalidIntent(f"voucher {voucher_id} of {signer} was claimed already")
    return Voucher(series_id=series_id, to=to, voucher_id=voucher_id, deadline=deadline)


def sign_intent(account: AccountAPI, domain: Domain, intent: Gift | Voucher) -> bytes:
    """``account``'s 65-byte signature (``r ‖ s ‖ v``) of ``intent`` in ``domain``."""
    signature = account.sign_message(signable(typed_data(domain, intent)))
    if signature is None:
        raise InvalidIntent(f"account {account.address} cannot sign typed data")
    return signature_bytes(signature.v, signature.r, signature.s)


def intent_call(nft: ContractInstance, intent: Gift | Voucher, signature: bytes) -> bytes:
    """The calldata of ``intent`` for ``giftBySig`` or ``claimVoucher``: alone, or one entry of ``relay``."""
    if isinstance(intent, Gift):
        return bytes(
            nft.giftBySig.encode_input(intent.token_id, intent.to, intent.deadline, signature)
        )
    return bytes(
        nft.claimVoucher.encode_input(
            intent.series_id, intent.to, intent.voucher_id, intent.deadline, signature
        )
    )
