"""Crafting: ``createRecipe`` (stored recipe read back, event, every refusal), ``setRecipeActive``, ``craft``
(burns the inputs and mints the output in one transaction; every way a craft is refused), ``craftBySig`` (an
owner's EIP-712 intent relayed by someone else; expiry, a wrong signer, replay), and a property: a craft changes
the total supply by exactly one minus its inputs, and a refused craft changes nothing."""

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import TransferPolicy, token_id

ALL = (1, 999_999)


def rule(series_ids, count, serials=ALL):
    """An ``InputRule`` tuple: ``count`` tokens of any of ``series_ids`` with serials in ``serials``."""
    return (list(series_ids), serials[0], serials[1], count)


@pytest.fixture(scope="session")
def fortune(create_series):
    return create_series(name="Fortune", max_supply=999_999)


@pytest.fixture(scope="session")
def lantern(create_series):
    return create_series(name="Lantern", max_supply=999_999)


@pytest.fixture(scope="session")
def tiger(create_series):
    """The crafted output: a gift series with a small cap."""
    return create_series(
        name="Tiger", max_supply=3, policy=TransferPolicy.GIFT_AFTER_HOLD, hold_seconds=60
    )


@pytest.fixture
def create_recipe(crafting, admin):
    """Returns a builder: creates a recipe and returns its id."""

    def create(rules, output, allow_soulbound=False, active=True):
        tx = crafting.createRecipe(rules, output, allow_soulbound, active, sender=admin)
        return tx.events.filter(crafting.RecipeCreated)[0].recipeId

    return create


# ---------------------------------------------------------------- createRecipe


def test_create_recipe__every_rule_shape__read_back_and_emitted(
    crafting, admin, fortune, lantern, badge_series, tiger
):
    rules = [
        rule([fortune], 2),
        rule([lantern, badge_series], 3),
        rule([fortune], 1, (500_000, 500_100)),
    ]
    # The range rule overlaps the first rule's series: give the first rule the serials below it.
    rules[0] = rule([fortune], 2, (1, 499_999))
    count = crafting.recipeCount()

    tx = crafting.createRecipe(rules, tiger, True, True, sender=admin)

    recipe_id = count + 1
    emitted = event_args(tx, crafting.RecipeCreated)
    assert [
        (e["recipeId"], e["outputSeriesId"], e["allowSoulbound"], e["active"]) for e in emitted
    ] == [(recipe_id, tiger, True, True)]
    assert [(list(r[0]), *r[1:]) for r in emitted[0]["rules"]] == [tuple(r) for r in rules]
    info = crafting.recipe(recipe_id)
    assert [(list(r.seriesIds), r.minSerial, r.maxSerial, r.count) for r in info.rules] == [
        tuple(r) for r in rules
    ]
    assert (info.outputSeriesId, info.inputCount, info.active, info.allowSoulbound) == (
        tiger,
        6,
        True,
        True,
    )
    assert crafting.recipeCount() == recipe_id


def test_create_recipe__without_role__reverts(crafting, stranger, fortune, tiger):
    with reverts(
        crafting.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=crafting.RECIPE_ROLE(),
    ):
        crafting.createRecipe([rule([fortune], 5)], tiger, False, True, sender=stranger)


