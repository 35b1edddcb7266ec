"""``ape run sign gift|voucher``: typed data and a signature the contract accepts, or one line and exit 1."""

import json

import pytest

from collectibles.domain.tokens import TransferPolicy
from scripts.sign import cli

HOLD = 30 * 24 * 3600


@pytest.fixture
def series(deployed, accounts):
    """Series 1: a gift series (30-day hold); series 2: soulbound badges."""
    admin = accounts[0]
    deployed.createSeries("Card", 100, int(TransferPolicy.GIFT_AFTER_HOLD), HOLD, "", sender=admin)
    deployed.createSeries("Badge", 100, int(TransferPolicy.SOULBOUND), 0, "", sender=admin)
    return {"gift": 1, "badge": 2}


@pytest.fixture
def card(chain, deployed, series, accounts):
    """A card of TEST::3, past its hold."""
    deployed.mint(series["gift"], accounts[3], sender=accounts[0])
    chain.pending_timestamp = deployed.acquiredAt(1_000_001) + HOLD
    chain.mine()
    return 1_000_001


def test_sign_gift__json__typed_data_and_signature_accepted(
    invoke, last_json, deployed, card, accounts
):
    result = invoke(
        cli, "gift", "--account", "TEST::3", "--token", card, "--to", accounts[4].address, "--json"
    )

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["kind"] == "gift"
    assert out["signer"] == accounts[3].address
    typed = out["typed_data"]
    assert typed["primaryType"] == "Gift"
    assert typed["domain"]["verifyingContract"] == deployed.address
    assert typed["message"]["acquiredAt"] == str(deployed.acquiredAt(card))
    # The pretty-printed typed data is on stdout before the signature, as a wallet would take it.
    assert json.loads(result.stdout.split("signature:")[0]) == typed
    deadline = int(typed["message"]["deadline"])
    deployed.giftBySig(card, accounts[4], deadline, out["signature"], sender=accounts[5])
    assert deployed.ownerOf(card) == accounts[4].address


def test_sign_voucher__json__claimable(invoke, last_json, deployed, series, accounts):
    signer = accounts[2]
    deployed.grantRole(deployed.VOUCHER_SIGNER_ROLE(), signer, sender=accounts[0])
    deployed.setVoucherAllowance(signer, series["gift"], 5, sender=accounts[0])

    result = invoke(
        cli,
        "voucher",
        "--account",
        "TEST::2",
        "--series",
        series["gift"],
        "--to",
        accounts[6].address,
        "--voucher-id",
        11,
        "--deadline",
        deployed.provider.get_block("latest").timestamp + 600,
        "--json",
    )

    assert result.exit_code == 0, result.output
    out = last_json(result)
    message = out["typed_data"]["message"]
    deployed.claimVoucher(
        series["gift"],
        accounts[6],
        11,
        int(message["deadline"]),
        out["signature"],
        sender=accounts[5],
    )
    assert deployed.isVoucherUsed(signer, 11) is True


def test_sign_gift__not_owner__refused_one_line(invoke, deployed, card, accounts):
    result = invoke(
        cli, "gift", "--account", "TEST::4", "--token", card, "--to", accounts[5].address
    )

    assert result.exit_code == 1
    assert f"does not own token {card}" in result.output
    assert "signature:" not in result.output


def test_sign_gift__soulbound__refused(invoke, deployed, series, accounts):
    deployed.mint(series["badge"], accounts[3], sender=accounts[0])

    result = invoke(
        cli, "gift", "--account", "TEST::3", "--token", 2_000_001, "--to", accounts[4].address
    )

    assert result.exit_code == 1
    assert "soulbound" in result.output


def test_sign_gift__hold_outlasts_deadline__refused(invoke, deployed, series, accounts):
    deployed.mint(series["gift"], accounts[3], sender=accounts[0])

    result = invoke(
        cli,
        "gift",
        "--account",
        "TEST::3",
        "--token",
        1_000_001,
        "--to",
        accounts[4].address,
        "--valid-for",
        60,
    )

    assert result.exit_code == 1
    assert "after the deadline" in result.output


def test_sign_voucher__no_role__refused_json(invoke, deployed, series, accounts):
    result = invoke(
        cli,
        "voucher",
        "--account",
        "TEST::2",
        "--series",
        series["gift"],
        "--to",
        accounts[6].address,
        "--voucher-id",
        1,
        "--json",
    )

    assert result.exit_code == 1
    # The runner mixes click's "Error:" line into the output after the JSON one.
    out = json.loads([line for line in result.output.splitlines() if line.startswith("{")][-1])
    assert "does not hold VOUCHER_SIGNER_ROLE" in out["error"]
    assert "signature:" not in result.stdout


def test_sign_gift__bad_address__usage_error(invoke, deployed, card):
    result = invoke(cli, "gift", "--account", "TEST::3", "--token", card, "--to", "0x1234")

    assert result.exit_code == 2
    assert "is not an address" in result.output
