"""Signed intents: the EIP-712 typed data of a gift and of a claim voucher, their digests and signatures.

The contract (``CollectibleIntents``) rebuilds these messages and checks who signed them; this module builds the
same ones for the member's side: the ``eth_signTypedData_v4`` JSON a wallet signs, the 32-byte digest
(``keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash)``, through eth-account's ``encode_typed_data``), and the
checks the contract makes on a signature (65 bytes, low ``s``), so a bad one is refused before it is sent.

- ``Gift(uint256 tokenId,address to,uint256 deadline,uint256 acquiredAt)``: signed by the token's owner;
  ``acquiredAt`` is the token's acquisition time when signing, which the gift changes, so it works once.
- ``Voucher(uint256 seriesId,address to,uint256 voucherId,uint256 deadline)``: signed by a voucher signer.

The domain is ``{name, version, chainId, verifyingContract}`` as the contract's ERC-5267 ``eip712Domain()``
returns it: a signature for another chain or another contract does not verify there. Pure: no chain access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils import is_address, keccak, to_checksum_address

from collectibles.domain.errors import CollectiblesError

DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
"""The EIP-712 domain type the contract uses (ERC-5267 fields 0x0f: name, version, chain id, contract)."""

GIFT_FIELDS = [
    {"name": "tokenId", "type": "uint256"},
    {"name": "to", "type": "address"},
    {"name": "deadline", "type": "uint256"},
    {"name": "acquiredAt", "type": "uint256"},
]
VOUCHER_FIELDS = [
    {"name": "seriesId", "type": "uint256"},
    {"name": "to", "type": "address"},
    {"name": "voucherId", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""The curve order: a signature with ``s > N / 2`` is the malleable twin the contract refuses."""

UINT256_MAX = 2**256 - 1


class InvalidIntent(CollectiblesError):
    """A gift or voucher, or its signature, that the contract would refuse (said before anything is sent)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid intent: {reason}")


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of one Collectible deployment."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str

    def __post_init__(self) -> None:
        _uint("chainId", self.chain_id)
        object.__setattr__(
            self, "verifying_contract", _address("verifyingContract", self.verifying_contract)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


@dataclass(frozen=True)
class Gift:
    """The owner of ``token_id`` gives it to ``to`` until ``deadline``, as acquired at ``acquired_at``."""

    token_id: int
    to: str
    deadline: int
    acquired_at: int

    primary_type = "Gift"
    fields = GIFT_FIELDS

    def __post_init__(self) -> None:
        for name in ("token_id", "deadline", "acquired_at"):
            _uint(name, getattr(self, name))
        object.__setattr__(self, "to", _address("to", self.to))
        if int(self.to, 16) == 0:
            raise InvalidIntent("a gift to the zero address would burn the token; give a recipient")

    def message(self) -> dict[str, Any]:
        return {
            "tokenId": str(self.token_id),
            "to": self.to,
            "deadline": str(self.deadline),
            "acquiredAt": str(self.acquired_at),
        }


@dataclass(frozen=True)
class Voucher:
    """A voucher signer lets ``to`` claim one token of ``series_id`` until ``deadline``, once (``voucher_id``)."""

    series_id: int
    to: str
    voucher_id: int
    deadline: int

    primary_type = "Voucher"
    fields = VOUCHER_FIELDS

    def __post_init__(self) -> None:
        for name in ("series_id", "voucher_id", "deadline"):
            _uint(name, getattr(self, name))
        object.__setattr__(self, "to", _address("to", self.to))
        if int(self.to, 16) == 0:
            raise InvalidIntent(
                "a voucher for the zero address cannot be claimed; give a recipient"
            )

    def message(self) -> dict[str, Any]:
        return {
            "seriesId": str(self.series_id),
            "to": self.to,
            "voucherId": str(self.voucher_id),
            "deadline": str(self.deadline),
        }


Intent = Gift | Voucher


def typed_data(domain: Domain, intent: Intent) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` JSON of ``intent`` in ``domain``.

    The message's uint256 fields are decimal strings: JSON numbers above 2**53 lose digits in JavaScript, and
    wallets, ethers and eth-account all read the strings as numbers. The chain id stays a number, as wallets
    compare it with the chain they are on.
    """
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, intent.primary_type: intent.fields},
        "primaryType": intent.primary_type,
        "domain": domain.as_json(),
        "message": intent.message(),
    }


def signable(typed: Mapping[str, Any]) -> SignableMessage:
    """The EIP-191 version 0x01 message of ``typed`` data, which accounts (Ape's, eth-account's) sign."""
    return encode_typed_data(full_message=dict(typed))


def digest(typed: Mapping[str, Any]) -> bytes:
    """The 32 bytes the signer signs and the contract rebuilds: ``keccak256(0x19 0x01 ‖ domain ‖ struct)``."""
    message = signable(typed)
    return keccak(b"\x19" + message.version + message.header + message.body)


def signature_bytes(v: int, r: int | bytes, s: int | bytes) -> bytes:
    """``r ‖ s ‖ v``, the 65 bytes the contract takes, from an account's ``(v, r, s)``."""
    r_int = int.from_bytes(r, "big") if isinstance(r, bytes) else r
    s_int = int.from_bytes(s, "big") if isinstance(s, bytes) else s
    return r_int.to_bytes(32, "big") + s_int.to_bytes(32, "big") + bytes([v if v >= 27 else v + 27])


def check_signature(signature: bytes) -> None:
    """Refuse what the contract's key check refuses: not 65 bytes, a high ``s``, a ``v`` other than 27 or 28."""
    if len(signature) != 65:
        raise InvalidIntent(f"a signature is 65 bytes (r, s, v), this one is {len(signature)}")
    if int.from_bytes(signature[32:64], "big") > SECP256K1_N // 2:
        raise InvalidIntent(
            "the signature has a high s (its malleable form); sign again or use N - s"
        )
    if signature[64] not in (27, 28):
        raise InvalidIntent(f"the signature's v is {signature[64]}, not 27 or 28")


def recover_signer(typed: Mapping[str, Any], signature: bytes) -> str:
    """The account whose key signed ``typed`` data as ``signature`` (checked as the contract checks it first)."""
    check_signature(signature)
    return str(Account.recover_message(signable(typed), signature=signature))


def _uint(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= UINT256_MAX:
        raise InvalidIntent(f"{name} must be a whole number from 0 to 2**256 - 1, not {value!r}")


def _address(name: str, value: object) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise InvalidIntent(f"{name} must be an address (0x and 40 hex digits), not {value!r}")
    return to_checksum_address(value)