@pytest.mark.parametrize(
    ("shape", "index"),
    [
        ("no-rules", 0),
        ("nine-rules", 9),
        ("zero-count", 0),
        ("no-series", 0),
        ("serial-zero", 0),
        ("serials-reversed", 0),
        ("serial-past-stride", 0),
        ("overlap", 1),
        ("too-many-inputs", 3),
        ("too-many-ranges", 0),
    ],
)
def test_create_recipe__invalid_rules__reverts(
    crafting, admin, fortune, lantern, tiger, shape, index
):
    rules = {
        "no-rules": [],
        "nine-rules": [rule([fortune], 1, (n + 1, n + 1)) for n in range(9)],
        "zero-count": [rule([fortune], 0)],
        "no-series": [rule([], 1)],
        "serial-zero": [rule([fortune], 1, (0, 10))],
        "serials-reversed": [rule([fortune], 1, (10, 9))],
        "serial-past-stride": [rule([fortune], 1, (1, 1_000_000))],
        "overlap": [rule([fortune], 1, (1, 10)), rule([lantern, fortune], 1, (10, 20))],
        "too-many-inputs": [
            rule([fortune], 100, (1, 10)),
            rule([lantern], 28),
            rule([fortune], 1, (11, 11)),
        ],
        "too-many-ranges": [rule([fortune] * 17, 1)],
    }[shape]

    with reverts(crafting.CollectibleCraftingInvalidRule, ruleIndex=index):
        crafting.createRecipe(rules, tiger, False, True, sender=admin)


def test_create_recipe__128_inputs__accepted(create_recipe, crafting, fortune, tiger):
    recipe_id = create_recipe([rule([fortune], 100, (1, 10)), rule([fortune], 28, (11, 20))], tiger)

    assert crafting.recipe(recipe_id).inputCount == 128


@pytest.mark.parametrize("where", ["input", "output"])
def test_create_recipe__unknown_series__reverts(
    crafting, collectible, admin, fortune, tiger, where
):
    unknown = collectible.seriesCount() + 1
    rules, output = (
        ([rule([unknown], 1)], tiger) if where == "input" else ([rule([fortune], 1)], unknown)
    )

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        crafting.createRecipe(rules, output, False, True, sender=admin)


def test_create_recipe__soulbound_series_not_allowed__reverts(
    crafting, admin, fortune, badge_series, tiger
):
    with reverts(crafting.CollectibleCraftingSoulboundInput, seriesId=badge_series):
        crafting.createRecipe([rule([fortune, badge_series], 2)], tiger, False, True, sender=admin)


# -------------------------------------------------------------- setRecipeActive


def test_set_recipe_active__close_then_open__emits_and_gates_crafting(
    create_recipe, crafting, admin, fortune, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 2)], tiger)
    tokens = mint_many(fortune, fan, 2)

    closed = crafting.setRecipeActive(recipe_id, False, sender=admin)

    assert event_args(closed, crafting.RecipeActive) == [{"recipeId": recipe_id, "active": False}]
    assert crafting.recipe(recipe_id).active is False
    with reverts(crafting.CollectibleCraftingInactiveRecipe, recipeId=recipe_id):
        crafting.craft(recipe_id, tokens, sender=fan)
    crafting.setRecipeActive(recipe_id, True, sender=admin)
    crafting.craft(recipe_id, tokens, sender=fan)


def test_create_recipe__inactive__not_craftable(
    create_recipe, crafting, fortune, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 1)], tiger, active=False)

    with reverts(crafting.CollectibleCraftingInactiveRecipe, recipeId=recipe_id):
        crafting.craft(recipe_id, mint_many(fortune, fan), sender=fan)


def test_set_recipe_active__unknown_or_without_role__reverts(crafting, admin, stranger):
    unknown = crafting.recipeCount() + 1
    with reverts(crafting.CollectibleCraftingUnknownRecipe, recipeId=unknown):
        crafting.setRecipeActive(unknown, True, sender=admin)
    with reverts(crafting.CollectibleCraftingUnknownRecipe, recipeId=unknown):
        crafting.recipe(unknown)
    with reverts(
        crafting.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=crafting.RECIPE_ROLE(),
    ):
        crafting.setRecipeActive(1, True, sender=stranger)


# ------------------------------------------------------------------------ craft


