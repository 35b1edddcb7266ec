"""The airdrop's view of its contract: sign a batch, and read back the campaign's marks and executions.

Every chain call of the runner goes through :class:`BatchSender`, so the runner itself only decides what to do
with the answers (and what to journal first). What is not about the contract (broadcasting, receipts, the pool,
nonces, fees, blocks, all retried with backoff) is :class:`~collectibles.chain.airdrop.node.NodeClient`'s,
which it extends. Fees follow :mod:`~collectibles.chain.airdrop.fees`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_utils import keccak
from hexbytes import HexBytes

from collectibles.chain.airdrop.fees import FeePolicy, Fees
from collectibles.chain.airdrop.modes import (
    ARRAY,
    NOT_STORED,
    AirdropMode,
    is_out_of_gas,
    out_of_gas,
)
from collectibles.chain.airdrop.node import (
    GAS_LIMIT_MULTIPLIER,
    NodeClient,
    NodeRefused,
    block_at,
    gas_limit_for,
)
from collectibles.domain.errors import AirdropNotPossible, ExecutionMismatch
from collectibles.domain.tokens import split_token_id

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

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
    """Signs ``Collectible.airdrop`` (or, in ``mode`` roster, ``airdropRoster``) calls of ``contract`` from
    ``sender`` and reads their executions (both calls emit the same event and keep the same marks); the
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
        mode: AirdropMode = ARRAY,
    ):
        super().__init__(contract.provider, sender, patience=patience, log=log)
        self.contract = contract
        self.mode = mode
        """Which call a batch is signed as (``airdrop`` or ``airdropRoster``): chosen once for the run."""
        self.address = str(contract.address)
        # From the contract's ABI rather than typed by hand, so the topic and selectors follow the contract.
        self.executed_topic = "0x" + keccak(text=contract.AirdropExecuted.abi.selector).hex()
        self._airdrop = _selector(getattr(contract, mode.function).abis[0].selector)
        self._marks = _selector(contract.airdropMarks.abis[0].selector)
        self._from_block: int | None = None

    def first_block(self) -> int:
        """The block logs of the contract are read from: its deployment's (see
        :meth:`~collectibles.chain.airdrop.node.NodeClient.deployment_block`), found once per run."""
        if self._from_block is None:
            self._from_block = self.deployment_block(self.address)
        return self._from_block

    def airdrop_calldata(
        self, series_id: int, campaign_id: str, first: int, recipients: Sequence[str]
    ) -> bytes:
        """The batch's call in this run's mode (``airdrop`` or ``airdropRoster``), ABI-encoded by hand (see
        :mod:`~collectibles.chain.airdrop.modes`)."""
        return self._airdrop + self.mode.encode_args(series_id, campaign_id, first, recipients)

    def sign(
        self,
        series_id: int,
        batch: Batch | BatchRecord,
        recipients: list[str],
        nonce: int,
        fees: Fees | None = None,
        gas_limit: int | None = None,
    ) -> SignedBatch:
        """Sign the airdrop of ``batch`` (its campaign, first member number and ``recipients``) at ``nonce``
        with ``fees`` (``None``: the default policy's first fees now); the gas limit is over the estimate and
        within EIP-7825's cap (``gas_limit``, when given, is used as is: a replacement keeps its batch's).
        Sends nothing; :func:`sign_contract_call` signs.
        """
        data = self.airdrop_calldata(series_id, batch.campaign_id, batch.start, recipients)
        if gas_limit is None:
            try:
                estimate = self.retrying(
                    "estimating gas",
                    lambda: self.web3.eth.estimate_gas(
                        {"from": self.sender.address, "to": self.address, "data": HexBytes(data)}
                    ),
                )
            except Exception as err:  # a roster short of gas reverts with its own error: say so
                if self.mode.ran_out_of_gas(f"{err} {getattr(err, 'data', '')}"):
                    raise AirdropNotPossible(
                        f"batch {batch.index} ({batch.count} recipients): {self.mode.explain(NOT_STORED)}"
                    ) from err
                # An array batch beyond the gas a call gets: the node's words, not a revert.
                if is_out_of_gas(str(err)):
                    raise AirdropNotPossible(
                        out_of_gas(batch, self.mode, self.block_gas_limit())
                    ) from err
                raise
            gas_limit = gas_limit_for(int(estimate))
        return sign_contract_call(self, self.contract, data, nonce, gas_limit, fees, "airdrop")

    def marks(
        self,
        series_id: int,
        campaign_id: str,
        first: int,
        count: int,
        block: str | dict[str, Any] = "latest",
    ) -> list[int]:
        """The contract's marks of our campaign's members ``first`` to ``first + count - 1``, one int each
        word of 256 members (``Collectible.airdropMarks`` for this sender), from word ``first // 256``, in
        the state at ``block`` (a tag, or :func:`~collectibles.chain.airdrop.node.block_at` a block hash).

        One plain ``eth_call`` per word, encoded here (Ape's contract call costs ten times the node's work),
        sent in JSON-RPC batches: a watch pass reads the words of all its batches in a few round trips.
        """
        head = (
            self._marks
            + _address_word(self.sender.address)
            + _word(series_id)
            + bytes.fromhex(campaign_id[2:]).rjust(32, b"\0")
        )

        def call(index: int) -> list[Any]:
            data = "0x" + (head + _word(index)).hex()
            return [{"from": self.sender.address, "to": self.address, "data": data}, block]

        words = range(first >> 8, ((first + count - 1) >> 8) + 1)
        answers = self.request_many(
            "reading the airdrop marks", "eth_call", [call(w) for w in words]
        )
        if any(answer in (None, "0x") for answer in answers):  # no code there (yet): not an answer
            raise NodeRefused("eth_call", f"airdropMarks answered {answers[0]!r} at {block}")
        return [int(answer, 16) for answer in answers]

    def executed(self, series_id: int, batch: Batch | BatchRecord) -> bool:
        """Whether every member of ``batch`` is marked served on chain: one transaction marks a whole batch,
        so for a batch planned from unserved members this says it was executed."""
        words = self.marks(series_id, batch.campaign_id, batch.start, batch.count)
        return _all_marked(words, batch.start, batch.count)

    def executed_at(
        self, series_id: int, batch: Batch | BatchRecord, block_hash: str
    ) -> bool | None:
        """:meth:`executed` in the state after block ``block_hash``; ``None`` when the node cannot show that
        state (the block left the chain, or its state is pruned). The one judge of a batch whose receipt is
        in that block: the latest state may not include the block yet, or any more."""
        try:
            words = self.marks(
                series_id, batch.campaign_id, batch.start, batch.count, block_at(block_hash)
            )
        except NodeRefused:
            return None
        return _all_marked(words, batch.start, batch.count)

    def executed_many(self, series_id: int, batches: Sequence[Batch | BatchRecord]) -> list[bool]:
        """:meth:`executed` for each of ``batches`` (of one campaign), reading each word of marks once."""
        if not batches:
            return []
        first = min(b.start for b in batches)
        last = max(b.start + b.count for b in batches)
        words = self.marks(series_id, batches[0].campaign_id, first, last - first)
        base = first >> 8
        return [_all_marked(words[(b.start >> 8) - base :], b.start, b.count) for b in batches]

    def executions(
        self, series_id: int, campaign_id: str, from_block: int | None = None
    ) -> list[CampaignExecution]:
        """Every ``AirdropExecuted`` log of our campaign since ``from_block`` (default: the contract's
        deployment), oldest first: the minter (this sender), the series and the campaign are its indexed
        topics, so nobody else's execution is among them. The contract marks members only in calls that
        mint and emit, so these logs cover every member it marks for us."""
        params = {
            "address": self.address,
            "fromBlock": self.first_block() if from_block is None else from_block,
            "topics": [
                self.executed_topic,
                "0x" + self.sender.address[2:].lower().rjust(64, "0"),
                f"0x{series_id:064x}",
                campaign_id,
            ],
        }
        found = []
        for log in self.logs(params):
            first_index, count, first_token_id, minted = _words(bytes.fromhex(log["data"][2:]))[:4]
            found.append(
                CampaignExecution(
                    first_index,
                    count,
                    first_token_id,
                    minted,
                    str(log["transactionHash"]),
                    int(log["blockNumber"], 16),
                )
            )
        return found

    def execution(self, series_id: int, batch: BatchRecord, from_block: int) -> Execution:
        """Where ``batch`` was executed: the log of our campaign with the batch's first member and count
        (searched from ``from_block``, then from the contract's deployment for a journal rebuilt after the
        fact), checked against the plan: every member minted, the tokens inside the series.
        :class:`ExecutionMismatch` names what differs; the transaction and block are ``None`` while no log
        is found."""
        for start in dict.fromkeys((from_block, None)):
            ours = [
                e
                for e in self.executions(series_id, batch.campaign_id, start)
                if (e.first_index, e.count) == (batch.start, batch.count)
            ]
            if ours:
                # One log mints (the marks skip members served); of equals, the latest block's: a
                # transaction whose block a reorg raced is mined again later, its first log still there.
                found = max(ours, key=lambda e: (e.minted, e.block_number))
                check_execution(
                    batch, series_id, found.tx_hash, found.count, found.first_token_id, found.minted
                )
                return Execution(found.first_token_id, found.tx_hash, found.block_number)
        return Execution(0, None, None)


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _address_word(address: str) -> bytes:
    raw = bytes.fromhex(address[2:])
    if len(raw) != 20:
        raise ValueError(f"not an address: {address}")
    return bytes(12) + raw


