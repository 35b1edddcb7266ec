"""``ape run relay --intents FILE``: every bad row refused off chain with its line, the valid ones batched.

The script runs in-process on Ape's test chain. The intents are signed as ``ape run sign … --json`` prints them
(:func:`signed_intent_json` is what the sign script emits). Nothing sent means the relayer's nonce is unchanged.
"""

import csv
import json

import pytest
from utils.chain_time import set_next_block_time

from collectibles.chain.intents import contract_domain, sign_intent
from collectibles.chain.relay import signed_intent_json
from collectibles.domain.intents import Gift, Voucher, typed_data
from collectibles.domain.tokens import TransferPolicy
from scripts.relay import cli

HOLD = 30 * 24 * 3600
RELAYER = "TEST::5"


@pytest.fixture
def setup(chain, deployed, accounts):
    """Series 1 gifts after a hold, series 2 is soulbound; TEST::3 holds three cards past their hold and a
    badge; TEST::2 signs vouchers for series 1 (cap 3)."""
    admin = accounts[0]
    deployed.createSeries("Card", 100, int(TransferPolicy.GIFT_AFTER_HOLD), HOLD, "", sender=admin)
    deployed.createSeries("Badge", 100, int(TransferPolicy.SOULBOUND), 0, "", sender=admin)
    for _ in range(3):
        deployed.mint(1, accounts[3], sender=admin)
    deployed.mint(2, accounts[3], sender=admin)
    deployed.grantRole(deployed.VOUCHER_SIGNER_ROLE(), accounts[2], sender=admin)
    deployed.setVoucherAllowance(accounts[2], 1, 3, sender=admin)
    set_next_block_time(chain, deployed.acquiredAt(1_000_003) + HOLD)
    chain.mine()
    return deployed


@pytest.fixture
def sign(chain, setup, accounts):
    """Returns a builder: the JSON line of a gift (``token``) or voucher (``voucher_id``), as sign prints it."""
    domain = contract_domain(setup)

    def build(
        kind, *, to=None, token=1_000_001, voucher_id=1, signer=None, deadline=None, **fields
    ):
        deadline = chain.pending_timestamp + 3600 if deadline is None else deadline
        to = (to or accounts[6]).address
        if kind == "gift":
            signer = signer or accounts[3]
            intent = Gift(token, to, deadline, fields.get("acquired_at", setup.acquiredAt(token)))
        else:
            signer = signer or accounts[2]
            intent = Voucher(fields.get("series_id", 1), to, voucher_id, deadline)
        use = fields.get("domain", domain)
        signature = sign_intent(signer, use, intent)
        return signed_intent_json(kind, signer.address, typed_data(use, intent), signature)

    return build


@pytest.fixture
def relay(invoke, tmp_path, accounts):
    """Returns a runner: writes the lines to a file and runs the relay script on it as TEST::5."""

    def run(lines, *options):
        path = tmp_path / "intents.jsonl"
        text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
        path.write_text(text + "\n")
        args = ["--account", RELAYER, "--intents", path, "--journal", tmp_path / "relay.sqlite"]
        return invoke(cli, *args, "--report", tmp_path / "report.csv", "--json", *options)

    return run


def stdout_json(result):
    """The JSON line a run that exits 1 prints before its error line."""
    return json.loads([line for line in result.output.splitlines() if line.startswith("{")][-1])


def report_rows(tmp_path):
    with open(tmp_path / "report.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_relay__gifts_and_vouchers__all_executed_in_one_transaction(
    relay, sign, setup, accounts, last_json, tmp_path
):
    lines = [
        sign("gift", token=1_000_001),
        sign("voucher", voucher_id=7),
        sign("gift", token=1_000_002),
    ]

    result = relay(lines)

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert (out["status"], out["executed"], out["batches"], out["invalid"]) == ("done", 3, 1, 0)
    assert setup.ownerOf(1_000_001) == setup.ownerOf(1_000_002) == accounts[6].address
    assert setup.isVoucherUsed(accounts[2], 7)
    rows = report_rows(tmp_path)
    assert [(r["line"], r["kind"], r["status"]) for r in rows] == [
        ("1", "gift", "executed"), ("2", "voucher", "executed"), ("3", "gift", "executed"),
    ]  # fmt: skip
    assert {r["tx_hash"] for r in rows} == set(out["tx_hashes"])
    assert rows[1]["digest"] == lines[1]["digest"]