def test_craft__five_fortunes__burned_and_a_tiger_minted(
    create_recipe, crafting, collectible, fortune, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 5)], tiger)
    tokens = mint_many(fortune, fan, 5)
    supply = collectible.totalSupply()
    expected_output = token_id(tiger, collectible.series(tiger).minted + 1)

    tx = crafting.craft(recipe_id, tokens, sender=fan)

    transfers = event_args(tx, collectible.Transfer)
    assert transfers == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": t} for t in tokens
    ] + [{"from": ZERO_ADDRESS, "to": fan.address, "tokenId": expected_output}]
    assert event_args(tx, crafting.Crafted) == [
        {
            "recipeId": recipe_id,
            "owner": fan.address,
            "outputTokenId": expected_output,
            "inputs": tokens,
        }
    ]
    assert tx.return_value == expected_output
    assert collectible.ownerOf(expected_output) == fan.address
    assert collectible.totalSupply() == supply - 4


def test_craft__mix_of_a_series_set_and_a_serial_range__accepted(
    create_recipe, crafting, collectible, fortune, lantern, tiger, mint_many, fan
):
    first_fortune = collectible.series(fortune).minted + 1
    fortunes = mint_many(fortune, fan, 2)
    lanterns = mint_many(lantern, fan, 1)
    serial_range = (first_fortune, first_fortune + 1)
    recipe_id = create_recipe([rule([fortune], 2, serial_range), rule([lantern, tiger], 1)], tiger)

    tx = crafting.craft(recipe_id, sorted(fortunes + lanterns), sender=fan)

    assert len(tx.events.filter(crafting.Crafted)) == 1


def test_craft__soulbound_inputs_where_allowed__burned(
    create_recipe, crafting, collectible, badge_series, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([badge_series], 2)], tiger, allow_soulbound=True)
    badges = mint_many(badge_series, fan, 2)

    crafting.craft(recipe_id, badges, sender=fan)

    for badge in badges:
        with reverts(collectible.ERC721NonexistentToken, tokenId=badge):
            collectible.ownerOf(badge)


def test_craft__soulbound_token_into_a_recipe_without_them__not_accepted(
    create_recipe, crafting, fortune, badge_series, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 1)], tiger)
    badge = mint_many(badge_series, fan)[0]

    with reverts(crafting.CollectibleCraftingTokenNotAccepted, recipeId=recipe_id, tokenId=badge):
        crafting.craft(recipe_id, [badge], sender=fan)


@pytest.mark.parametrize("given", [4, 6])
def test_craft__wrong_number_of_tokens__reverts(
    create_recipe, crafting, fortune, tiger, mint_many, fan, given
):
    recipe_id = create_recipe([rule([fortune], 5)], tiger)
    tokens = mint_many(fortune, fan, given)

    with reverts(
        crafting.CollectibleCraftingWrongInputCount, recipeId=recipe_id, given=given, expected=5
    ):
        crafting.craft(recipe_id, tokens, sender=fan)


@pytest.mark.parametrize("order", ["duplicate", "descending"])
def test_craft__inputs_not_strictly_ascending__reverts(
    create_recipe, crafting, fortune, tiger, mint_many, fan, order
):
    recipe_id = create_recipe([rule([fortune], 2)], tiger)
    low, high = mint_many(fortune, fan, 2)
    tokens = [low, low] if order == "duplicate" else [high, low]

    with reverts(
        crafting.CollectibleCraftingInputsNotAscending, previous=tokens[0], next=tokens[1]
    ):
        crafting.craft(recipe_id, tokens, sender=fan)


def test_craft__serial_outside_the_range__not_accepted(
    create_recipe, crafting, collectible, fortune, tiger, mint_many, fan
):
    next_serial = collectible.series(fortune).minted + 1
    recipe_id = create_recipe([rule([fortune], 1, (next_serial + 1, next_serial + 10))], tiger)
    token = mint_many(fortune, fan)[0]

    with reverts(crafting.CollectibleCraftingTokenNotAccepted, recipeId=recipe_id, tokenId=token):
        crafting.craft(recipe_id, [token], sender=fan)


