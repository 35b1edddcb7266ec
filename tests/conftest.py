"""Shared fixtures: role-named accounts, a deployed collection, and builders for series and tokens.

Ape isolates every fixture scope, so session-scoped fixtures are safe: each test starts from the chain state
its fixtures left, and whatever the test itself sends is rolled back afterwards.
"""

import subprocess

import pytest
from utils.chain_time import HOLD_SECONDS

from collectibles.domain.tokens import TransferPolicy

NAME = "Spring Festival"
SYMBOL = "SPRING"
ROYALTY_BPS = 500


@pytest.fixture(scope="session")
def admin(accounts):
    """Holds DEFAULT_ADMIN_ROLE: creates series, pauses, sets royalties."""
    return accounts[0]


@pytest.fixture(scope="session")
def minter(accounts):
    """Holds MINTER_ROLE: mints, airdrops, sets claim roots."""
    return accounts[1]


@pytest.fixture(scope="session")
def curator(accounts):
    """Holds METADATA_ROLE: base URIs, reveals, freezes, contract URI."""
    return accounts[2]


@pytest.fixture(scope="session")
def fan(accounts):
    """A member who receives collectibles."""
    return accounts[3]


@pytest.fixture(scope="session")
def friend(accounts):
    """Someone a fan gifts a collectible to."""
    return accounts[4]


@pytest.fixture(scope="session")
def operator(accounts):
    """A marketplace-like operator or approved address."""
    return accounts[5]


@pytest.fixture(scope="session")
def stranger(accounts):
    """An account with no role and no tokens."""
    return accounts[6]


@pytest.fixture(scope="session")
def royalty_receiver(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def deploy_collectible(project, admin, minter, curator, royalty_receiver):
    """Returns a builder: deploys a Collectible and grants the minter and metadata roles."""

    def deploy(admin_delay=0, royalty_bps=ROYALTY_BPS, receiver=None, grant_roles=True):
        receiver = royalty_receiver if receiver is None else receiver
        nft = admin.deploy(
            project.Collectible, NAME, SYMBOL, admin, admin_delay, receiver, royalty_bps
        )
        if grant_roles:
            nft.grantRole(nft.MINTER_ROLE(), minter, sender=admin)
            nft.grantRole(nft.METADATA_ROLE(), curator, sender=admin)
        return nft

    return deploy


@pytest.fixture(scope="session")
def collectible(deploy_collectible):
    """A collection with the minter and curator roles granted, and no series yet."""
    return deploy_collectible()


@pytest.fixture(scope="session")
def create_series(collectible, admin):
    """Returns a builder: creates a series and returns its id."""

    def create(
        name="Greeting Card",
        max_supply=500,
        policy=TransferPolicy.FREE,
        hold_seconds=0,
        base_uri="ipfs://placeholder/card.json",
    ):
        tx = collectible.createSeries(
            name, max_supply, int(policy), hold_seconds, base_uri, sender=admin
        )
        return tx.events.filter(collectible.SeriesCreated)[0].seriesId

    return create


@pytest.fixture(scope="session")
def free_series(create_series):
    return create_series(name="Court", max_supply=200, policy=TransferPolicy.FREE)


@pytest.fixture(scope="session")
def gift_series(create_series):
    return create_series(
        name="Greeting Card",
        max_supply=500,
        policy=TransferPolicy.GIFT_AFTER_HOLD,
        hold_seconds=HOLD_SECONDS,
    )


@pytest.fixture(scope="session")
def badge_series(create_series):
    return create_series(name="All-Star Badge", max_supply=1000, policy=TransferPolicy.SOULBOUND)


@pytest.fixture(scope="session")
def mint_to(collectible, minter):
    """Returns a builder: mints one token of a series to an address and returns its token id."""

    def mint(series_id, to):
        tx = collectible.mint(series_id, to, sender=minter)
        return tx.events.filter(collectible.Transfer)[0].tokenId

    return mint


@pytest.fixture(scope="session")
def receiver(project, admin):
    """A contract that accepts ERC-721 tokens and counts the callbacks."""
    return admin.deploy(project.ReceiverMock)


@pytest.fixture(scope="session")
def non_receiver(project, admin):
    """A contract without onERC721Received."""
    return admin.deploy(project.NonReceiverMock)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (root and mount needed; skipped where the sandbox refuses)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)
