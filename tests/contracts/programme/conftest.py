"""Fixtures the programme tests share: the redemption, raffle and crafting contracts, deployed on the session's
collection and given their roles on it, and a helper that mints tokens of a series to a member."""

import pytest


@pytest.fixture(scope="session")
def redemption(project, collectible, admin):
    """Redemption campaigns of the session's collection: ``admin`` holds ``CAMPAIGN_ROLE``, the contract the
    collection's ``BURNER_ROLE``."""
    contract = admin.deploy(project.CollectibleRedemption, collectible, admin)
    contract.grantRole(contract.CAMPAIGN_ROLE(), admin, sender=admin)
    collectible.grantRole(collectible.BURNER_ROLE(), contract, sender=admin)
    return contract


@pytest.fixture(scope="session")
def raffle(project, admin):
    """A raffle contract whose ``RAFFLE_ROLE`` ``admin`` holds."""
    contract = admin.deploy(project.CollectibleRaffle, admin)
    contract.grantRole(contract.RAFFLE_ROLE(), admin, sender=admin)
    return contract


@pytest.fixture(scope="session")
def crafting(project, collectible, admin):
    """Crafting of the session's collection: ``admin`` holds ``RECIPE_ROLE``; the contract holds the
    collection's ``BURNER_ROLE`` and ``MINTER_ROLE``."""
    contract = admin.deploy(project.CollectibleCrafting, collectible, admin)
    contract.grantRole(contract.RECIPE_ROLE(), admin, sender=admin)
    collectible.grantRole(collectible.BURNER_ROLE(), contract, sender=admin)
    collectible.grantRole(collectible.MINTER_ROLE(), contract, sender=admin)
    return contract


@pytest.fixture(scope="session")
def mint_many(collectible, minter):
    """Returns a builder: mints ``count`` tokens of a series to an address, one ``mint`` each (so every token
    has its own ownership slot), and returns their ids."""

    def mint(series_id, to, count=1):
        return [
            collectible.mint(series_id, to, sender=minter)
            .events.filter(collectible.Transfer)[0]
            .tokenId
            for _ in range(count)
        ]

    return mint
