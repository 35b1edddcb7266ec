"""collectibles/domain/crafting.py: the --input and --tokens syntax, matching tokens to rules, progress and how
recipes and progress are described, the craft checks."""

import pytest

from collectibles.domain.crafting import (
    MAX_SERIAL,
    CraftRefused,
    InputRule,
    OutputState,
    Recipe,
    TokenState,
    check_inputs,
    check_recipe_open,
    check_rules,
    describe_progress,
    describe_recipe,
    describe_rules,
    parse_tokens,
    progress,
    short_of,
)
from collectibles.domain.tokens import token_id

MEMBER = "0x" + "ab" * 20
OTHER = "0x" + "cd" * 20


def recipe(*rules, active=True, allow_soulbound=False, output=9):
    return Recipe(1, tuple(rules), output, sum(r.count for r in rules), active, allow_soulbound)


FIVE_FORTUNES = InputRule((3,), 1, MAX_SERIAL, 5)


def test_parse__one_series__all_serials():
    assert InputRule.parse("series=3 count=5") == FIVE_FORTUNES


def test_parse__set_of_series_and_range__read():
    assert InputRule.parse("series=3,4 serials=1-100 count=2") == InputRule((3, 4), 1, 100, 2)


def test_parse__single_serial__range_of_one():
    assert InputRule.parse("series=5 serials=7 count=1") == InputRule((5,), 7, 7, 1)


def test_parse__syntax_round_trips():
    rule = InputRule.parse("series=3,4 serials=10-20 count=2")
    assert InputRule.parse(rule.syntax()) == rule


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("series=3", "needs series= and count="),
        ("count=2", "needs series= and count="),
        ("series=3 count=0", "count needs whole numbers from 1"),
        ("series=x count=1", "series needs whole numbers"),
        ("series=3,3 count=1", "named twice"),
        ("series=3 serials=9-2 count=1", "serials must be FIRST-LAST"),
        ("series=3 serials=1-1000000 count=1", "serials must be FIRST-LAST"),
        ("series=3 colour=red count=1", "is not one of"),
        ("series=3 count=1 count=2", "is not one of"),
    ],
)
def test_parse__bad_rule__names_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem):
        InputRule.parse(text)


@pytest.mark.parametrize("text", ["auto", " AUTO ", "Auto"])
def test_parse_tokens__auto_in_any_case__none_the_members_own_pick(text):
    assert parse_tokens(text) is None


def test_parse_tokens__ids_with_spaces__ids_in_the_order_given():
    assert parse_tokens(" 1000004, 1000002 ,2000001") == [1_000_004, 1_000_002, 2_000_001]


@pytest.mark.parametrize("text", ["", " , ", "one,two", "1,-2", "1;2"])
def test_parse_tokens__not_ids__names_the_syntax(text):
    with pytest.raises(ValueError, match="give auto or token ids separated by commas") as err:
        parse_tokens(text)
    assert str(err.value).startswith(repr(text))


def test_check_rules__overlapping_ranges_of_a_series__refused():
    with pytest.raises(CraftRefused, match="inputs 1 and 2 both take serials of series 3"):
        check_rules([InputRule((3,), 1, 50, 1), InputRule((3, 4), 40, 60, 1)])


def test_check_rules__disjoint_ranges__accepted():
    check_rules([InputRule((3,), 1, 50, 1), InputRule((3,), 51, 60, 1)])


def test_check_rules__none__refused():
    with pytest.raises(CraftRefused, match="at least one --input"):
        check_rules([])


def test_progress__counts_lowest_serials_first_and_keeps_spares():
    tokens = [token_id(3, s) for s in (9, 2, 7, 4)] + [token_id(8, 1)]
    held = progress(recipe(InputRule((3,), 1, MAX_SERIAL, 3)), tokens)
    assert held.rules[0].counted == (token_id(3, 2), token_id(3, 4), token_id(3, 7))
    assert held.rules[0].spare == (token_id(3, 9),)
    assert (held.have, held.needed, held.ready) == (3, 3, True)


def test_progress__mixed_series_rule__serial_then_series_order():
    tokens = [token_id(4, 1), token_id(3, 2), token_id(3, 1)]
    held = progress(recipe(InputRule((3, 4), 1, MAX_SERIAL, 2)), tokens)
    assert held.rules[0].counted == (token_id(3, 1), token_id(4, 1))


def test_progress__short__says_three_of_five():
    held = progress(recipe(FIVE_FORTUNES), [token_id(3, s) for s in (1, 2, 3)])
    assert not held.ready
    assert describe_progress(held, {3: "Fortune"}) == "3 of 5 Fortune (3 of 5)"
    assert "2 more Fortune" in str(short_of(held, {3: "Fortune"}))


def test_progress__serial_range__outside_tokens_do_not_count():
    held = progress(recipe(InputRule((5,), 1, 100, 1)), [token_id(5, 101)])
    assert held.have == 0


def test_progress__inputs_are_ascending_across_rules():
    rules = (InputRule((4,), 1, MAX_SERIAL, 1), InputRule((3,), 1, MAX_SERIAL, 1))
    held = progress(recipe(*rules), [token_id(4, 5), token_id(3, 9)])
    assert held.inputs == (token_id(3, 9), token_id(4, 5))


def test_progress_counted__two_rules__rule_by_rule_each_lowest_serial_first():
    rules = (InputRule((4,), 1, MAX_SERIAL, 1), InputRule((3,), 1, MAX_SERIAL, 2))
    held = progress(recipe(*rules), [token_id(3, 9), token_id(4, 5), token_id(3, 2)])
    assert held.counted == (token_id(4, 5), token_id(3, 2), token_id(3, 9))
    assert held.inputs == (token_id(3, 2), token_id(3, 9), token_id(4, 5))


