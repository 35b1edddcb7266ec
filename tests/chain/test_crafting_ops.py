"""collectibles/chain/crafting.py: the crafting contract and its collection found, a member's tokens and
progress as the chain has them, recipes created only when the contract would take them and read back, crafts
planned, sent, signed to a file and relayed."""

import re

import pytest

from collectibles.chain.crafting import (
    CraftOutcome,
    CraftPlan,
    SignedCraft,
    check_signed_craft,
    chosen_recipes,
    crafting_contracts,
    create_recipe,
    member_progress,
    member_tokens,
    plan_craft,
    read_recipe,
    recipe_series_names,
    relay_craft,
    send_craft,
    sign_craft,
    token_states,
)
from collectibles.chain.deployment import chain_identity
from collectibles.chain.registry import Deployment, Registry
from collectibles.domain.crafting import MAX_SERIAL, CraftRefused, InputRule, Recipe

MISSING = "no crafting on chain {chain_id}: pass --crafting"


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


def unused_registry() -> Registry:
    pytest.fail("the deployment registry was loaded, though an address was given")


def test_crafting_contracts__address_given__it_and_the_collection_it_crafts(
    project, chain, crafting, collectible
):
    found, nft = crafting_contracts(
        project, chain.provider, unused_registry, crafting.address, missing=MISSING
    )

    assert (found.address, nft.address) == (crafting.address, collectible.address)


def test_crafting_contracts__registry_records_it__found_there(
    project, chain, crafting, collectible, tmp_path
):
    registry = Registry(tmp_path / "deployments.json")
    ident = chain_identity(chain.provider)
    registry.record(
        ident.chain_id, ident.genesis_hash, "CollectibleCrafting", Deployment(crafting.address)
    )

    found, nft = crafting_contracts(
        project, chain.provider, lambda: registry, None, missing=MISSING
    )

    assert (found.address, nft.address) == (crafting.address, collectible.address)


def test_crafting_contracts__nothing_recorded__craft_refused_with_the_missing_message(
    project, chain, tmp_path
):
    registry = Registry(tmp_path / "deployments.json")
    with pytest.raises(CraftRefused) as refused:
        crafting_contracts(project, chain.provider, lambda: registry, None, missing=MISSING)
    assert str(refused.value) == f"no crafting on chain {chain.chain_id}: pass --crafting"


def test_crafting_contracts__address_without_code__craft_refused(project, chain):
    with pytest.raises(CraftRefused, match="no contract at 0x1212"):
        crafting_contracts(
            project, chain.provider, unused_registry, "0x" + "12" * 20, missing=MISSING
        )


def test_chosen_recipes__one_id_or_none__that_recipe_or_all(crafting, collectible, fortunes, admin):
    fortune, tiger, _ = fortunes
    before = len(chosen_recipes(crafting))
    for count in (1, 2):
        create_recipe(
            crafting, collectible, [InputRule((fortune,), 1, MAX_SERIAL, count)], tiger, admin
        )
    last = int(crafting.recipeCount())

    assert [r.recipe_id for r in chosen_recipes(crafting)] == list(range(1, last + 1))
    assert len(chosen_recipes(crafting)) == before + 2
    [only] = chosen_recipes(crafting, last)
    assert (only.recipe_id, only.rules[0].count) == (last, 2)
    with pytest.raises(CraftRefused, match=f"no recipe {last + 1}"):
        chosen_recipes(crafting, last + 1)


def test_recipe_series_names__inputs_and_output__each_named(collectible, fortunes, create_series):
    fortune, tiger, _ = fortunes
    court = create_series(name="Court", max_supply=5)
    recipe = Recipe(1, (InputRule((fortune, court), 1, MAX_SERIAL, 1),), tiger, 1, True, False)

    assert recipe_series_names(collectible, [recipe]) == {
        fortune: "Fortune",
        court: "Court",
        tiger: "Tiger",
    }


PLAN = CraftPlan(
    Recipe(4, (InputRule((1,), 1, MAX_SERIAL, 2),), 3, 2, True, False),
    "0x" + "ab" * 20,
    (1_000_001, 1_000_002),
    "Tiger",
)


def test_craft_plan__describe__burns_and_mints_to_the_member():
    assert PLAN.describe() == (
        f"recipe 4: burns 1000001, 1000002, mints 1 of series 3 (Tiger) to {'0x' + 'ab' * 20}"
    )


def test_craft_plan_and_outcome__as_json__what_make_reports():
    outcome = CraftOutcome(3_000_001, 150_000, "0x" + "cd" * 32)

    assert PLAN.as_json() | outcome.as_json() == {
        "recipe": 4,
        "member": "0x" + "ab" * 20,
        "inputs": [1_000_001, 1_000_002],
        "output_series": 3,
        "output_token_id": 3_000_001,
        "gas_used": 150_000,
        "tx_hash": "0x" + "cd" * 32,
    }


SIGNED = SignedCraft(
    "0x" + "12" * 20, 4, (1_000_001, 1_000_002), "0x" + "ab" * 20, 1_900_000_000, b"\x01" * 65
)


def test_signed_craft__written_then_read__the_same_craft(tmp_path):
    path = tmp_path / "craft.json"
    SIGNED.write(path)

    assert SignedCraft.read(path) == SIGNED
    assert path.read_text().startswith('{\n  "kind": "craft",\n  "crafting": ')


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "is not JSON (Expecting property name"),
        (b"\xff\xfe", "is not JSON ('utf-8' codec can't decode"),
        (b'{"kind": "gift"}', 'not a signed craft (no "kind": "craft")'),
        (b'{"kind": "craft"}', "not a signed craft ('crafting')"),
    ],
)
def test_signed_craft_read__not_a_signed_craft__refused_naming_the_problem(
    tmp_path, content, problem
):
    path = tmp_path / "craft.json"
    path.write_bytes(content)

    with pytest.raises(CraftRefused, match=re.escape(problem)):
        SignedCraft.read(path)
