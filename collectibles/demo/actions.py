"""What the story does as a sample member, and how it finds a member's tokens: plain web3, no Ape account.

The members' keys are derived (:mod:`collectibles.demo.samples`), so the story signs their transactions itself:
a gift after the hold, a craft, a redemption. Their tokens are found from the ``Transfer`` logs with one query
rather than by asking every serial's owner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eth_account import Account
from eth_utils import keccak

from collectibles.domain.tokens import SERIES_STRIDE

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()


def minted_to(web3: Any, nft: ContractInstance, series_id: int, owner: str) -> list[int]:
    """The tokens of ``series_id`` minted to ``owner``, in mint order, from one log query."""
    logs = web3.eth.get_logs(
        {
            "address": nft.address,
            "fromBlock": 0,
            "topics": [TRANSFER_TOPIC, "0x" + "00" * 32, "0x" + owner[2:].lower().rjust(64, "0")],
        }
    )
    tokens = (int.from_bytes(bytes(log["topics"][3]), "big") for log in logs)
    return [t for t in tokens if t // SERIES_STRIDE == series_id]


def first_minted_to(web3: Any, nft: ContractInstance, series_id: int, owner: str) -> int:
    """The first token of ``series_id`` minted to ``owner`` (:class:`LookupError` if none)."""
    found = minted_to(web3, nft, series_id, owner)
    if not found:
        raise LookupError(f"{owner} was minted no token of series {series_id}")
    return found[0]


def send_as(web3: Any, private_key: bytes, to: str, data: Any) -> int:
    """Sign and send a transaction as a sample member; returns its gas (raises if it reverted)."""
    account = Account.from_key(private_key)
    tx = {
        "to": to,
        "data": data if isinstance(data, str) else "0x" + bytes(data).hex(),
        "from": account.address,
        "nonce": web3.eth.get_transaction_count(account.address),
        "chainId": int(web3.eth.chain_id),
        "gasPrice": int(web3.eth.gas_price),
    }
    tx["gas"] = int(web3.eth.estimate_gas(tx) * 1.2)
    signed = account.sign_transaction(tx)
    receipt = web3.eth.wait_for_transaction_receipt(
        web3.eth.send_raw_transaction(signed.raw_transaction)
    )
    if receipt["status"] != 1:
        raise RuntimeError(f"the member's transaction {receipt['transactionHash'].hex()} reverted")
    return int(receipt["gasUsed"])
