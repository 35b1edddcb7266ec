"""collectibles/chain/crafting.py: a member's tokens and progress as the chain has them, recipes created only
when the contract would take them, crafts planned, sent and relayed."""

import pytest

from collectibles.chain.crafting import (
    check_signed_craft,
    create_recipe,
    member_progress,
    member_tokens,
    plan_craft,
    read_recipe,
    relay_craft,
    send_craft,
    sign_craft,
    token_states,
)
from collectibles.domain.crafting import MAX_SERIAL, CraftRefused, InputRule


@pytest.fixture(scope="session")
def crafting(project, collectible, admin):
    """Crafting of the session's collection, run by ``admin``, holding its burner and minter roles."""
    contract = admin.deploy(project.CollectibleCrafting, collectible, admin)
    contract.grantRole(contract.RECIPE_ROLE(), admin, sender=admin)
    collectible.grantRole(collectible.BURNER_ROLE(), contract, sender=admin)
    collectible.grantRole(collectible.MINTER_ROLE(), contract, sender=admin)
    return contract


@pytest.fixture
def fortunes(collectible, create_series, minter, fan):
    """Series Fortune with six tokens of the fan, minted one by one; and series Tiger, the output."""
    fortune = create_series(name="Fortune", max_supply=100)
    tiger = create_series(name="Tiger", max_supply=10)
    tokens = [collectible.mint(fortune, fan, sender=minter).return_value for _ in range(6)]
    return fortune, tiger, tokens


def owned_by(collectible, member, candidates):
    found = []
    for token in candidates:
        try:
            if collectible.ownerOf(token) == member.address:
                found.append(token)
        except Exception:  # noqa: BLE001 - burned: ownerOf reverts
            pass
    return found


def test_member_tokens__after_gifts_and_burns__equal_owner_of(
    collectible, fortunes, fan, friend, badge_series, minter
):
    _, _, tokens = fortunes
    badge = collectible.mint(badge_series, fan, sender=minter).return_value
    collectible.transferFrom(fan, friend, tokens[1], sender=fan)
    collectible.burn(tokens[4], sender=fan)
    back = collectible.mint(fortunes[0], friend, sender=minter).return_value
    collectible.transferFrom(friend, fan, back, sender=friend)

    found = member_tokens(collectible, fan.address)

    assert found == sorted(owned_by(collectible, fan, [*tokens, badge, back]))
    assert found == sorted([tokens[0], tokens[2], tokens[3], tokens[5], badge, back])


def test_token_states__soulbound_and_burned__told(collectible, fortunes, fan, badge_series, minter):
    _, _, tokens = fortunes
    badge = collectible.mint(badge_series, fan, sender=minter).return_value
    collectible.burn(tokens[0], sender=fan)
    states = token_states(collectible, [tokens[0], tokens[1], badge])
    assert states[tokens[0]].owner is None
    assert (states[tokens[1]].owner, states[tokens[1]].soulbound) == (fan.address, False)
    assert states[badge].soulbound is True


def test_create_recipe__read_back_as_given(crafting, collectible, fortunes, admin):
    fortune, tiger, _ = fortunes
    rules = [InputRule((fortune,), 1, 3, 2), InputRule((fortune,), 4, MAX_SERIAL, 1)]
    created = create_recipe(crafting, collectible, rules, tiger, admin)
    assert created.recipe_id == crafting.recipeCount()
    recipe = read_recipe(crafting, created.recipe_id)
    assert recipe.rules == tuple(rules)
    assert (recipe.output_series_id, recipe.input_count, recipe.active) == (tiger, 3, True)


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([InputRule((1,), 1, MAX_SERIAL, 129)], "at most 8 inputs, 16 series"),
        ([InputRule((1,), 1, 10, 1), InputRule((1,), 5, 20, 1)], "both take serials"),
        ([InputRule((99,), 1, MAX_SERIAL, 1)], "series 99 does not exist"),
    ],
)
def test_create_recipe__contract_would_refuse__nothing_sent(
    crafting, collectible, fortunes, admin, rules, problem
):
    nonce = admin.nonce
    with pytest.raises(CraftRefused, match=problem):
        create_recipe(crafting, collectible, rules, fortunes[1], admin)
    assert admin.nonce == nonce


def test_progress__figures_equal_the_chain_before_and_after_a_craft(
    crafting, collectible, fortunes, admin, fan
):
    fortune, tiger, tokens = fortunes
    rid = create_recipe(
        crafting, collectible, [InputRule((fortune,), 1, MAX_SERIAL, 5)], tiger, admin
    ).recipe_id
    recipe = read_recipe(crafting, rid)
    [before] = member_progress(collectible, [recipe], fan.address)
    assert before.have == 5
    assert before.ready
    assert before.rules[0].spare == (tokens[5],)
    supply = collectible.totalSupply()

    outcome = send_craft(crafting, plan_craft(collectible, crafting, rid, fan.address, None), fan)

    assert collectible.totalSupply() == supply - 4
    assert collectible.ownerOf(outcome.output_token_id) == fan.address
    [after] = member_progress(collectible, [recipe], fan.address)
    assert after.have == len(owned_by(collectible, fan, tokens)) == 1
    assert not after.ready


def test_plan_craft__unknown_recipe__refused(crafting, collectible, fan):
    with pytest.raises(CraftRefused, match="no recipe 42"):
        plan_craft(collectible, crafting, 42, fan.address, None)


def test_signed_craft__digest_is_the_contracts_and_relay_mints_to_owner(
    crafting, collectible, fortunes, admin, fan, chain
):
    fortune, tiger, tokens = fortunes
    rid = create_recipe(
        crafting, collectible, [InputRule((fortune,), 1, MAX_SERIAL, 2)], tiger, admin
    ).recipe_id
    plan = plan_craft(collectible, crafting, rid, fan.address, tokens[:2])
    signed = sign_craft(crafting, plan, fan, chain.pending_timestamp + 600)

    assert check_signed_craft(collectible, crafting, signed, chain.pending_timestamp) == plan
    outcome = relay_craft(crafting, signed, admin)
    assert collectible.ownerOf(outcome.output_token_id) == fan.address