def test_progress_as_json__short_of_one_rule__totals_and_tokens_per_rule():
    rules = (InputRule((3,), 1, MAX_SERIAL, 2), InputRule((4,), 1, 10, 1))
    held = progress(recipe(*rules, active=False), [token_id(3, 7), token_id(4, 11)])
    assert held.as_json() == {
        "recipe": 1,
        "active": False,
        "have": 1,
        "needed": 3,
        "ready": False,
        "inputs": [
            {"have": 1, "count": 2, "tokens": [token_id(3, 7)]},
            {"have": 0, "count": 1, "tokens": []},
        ],
    }


def test_describe_rules__two_rules__joined_with_plus_names_where_known():
    rules = [FIVE_FORTUNES, InputRule((4, 5), 1, 10, 1)]
    assert describe_rules(rules, {3: "Fortune", 4: "Court"}) == (
        "5 Fortune + 1 any of Court, series 5 (serials 1-10)"
    )
    assert describe_rules(rules[:1]) == "5 series 3"


def test_describe_recipe__active__inputs_to_the_named_output():
    assert describe_recipe(recipe(FIVE_FORTUNES), {3: "Fortune", 9: "Tiger"}) == (
        "recipe 1 (active): 5 Fortune -> 1 Tiger (series 9)"
    )


def test_describe_recipe__inactive_soulbound_allowed__says_both():
    text = describe_recipe(recipe(FIVE_FORTUNES, active=False, allow_soulbound=True), {})
    assert (
        text == "recipe 1 (inactive, soulbound inputs allowed): 5 series 3 -> 1 series 9 (series 9)"
    )


def alive(tokens, owner=MEMBER, soulbound=False):
    return {t: TokenState(owner, soulbound) for t in tokens}


FORTUNES = [token_id(3, s) for s in range(1, 6)]


def test_check_inputs__exact_tokens__ascending():
    assert check_inputs(recipe(FIVE_FORTUNES), FORTUNES[::-1], MEMBER, alive(FORTUNES)) == tuple(
        FORTUNES
    )


def test_check_inputs__too_few__says_how_many_more():
    with pytest.raises(CraftRefused, match="takes 5 tokens, 4 given: 1 more for input 1"):
        check_inputs(recipe(FIVE_FORTUNES), FORTUNES[:4], MEMBER, alive(FORTUNES))


def test_check_inputs__wrong_series__matches_no_input():
    tokens = [*FORTUNES[:4], token_id(8, 1)]
    with pytest.raises(CraftRefused, match=f"token {token_id(8, 1)} matches no input"):
        check_inputs(recipe(FIVE_FORTUNES), tokens, MEMBER, alive(tokens))


def test_check_inputs__another_owner__names_the_owner():
    states = alive(FORTUNES) | alive([FORTUNES[2]], owner=OTHER)
    with pytest.raises(CraftRefused, match=f"token {FORTUNES[2]} belongs to {OTHER}"):
        check_inputs(recipe(FIVE_FORTUNES), FORTUNES, MEMBER, states)


def test_check_inputs__burned__refused():
    states = alive(FORTUNES) | {FORTUNES[0]: TokenState(None, False)}
    with pytest.raises(CraftRefused, match="does not exist"):
        check_inputs(recipe(FIVE_FORTUNES), FORTUNES, MEMBER, states)


def test_check_inputs__soulbound_where_forbidden__refused():
    states = alive(FORTUNES, soulbound=True)
    with pytest.raises(CraftRefused, match="soulbound and recipe 1 takes no soulbound"):
        check_inputs(recipe(FIVE_FORTUNES), FORTUNES, MEMBER, states)


def test_check_inputs__soulbound_where_allowed__accepted():
    states = alive(FORTUNES, soulbound=True)
    assert check_inputs(recipe(FIVE_FORTUNES, allow_soulbound=True), FORTUNES, MEMBER, states)


def test_check_inputs__twice__refused():
    tokens = [*FORTUNES[:4], FORTUNES[0]]
    with pytest.raises(CraftRefused, match="given twice"):
        check_inputs(recipe(FIVE_FORTUNES), tokens, MEMBER, alive(tokens))


def test_check_inputs__one_rule_overfilled__names_the_rule():
    rules = (InputRule((3,), 1, MAX_SERIAL, 1), InputRule((4,), 1, MAX_SERIAL, 1))
    tokens = [token_id(3, 1), token_id(3, 2)]
    with pytest.raises(CraftRefused, match=r"input 1 .*: 2 tokens given, 1 needed"):
        check_inputs(recipe(*rules), tokens, MEMBER, alive(tokens))


OPEN = OutputState("Tiger", 0, 10, False)


@pytest.mark.parametrize(
    ("the_recipe", "output", "paused", "problem"),
    [
        (recipe(FIVE_FORTUNES, active=False), OPEN, False, "recipe 1 is inactive"),
        (recipe(FIVE_FORTUNES), OutputState("Tiger", 10, 10, False), False, "at its cap of 10"),
        (recipe(FIVE_FORTUNES), OutputState("Tiger", 1, 10, True), False, "is closed"),
        (recipe(FIVE_FORTUNES), OPEN, True, "paused"),
    ],
)
def test_check_recipe_open__each_blocker__refused(the_recipe, output, paused, problem):
    with pytest.raises(CraftRefused, match=problem):
        check_recipe_open(the_recipe, output, paused)


def test_check_recipe_open__room_left__passes():
    check_recipe_open(recipe(FIVE_FORTUNES), OutputState("Tiger", 9, 10, False), False)
