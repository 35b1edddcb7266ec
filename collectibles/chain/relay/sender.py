"""The relay's view of the chain: sign a ``relay`` batch, and tell whether a batch's transaction executed.

:class:`RelaySender` is the airdrop's :class:`~collectibles.chain.airdrop.node.NodeClient` (broadcasts, receipts,
the pool, nonces, fees, all retried) with what the airdrop's execution and mempool watch ask of their sender,
answered for ``relay`` transactions: a batch is *executed* when one of the transactions signed for it (the
journal's variants at its nonce) has a successful receipt on the chain as it is now. Which of its intents
succeeded is read from that transaction afterwards (:mod:`~collectibles.chain.relay.report`); a failed intent
does not make the batch fail (``relay`` is per intent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hexbytes import HexBytes

from collectibles.chain.airdrop.fees import Fees
from collectibles.chain.airdrop.node import NodeClient, gas_limit_for
from collectibles.chain.airdrop.sender import Execution, SignedBatch, sign_contract_call

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.node import Receipt
    from collectibles.chain.airdrop.records import BatchRecord


@dataclass
class RelayCost:
    """What the mempool's funds check asks of a mode: a batch's gas by its count of intents."""

    empty: int = 30_000
    per_intent: int = 100_000
    """The plan's largest intent gas: the check prices every batch as if all its intents were that big."""

    def estimate_batch_gas(self, count: int) -> int:
        return self.empty + count * self.per_intent


class RelaySender(NodeClient):
    """Signs ``relay`` calls of ``contract`` from ``sender``; ``variants`` gives the hashes of every
    transaction signed for a batch at its nonce (the runner's journal)."""

    def __init__(
        self,
        contract: ContractInstance,
        sender: AccountAPI,
        *,
        patience: float | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        super().__init__(contract.provider, sender, patience=patience, log=log)
        self.contract = contract
        self.address = str(contract.address)
        self.mode = RelayCost()
        self.variants: Callable[[BatchRecord], Sequence[str]] = lambda batch: ()

    def sign_call(
        self,
        data: bytes,
        nonce: int,
        fees: Fees | None = None,
        gas_limit: int | None = None,
        *,
        planned_gas: int = 0,
    ) -> SignedBatch:
        """Sign a call of the contract with ``data`` at ``nonce``. Sends nothing.

        The gas limit, unless given (a replacement keeps its batch's), is the higher of the node's estimate and
        ``planned_gas`` (what the batch's intents need to *succeed*: a ``relay`` does not revert when an intent
        runs short, so its estimate alone can starve one, see :mod:`~collectibles.chain.relay.simulation`),
        with the airdrop's headroom."""
        if gas_limit is None:
            estimate = self.retrying(
                "estimating gas",
                lambda: self.web3.eth.estimate_gas(
                    {"from": self.sender.address, "to": self.address, "data": HexBytes(data)}
                ),
            )
            gas_limit = gas_limit_for(max(int(estimate), planned_gas))
        return sign_contract_call(self, self.contract, data, nonce, gas_limit, fees, "relay")

    def executed_receipt(self, batch: BatchRecord) -> Receipt | None:
        """The successful receipt, on the chain as it is now, of a transaction signed for ``batch``."""
        for tx_hash in self.variants(batch):
            receipt = self.canonical_receipt(tx_hash)
            if receipt is not None and int(receipt["status"]) == 1:
                return receipt
        return None

    # What the airdrop's execution and watch call (``series_id`` is the airdrop's; a relay has none).

    def executed(self, series_id: int, batch: BatchRecord) -> bool:
        return self.executed_receipt(batch) is not None

    def executed_many(self, series_id: int, batches: Sequence[BatchRecord]) -> list[bool]:
        return [self.executed(series_id, batch) for batch in batches]

    def execution(self, series_id: int, batch: BatchRecord, from_block: int) -> Execution:
        receipt = self.executed_receipt(batch)
        if receipt is None:
            return Execution(0, None, None)
        return Execution(0, str(receipt["transactionHash"]), int(receipt["blockNumber"]))

    def transaction_input(self, tx_hash: str) -> bytes:
        """The input of a mined transaction."""
        tx = self.request("reading a transaction", "eth_getTransactionByHash", tx_hash) or {}
        return bytes(HexBytes(tx.get("input") or "0x"))
