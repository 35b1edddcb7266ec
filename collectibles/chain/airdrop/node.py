"""The airdrop's connection to the node: broadcasts, receipts, the pool, nonces, fees and blocks, all retried.

:class:`NodeClient` talks to the node Ape is connected to over a connection of its own (a short request
timeout, web3's own retries off: see :mod:`~collectibles.chain.airdrop.retry`) and runs every call through
:class:`~collectibles.chain.airdrop.retry.Retrying`, so resets, timeouts, 429 and 5xx are retried with backoff
and a node that stays away ends the run with one clear error. :meth:`NodeClient.observe` gathers what the
node shows of a batch's transactions, for :mod:`~collectibles.chain.airdrop.lifecycle` to judge. The helpers
at the end read a signed transaction's fees and cost back from its bytes (the journal keeps only the bytes).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from collectibles.chain.airdrop.fees import Fees, next_base_fee
from collectibles.chain.airdrop.lifecycle import Observation
from collectibles.chain.airdrop.plan import TX_GAS_CAP
from collectibles.chain.airdrop.retry import REQUEST_TIMEOUT, Retrying
from collectibles.domain.errors import AirdropNotPossible, CollectiblesError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI, ProviderAPI
    from web3 import Web3
    from web3.types import RPCEndpoint

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


BATCH_LIMIT = 100
"""Calls sent in one JSON-RPC batch request (public endpoints refuse larger batches)."""

LOG_BLOCK_RANGE = 10_000
"""Blocks one ``eth_getLogs`` request covers: public endpoints refuse wider ranges (or answers of more than
10,000 logs), and a long chain is read in ranges of this size, halved when the node refuses one."""

Receipt = dict[str, Any]
"""A receipt as the airdrop reads it, straight from the JSON-RPC answer: ``status``, ``blockNumber`` and
``gasUsed`` as ints, ``transactionHash``, ``blockHash`` and ``contractAddress`` as 0x-hex, ``logs`` raw."""


class NodeRefused(CollectiblesError):
    """The node answered a request with a JSON-RPC error (an answer, not a transport failure: not retried)."""

    def __init__(self, method: str, error: Any):
        self.method = method
        self.error = error
        self.message = str(error.get("message", error) if isinstance(error, dict) else error)
        super().__init__(f"{method}: {self.message}")


class NodeClient:
    """The node calls of an airdrop sent from ``sender``, retried for at most ``patience`` seconds.

    Calls go to the provider as plain JSON-RPC (``make_request``), and the answers are read as the JSON they
    are: web3's result formatters (checksummed addresses and an ``AttributeDict`` for every log of a receipt)
    cost more than the node's work on a receipt of hundreds of logs.
    """

    def __init__(
        self,
        provider: ProviderAPI,
        sender: AccountAPI,
        *,
        patience: float | None = None,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.sender = sender
        self._logs: dict[str, list[dict[str, Any]]] = {}
        self._txs: dict[str, dict[str, Any] | None] = {}
        """Transactions looked up together for this pass (see :meth:`prefetch_transactions`)."""
        self._chain_id: int | None = None
        self.web3, endpoint = own_connection(provider)
        self.retrying = (
            Retrying(endpoint, log=log)
            if patience is None
            else Retrying(endpoint, patience=patience, log=log)
        )

    def request(self, what: str, method: str, *params: Any) -> Any:
        """The ``result`` of one JSON-RPC call, retried while the transport fails; :class:`NodeRefused` for
        an error answer."""

        def call() -> Any:
            answer = self.web3.provider.make_request(cast("RPCEndpoint", method), list(params))
            if "error" in answer:
                raise NodeRefused(method, answer["error"])
            return answer.get("result")

        return self.retrying(what, call)

    def request_many(self, what: str, method: str, params: Sequence[Sequence[Any]]) -> list[Any]:
        """The ``result`` of ``method`` for each of ``params``, in order: JSON-RPC batches of at most
        :data:`BATCH_LIMIT` calls (one round trip each, retried as a whole), one call at a time where the
        provider cannot batch. :class:`NodeRefused` for the first error answer."""
        batch = getattr(self.web3.provider, "make_batch_request", None)
        if batch is None:
            return [self.request(what, method, *p) for p in params]
        found: list[Any] = []
        for at in range(0, len(params), BATCH_LIMIT):
            chunk = [(cast("RPCEndpoint", method), list(p)) for p in params[at : at + BATCH_LIMIT]]

            def call(chunk: list[tuple[RPCEndpoint, list[Any]]] = chunk) -> list[Any]:
                answers = batch(chunk)
                if isinstance(answers, dict):  # the whole batch refused
                    raise NodeRefused(method, answers.get("error", answers))
                if len(answers) != len(chunk):  # web3 has put the answers in the order of the calls
                    raise NodeRefused(method, f"{len(answers)} answers to {len(chunk)} calls")
                for answer in answers:
                    if "error" in answer:
                        raise NodeRefused(method, answer["error"])
                return [answer.get("result") for answer in answers]

            try:
                found += self.retrying(what, call)
            except NotImplementedError:  # a provider that cannot batch after all
                found += [self.request(what, method, *p) for p in params[at : at + BATCH_LIMIT]]
        return found

    def logs(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``eth_getLogs`` for ``params`` (``address``, ``topics``, ``fromBlock`` as an int) up to the head,
        in ranges of at most :data:`LOG_BLOCK_RANGE` blocks, answered once per watch pass (see
        :meth:`new_pass`): the watch asks for the same campaign's logs once per batch."""
        key = repr(sorted(params.items()))
        if key not in self._logs:
            self._logs[key] = self._logs_in_ranges(params)
        return self._logs[key]

    def _logs_in_ranges(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        head = self.block_number()
        start, span = int(params["fromBlock"]), LOG_BLOCK_RANGE
        found: list[dict[str, Any]] = []
        while start <= head:
            end = min(head, start + span - 1)
            query = {**params, "fromBlock": hex(start), "toBlock": hex(end)}
            try:
                found += self.request("reading logs", "eth_getLogs", query)
            except NodeRefused:
                if span == 1:
                    raise
                span //= 2  # a range or an answer too large for this node: ask for less
                continue
            start = end + 1
        return found

    def new_pass(self) -> None:
        """Forget the logs and transactions read so far: the next :meth:`logs` asks the node again."""
        self._logs.clear()
        self._txs.clear()

    def prefetch_transactions(self, tx_hashes: Sequence[str]) -> None:
        """Look up ``tx_hashes`` together (JSON-RPC batches), for :meth:`observe` in this pass."""
        hashes = list(dict.fromkeys(tx_hashes))
        found = self.request_many(
            "reading transactions", "eth_getTransactionByHash", [[h] for h in hashes]
        )
        self._txs.update(zip(hashes, found, strict=True))

    def deployment_block(self, address: str) -> int:
        """The block that created the contract at ``address``, from which its logs are read; 0 when the node
        cannot tell.

        Found by bisection over ``eth_getCode`` (the first block with code), then checked: that block must
        hold the transaction whose receipt names ``address`` as the contract it created. A node without the
        old state (or a chain reloaded from a state file) may show no code where there was some, so without
        that proof the answer is 0: reading from the chain's start is slower, never wrong.
        """
        head = self.block_number()
        low, high = 0, head
        try:
            if self.request("reading code", "eth_getCode", address, hex(head)) in (None, "0x"):
                return 0
            while low < high:
                mid = (low + high) // 2
                code = self.request("reading code", "eth_getCode", address, hex(mid))
                low, high = (low, mid) if code not in (None, "0x") else (mid + 1, high)
            return low if self._created_in(low, address) else 0
        except NodeRefused:
            return 0

    def _created_in(self, number: int, address: str) -> bool:
        block = self.request("reading a block", "eth_getBlockByNumber", hex(number), True)
        for tx in (block or {}).get("transactions", ()):
            if tx.get("to") is None:
                receipt = self.receipt(tx["hash"])
                created = (receipt or {}).get("contractAddress") or ""
                if created.lower() == address.lower():
                    return True
        return False

    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = int(self.request("reading the chain id", "eth_chainId"), 16)
        return self._chain_id

    def broadcast(self, raw_tx: str) -> str | None:
        """Send a signed transaction; returns the node's refusal, if any, for the caller to log.

        A refusal is not an error here: "already known" and "nonce too low" are what a resumed run hears for a
        transaction that did reach the chain, so the receipt decides, not the answer to the broadcast.
        """
        try:
            self.request("broadcasting", "eth_sendRawTransaction", raw_tx)
        except NodeRefused as refused:
            return refused.message
        return None

    def wait_for_receipt(self, tx_hash: str, timeout: float) -> Receipt | None:
        """The receipt of ``tx_hash`` once mined, or ``None`` if none came within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (receipt := self.receipt(tx_hash)) is None:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)
        return receipt

    def receipt(self, tx_hash: str | None) -> Receipt | None:
        """The receipt of ``tx_hash`` if it is mined, else ``None`` (also for no hash at all)."""
        if not tx_hash:
            return None
        raw = self.request("reading a receipt", "eth_getTransactionReceipt", tx_hash)
        if raw is None:
            return None
        return {
            **raw,
            "status": int(raw["status"], 16),
            "blockNumber": int(raw["blockNumber"], 16),
            "gasUsed": int(raw["gasUsed"], 16),
        }

    def canonical_receipt(self, tx_hash: str) -> Receipt | None:
        """The receipt of ``tx_hash`` if its block is on the chain as it is now: right after a reorg a node
        may still answer with the receipt of a block it removed (Anvil did, with the batch's marks gone)."""
        receipt = self.receipt(tx_hash)
        if receipt is None or self.block_hash(receipt["blockNumber"]) != receipt.get("blockHash"):
            return None
        return receipt

    def nonce_at(self, block_hash: str) -> int | None:
        """The sender's transaction count in the state after block ``block_hash`` (EIP-1898: that block or
        an error, never another block at its height); ``None`` when the node cannot tell (the block left the
        chain, or its state is pruned)."""
        try:
            answer = self.request(
                "reading the nonce",
                "eth_getTransactionCount",
                self.sender.address,
                block_at(block_hash),
            )
        except NodeRefused:
            return None
        return int(answer, 16)

    def includes(self, receipt: Receipt, nonce: int) -> bool:
        """Whether the state the node serves includes the transaction of ``receipt``, signed at ``nonce``:
        the sender's nonce after the receipt's block is past it (the latest state's, if the node cannot show
        that block's).

        A receipt in a canonical block is not enough. Anvil's ``anvil_reorg`` does not wait for a block
        being mined: that block lands on the new branch with its receipts while the state is rolled back
        under it, so its transactions never happened for the contract (marks unset, nonce free). A node
        behind a load balancer can answer the receipt from one machine and the state from another.
        """
        after = self.nonce_at(str(receipt["blockHash"]))
        if after is None:
            after = self.nonce("latest")
        return after > nonce

    def in_pool(self, tx_hash: str) -> bool:
        """Whether the node knows ``tx_hash`` as a pending transaction (not mined, not dropped)."""
        tx = self.request("reading a transaction", "eth_getTransactionByHash", tx_hash)
        return tx is not None and tx.get("blockNumber") is None

    def observe(
        self, tx_hashes: Sequence[str], nonce: int, latest_nonce: int | None = None
    ) -> Observation:
        """What the chain shows of the variants ``tx_hashes`` of one batch, all signed at ``nonce``.

        ``latest_nonce`` is the account's mined nonce if the caller read it just before (a watch pass reads
        it once for all its batches); else it is read here.
        """
        # In this order, so that a transaction mined while we look is seen mined, never as "nonce taken" or
        # "dropped": the nonce first, then the transactions (one batched lookup: pooled, mined or unknown),
        # then the receipts: only of variants found mined, or of all when the nonce is used and no variant
        # was found (a node that forgot old transactions still has their receipts).
        nonce_used = nonce < (self.nonce("latest") if latest_nonce is None else latest_nonce)
        missing = [h for h in tx_hashes if h not in self._txs]
        if latest_nonce is None or missing:
            self.prefetch_transactions(list(tx_hashes) if latest_nonce is None else missing)
        txs = [self._txs[h] for h in tx_hashes]
        pooled = any(tx is not None and tx.get("blockNumber") is None for tx in txs)
        mined_hashes = [
            h for h, tx in zip(tx_hashes, txs, strict=True) if tx and tx.get("blockNumber")
        ]
        if not mined_hashes and not pooled and nonce_used:
            mined_hashes = list(tx_hashes)
        receipts = [r for h in mined_hashes if (r := self.canonical_receipt(h)) is not None]
        # Only a receipt the state includes counts as mined; one it does not is as if not mined (see
        # includes): the batch is judged by the pool and the nonce, so it is broadcast again.
        included = [r for r in receipts if self.includes(r, nonce)]
        mined = included[0] if included else None
        outside = [r for r in receipts if r not in included]
        return Observation(
            mined_status=None if mined is None else int(mined["status"]),
            mined_hash=None if mined is None else str(mined["transactionHash"]),
            in_pool=mined is None and pooled,
            nonce_used=nonce_used,
            mined_block=None if mined is None else str(mined["blockHash"]),
            outside_state=str(outside[0]["transactionHash"]) if outside else None,
        )

    def nonce(self, block: str) -> int:
        """The sender's transaction count at ``block`` (``"latest"`` mined, ``"pending"`` with the pool)."""
        return int(
            self.request(
                "reading the nonce", "eth_getTransactionCount", self.sender.address, block
            ),
            16,
        )

    def balance(self) -> int:
        """The sender's balance in wei."""
        return int(
            self.request("reading the balance", "eth_getBalance", self.sender.address, "latest"), 16
        )

    def gas_price(self) -> int:
        return int(self.request("reading the gas price", "eth_gasPrice"), 16)

    def _block(self, number: int | str) -> dict[str, Any] | None:
        tag = hex(number) if isinstance(number, int) else number
        return cast(
            "dict[str, Any] | None",
            self.request("reading a block", "eth_getBlockByNumber", tag, False),
        )

    def base_fee(self) -> int:
        """The base fee of the latest block (0 on a chain without EIP-1559)."""
        block = self._block("latest") or {}
        return int(block.get("baseFeePerGas") or "0x0", 16)

    def next_base_fee(self) -> int:
        """The base fee of the next block, the earliest a transaction sent now can be in: the node's
        ``eth_feeHistory`` (its last entry is the next block's, and follows a node's override of it), else
        EIP-1559's rule on the latest block (0 on a chain without EIP-1559)."""
        try:
            history = self.request("reading the base fee", "eth_feeHistory", 1, "latest", [])
            fees = (history or {}).get("baseFeePerGas") or []
            if fees:
                return int(fees[-1], 16)
        except NodeRefused:
            pass
        block = self._block("latest") or {}
        if not block.get("baseFeePerGas"):
            return 0
        return next_base_fee(
            int(block["baseFeePerGas"], 16), int(block["gasUsed"], 16), int(block["gasLimit"], 16)
        )

    def suggested_tip(self) -> int:
        """The node's suggested priority fee (``eth_maxPriorityFeePerGas``)."""
        return int(self.request("reading the priority fee", "eth_maxPriorityFeePerGas"), 16)

    def block_gas_limit(self) -> int:
        block = self._block("latest") or {}
        return int(block["gasLimit"], 16)

    def block_number(self) -> int:
        return int(self.request("reading the block number", "eth_blockNumber"), 16)

    def block_hash(self, number: int) -> str | None:
        """The hash of block ``number`` on the chain as it is now, ``None`` past the head."""
        block = self._block(number)
        return None if block is None else str(block["hash"])

    def block_hashes(self, numbers: Sequence[int]) -> dict[int, str | None]:
        """:meth:`block_hash` of each of ``numbers``, read together (JSON-RPC batches)."""
        blocks = self.request_many(
            "reading blocks", "eth_getBlockByNumber", [[hex(n), False] for n in numbers]
        )
        return {
            n: None if b is None else str(b["hash"]) for n, b in zip(numbers, blocks, strict=True)
        }


def block_at(block_hash: str) -> dict[str, Any]:
    """EIP-1898's block parameter for the block ``block_hash``: a read there answers from that block's
    state, or fails if the block is no longer canonical."""
    return {"blockHash": block_hash, "requireCanonical": True}


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


def gas_of(raw_tx: str) -> int | None:
    """The gas limit a signed EIP-1559 transaction carries (``None`` for another type)."""
    fields = _fields_of(raw_tx)
    return None if fields is None else int(fields["gas"])


def max_cost_of(raw_tx: str) -> int:
    """The most a signed EIP-1559 transaction can cost its sender (gas limit x max fee); 0 for another type.

    The runner always signs with :class:`Fees`, so its transactions are EIP-1559.
    """
    fields = _fields_of(raw_tx)
    return 0 if fields is None else int(fields["gas"]) * int(fields["maxFeePerGas"])