def test_relay__intent_refused_on_chain__typed_error_in_report(
    relay, sign, setup, accounts, tmp_path
):
    """Each voucher alone would mint, but the series has room for one: the second fails alone on chain."""
    setup.createSeries("Tiny", 1, int(TransferPolicy.FREE), 0, "", sender=accounts[0])
    setup.setVoucherAllowance(accounts[2], 3, 5, sender=accounts[0])
    lines = [sign("voucher", series_id=3, voucher_id=1), sign("voucher", series_id=3, voucher_id=2)]

    result = relay(lines)

    assert result.exit_code == 1, result.output
    assert "1 refused on chain" in result.output
    executed, refused = report_rows(tmp_path)
    assert (executed["status"], refused["status"]) == ("executed", "refused")
    assert refused["tx_hash"] == executed["tx_hash"]
    assert refused["error"] == "CollectibleMaxSupplyReached", refused
    assert json.loads(refused["error_args"]) == {"seriesId": 3, "maxSupply": 1}
    assert not setup.isVoucherUsed(accounts[2], 2)


def test_relay__erc1271_owner__asked_by_view_call_then_executed(
    relay, sign, setup, chain, project, accounts, tmp_path
):
    wallet = accounts[0].deploy(project.ERC1271WalletMock, accounts[3])
    setup.mint(1, wallet, sender=accounts[0])
    set_next_block_time(chain, setup.acquiredAt(1_000_004) + HOLD)
    chain.mine()

    result = relay([sign("gift", token=1_000_004, signer=accounts[3])])

    assert result.exit_code == 0, result.output
    assert setup.ownerOf(1_000_004) == accounts[6].address
    assert [r["status"] for r in report_rows(tmp_path)] == ["executed"]


def test_relay__erc1271_owner_refuses__bad_row(relay, sign, setup, chain, project, accounts):
    wallet = accounts[0].deploy(project.ERC1271WalletMock, accounts[3])
    wallet.setRefuseAll(True, sender=accounts[0])
    setup.mint(1, wallet, sender=accounts[0])
    set_next_block_time(chain, setup.acquiredAt(1_000_004) + HOLD)
    chain.mine()

    result = relay([sign("gift", token=1_000_004, signer=accounts[3])])

    assert result.exit_code == 1
    assert f"line 1: the signature is {accounts[3].address}'s, not the token owner" in result.output


def test_relay__batch_size__split_into_transactions(relay, sign, last_json):
    lines = [
        sign("gift", token=1_000_001),
        sign("voucher", voucher_id=1),
        sign("voucher", voucher_id=2),
    ]

    result = relay(lines, "--batch-size", 2)

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert (out["executed"], out["batches"], len(set(out["tx_hashes"]))) == (3, 2, 2)


def test_relay__rerun_of_completed_file__sends_nothing(relay, sign, accounts, last_json):
    lines = [sign("gift", token=1_000_001), sign("voucher", voucher_id=3)]
    assert relay(lines).exit_code == 0
    nonce = accounts[5].nonce

    again = relay(lines)

    assert again.exit_code == 0, again.output
    assert last_json(again)["status"] == "already_done"
    assert "Nothing to do" in again.output
    assert accounts[5].nonce == nonce


def test_relay__dry_run_after_relay__says_relayed_already(relay, sign, last_json):
    """After a relay every row is spent on chain: the dry run reads the journal instead of calling them bad."""
    lines = [sign("gift", token=1_000_001)]
    assert relay(lines).exit_code == 0

    result = relay(lines, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "this file was relayed already" in result.output
    assert last_json(result)["journaled"] == "complete"


def test_relay__dry_run__reports_and_sends_nothing(relay, sign, accounts, last_json):
    nonce = accounts[5].nonce

    result = relay([sign("gift", token=1_000_001), "not json"], "--dry-run")

    assert result.exit_code == 1
    assert "line 2: not JSON" in result.output
    out = stdout_json(result)
    assert (out["valid"], out["kind"]) == (1, "IntentsRefused")
    assert accounts[5].nonce == nonce


def test_relay__skip_invalid__valid_ones_sent_bad_ones_reported_exit_1(
    relay, sign, setup, accounts, last_json, tmp_path
):
    result = relay([sign("gift", token=1_000_001), sign("gift", token=2_000_001)], "--skip-invalid")

    assert result.exit_code == 1
    assert "line 2: token 2000001 is soulbound" in result.output
    assert setup.ownerOf(1_000_001) == accounts[6].address
    assert [r["status"] for r in report_rows(tmp_path)] == ["executed", "invalid"]
    assert stdout_json(result)["executed"] == 1


def _changed_to(line, accounts):
    line["typed_data"]["message"]["to"] = accounts[7].address
    return line


def _high_s(line):
    from collectibles.domain.intents import SECP256K1_N

    raw = bytes.fromhex(line["signature"][2:])
    s = int.from_bytes(raw[32:64], "big")
    line["signature"] = (
        "0x" + (raw[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - raw[64]])).hex()
    )
    return line


FORMAT_ERRORS = [
    (lambda sign, a: "{nope", "not JSON"),
    (lambda sign, a: {**sign("gift"), "kind": "burn"}, "unknown kind 'burn'"),
    (
        lambda sign, a: {k: v for k, v in sign("gift").items() if k != "signature"},
        "signature: Field required",
    ),
    (lambda sign, a: _changed_to(sign("gift"), a), "the digest is not the typed data's"),
    (lambda sign, a: _high_s(sign("gift")), "high s"),
]
"""Rows wrong in themselves (no chain needed), all in one file: each gets its own line."""

