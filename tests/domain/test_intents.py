"""The typed data of signed intents: the wallet JSON, the digest, signatures, and what is refused early.

The digest is checked three ways: against an EIP-712 encoding written out here from the standard (eth-abi and
keccak, no eth-account), against ethers 6 run by node, and (in
tests/contracts/extensions/test_intents_signing.py) against the contract, which accepts the signatures.
"""

import json

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from utils.ethers import ethers_sign

from collectibles.domain.intents import (
    SECP256K1_N,
    Domain,
    Gift,
    InvalidIntent,
    Voucher,
    check_signature,
    digest,
    recover_signer,
    signable,
    signature_bytes,
    typed_data,
)

KEY = "0x" + "7c" * 32
DOMAIN = Domain("Spring Festival", "1", 31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3")
GIFT = Gift(2_000_012, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 1_800_000_000, 1_790_000_000)
VOUCHER = Voucher(3, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 2**255 + 7, 1_800_000_000)
INTENTS = [pytest.param(GIFT, id="gift"), pytest.param(VOUCHER, id="voucher")]


def by_the_standard(domain, intent) -> bytes:
    """EIP-712 written out: hashStruct(domain) and hashStruct(message) over their type strings."""
    domain_type = (
        b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    separator = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(domain_type),
                keccak(text=domain.name),
                keccak(text=domain.version),
                domain.chain_id,
                domain.verifying_contract,
            ],
        )
    )
    if isinstance(intent, Gift):
        type_string = b"Gift(uint256 tokenId,address to,uint256 deadline,uint256 acquiredAt)"
        values = [intent.token_id, intent.to, intent.deadline, intent.acquired_at]
    else:
        type_string = b"Voucher(uint256 seriesId,address to,uint256 voucherId,uint256 deadline)"
        values = [intent.series_id, intent.to, intent.voucher_id, intent.deadline]
    struct = keccak(
        encode(
            ["bytes32", "uint256", "address", "uint256", "uint256"], [keccak(type_string), *values]
        )
    )
    return keccak(b"\x19\x01" + separator + struct)


def eth_account_signature(typed) -> bytes:
    signed = Account.sign_message(signable(typed), KEY)
    return signature_bytes(signed.v, signed.r, signed.s)


@pytest.mark.parametrize("intent", INTENTS)
def test_digest__matches_eip712_written_out(intent):
    assert digest(typed_data(DOMAIN, intent)) == by_the_standard(DOMAIN, intent)


@pytest.mark.parametrize("intent", INTENTS)
def test_signature__eth_account_and_ethers__same_digest_signature_signer(intent):
    typed = typed_data(DOMAIN, intent)

    ours = eth_account_signature(typed)
    theirs = ethers_sign(typed, KEY)

    assert theirs["digest"] == "0x" + digest(typed).hex()
    # Both sign deterministically (RFC 6979) and normalise to low s: the very same 65 bytes.
    assert theirs["signature"] == "0x" + ours.hex()
    assert theirs["signer"] == Account.from_key(KEY).address == recover_signer(typed, ours)


@pytest.mark.parametrize("intent", INTENTS)
def test_typed_data__wallet_json__round_trips_with_uints_as_strings(intent):
    typed = typed_data(DOMAIN, intent)

    again = json.loads(json.dumps(typed))

    assert again == typed
    assert digest(again) == digest(typed)
    assert typed["primaryType"] == type(intent).__name__
    assert typed["domain"]["chainId"] == 31337
    assert typed["domain"]["verifyingContract"] == "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    assert all(isinstance(v, str) for v in typed["message"].values())


def test_digest__any_field_changed__differs():
    base = digest(typed_data(DOMAIN, GIFT))
    variants = [
        Gift(GIFT.token_id + 1, GIFT.to, GIFT.deadline, GIFT.acquired_at),
        Gift(GIFT.token_id, "0x" + "22" * 20, GIFT.deadline, GIFT.acquired_at),
        Gift(GIFT.token_id, GIFT.to, GIFT.deadline + 1, GIFT.acquired_at),
        Gift(GIFT.token_id, GIFT.to, GIFT.deadline, GIFT.acquired_at + 1),
    ]
    domains = [
        Domain(DOMAIN.name, DOMAIN.version, 1, DOMAIN.verifying_contract),
        Domain(DOMAIN.name, DOMAIN.version, DOMAIN.chain_id, "0x" + "33" * 20),
    ]

    others = [digest(typed_data(DOMAIN, g)) for g in variants] + [
        digest(typed_data(d, GIFT)) for d in domains
    ]

    assert base not in others
    assert len(set(others)) == len(others)


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: Gift(1, "0x1234", 1, 1), "to must be an address"),
        (lambda: Gift(-1, GIFT.to, 1, 1), "token_id must be a whole number"),
        (lambda: Gift(1, GIFT.to, 2**256, 1), "deadline must be a whole number"),
        (lambda: Gift(1, GIFT.to, True, 1), "deadline must be a whole number"),
        (lambda: Gift(1, "0x" + "00" * 20, 1, 1), "zero address"),
        (lambda: Voucher(1, "0x" + "00" * 20, 1, 1), "zero address"),
        (lambda: Voucher(1, GIFT.to, "7", 1), "voucher_id must be a whole number"),
        (lambda: Domain("n", "1", -1, GIFT.to), "chainId must be a whole number"),
        (lambda: Domain("n", "1", 1, "nope"), "verifyingContract must be an address"),
    ],
)
def test_intent__bad_field__refused_with_its_name(build, words):
    with pytest.raises(InvalidIntent, match=words):
        build()


def test_check_signature__malleable_or_malformed__refused():
    typed = typed_data(DOMAIN, GIFT)
    good = eth_account_signature(typed)
    s = int.from_bytes(good[32:64], "big")
    twin = good[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - good[64]])

    check_signature(good)
    with pytest.raises(InvalidIntent, match="high s"):
        check_signature(twin)
    with pytest.raises(InvalidIntent, match="65 bytes"):
        check_signature(good[:64])
    with pytest.raises(InvalidIntent, match="v is 1"):
        check_signature(good[:64] + b"\x01")


def test_signature_bytes__v_0_or_1__normalised_to_27_or_28():
    assert signature_bytes(0, 1, 2)[64] == 27
    assert (
        signature_bytes(28, b"\x01", b"\x02")
        == (1).to_bytes(32, "big") + (2).to_bytes(32, "big") + b"\x1c"
    )
