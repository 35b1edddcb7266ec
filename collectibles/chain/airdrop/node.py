"""The airdrop's connection to the node: broadcasts, receipts, the pool, nonces, fees and blocks, all retried.

:class:`NodeClient` talks to the node Ape is connected to over a connection of its own (a short request
timeout, web3's own retries off: see :mod:`~collectibles.chain.airdrop.retry`) and runs every call through
:class:`~collectibles.chain.airdrop.retry.Retrying`, so resets, timeouts, 429 and 5xx are retried with backoff
and a node that stays away ends the run with one clear error. :meth:`NodeClient.observe` gathers what the
node shows of a batch's transactions, for :mod:`~collectibles.chain.airdrop.lifecycle` to judge. The helpers
at the end read a signed transaction's fees and cost back from its bytes (the journal keeps only the bytes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from collectibles.chain.airdrop.fees import Fees
from collectibles.chain.airdrop.lifecycle import Observation
from collectibles.chain.airdrop.plan import TX_GAS_CAP
from collectibles.chain.airdrop.retry import REQUEST_TIMEOUT, Retrying
from collectibles.domain.errors import AirdropNotPossible

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI, ProviderAPI
    from eth_typing import HexStr
    from web3 import Web3
    from web3.types import BlockIdentifier, FilterParams, LogReceipt, TxReceipt

GAS_LIMIT_MULTIPLIER = 1.2
"""Headroom over ``eth_estimateGas`` for each signed transaction."""


def web3_of(provider: ProviderAPI) -> Web3:
    """The web3 connection behind an Ape provider; the airdrop sends raw transactions through it."""
    from ape_ethereum.provider import Web3Provider

    if not isinstance(provider, Web3Provider):
        raise TypeError(
            f"the airdrop needs a web3-based provider (Anvil, Ganache, a node's RPC), not {type(provider).__name__}"
        )
    return provider.web3


def own_connection(provider: ProviderAPI) -> tuple[Web3, str]:
    """A web3 connection of the sender's own to the node behind ``provider``, and the endpoint's name.

    Over HTTP (Ape's ``http_uri``): a new ``HTTPProvider`` with
    :data:`~collectibles.chain.airdrop.retry.REQUEST_TIMEOUT` and no retries of its own (the sender's
    :class:`Retrying` decides). Otherwise (IPC, an in-process chain) Ape's connection as it is.
    """
    from web3 import HTTPProvider, Web3
    from web3.middleware import ExtraDataToPOAMiddleware

    shared = web3_of(provider)
    uri = provider.http_uri
    if not uri or not uri.startswith(("http://", "https://")):
        return shared, type(shared.provider).__name__
    web3 = Web3(
        HTTPProvider(
            uri, request_kwargs={"timeout": REQUEST_TIMEOUT}, exception_retry_configuration=None
        )
    )
    web3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return web3, uri


class NodeClient:
    """The node calls of an airdrop sent from ``sender``, retried for at most ``patience`` seconds."""

    def __init__(
        self,
        provider: ProviderAPI,
        sender: AccountAPI,
        *,
        patience: float | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.sender = sender
        self._logs: dict[str, list[LogReceipt]] = {}
        self.web3, endpoint = own_connection(provider)
        self.retrying = (
            Retrying(endpoint, log=log)
            if patience is None
            else Retrying(endpoint, patience=patience, log=log)
        )

    def logs(self, params: FilterParams) -> list[LogReceipt]:
        """``eth_getLogs`` for ``params``, answered once per watch pass (see :meth:`new_pass`).

        The watch asks for the same campaign's logs once per batch; on a chain with many logs each query is
        a scan, so within a pass they share one answer.
        """
        key = repr(sorted(params.items()))
        if key not in self._logs:
            self._logs[key] = list(
                self.retrying("reading logs", lambda: self.web3.eth.get_logs(params))
            )
        return self._logs[key]

    def new_pass(self) -> None:
        """Forget the logs read so far: the next :meth:`logs` asks the node again."""
        self._logs.clear()

    def broadcast(self, raw_tx: str) -> str | None:
        """Send a signed transaction; returns the node's refusal, if any, for the caller to log.

        A refusal is not an error here: "already known" and "nonce too low" are what a resumed run hears for a
        transaction that did reach the chain, so the receipt decides, not the answer to the broadcast.
        """
        from collectibles.chain.airdrop.retry import ChainUnavailable

        try:
            self.retrying(
                "broadcasting",
                lambda: self.web3.eth.send_raw_transaction(cast("HexStr", raw_tx)),
            )
        except ChainUnavailable:
            raise
        except Exception as err:  # noqa: BLE001 - any answer is only logged; the receipt decides
            return str(err)
        return None

    def wait_for_receipt(self, tx_hash: str, timeout: float) -> TxReceipt | None:
        """The receipt of ``tx_hash`` once mined, or ``None`` if none came within ``timeout`` seconds."""
        from web3.exceptions import TimeExhausted

        try:
            return self.retrying(
                "waiting for a receipt",
                lambda: self.web3.eth.wait_for_transaction_receipt(
                    cast("HexStr", tx_hash), timeout=timeout, poll_latency=0.1
                ),
            )
        except TimeExhausted:
            return None

    def receipt(self, tx_hash: str | None) -> TxReceipt | None:
        """The receipt of ``tx_hash`` if it is mined, else ``None`` (also for no hash at all)."""
        from web3.exceptions import TransactionNotFound

        if not tx_hash:
            return None
        try:
            return self.retrying(
                "reading a receipt",
                lambda: self.web3.eth.get_transaction_receipt(cast("HexStr", tx_hash)),
            )
        except TransactionNotFound:
            return None

    def in_pool(self, tx_hash: str) -> bool:
        """Whether the node knows ``tx_hash`` as a pending transaction (not mined, not dropped)."""
        from web3.exceptions import TransactionNotFound

        try:
            tx = self.retrying(
                "reading a transaction",
                lambda: self.web3.eth.get_transaction(cast("HexStr", tx_hash)),
            )
        except TransactionNotFound:
            return False
        return tx.get("blockNumber") is None

    def observe(self, tx_hashes: Sequence[str], nonce: int) -> Observation:
        """What the chain shows of the variants ``tx_hashes`` of one batch, all signed at ``nonce``."""
        # In this order, so that a transaction mined while we look is seen mined, never as "nonce taken" or
        # "dropped": the nonce first, then the pool, then the receipts.
        nonce_used = nonce < self.nonce("latest")
        pooled = any(self.in_pool(h) for h in tx_hashes)
        receipts = [r for h in tx_hashes if (r := self.receipt(h)) is not None]
        mined = receipts[0] if receipts else None
        return Observation(
            mined_status=None if mined is None else int(mined["status"]),
            mined_hash=None if mined is None else "0x" + bytes(mined["transactionHash"]).hex(),
            in_pool=mined is None and pooled,
            nonce_used=nonce_used,
        )

    def nonce(self, block: BlockIdentifier) -> int:
        """The sender's transaction count at ``block`` (``"latest"`` mined, ``"pending"`` with the pool)."""
        return int(
            self.retrying(
                "reading the nonce",
                lambda: self.web3.eth.get_transaction_count(self.sender.address, block),
            )
        )

    def balance(self) -> int:
        """The sender's balance in wei."""
        return int(
            self.retrying(
                "reading the balance", lambda: self.web3.eth.get_balance(self.sender.address)
            )
        )

    def gas_price(self) -> int:
        return int(self.retrying("reading the gas price", lambda: self.web3.eth.gas_price))

    def base_fee(self) -> int:
        """The base fee of the latest block (0 on a chain without EIP-1559)."""
        block = self.retrying("reading a block", lambda: self.web3.eth.get_block("latest"))
        return int(block.get("baseFeePerGas", 0))

    def suggested_tip(self) -> int:
        """The node's suggested priority fee (``eth_maxPriorityFeePerGas``)."""
        return int(
            self.retrying("reading the priority fee", lambda: self.web3.eth.max_priority_fee)
        )

    def block_gas_limit(self) -> int:
        block = self.retrying("reading a block", lambda: self.web3.eth.get_block("latest"))
        return int(block["gasLimit"])

    def block_number(self) -> int:
        return int(self.retrying("reading the block number", lambda: self.web3.eth.block_number))

    def block_hash(self, number: int) -> str | None:
        """The hash of block ``number`` on the chain as it is now, ``None`` past the head."""
        from web3.exceptions import BlockNotFound

        try:
            block = self.retrying("reading a block", lambda: self.web3.eth.get_block(number))
        except BlockNotFound:
            return None
        return "0x" + bytes(block["hash"]).hex()


def gas_limit_for(estimate: int) -> int:
    """The signed gas limit: :data:`GAS_LIMIT_MULTIPLIER` over ``estimate``, clamped to EIP-7825's cap.

    An estimate above the cap cannot be sent on an Osaka chain: refused with the figures.
    """
    if estimate > TX_GAS_CAP:
        raise AirdropNotPossible(
            f"the batch needs {estimate:,} gas, above the per-transaction cap of {TX_GAS_CAP:,} "
            "(EIP-7825); use a smaller --batch-size"
        )
    return min(int(estimate * GAS_LIMIT_MULTIPLIER), TX_GAS_CAP)


def _fields_of(raw_tx: str) -> dict[str, Any] | None:
    """The fields of a signed EIP-1559 transaction, ``None`` for another type."""
    from eth_account.typed_transactions import TypedTransaction
    from hexbytes import HexBytes

    raw = HexBytes(raw_tx)
    if not raw or raw[0] != 2:
        return None
    return dict(TypedTransaction.from_bytes(raw).as_dict())


def fees_of(raw_tx: str) -> Fees | None:
    """The EIP-1559 fees a signed transaction carries (``None`` for a legacy transaction)."""
    fields = _fields_of(raw_tx)
    if fields is None:
        return None
    return Fees(int(fields["maxFeePerGas"]), int(fields["maxPriorityFeePerGas"]))


def max_cost_of(raw_tx: str) -> int:
    """The most a signed EIP-1559 transaction can cost its sender (gas limit x max fee); 0 for another type.

    The runner always signs with :class:`Fees`, so its transactions are EIP-1559.
    """
    fields = _fields_of(raw_tx)
    return 0 if fields is None else int(fields["gas"]) * int(fields["maxFeePerGas"])
