"""The airdrop's view of its contract: sign a batch, and read back the campaign's marks and executions.

Every chain call of the runner goes through :class:`BatchSender`, so the runner itself only decides what to do
with the answers (and what to journal first). What is not about the contract (broadcasting, receipts, the pool,
nonces, fees, blocks, all retried with backoff) is :class:`~collectibles.chain.airdrop.node.NodeClient`'s,
which it extends. Fees follow :mod:`~collectibles.chain.airdrop.fees`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from eth_utils import keccak

from collectibles.chain.airdrop.fees import Fees
from collectibles.chain.airdrop.node import GAS_LIMIT_MULTIPLIER, NodeClient, gas_limit_for
from collectibles.domain.errors import AirdropNotPossible, ExecutionMismatch
from collectibles.domain.tokens import split_token_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance
    from eth_typing import HexStr
    from web3.types import FilterParams

    from collectibles.chain.airdrop.plan import Batch
    from collectibles.chain.airdrop.records import BatchRecord

__all__ = ["GAS_LIMIT_MULTIPLIER", "BatchSender", "CampaignExecution", "Execution", "SignedBatch"]


@dataclass(frozen=True)
class SignedBatch:
    """A signed airdrop transaction, both 0x-hex: what the journal stores before anything is broadcast."""

    raw_tx: str
    tx_hash: str
    gas_limit: int = 0
    fees: Fees | None = None

    @property
    def max_cost(self) -> int:
        """The most this transaction can cost the sender (gas limit x max fee), in wei."""
        return self.gas_limit * (self.fees.max_fee if self.fees else 0)


@dataclass(frozen=True)
class Execution:
    """Where the chain executed a batch; the transaction and block are unknown when no log was found."""

    first_token_id: int
    tx_hash: str | None
    block_number: int | None


@dataclass(frozen=True)
class CampaignExecution:
    """One ``AirdropExecuted`` log of our campaign: members ``first_index`` to ``first_index + count - 1``,
    of which ``minted`` got tokens from ``first_token_id`` on."""

    first_index: int
    count: int
    first_token_id: int
    minted: int
    tx_hash: str
    block_number: int


class BatchSender(NodeClient):
    """Signs ``Collectible.airdrop`` calls of ``contract`` from ``sender`` and reads their executions; the
    node-level calls (broadcast, receipts, pool, nonces, fees, blocks) come from :class:`NodeClient`.

    ``patience`` is how many seconds of failed RPC attempts end the run (:class:`ChainUnavailable`).
    """

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
        # From the contract's ABI rather than typed by hand, so the topic follows the contract.
        self.executed_topic = "0x" + keccak(text=contract.AirdropExecuted.abi.selector).hex()

    def sign(
        self,
        series_id: int,
        batch: Batch | BatchRecord,
        recipients: list[str],
        nonce: int,
        fees: Fees | None = None,
    ) -> SignedBatch:
        """Sign the airdrop of ``batch`` (its campaign, first member number and ``recipients``) at ``nonce``
        with ``fees``; the gas limit is over the estimate and within EIP-7825's cap. Sends nothing."""
        args = (series_id, bytes.fromhex(batch.campaign_id[2:]), batch.start, recipients)
        data = self.contract.airdrop.encode_input(*args)
        estimate = self.retrying(
            "estimating gas",
            lambda: self.web3.eth.estimate_gas(
                {"from": self.sender.address, "to": self.contract.address, "data": data}
            ),
        )
        gas_limit = gas_limit_for(int(estimate))
        fee_fields = (
            {} if fees is None else {"max_fee": fees.max_fee, "max_priority_fee": fees.priority_fee}
        )
        txn = self.retrying(
            "preparing the transaction",
            lambda: self.contract.airdrop.as_transaction(
                *args,
                sender=self.sender,
                nonce=nonce,
                gas_limit=gas_limit,
                **fee_fields,
            ),
        )
        signed = self.sender.sign_transaction(txn)
        if signed is None:
            raise AirdropNotPossible(f"{self.sender.address} did not sign the airdrop transaction")
        raw = bytes(signed.serialize_transaction())
        return SignedBatch("0x" + raw.hex(), "0x" + keccak(raw).hex(), gas_limit, fees)

    def marks(self, series_id: int, campaign_id: str, first: int, count: int) -> list[int]:
        """The contract's marks of our campaign's members ``first`` to ``first + count - 1``, one int each
        word of 256 members (``Collectible.airdropMarks`` for this sender), from word ``first // 256``."""
        campaign = bytes.fromhex(campaign_id[2:])

        def word(index: int) -> int:
            return int(
                self.retrying(
                    "reading the airdrop marks",
                    lambda: self.contract.airdropMarks(
                        self.sender.address, series_id, campaign, index
                    ),
                )
            )

        return [word(w) for w in range(first >> 8, ((first + count - 1) >> 8) + 1)]

    def executed(self, series_id: int, batch: Batch | BatchRecord) -> bool:
        """Whether every member of ``batch`` is marked served on chain: one transaction marks a whole batch,
        so for a batch planned from unserved members this says it was executed."""
        words = self.marks(series_id, batch.campaign_id, batch.start, batch.count)
        base = (batch.start >> 8) << 8
        return all(
            (words[(n - base) >> 8] >> (n & 0xFF)) & 1
            for n in range(batch.start, batch.start + batch.count)
        )

    def executions(
        self, series_id: int, campaign_id: str, from_block: int = 0
    ) -> list[CampaignExecution]:
        """Every ``AirdropExecuted`` log of our campaign since ``from_block``, oldest first: the minter (this
        sender), the series and the campaign are its indexed topics, so nobody else's execution is among them.
        The contract marks members only in calls that mint and emit, so these logs cover every member it
        marks for us."""
        params: FilterParams = {
            "address": self.contract.address,
            "fromBlock": from_block,
            "toBlock": "latest",
            "topics": [
                cast("HexStr", self.executed_topic),
                cast("HexStr", "0x" + self.sender.address[2:].lower().rjust(64, "0")),
                cast("HexStr", f"0x{series_id:064x}"),
                cast("HexStr", campaign_id),
            ],
        }
        logs = self.logs(params)
        found = []
        for log in logs:
            first_index, count, first_token_id, minted = _words(bytes(log["data"]))[:4]
            found.append(
                CampaignExecution(
                    first_index,
                    count,
                    first_token_id,
                    minted,
                    "0x" + bytes(log["transactionHash"]).hex(),
                    int(log["blockNumber"]),
                )
            )
        return found

    def execution(self, series_id: int, batch: BatchRecord, from_block: int) -> Execution:
        """Where ``batch`` was executed: the log of our campaign with the batch's first member and count
        (searched from ``from_block``, then from the chain's start for a journal rebuilt after the fact),
        checked against the plan: every member minted, the tokens inside the series.
        :class:`ExecutionMismatch` names what differs; the transaction and block are ``None`` while no log
        is found."""
        for start in dict.fromkeys((from_block, 0)):
            ours = [
                e
                for e in self.executions(series_id, batch.campaign_id, start)
                if (e.first_index, e.count) == (batch.start, batch.count)
            ]
            if ours:
                found = max(ours, key=lambda e: e.minted)
                check_execution(
                    batch, series_id, found.tx_hash, found.count, found.first_token_id, found.minted
                )
                return Execution(found.first_token_id, found.tx_hash, found.block_number)
        return Execution(0, None, None)


def _words(data: bytes) -> tuple[int, ...]:
    """The 32-byte words of an event's data, as ints."""
    return tuple(int.from_bytes(data[i : i + 32], "big") for i in range(0, len(data), 32))


def check_execution(
    batch: BatchRecord, series_id: int, tx_hash: str, count: int, first: int, minted: int
) -> None:
    """Refuse an execution that did not mint one token to each member of ``batch`` inside the series."""
    if count != batch.count or minted != batch.count:
        raise ExecutionMismatch(batch.index, tx_hash, "tokens minted", batch.count, minted)
    last = first + minted - 1
    if split_token_id(first)[0] != series_id or split_token_id(last)[0] != series_id:
        raise ExecutionMismatch(
            batch.index, tx_hash, "token range", f"inside series {series_id}", f"{first}..{last}"
        )
