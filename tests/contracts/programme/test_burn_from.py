"""The collection's hook for the programme: ``burnFrom`` burns a member's tokens for a ``BURNER_ROLE`` holder
(crafting, burn-mode redemption), with no approval, whatever the tokens' policies."""

import pytest
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts


@pytest.fixture
def burner(accounts, collectible, admin):
    """An account given ``BURNER_ROLE`` (the programme contracts hold it in production)."""
    account = accounts[9]
    collectible.grantRole(collectible.BURNER_ROLE(), account, sender=admin)
    return account


def test_burn_from__owned_tokens_of_every_policy__burned_with_events(
    collectible, free_series, gift_series, badge_series, mint_to, fan, burner
):
    tokens = [mint_to(s, fan) for s in (free_series, gift_series, badge_series)]
    supply, balance = collectible.totalSupply(), collectible.balanceOf(fan)

    tx = collectible.burnFrom(fan, tokens, sender=burner)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": t} for t in tokens
    ]
    assert collectible.totalSupply() == supply - 3
    assert collectible.balanceOf(fan) == balance - 3
    for token in tokens:
        with reverts(collectible.ERC721NonexistentToken, tokenId=token):
            collectible.ownerOf(token)


def test_burn_from__counts_burns_per_series(collectible, free_series, mint_to, fan, burner):
    tokens = [mint_to(free_series, fan) for _ in range(2)]
    burned = collectible.series(free_series).burned

    collectible.burnFrom(fan, tokens, sender=burner)

    assert collectible.series(free_series).burned == burned + 2


def test_burn_from__token_of_another_owner__reverts_and_burns_nothing(
    collectible, free_series, mint_to, fan, friend, burner
):
    mine, theirs = mint_to(free_series, fan), mint_to(free_series, friend)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=theirs, caller=fan.address):
        collectible.burnFrom(fan, [mine, theirs], sender=burner)
    assert collectible.ownerOf(mine) == fan.address


def test_burn_from__token_twice__reverts(collectible, free_series, mint_to, fan, burner):
    token = mint_to(free_series, fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.burnFrom(fan, [token, token], sender=burner)


def test_burn_from__without_role__reverts(collectible, free_series, mint_to, fan):
    token = mint_to(free_series, fan)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=fan.address,
        neededRole=collectible.BURNER_ROLE(),
    ):
        collectible.burnFrom(fan, [token], sender=fan)


def test_burn_from__paused__reverts(collectible, admin, free_series, mint_to, fan, burner):
    token = mint_to(free_series, fan)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.burnFrom(fan, [token], sender=burner)


def test_burn_from__lazily_owned_token__burned(collectible, minter, free_series, fan, burner):
    tx = collectible.mintBatch(free_series, fan, 3, sender=minter)
    middle = tx.events.filter(collectible.Transfer)[1].tokenId

    collectible.burnFrom(fan, [middle], sender=burner)

    with reverts(collectible.ERC721NonexistentToken, tokenId=middle):
        collectible.ownerOf(middle)
    assert collectible.ownerOf(middle + 1) == fan.address


def test_burn_from__empty_list__burns_nothing(collectible, fan, burner):
    tx = collectible.burnFrom(fan, [], sender=burner)

    assert list(tx.events.filter(collectible.Transfer)) == []