def test_craft__one_rule_given_too_many__overfilled(
    create_recipe, crafting, fortune, lantern, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 1), rule([lantern], 1)], tiger)
    tokens = mint_many(fortune, fan, 2)

    with reverts(
        crafting.CollectibleCraftingRuleOverfilled, recipeId=recipe_id, ruleIndex=0, count=1
    ):
        crafting.craft(recipe_id, tokens, sender=fan)


def test_craft__token_of_another_owner__reverts(
    create_recipe, crafting, collectible, fortune, tiger, mint_many, fan, friend
):
    recipe_id = create_recipe([rule([fortune], 2)], tiger)
    tokens = mint_many(fortune, fan, 1) + mint_many(fortune, friend, 1)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=tokens[1], caller=fan.address):
        crafting.craft(recipe_id, tokens, sender=fan)


def test_craft__burned_token__reverts(
    create_recipe, crafting, collectible, fortune, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 2)], tiger)
    tokens = mint_many(fortune, fan, 2)
    collectible.burn(tokens[0], sender=fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=tokens[0]):
        crafting.craft(recipe_id, tokens, sender=fan)


def test_craft__output_series_at_its_cap__reverts_and_burns_nothing(
    create_recipe, crafting, collectible, minter, fortune, tiger, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 1)], tiger)
    while collectible.series(tiger).minted < collectible.series(tiger).maxSupply:
        collectible.mint(tiger, fan, sender=minter)
    token = mint_many(fortune, fan)[0]

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=tiger, maxSupply=3):
        crafting.craft(recipe_id, [token], sender=fan)
    assert collectible.ownerOf(token) == fan.address


def test_craft__unknown_recipe__reverts(crafting, fortune, mint_many, fan):
    unknown = crafting.recipeCount() + 1

    with reverts(crafting.CollectibleCraftingUnknownRecipe, recipeId=unknown):
        crafting.craft(unknown, mint_many(fortune, fan), sender=fan)


def test_craft__soulbound_output__minted_locked(
    create_recipe, crafting, collectible, fortune, badge_series, mint_many, fan
):
    recipe_id = create_recipe([rule([fortune], 1)], badge_series)

    tx = crafting.craft(recipe_id, mint_many(fortune, fan), sender=fan)

    assert collectible.locked(tx.return_value) is True


# ------------------------------------------------------------------- craftBySig


def eip712_digest(crafting, chain_id, recipe_id, tokens, owner, deadline):
    """The EIP-712 digest of a Craft message, computed here from the standard (not read from the contract)."""
    domain_type = keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    domain = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                domain_type,
                keccak(text="CollectibleCrafting"),
                keccak(text="1"),
                chain_id,
                crafting.address,
            ],
        )
    )
    craft_type = keccak(
        text="Craft(uint256 recipeId,bytes32 tokenIdsHash,address owner,uint256 deadline)"
    )
    ids_hash = keccak(b"".join(t.to_bytes(32, "big") for t in tokens))
    struct = keccak(
        encode(
            ["bytes32", "uint256", "bytes32", "address", "uint256"],
            [craft_type, recipe_id, ids_hash, owner, deadline],
        )
    )
    return keccak(b"\x19\x01" + domain + struct)


def sign(account, digest) -> bytes:
    signature = account.sign_raw_msghash(digest)
    return signature.r + signature.s + bytes([signature.v])


@pytest.fixture
def signed_craft(create_recipe, crafting, chain, fortune, tiger, mint_many, fan):
    """A recipe of two fortunes, two of ``fan``'s fortunes, a deadline an hour ahead and the digest to sign."""
    recipe_id = create_recipe([rule([fortune], 2)], tiger)
    tokens = mint_many(fortune, fan, 2)
    deadline = chain.pending_timestamp + 3_600
    digest = eip712_digest(crafting, chain.chain_id, recipe_id, tokens, fan.address, deadline)
    return recipe_id, tokens, deadline, digest


def test_craft_digest__matches_the_eip712_standard(crafting, signed_craft, fan):
    recipe_id, tokens, deadline, digest = signed_craft

    assert crafting.craftDigest(recipe_id, tokens, fan, deadline) == digest


