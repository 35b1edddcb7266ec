"""The airdrop's view of the chain: sign a batch, broadcast it, and read back nonces, receipts and executions.

Every chain call of the runner goes through :class:`BatchSender`, so the runner itself only decides what to do
with the answers (and what to journal first). A fee policy or the replacement of a stuck transaction belongs
here, behind the same methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from eth_utils import keccak

from collectibles.domain.errors import AirdropNotPossible

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from eth_typing import HexStr
    from web3 import Web3
    from web3.types import BlockIdentifier, FilterParams, TxReceipt

GAS_LIMIT_MULTIPLIER = 1.2
"""Headroom over ``eth_estimateGas`` for each signed transaction."""


@dataclass(frozen=True)
class SignedBatch:
    """A signed airdrop transaction, both 0x-hex: what the journal stores before anything is broadcast."""

    raw_tx: str
    tx_hash: str


@dataclass(frozen=True)
class Execution:
    """Where the chain executed a batch; the transaction and block are unknown when no log was found."""

    first_token_id: int
    tx_hash: str | None
    block_number: int | None


def web3_of(provider: ProviderAPI) -> Web3:
    """The web3 connection behind an Ape provider; the airdrop sends raw transactions through it."""
    from ape_ethereum.provider import Web3Provider

    if not isinstance(provider, Web3Provider):
        raise TypeError(
            f"the airdrop needs a web3-based provider (Anvil, Ganache, a node's RPC), not {type(provider).__name__}"
        )
    return provider.web3


class BatchSender:
    """Signs and sends ``Collectible.airdrop`` calls of ``contract`` from ``sender``, and watches the chain."""

    def __init__(self, contract: ContractInstance, sender: AccountAPI):
        self.contract = contract
        self.sender = sender
        self.web3 = web3_of(contract.provider)
        # From the contract's ABI rather than typed by hand, so the topic follows the contract.
        self.executed_topic = "0x" + keccak(text=contract.AirdropExecuted.abi.selector).hex()

    def sign(self, series_id: int, batch_id: str, recipients: list[str], nonce: int) -> SignedBatch:
        """Sign one airdrop transaction at ``nonce``, with a gas limit over the estimate. Sends nothing."""
        batch_bytes = bytes.fromhex(batch_id[2:])
        data = self.contract.airdrop.encode_input(series_id, batch_bytes, recipients)
        estimate = self.web3.eth.estimate_gas(
            {"from": self.sender.address, "to": self.contract.address, "data": data}
        )
        txn = self.contract.airdrop.as_transaction(
            series_id,
            batch_bytes,
            recipients,
            sender=self.sender,
            nonce=nonce,
            gas_limit=int(estimate * GAS_LIMIT_MULTIPLIER),
        )
        signed = self.sender.sign_transaction(txn)
        if signed is None:
            raise AirdropNotPossible(f"{self.sender.address} did not sign the airdrop transaction")
        raw = bytes(signed.serialize_transaction())
        return SignedBatch("0x" + raw.hex(), "0x" + keccak(raw).hex())

    def broadcast(self, raw_tx: str) -> str | None:
        """Send a signed transaction; returns the node's refusal, if any, for the caller to log.

        A refusal is not an error here: "already known" and "nonce too low" are what a resumed run hears for a
        transaction that did reach the chain, so the receipt decides, not the answer to the broadcast.
        """
        try:
            self.web3.eth.send_raw_transaction(cast("HexStr", raw_tx))
        except Exception as err:  # noqa: BLE001 - any answer is only logged; the receipt decides
            return str(err)
        return None

    def wait_for_receipt(self, tx_hash: str, timeout: float) -> TxReceipt | None:
        """The receipt of ``tx_hash`` once mined, or ``None`` if none came within ``timeout`` seconds."""
        from web3.exceptions import TimeExhausted

        try:
            return self.web3.eth.wait_for_transaction_receipt(
                cast("HexStr", tx_hash), timeout=timeout, poll_latency=0.1
            )
        except TimeExhausted:
            return None

    def receipt(self, tx_hash: str | None) -> TxReceipt | None:
        """The receipt of ``tx_hash`` if it is mined, else ``None`` (also for no hash at all)."""
        from web3.exceptions import TransactionNotFound

        if not tx_hash:
            return None
        try:
            return self.web3.eth.get_transaction_receipt(cast("HexStr", tx_hash))
        except TransactionNotFound:
            return None

    def first_token_id(self, batch_id: str) -> int:
        """The first token id the contract minted for ``batch_id``; 0 while the batch is not executed."""
        return int(self.contract.airdropFirstTokenId(bytes.fromhex(batch_id[2:])))

    def nonce(self, block: BlockIdentifier) -> int:
        """The sender's transaction count at ``block`` (``"latest"`` mined, ``"pending"`` with the pool)."""
        return int(self.web3.eth.get_transaction_count(self.sender.address, block))

    def gas_price(self) -> int:
        return int(self.web3.eth.gas_price)

    def block_gas_limit(self) -> int:
        return int(self.web3.eth.get_block("latest")["gasLimit"])

    def block_number(self) -> int:
        return int(self.web3.eth.block_number)

    def execution(self, batch_id: str, from_block: int) -> Execution:
        """Where ``batch_id`` was executed, from its ``AirdropExecuted`` log since ``from_block``."""
        params: FilterParams = {
            "address": self.contract.address,
            "fromBlock": from_block,
            "toBlock": "latest",
            "topics": [cast("HexStr", self.executed_topic), cast("HexStr", batch_id)],
        }
        logs = self.web3.eth.get_logs(params)
        if logs:
            log = logs[0]
            first = int.from_bytes(bytes(log["data"])[:32], "big")
            return Execution(
                first, "0x" + bytes(log["transactionHash"]).hex(), int(log["blockNumber"])
            )
        return Execution(self.first_token_id(batch_id), None, None)
