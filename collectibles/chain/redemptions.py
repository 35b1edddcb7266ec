"""Reading ``CollectibleRedemption``'s ``Redeemed`` events from a node, for the fulfilment ledger.

:class:`RpcRedemptions` is the :class:`~collectibles.domain.redemptions.RedemptionSource` of a real chain:
plain JSON-RPC through a web3 provider's ``make_request`` (Ape's, or an ``HTTPProvider`` of a process that
does not load Ape), ``eth_getLogs`` in ranges of at most :data:`LOG_RANGE` blocks, halved when the node
refuses a range or an answer as too large, as public endpoints do. The log is decoded by hand from its
topics and data: the event's layout is fixed by its signature, :data:`REDEEMED_SIGNATURE`.

:func:`chain_of` gives the ledger's identity (chain id and genesis block, read the way
:func:`collectibles.chain.deployment.chain_identity` reads it) and :func:`deployment_block` the block from
which a new ledger starts reading (the first with the contract's code). :func:`redemption_source` finds the
contract (the address given, else the deployment registry's) and :func:`ledger_for` names its ledger, as
``ape run redemptions`` needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eth_utils import keccak, to_checksum_address

from collectibles.chain.deployment import has_code
from collectibles.chain.programme import REDEMPTION, programme_deployment
from collectibles.domain.errors import CollectiblesError, NoDeployment, StaleDeployment
from collectibles.domain.redemptions import Fulfilment, Reconciliation, Redemption, reconcile
from collectibles.domain.redemptions_ledger_file import LedgerIdentity, default_ledger_path

if TYPE_CHECKING:
    from ape.api import ProviderAPI
    from web3.providers.base import BaseProvider

    from collectibles.chain.registry import Registry
    from collectibles.domain.redemptions_ledger import RedemptionLedger

REDEEMED_SIGNATURE = "Redeemed(uint256,uint256,address,bytes32,uint256)"
REDEEMED_TOPIC = "0x" + keccak(text=REDEEMED_SIGNATURE).hex()
LOG_RANGE = 2_000
"""Blocks one ``eth_getLogs`` asks for at most (many hosted nodes refuse more than a few thousand)."""


class NodeError(CollectiblesError):
    """The node refused a request (not a revert: a rate limit, a pruned block, a range it will not serve)."""

    def __init__(self, method: str, error: Any):
        message = error.get("message", error) if isinstance(error, dict) else error
        super().__init__(f"the node refused {method}: {message}")


class RpcRedemptions:
    """The ``Redeemed`` events of the contract at ``address``, and the blocks, as a node reports them."""

    def __init__(self, provider: BaseProvider, address: str, log_range: int = LOG_RANGE):
        self._provider = provider
        self.address = to_checksum_address(address)
        self.log_range = log_range

    def request(self, method: str, *params: Any) -> Any:
        answer = self._provider.make_request(cast("Any", method), list(params))
        if "error" in answer:
            raise NodeError(method, answer["error"])
        return answer.get("result")

    def head(self) -> int:
        return int(self.request("eth_blockNumber"), 16)

    def block_hash(self, number: int) -> str | None:
        if number < 0:
            return None
        block = self.request("eth_getBlockByNumber", hex(number), False)
        return None if block is None else str(block["hash"]).lower()

    def redemptions(self, first: int, last: int) -> list[Redemption]:
        """Every ``Redeemed`` event in ``first..last``, in chain order (block, then log index)."""
        found: list[Redemption] = []
        start, span = first, self.log_range
        while start <= last:
            end = min(last, start + span - 1)
            query = {
                "address": self.address,
                "topics": [REDEEMED_TOPIC],
                "fromBlock": hex(start),
                "toBlock": hex(end),
            }
            try:
                logs = self.request("eth_getLogs", query)
            except NodeError:
                if end == start:
                    raise
                span = max(1, (end - start + 1) // 2)  # too large for this node: ask for less
                continue
            found += [decode_redeemed(log) for log in logs if not log.get("removed")]
            start = end + 1
        return sorted(found, key=lambda r: (r.block_number, r.log_index))

    def code_at(self, block: int) -> bool:
        return self.request("eth_getCode", self.address, hex(block)) not in (None, "0x", "0x0")


def decode_redeemed(log: dict[str, Any]) -> Redemption:
    """A ``Redeemed`` log as a :class:`Redemption`: campaign, token and holder are topics, the order
    reference and count the data."""
    topics = log["topics"]
    data = bytes.fromhex(str(log["data"])[2:])
    if len(topics) != 4 or len(data) != 64:
        raise NodeError("eth_getLogs", f"a Redeemed log that does not fit {REDEEMED_SIGNATURE}")
    return Redemption(
        campaign_id=int(topics[1], 16),
        token_id=int(topics[2], 16),
        holder="0x" + str(topics[3])[-40:].lower(),
        order_ref="0x" + data[:32].hex(),
        count=int.from_bytes(data[32:], "big"),
        block_number=int(log["blockNumber"], 16),
        block_hash=str(log["blockHash"]).lower(),
        tx_hash=str(log["transactionHash"]).lower(),
        log_index=int(log["logIndex"], 16),
    )


def chain_of(source: RpcRedemptions) -> tuple[int, str]:
    """The chain id and genesis hash: block 1's parent when there is a block 1 (a chain restarted from its
    state keeps its identity, as :func:`collectibles.chain.deployment.chain_identity` explains), else block 0."""
    chain_id = int(source.request("eth_chainId"), 16)
    block = source.request("eth_getBlockByNumber", "0x1", False)
    if block is not None:
        return chain_id, str(block["parentHash"]).lower()
    genesis = source.request("eth_getBlockByNumber", "0x0", False)
    return chain_id, str(genesis["hash"]).lower()


def deployment_block(source: RpcRedemptions) -> int:
    """The first block at which the contract has code (bisection over ``eth_getCode``); 0 when the node
    cannot answer for old blocks (then a new ledger reads from the genesis: slower, never wrong)."""
    high = source.head()
    try:
        if not source.code_at(high):
            raise NotAContractHere(source.address, high)
        low = 0
        while low < high:
            middle = (low + high) // 2
            if source.code_at(middle):
                high = middle
            else:
                low = middle + 1
    except NodeError:
        return 0
    return high


class NotAContractHere(CollectiblesError):
    def __init__(self, address: str, block: int):
        super().__init__(
            f"no contract at {address} (block {block}): pass the CollectibleRedemption address with "
            "--redemption"
        )


def redemption_source(
    provider: ProviderAPI, address: str | None, registry: Callable[[], Registry]
) -> RpcRedemptions | None:
    """The ``Redeemed`` events of ``address`` through Ape's ``provider``, else (no ``address``) of the
    contract ``registry()`` records as this chain's ``CollectibleRedemption``
    (:func:`~collectibles.chain.programme.programme_deployment`); ``None`` when it records none that has
    code. The registry is loaded only when it is needed.

    Raises :class:`NotAContractHere` when ``address`` has no code.
    """
    if address is None:
        try:
            address = programme_deployment(provider, registry(), REDEMPTION).address
        except (NoDeployment, StaleDeployment):
            return None
    elif not has_code(provider)(address):
        raise NotAContractHere(address, provider.get_block("latest").number or 0)
    return RpcRedemptions(provider.web3.provider, address)


def ledger_for(
    source: RpcRedemptions, root: str | Path, path: Path | None = None, from_block: int | None = 0
) -> tuple[LedgerIdentity, Path]:
    """The identity of the ledger of ``source``'s contract on this chain, and its file: ``path``, else its
    default under ``root``.

    ``from_block`` is where a new ledger starts reading; ``None``: the contract's deployment block, looked
    up (a bisection) only when there is no file yet. An existing ledger keeps the start it recorded: opening
    or reading it checks the chain and the contract, not the start.
    """
    chain_id, genesis = chain_of(source)
    identity = LedgerIdentity(chain_id, genesis, source.address, from_block or 0)
    path = path or default_ledger_path(root, identity)
    if from_block is None and not path.exists():
        identity = replace(identity, start_block=deployment_block(source))
    return identity, path


def verify(ledger: RedemptionLedger, source: RpcRedemptions, confirmations: int) -> Reconciliation:
    """Every ``Redeemed`` event from the ledger's start block to the confirmed head against every
    fulfilment in the ledger, both ways (:func:`~collectibles.domain.redemptions.reconcile`); a fulfilment
    above the confirmed head counts as not redeemed when the chain does not have its block."""
    identity = ledger.identity()
    assert identity is not None
    checked_to = source.head() - (confirmations - 1)
    events = source.redemptions(identity.start_block, checked_to)
    cursor = ledger.cursor()
    fulfilments: list[Fulfilment] = ledger.fulfilments()
    return reconcile(
        events,
        fulfilments,
        checked_to=checked_to,
        cursor=None if cursor is None else cursor.block,
        block_gone=lambda r: source.block_hash(r.block_number) != r.block_hash,
    )
