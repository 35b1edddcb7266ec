"""``ape run series``: one series from flags, or a catalogue; names already on chain are skipped."""

from pathlib import Path

from collectibles.domain.tokens import TransferPolicy
from scripts.series import cli

DATA = Path(__file__).resolve().parents[1] / "data"


def test_series__flags__created_with_json(invoke, last_json, deployed):
    result = invoke(
        cli,
        "--account",
        "TEST::0",
        "--name",
        "Greeting Card",
        "--max-supply",
        500,
        "--policy",
        "gift",
        "--hold-days",
        90,
        "--base-uri",
        "ipfs://card/",
        "--json",
    )
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["contract"] == deployed.address
    assert [(s["name"], s["series_id"], s["created"]) for s in out["series"]] == [
        ("Greeting Card", 1, True)
    ]
    info = deployed.series(1)
    assert (info.maxSupply, info.policy, info.holdSeconds, info.baseURI) == (
        500,
        TransferPolicy.GIFT_AFTER_HOLD,
        90 * 86400,
        "ipfs://card/",
    )


def test_series__catalogue_rerun__no_duplicates(invoke, last_json, deployed, accounts):
    first = last_json(
        invoke(cli, "--account", "TEST::0", "--catalogue", DATA / "catalogue.yaml", "--json")
    )
    assert [s["created"] for s in first["series"]] == [True, True, True]
    nonce = accounts[0].nonce
    again = invoke(cli, "--account", "TEST::0", "--catalogue", DATA / "catalogue.yaml", "--json")
    assert again.exit_code == 0, again.output
    assert [s["created"] for s in last_json(again)["series"]] == [False, False, False]
    assert [s["series_id"] for s in last_json(again)["series"]] == [1, 2, 3]
    assert deployed.seriesCount() == 3
    assert accounts[0].nonce == nonce


def test_series__json_catalogue_overlapping__creates_only_new(invoke, last_json, deployed):
    invoke(cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 200)
    out = last_json(
        invoke(cli, "--account", "TEST::0", "--catalogue", DATA / "catalogue.json", "--json")
    )
    assert [(s["name"], s["series_id"], s["created"]) for s in out["series"]] == [
        ("Court", 1, False),
        ("Greeting Card", 2, True),
    ]


def test_series__bad_max_supply__clear_error_nothing_sent(invoke, deployed, accounts):
    nonce = accounts[0].nonce
    result = invoke(cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 0)
    assert result.exit_code == 1
    assert "max_supply 0 is outside 1..999999" in result.output
    assert accounts[0].nonce == nonce


def test_series__hold_days_on_free__refused(invoke, deployed):
    result = invoke(
        cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 5, "--hold-days", 3
    )
    assert result.exit_code == 1
    assert "hold_days only applies to the gift policy" in result.output


def test_series__not_admin__refused_nothing_sent(invoke, deployed, accounts):
    nonce = accounts[3].nonce
    result = invoke(cli, "--account", "TEST::3", "--name", "Court", "--max-supply", 5)
    assert result.exit_code == 1
    assert "lacks DEFAULT_ADMIN_ROLE" in result.output
    assert accounts[3].nonce == nonce


def test_series__no_deployment__points_to_deploy(invoke):
    result = invoke(cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 5)
    assert result.exit_code == 1
    assert "run `ape run deploy` or pass --contract ADDRESS" in result.output


def test_series__contract_flag__overrides_registry(invoke, last_json, deploy_collectible):
    nft = deploy_collectible()
    result = invoke(
        cli,
        "--account",
        "TEST::0",
        "--contract",
        nft.address,
        "--name",
        "Court",
        "--max-supply",
        5,
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert last_json(result)["contract"] == nft.address
    assert nft.seriesCount() == 1


def test_series__neither_name_nor_catalogue__usage_error(invoke, deployed):
    result = invoke(cli, "--account", "TEST::0")
    assert result.exit_code == 2
    assert "--catalogue" in result.output


def test_series__existing_name_with_other_cap__reported_not_created(invoke, last_json, deployed):
    invoke(cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 200)
    result = invoke(cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 300, "--json")
    assert result.exit_code == 0, result.output
    (series,) = last_json(result)["series"]
    assert series["created"] is False
    assert series["differences"] == ["max_supply: wanted 300, on chain 200"]
    assert deployed.seriesCount() == 1