def test_craft_by_sig__owner_signed__relayed_by_another(
    crafting, collectible, signed_craft, fan, stranger
):
    recipe_id, tokens, deadline, digest = signed_craft

    tx = crafting.craftBySig(recipe_id, tokens, deadline, sign(fan, digest), sender=stranger)

    output = tx.events.filter(crafting.Crafted)[0]
    assert (output.owner, output.inputs) == (fan.address, tokens)
    assert collectible.ownerOf(output.outputTokenId) == fan.address


def test_craft_by_sig__replayed__inputs_gone(crafting, collectible, signed_craft, fan, stranger):
    recipe_id, tokens, deadline, digest = signed_craft
    signature = sign(fan, digest)
    crafting.craftBySig(recipe_id, tokens, deadline, signature, sender=stranger)

    with reverts(collectible.ERC721NonexistentToken, tokenId=tokens[0]):
        crafting.craftBySig(recipe_id, tokens, deadline, signature, sender=stranger)


def test_craft_by_sig__signed_by_someone_else__reverts(
    crafting, signed_craft, fan, friend, stranger
):
    recipe_id, tokens, deadline, digest = signed_craft

    with reverts(crafting.CollectibleCraftingInvalidSignature, owner=fan.address):
        crafting.craftBySig(recipe_id, tokens, deadline, sign(friend, digest), sender=stranger)


def test_craft_by_sig__other_tokens_than_signed__reverts(crafting, signed_craft, fan, stranger):
    recipe_id, tokens, deadline, digest = signed_craft

    with reverts(crafting.CollectibleCraftingInvalidSignature, owner=fan.address):
        crafting.craftBySig(
            recipe_id, [tokens[0], tokens[1] + 1], deadline, sign(fan, digest), sender=stranger
        )


def test_craft_by_sig__past_deadline__expired(crafting, chain, signed_craft, fan, stranger):
    recipe_id, tokens, deadline, digest = signed_craft
    chain.pending_timestamp = deadline + 1

    with reverts(crafting.CollectibleCraftingExpired, deadline=deadline):
        crafting.craftBySig(recipe_id, tokens, deadline, sign(fan, digest), sender=stranger)


def test_craft_by_sig__no_tokens__wrong_count(crafting, signed_craft, fan, stranger):
    recipe_id, _, deadline, digest = signed_craft

    with reverts(
        crafting.CollectibleCraftingWrongInputCount, recipeId=recipe_id, given=0, expected=2
    ):
        crafting.craftBySig(recipe_id, [], deadline, sign(fan, digest), sender=stranger)


def test_collectible__deployed_for__the_collection(crafting, collectible):
    assert crafting.collectible() == collectible.address


# --------------------------------------------------------------------- property


@given(
    count=st.integers(1, 6),
    minted=st.integers(1, 7),
    drop=st.integers(0, 6),
    duplicate=st.booleans(),
)
@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_craft__any_inputs__supply_moves_by_one_minus_inputs_or_not_at_all(
    create_recipe,
    crafting,
    collectible,
    chain,
    fortune,
    lantern,
    mint_many,
    fan,
    count,
    minted,
    drop,
    duplicate,
):
    snapshot = chain.snapshot()
    try:
        recipe_id = create_recipe([rule([fortune], count)], lantern)
        owned = mint_many(fortune, fan, minted)
        tokens = owned[: max(0, minted - drop)]
        if duplicate and tokens:
            tokens = sorted(tokens + tokens[:1])
        supply = collectible.totalSupply()
        valid = len(tokens) == count and len(set(tokens)) == len(tokens)
        if valid:
            crafting.craft(recipe_id, tokens, sender=fan)
            assert collectible.totalSupply() == supply - count + 1
        else:
            with ape.reverts():  # each refusal's error has its own test above
                crafting.craft(recipe_id, tokens, sender=fan)
            assert collectible.totalSupply() == supply
    finally:
        chain.restore(snapshot)
