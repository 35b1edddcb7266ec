"""collectibles/chain/registry.py: deployments keyed by chain id and genesis hash, checked for code."""

import json

import pytest

from collectibles.chain.registry import Deployment, Registry, chain_key
from collectibles.domain.errors import InvalidRegistry, NoDeployment, StaleDeployment

GENESIS_A = "0x" + "aa" * 32
GENESIS_B = "0x" + "bb" * 32
ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
OTHER = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"


def has_code(address):
    return True


def no_code(address):
    return False


def test_chain_key__normalises_hash():
    assert (
        chain_key(31337, "0X" + "AB" * 32)
        == chain_key(31337, bytes.fromhex("ab" * 32))
        == f"31337:0x{'ab' * 32}"
    )


def test_load__missing_file__empty(tmp_path):
    registry = Registry.load(tmp_path / "deployments.json")
    assert registry.chains == {}


def test_record_save_load__round_trip(tmp_path):
    path = tmp_path / "sub" / "deployments.json"
    registry = Registry.load(path)
    registry.record(
        31337, GENESIS_A, "Collectible", Deployment(ADDRESS, tx_hash="0x01", block_number=1)
    )
    registry.save()
    data = json.loads(path.read_text())
    assert data["format"] == "collectibles-deployments-v1"
    found = Registry.load(path).lookup(31337, GENESIS_A, "Collectible", has_code)
    assert (found.address, found.tx_hash, found.block_number) == (ADDRESS, "0x01", 1)


def test_lookup__restarted_chain__no_stale_address(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS))
    with pytest.raises(NoDeployment) as err:
        registry.lookup(31337, GENESIS_B, "Collectible", has_code)
    assert err.value.reset is True
    assert "restarted or reset" in str(err.value)
    assert registry.find(31337, GENESIS_B, "Collectible", has_code) is None


def test_lookup__other_chain_id__not_reset(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(1, GENESIS_A, "Collectible", Deployment(ADDRESS))
    with pytest.raises(NoDeployment) as err:
        registry.lookup(31337, GENESIS_A, "Collectible", has_code)
    assert err.value.reset is False


def test_lookup__address_without_code__stale(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS))
    with pytest.raises(StaleDeployment) as err:
        registry.lookup(31337, GENESIS_A, "Collectible", no_code)
    assert err.value.address == ADDRESS
    assert registry.find(31337, GENESIS_A, "Collectible", no_code) is None


def test_record__redeploy__keeps_previous_and_other_chains(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS))
    registry.record(31337, GENESIS_B, "Collectible", Deployment(ADDRESS))
    registry.record(31337, GENESIS_A, "Collectible", Deployment(OTHER))
    assert registry.get(31337, GENESIS_A, "Collectible").previous == [ADDRESS]
    assert registry.get(31337, GENESIS_B, "Collectible").address == ADDRESS
    assert registry.other_chains(31337, GENESIS_A) == [chain_key(31337, GENESIS_B)]


@pytest.mark.parametrize("text", ["not json", '{"format": "something-else"}', '{"chains": []}'])
def test_load__bad_file__invalid_registry(tmp_path, text):
    path = tmp_path / "deployments.json"
    path.write_text(text)
    with pytest.raises(InvalidRegistry):
        Registry.load(path)


# ------------------------------------------------------------------ a chain restarted from its state


def same_as(*addresses):
    """A ``same_deployment`` check that accepts the deployments at ``addresses`` (and records its calls)."""

    def check(deployment):
        check.calls.append(deployment.address)
        return deployment.address in addresses

    check.calls = []
    return check


def test_lookup__new_genesis_same_deployment__adopted_under_new_genesis(tmp_path):
    path = tmp_path / "d.json"
    registry = Registry(path)
    registry.record(
        31337, GENESIS_A, "Collectible", Deployment(ADDRESS, tx_hash="0x01", code_hash="0xc0de")
    )

    found = registry.lookup(31337, GENESIS_B, "Collectible", has_code, same_as(ADDRESS))

    assert (found.address, found.tx_hash, found.code_hash) == (ADDRESS, "0x01", "0xc0de")
    assert registry.get(31337, GENESIS_B, "Collectible").address == ADDRESS
    assert registry.chains[chain_key(31337, GENESIS_B)]["kept_from"] == chain_key(31337, GENESIS_A)
    assert registry.chains[chain_key(31337, GENESIS_B)]["genesis_hash"] == GENESIS_B
    registry.save()
    assert Registry.load(path).lookup(31337, GENESIS_B, "Collectible", has_code).address == ADDRESS


def test_lookup__new_genesis_deployment_gone__still_no_deployment_reset(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS, tx_hash="0x01"))
    check = same_as()

    with pytest.raises(NoDeployment) as err:
        registry.lookup(31337, GENESIS_B, "Collectible", has_code, check)

    assert err.value.reset is True
    assert check.calls == [ADDRESS]
    assert registry.get(31337, GENESIS_B, "Collectible") is None


def test_adopt__entries_are_copies__a_redeploy_changes_only_the_new_chain(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS))
    registry.adopt(31337, GENESIS_B, "Collectible", same_as(ADDRESS))

    registry.record(31337, GENESIS_B, "Collectible", Deployment(OTHER))

    assert registry.get(31337, GENESIS_A, "Collectible").address == ADDRESS
    assert registry.get(31337, GENESIS_B, "Collectible").address == OTHER


def test_lookup__same_genesis__no_deployment_check_asked(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(31337, GENESIS_A, "Collectible", Deployment(ADDRESS))
    check = same_as()

    assert registry.lookup(31337, GENESIS_A, "Collectible", has_code, check).address == ADDRESS
    assert check.calls == []


def test_adopt__other_chain_id__never_considered(tmp_path):
    registry = Registry(tmp_path / "d.json")
    registry.record(1, GENESIS_A, "Collectible", Deployment(ADDRESS))
    check = same_as(ADDRESS)

    assert registry.find(31337, GENESIS_B, "Collectible", has_code, check) is None
    assert check.calls == []
