"""The intents file (pure): each bad line named with its line number and reason, duplicates after the first."""

import json

import pytest
from eth_account import Account

from collectibles.chain.relay.schema import load_intents, signed_intent_json
from collectibles.domain.intents import Domain, Gift, Voucher, signable, signature_bytes, typed_data

KEY = Account.from_key(b"\x01" * 32)
DOMAIN = Domain("Spring Festival", "1", 31337, "0x" + "11" * 20)
TO = "0x" + "22" * 20


def line(intent, kind="gift", key=KEY):
    typed = typed_data(DOMAIN, intent)
    signed = key.sign_message(signable(typed))
    return signed_intent_json(
        kind, key.address, typed, signature_bytes(signed.v, signed.r, signed.s)
    )


def write(tmp_path, *rows):
    path = tmp_path / "intents.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return load_intents(path)


def test_load_intents__gift_and_voucher__rows_with_recovered_signer(tmp_path):
    found = write(tmp_path, line(Gift(1, TO, 99, 5)), "", line(Voucher(2, TO, 7, 99), "voucher"))

    assert found.problems == []
    assert [(r.line, r.kind, r.signer, r.key_signed) for r in found.rows] == [
        (1, "gift", KEY.address, True), (3, "voucher", KEY.address, True),
    ]  # fmt: skip
    assert found.rows[1].intent == Voucher(2, TO, 7, 99)


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: "[1, 2]", "not a JSON object"),
        (lambda d: {**d, "extra": 1}, "extra: Extra inputs are not permitted"),
        (
            lambda d: {**d, "kind": "voucher"},
            "typed_data.primaryType is 'Gift', a voucher's is 'Voucher'",
        ),
        (lambda d: {**d, "digest": "0x" + "00" * 32}, "the digest is not the typed data's"),
        (lambda d: {**d, "signature": "0x" + "ff" * 65}, "high s"),
    ],
)
def test_load_intents__bad_line__line_number_and_reason(tmp_path, mangle, reason):
    good = line(Gift(1, TO, 99, 5))
    found = write(tmp_path, line(Gift(2, TO, 99, 5)), mangle(good))

    assert [r.line for r in found.rows] == [1]
    assert len(found.problems) == 1
    assert found.problems[0].line == 2
    assert reason in found.problems[0].reason, found.problems[0].reason


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: {**d, "signature": "0x1234"}, "a signature is 65 bytes"),
        (lambda d: {**d, "signer": "0x" + "33" * 20}, "the signature recovers to"),
    ],
)
def test_load_intents__voucher_not_signed_by_its_key__refused(tmp_path, mangle, reason):
    """A voucher's signer is a key (no ERC-1271 for vouchers): it must be the one the signature names."""
    found = write(tmp_path, mangle(line(Voucher(2, TO, 7, 99), "voucher")))

    assert found.rows == []
    assert reason in found.problems[0].reason, found.problems[0].reason


def test_load_intents__signer_not_the_gift_key__kept_for_the_owner_check(tmp_path):
    """A gift's signature may be a smart account's: whom it recovers to is settled on chain, as its owner."""
    gift = line(Gift(1, TO, 99, 5))
    found = write(tmp_path, {**gift, "signer": "0x" + "33" * 20})

    assert [(r.key_signed, r.signer) for r in found.rows] == [(False, "0x" + "33" * 20)]
