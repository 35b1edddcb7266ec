"""``ape run publish`` then ``ape run verify``: publish -> reveal -> verify, and verify catching tampering."""

import json

import pytest

from collectibles.chain.series import spec_for_series
from collectibles.content.artwork import series_artwork
from collectibles.content.metadata import SeriesProfile, canonical_json
from collectibles.content.publish import build_series
from collectibles.ipfs.car import write_car
from collectibles.ipfs.unixfs import add_bytes, add_directory
from scripts.mint import cli as mint_cli
from scripts.publish import cli as publish_cli
from scripts.series import cli as series_cli
from scripts.verify import cli as verify_cli

CARD = "Spring Festival Greeting Card"


@pytest.fixture
def card_series(invoke, deployed, accounts):
    """Series 1, the catalogue's greeting card (gift, 90 days, 500), with three tokens minted."""
    result = invoke(
        series_cli, "--account", "TEST::0", "--name", CARD, "--max-supply", 500,
        "--policy", "gift", "--hold-days", 90, "--base-uri", "ipfs://placeholder/card.json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    minted = invoke(
        mint_cli, "--account", "TEST::0", "--series", 1, "--to", accounts[3].address,
        "--quantity", 3,
    )  # fmt: skip
    assert minted.exit_code == 0, minted.output
    return 1


def publish(invoke, last_json, out, *extra):
    result = invoke(
        publish_cli, "--account", "TEST::0", "--series", 1, "--out", out, "--json", *extra
    )
    assert result.exit_code == 0, result.output
    return last_json(result)


def test_publish__placeholder_series__reveals_ipfs_folder(
    invoke, last_json, deployed, card_series, tmp_path
):
    before = deployed.tokenURI(1_000_002)

    out = publish(invoke, last_json, tmp_path, "--set-contract-uri")

    assert before == "ipfs://placeholder/card.json"
    assert out["revealed"] is True
    assert out["written"] is True
    assert out["base_uri"] == f"ipfs://{out['directory_cid']}/"
    assert out["reported_cid"] == out["directory_cid"]  # the car backend reports the CAR's root
    assert deployed.tokenURI(1_000_002) == f"ipfs://{out['directory_cid']}/2.json"
    assert deployed.contractURI() == f"ipfs://{out['directory_cid']}/collection.json"
    document = json.loads((tmp_path / out["directory_cid"] / "2.json").read_text())
    assert document["name"] == f"{CARD} #2"
    assert document["image"] == f"ipfs://{out['image_cid']}"
    assert {"trait_type": "Serial", "value": 2, "max_value": 500, "display_type": "number"} in (
        document["attributes"]
    )


def test_publish__unchanged_content__nothing_sent_or_written(
    invoke, last_json, deployed, card_series, tmp_path, accounts
):
    first = publish(invoke, last_json, tmp_path)
    nonce = accounts[0].nonce

    again = publish(invoke, last_json, tmp_path)

    assert again["directory_cid"] == first["directory_cid"]
    assert (again["written"], again["revealed"], again["tx_hashes"]) == (False, False, [])
    assert accounts[0].nonce == nonce


def test_publish__frozen_series_elsewhere__refused_with_message(
    invoke, last_json, deployed, card_series, tmp_path, accounts
):
    deployed.freezeSeriesMetadata(1, sender=accounts[0])
    nonce = accounts[0].nonce

    result = invoke(publish_cli, "--account", "TEST::0", "--series", 1, "--out", tmp_path)

    assert result.exit_code == 1
    assert "series 1 is frozen at base URI 'ipfs://placeholder/card.json'" in result.output
    assert accounts[0].nonce == nonce


def test_verify__published_and_revealed__every_token_matches(
    invoke, last_json, deployed, card_series, tmp_path
):
    publish(invoke, last_json, tmp_path)

    result = invoke(verify_cli, "--car", tmp_path, "--report", tmp_path / "report.json", "--json")

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert (out["tokens"], out["mismatched"]) == (3, [])
    report = json.loads((tmp_path / "report.json").read_text())
    assert [t["serial"] for t in report[0]["tokens"]] == [1, 2, 3]
    assert all(t["json_cid"] and t["image_cid"] for t in report[0]["tokens"])


def test_verify__tampered_serial_republished__names_the_token(
    invoke, last_json, deployed, card_series, tmp_path, accounts
):
    # Someone edits 2.json (serial 7 instead of 2) past our validation, packs a consistent DAG and CAR,
    # and points the chain at it.
    spec = spec_for_series(deployed.series(1), None)
    art = series_artwork(spec.name, spec.max_supply, spec.policy, None, spec.theme)
    files = dict(build_series(SeriesProfile.from_spec(spec), art).files)
    document = json.loads(files["2.json"])
    for trait in document["attributes"]:
        if trait["trait_type"] == "Serial":
            trait["value"] = 7
    files["2.json"] = canonical_json(document)
    root = add_directory({name: add_bytes(data) for name, data in files.items()}, 1, shard=True)
    (tmp_path / "tampered.car").write_bytes(write_car(root))
    deployed.setSeriesBaseURI(1, f"ipfs://{root.cid}/", sender=accounts[0])

    result = invoke(verify_cli, "--car", tmp_path, "--report", tmp_path / "r.json", "--json")

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == [1_000_002]
    assert "token 1000002 (serial 2): Serial attribute is 7, the chain says 2" in result.output


def test_verify__placeholder_not_revealed__every_token_reported(
    invoke, last_json, deployed, card_series, tmp_path
):
    (tmp_path / "empty").mkdir()

    result = invoke(
        verify_cli, "--car", tmp_path / "empty", "--report", tmp_path / "r.json", "--json"
    )

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == [1_000_001, 1_000_002, 1_000_003]
    assert "metadata at ipfs://placeholder/card.json cannot be fetched" in result.output