def _all_marked(words: Sequence[int], start: int, count: int) -> bool:
    """Whether members ``start`` to ``start + count - 1`` are all set in ``words`` (from word ``start // 256``)."""
    base = (start >> 8) << 8
    return all((words[(n - base) >> 8] >> (n & 0xFF)) & 1 for n in range(start, start + count))


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


def sign_contract_call(
    client: NodeClient,
    contract: ContractInstance,
    data: bytes,
    nonce: int,
    gas_limit: int,
    fees: Fees | None,
    what: str,
) -> SignedBatch:
    """Sign, as ``client``'s sender, a type-2 call of ``contract`` with ``data`` at ``nonce`` (``fees``
    ``None``: the default policy's first fees now). Sends nothing. The airdrop and the relay sign every
    variant here.

    The transaction is built by the ecosystem (not through the contract method, whose argument conversion
    checksums every recipient again) and signed by the Ape account, so any account type signs as it always
    does (a keyfile account asks for its passphrase)."""
    if fees is None:
        fees = FeePolicy().initial(client.base_fee(), client.suggested_tip())
    txn = contract.provider.network.ecosystem.create_transaction(
        chain_id=client.chain_id(),
        nonce=nonce,
        sender=client.sender.address,
        receiver=str(contract.address),
        data=data,
        gas_limit=gas_limit,
        max_fee=fees.max_fee,
        max_priority_fee=fees.priority_fee,
        type=2,
    )
    signed = client.sender.sign_transaction(txn)
    if signed is None:
        raise AirdropNotPossible(f"{client.sender.address} did not sign the {what} transaction")
    raw = bytes(signed.serialize_transaction())
    return SignedBatch("0x" + raw.hex(), "0x" + keccak(raw).hex(), gas_limit, fees)
