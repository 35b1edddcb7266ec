"""The relay's input: a JSON Lines file of signed intents, one per line, as ``ape run sign … --json`` prints them.

Each line is one JSON object with exactly these keys (nothing else is accepted, so a typo is not ignored)::

    {"kind": "gift" | "voucher",
     "signer": "0x…",            # who signed: the token's owner (gift) or a voucher signer (voucher)
     "digest": "0x…",            # the 32-byte EIP-712 digest that was signed
     "signature": "0x…",         # r ‖ s ‖ v, 65 bytes (or a smart account's own format for a gift)
     "typed_data": {…}}          # the eth_signTypedData_v4 JSON: types, primaryType, domain, message

Blank lines are skipped; line numbers count every line of the file from 1. What this module checks needs no
chain: the shape (pydantic), the kind, the typed data being exactly the contract's ``Gift`` or ``Voucher`` type,
the digest being the typed data's (a field changed after signing shows here), the signature's form (65 bytes,
low ``s``, ``v`` 27 or 28) and whom it recovers to, and duplicates: the same digest twice, the same token gifted
twice, the same voucher id of one signer twice (the second is the bad row). What needs the chain is in
:mod:`~collectibles.chain.relay.checks`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from collectibles.domain.intents import (
    DOMAIN_FIELDS,
    Domain,
    Gift,
    Intent,
    InvalidIntent,
    Voucher,
    check_signature,
    digest,
    typed_data,
)

KINDS: dict[str, type[Gift] | type[Voucher]] = {"gift": Gift, "voucher": Voucher}
HEX = r"^0x[0-9a-fA-F]*$"


class TypedDataModel(BaseModel):
    """The ``eth_signTypedData_v4`` JSON of one intent."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    types: dict[str, list[dict[str, str]]]
    primary_type: str = Field(alias="primaryType")
    domain: dict[str, Any]
    message: dict[str, Any]


class SignedIntentLine(BaseModel):
    """One line of an intents file, as ``ape run sign gift|voucher --json`` prints it."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["gift", "voucher"]
    signer: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")
    digest: str = Field(pattern=r"^0x[0-9a-fA-F]{64}$")
    signature: str = Field(pattern=HEX)
    typed_data: TypedDataModel


@dataclass(frozen=True)
class Problem:
    """A bad row: its line in the file and why nothing is sent for it."""

    line: int
    reason: str
    kind: str = ""
    digest: str = ""


@dataclass(frozen=True)
class Row:
    """A well-formed signed intent of the file; ``signer`` is whom its signature recovers to (for a smart
    account's gift, the account it names: its own check is on chain)."""

    line: int
    kind: str
    intent: Intent
    domain: Domain
    digest: str
    signature: bytes
    signer: str
    key_signed: bool
    """Whether ``signature`` is a key's over the digest (65 bytes, recovering to ``signer``)."""

    @property
    def uniqueness(self) -> tuple[str, ...]:
        """What two rows may not share: the token of a gift, the signer and id of a voucher."""
        if isinstance(self.intent, Gift):
            return ("token", str(self.intent.token_id))
        return ("voucher", self.signer.lower(), str(self.intent.voucher_id))


@dataclass(frozen=True)
class IntentsFile:
    """A parsed intents file: the good rows, the bad ones, and what identifies the file."""

    path: str
    sha256: str
    lines: int
    rows: list[Row]
    problems: list[Problem]


def signed_intent_json(
    kind: str, signer: str, typed: dict[str, Any], signature: bytes
) -> dict[str, Any]:
    """One line of an intents file (and what ``ape run sign --json`` prints)."""
    return {
        "kind": kind,
        "signer": signer,
        "digest": "0x" + digest(typed).hex(),
        "signature": "0x" + signature.hex(),
        "typed_data": typed,
    }


def load_intents(path: str | Path) -> IntentsFile:
    """Read and check an intents file; every bad row is a :class:`Problem`, never an exception."""
    raw = Path(path).read_bytes()
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(1, f"not UTF-8 text ({err.reason} at byte {err.start})"))
        text = ""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(parse_line(number, line))
        except InvalidIntent as err:
            problems.append(Problem(number, err.reason, *_kind_and_digest(line)))
    kept, duplicates = split_duplicates(rows)
    problems = sorted([*problems, *duplicates], key=lambda p: p.line)
    return IntentsFile(str(path), hashlib.sha256(raw).hexdigest(), len(lines), kept, problems)


