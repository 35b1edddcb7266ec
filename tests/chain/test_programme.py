"""collectibles/chain/programme.py: the programme contracts deployed beside a Collectible, given their roles on
it and their operators' roles, recorded in the registry, and reused (nothing sent) on a re-run."""

import pytest

from collectibles.chain.programme import (
    CRAFTING,
    RAFFLE,
    REDEMPTION,
    deploy_programme,
    programme_contract,
)
from collectibles.chain.registry import Registry
from collectibles.domain.errors import MissingRole


@pytest.fixture
def registry(tmp_path):
    return Registry.load(tmp_path / "deployments.json")


def test_deploy_programme__fresh_chain__three_contracts_with_their_roles(
    project, chain, registry, collectible, admin, minter
):
    result = deploy_programme(
        project, chain.provider, registry, admin, collectible, [minter.address]
    )

    assert result.deployed == (RAFFLE, CRAFTING, REDEMPTION)
    crafting = project.CollectibleCrafting.at(result.crafting)
    redemption = project.CollectibleRedemption.at(result.redemption)
    raffle = project.CollectibleRaffle.at(result.raffle)
    assert collectible.hasRole(collectible.BURNER_ROLE(), crafting) is True
    assert collectible.hasRole(collectible.MINTER_ROLE(), crafting) is True
    assert collectible.hasRole(collectible.BURNER_ROLE(), redemption) is True
    assert collectible.hasRole(collectible.MINTER_ROLE(), redemption) is False
    assert raffle.hasRole(raffle.RAFFLE_ROLE(), minter) is True
    assert crafting.hasRole(crafting.RECIPE_ROLE(), minter) is True
    assert redemption.hasRole(redemption.CAMPAIGN_ROLE(), minter) is True
    assert (crafting.collectible(), redemption.collectible()) == (collectible.address,) * 2


def test_deploy_programme__run_again__reuses_the_recorded_contracts(
    project, chain, registry, collectible, admin
):
    first = deploy_programme(project, chain.provider, registry, admin, collectible, [])
    reloaded = Registry.load(registry.path)

    again = deploy_programme(project, chain.provider, reloaded, admin, collectible, [])

    assert again.deployed == ()
    assert [again.address(n) for n in (RAFFLE, CRAFTING, REDEMPTION)] == [
        first.address(n) for n in (RAFFLE, CRAFTING, REDEMPTION)
    ]
    assert programme_contract(project, chain.provider, reloaded, CRAFTING).address == first.crafting


def test_deploy_programme__another_collectible__new_crafting_and_redemption(
    project, chain, registry, collectible, deploy_collectible, admin
):
    first = deploy_programme(project, chain.provider, registry, admin, collectible, [])
    other = deploy_collectible()

    second = deploy_programme(project, chain.provider, registry, admin, other, [])

    assert second.deployed == (CRAFTING, REDEMPTION)
    assert second.raffle == first.raffle
    assert project.CollectibleCrafting.at(second.crafting).collectible() == other.address


def test_deploy_programme__sender_not_admin__refused_before_sending(
    project, chain, registry, collectible, stranger
):
    nonce = stranger.nonce

    with pytest.raises(MissingRole):
        deploy_programme(project, chain.provider, registry, stranger, collectible, [])
    assert stranger.nonce == nonce