BAD_ROWS = {
    "wrong_chain": (
        lambda sign, a, n: sign("gift", domain=_other(contract_domain(n), chain_id=5)),
        "signed for chain id 5",
    ),
    "wrong_contract": (
        lambda sign, a, n: sign(
            "gift", domain=_other(contract_domain(n), verifying_contract=a[9].address)
        ),
        "signed for the contract",
    ),
    "expired": (lambda sign, a, n: sign("gift", deadline=1), "expired: its deadline 1 has passed"),
    "not_owner": (
        lambda sign, a, n: sign("gift", signer=a[4]),
        "not the token owner",
    ),
    "soulbound": (lambda sign, a, n: sign("gift", token=2_000_001), "is soulbound"),
    "moved": (lambda sign, a, n: sign("gift", acquired_at=1), "moved since signing"),
    "series_not_allowed": (
        lambda sign, a, n: sign("voucher", series_id=2),
        "may not issue vouchers for series 2",
    ),
    "not_a_voucher_signer": (
        lambda sign, a, n: sign("voucher", signer=a[4]),
        "does not hold VOUCHER_SIGNER_ROLE",
    ),
}


def _other(domain, **changes):
    import dataclasses

    return dataclasses.replace(domain, **changes)


def test_relay__malformed_rows__each_its_line_and_reason_nothing_sent(relay, sign, setup, accounts):
    nonce = accounts[5].nonce
    bad = [build(sign, accounts) for build, _ in FORMAT_ERRORS]

    result = relay([sign("voucher", voucher_id=9), *bad])

    assert result.exit_code == 1, result.output
    for number, (_, reason) in enumerate(FORMAT_ERRORS, start=2):
        said = [line for line in result.output.splitlines() if line.startswith(f"line {number}: ")]
        assert len(said) == 1, result.output
        assert reason in said[0], said
    assert f"{len(FORMAT_ERRORS)} bad row(s)" in result.output
    assert accounts[5].nonce == nonce


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_relay__bad_row__line_and_reason_nothing_sent(relay, sign, setup, accounts, case):
    build, reason = BAD_ROWS[case]
    nonce = accounts[5].nonce

    result = relay([sign("voucher", voucher_id=9), build(sign, accounts, setup)])

    assert result.exit_code == 1, result.output
    bad = [line for line in result.output.splitlines() if line.startswith("line 2: ")]
    assert len(bad) == 1, result.output
    assert reason in bad[0], result.output
    assert "nothing was sent" in result.output
    assert accounts[5].nonce == nonce
    assert not setup.isVoucherUsed(accounts[2], 9)


def test_relay__duplicates__second_refused(relay, sign, accounts):
    gift = sign("gift", token=1_000_001)
    other_gift = sign("gift", token=1_000_001, to=accounts[7])
    voucher, same_id = sign("voucher", voucher_id=4), sign("voucher", voucher_id=4, to=accounts[7])

    result = relay([gift, json.dumps(gift), other_gift, voucher, same_id])

    assert result.exit_code == 1
    assert "line 2: duplicate of line 1 (same digest)" in result.output
    assert "line 3: duplicate: token 1000001 is gifted on line 1 already" in result.output
    assert "line 5: duplicate: voucher 4 of" in result.output


def test_relay__over_cap_revoked_used__refused(relay, sign, setup, accounts):
    setup.claimVoucher(
        1,
        accounts[6],
        1,
        2**40,
        bytes.fromhex(sign("voucher", voucher_id=1, deadline=2**40)["signature"][2:]),
        sender=accounts[5],
    )
    nonce = accounts[5].nonce
    lines = [
        sign("voucher", voucher_id=1),
        sign("voucher", voucher_id=2),
        sign("voucher", voucher_id=3),
        sign("voucher", voucher_id=4),
    ]

    result = relay(lines)

    assert result.exit_code == 1
    assert "line 1: voucher 1 of" in result.output
    assert "claimed already" in result.output
    assert "line 4: over the cap" in result.output
    assert accounts[5].nonce == nonce
    setup.revokeRole(setup.VOUCHER_SIGNER_ROLE(), accounts[2], sender=accounts[0])
    revoked = relay([sign("voucher", voucher_id=5)])
    assert "line 1:" in revoked.output
    assert "does not hold VOUCHER_SIGNER_ROLE" in revoked.output


def test_relay__gift_during_hold__refused(relay, sign, setup, accounts):
    setup.mint(1, accounts[3], sender=accounts[0])

    result = relay([sign("gift", token=1_000_004)])

    assert result.exit_code == 1
    assert "line 1: token 1000004 is in its hold until" in result.output


def test_relay__empty_file__one_line_exit_1(relay, setup):
    result = relay([""])

    assert result.exit_code == 1
    assert "holds no intents" in result.output