def parse_line(number: int, line: str) -> Row:
    """One line as a :class:`Row`, or :class:`InvalidIntent` saying what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise InvalidIntent(f"not JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(obj, dict):
        raise InvalidIntent(f"not a JSON object but {type(obj).__name__}")
    if obj.get("kind") not in KINDS:
        raise InvalidIntent(f"unknown kind {obj.get('kind')!r} (a line is a gift or a voucher)")
    try:
        model = SignedIntentLine.model_validate(obj)
    except ValidationError as err:
        raise InvalidIntent(_first_error(err)) from None
    domain, intent = _intent_of(model)
    typed = typed_data(domain, intent)
    if "0x" + digest(typed).hex() != model.digest.lower():
        raise InvalidIntent(
            "the digest is not the typed data's: a field was changed after signing, or the digest was"
        )
    signature = bytes.fromhex(model.signature[2:]) if len(model.signature) % 2 == 0 else b""
    signer, key_signed = _signer_of(model, typed, signature)
    return Row(
        number, model.kind, intent, domain, model.digest.lower(), signature, signer, key_signed
    )


def split_duplicates(rows: list[Row]) -> tuple[list[Row], list[Problem]]:
    """The rows without repeats, and a :class:`Problem` for each repeat (the first occurrence is kept)."""
    seen_digest: dict[str, int] = {}
    seen_key: dict[tuple[str, ...], int] = {}
    kept, problems = [], []
    for row in rows:
        if (first := seen_digest.get(row.digest)) is not None:
            problems.append(
                Problem(row.line, f"duplicate of line {first} (same digest)", row.kind, row.digest)
            )
            continue
        if (first := seen_key.get(row.uniqueness)) is not None:
            what = (
                f"token {row.uniqueness[1]} is gifted on line {first} already"
                if row.kind == "gift"
                else f"voucher {row.uniqueness[2]} of {row.signer} is on line {first} already"
            )
            problems.append(Problem(row.line, f"duplicate: {what}", row.kind, row.digest))
            continue
        seen_digest[row.digest] = seen_key[row.uniqueness] = row.line
        kept.append(row)
    return kept, problems


def _intent_of(model: SignedIntentLine) -> tuple[Domain, Intent]:
    """The domain and the gift or voucher the typed data says, checked to be exactly the contract's type."""
    kind_class = KINDS[model.kind]
    typed = model.typed_data
    if typed.primary_type != kind_class.primary_type:
        raise InvalidIntent(
            f"typed_data.primaryType is {typed.primary_type!r}, a {model.kind}'s is {kind_class.primary_type!r}"
        )
    expected = {"EIP712Domain": DOMAIN_FIELDS, kind_class.primary_type: kind_class.fields}
    if typed.types != expected:
        raise InvalidIntent(
            f"typed_data.types are not the contract's {kind_class.primary_type} and EIP712Domain types"
        )
    domain = typed.domain
    if set(domain) != {"name", "version", "chainId", "verifyingContract"}:
        raise InvalidIntent(
            "typed_data.domain must have exactly name, version, chainId, verifyingContract"
        )
    wanted = [field["name"] for field in kind_class.fields]
    if set(typed.message) != set(wanted):
        raise InvalidIntent(f"typed_data.message must have exactly {', '.join(wanted)}")
    values = {_snake(name): _whole(name, typed.message[name]) for name in wanted if name != "to"}
    return (
        Domain(
            name=str(domain["name"]),
            version=str(domain["version"]),
            chain_id=_whole("chainId", domain["chainId"]),
            verifying_contract=domain["verifyingContract"],
        ),
        kind_class(to=typed.message["to"], **values),
    )


def _signer_of(
    model: SignedIntentLine, typed: dict[str, Any], signature: bytes
) -> tuple[str, bool]:
    """Whom the signature recovers to, and whether it is a key's; a gift may carry a smart account's own
    signature (checked on chain, ERC-1271), a voucher only a key's."""
    from eth_account import Account
    from eth_utils import to_checksum_address

    from collectibles.domain.intents import signable

    named = to_checksum_address(model.signer)
    if len(signature) == 65:
        check_signature(signature)  # a high s or a bad v is refused, for gifts too
        recovered = str(Account.recover_message(signable(typed), signature=signature))
        if recovered == named:
            return named, True
        if model.kind == "voucher":
            raise InvalidIntent(
                f"the signature recovers to {recovered}, not the signer {named} it names "
                "(a field changed after signing, or another key signed)"
            )
        return named, False  # perhaps a smart account's signature: its owner is asked on chain
    if model.kind == "voucher" or not signature:
        check_signature(signature)  # says how long it is
    return named, False


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the line"
    return f"{where}: {first['msg']}"


def _whole(name: str, value: Any) -> int:
    """A uint256 field: a decimal string (as typed data carries them) or a JSON whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidIntent(f"{name} must be a whole number, not {value!r}")
    try:
        number = int(value, 10) if isinstance(value, str) else value
    except ValueError:
        raise InvalidIntent(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise InvalidIntent(f"{name} must not be negative, not {value!r}")
    return number


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _kind_and_digest(line: str) -> tuple[str, str]:
    """The kind and digest a bad line names, when it is JSON enough to name them (for the report)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return "", ""
    if not isinstance(obj, dict):
        return "", ""
    return str(obj.get("kind", ""))[:16], str(obj.get("digest", ""))[:66]
