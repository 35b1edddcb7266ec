"""collectibles/chain/programme.py: the programme contracts deployed beside a Collectible, given their roles on
it and their operators' roles, recorded in the registry, and reused (nothing sent) on a re-run; a command's
contract found from its option or the registry, refused in the command's own words otherwise."""

import pytest

from collectibles.chain.deployment import chain_identity
from collectibles.chain.programme import (
    CRAFTING,
    RAFFLE,
    REDEMPTION,
    deploy_programme,
    programme_at,
    programme_contract,
    programme_deployment,
    resolve_programme_contract,
)
from collectibles.chain.registry import Deployment, Registry
from collectibles.domain.errors import CollectiblesError, MissingRole, NoDeployment

NO_CODE = "0x" + "12" * 20
MISSING = "no {chain_id} raffle: pass --raffle-contract"


class Refused(CollectiblesError):
    """A command's own refusal, as CraftRefused or RaffleRefused."""


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


def test_programme_deployment__recorded_under_an_earlier_genesis__this_chains_taken(
    project, chain, registry, collectible, admin
):
    first = deploy_programme(project, chain.provider, registry, admin, collectible, [])
    ident = chain_identity(chain.provider)
    recorded = registry.get(ident.chain_id, ident.genesis_hash, RAFFLE)
    earlier = Registry(registry.path.with_name("earlier.json"))
    earlier.record(ident.chain_id, "0x" + "ab" * 32, RAFFLE, recorded)

    assert programme_deployment(chain.provider, earlier, RAFFLE).address == first.raffle


def test_programme_deployment__none_recorded__no_deployment(chain, registry):
    with pytest.raises(NoDeployment):
        programme_deployment(chain.provider, registry, RAFFLE)


@pytest.fixture
def raffle(project, admin):
    return admin.deploy(project.CollectibleRaffle, admin)


def unused_registry() -> Registry:
    pytest.fail("the deployment registry was loaded, though an address was given")


def resolve(project, chain, registry, address):
    return resolve_programme_contract(
        project, chain.provider, registry, RAFFLE, address, refused=Refused, missing=MISSING
    )


def test_resolve_programme_contract__address_with_code__that_contract_registry_not_loaded(
    project, chain, raffle
):
    found = resolve(project, chain, unused_registry, raffle.address)

    assert found.address == raffle.address
    assert found.RAFFLE_ROLE() == raffle.RAFFLE_ROLE()


def test_resolve_programme_contract__address_without_code__the_commands_error(project, chain):
    with pytest.raises(Refused, match=f"^no contract at {NO_CODE} on chain {chain.chain_id}$"):
        resolve(project, chain, unused_registry, NO_CODE)


def test_resolve_programme_contract__no_address__the_registrys_contract(
    project, chain, registry, raffle
):
    ident = chain_identity(chain.provider)
    registry.record(ident.chain_id, ident.genesis_hash, RAFFLE, Deployment(raffle.address))

    assert resolve(project, chain, lambda: registry, None).address == raffle.address


@pytest.mark.parametrize("recorded", [None, NO_CODE], ids=["none", "code_gone"])
def test_resolve_programme_contract__registry_has_no_live_one__the_missing_message(
    project, chain, registry, recorded
):
    ident = chain_identity(chain.provider)
    if recorded:
        registry.record(ident.chain_id, ident.genesis_hash, RAFFLE, Deployment(recorded))

    with pytest.raises(Refused) as refused:
        resolve(project, chain, lambda: registry, None)
    assert str(refused.value) == f"no {chain.chain_id} raffle: pass --raffle-contract"


def test_programme_at__address_with_code__this_builds_abi(project, chain, raffle):
    found = programme_at(project, chain.provider, RAFFLE, raffle.address, refused=Refused)

    assert found.contract_type == project.CollectibleRaffle.contract_type
