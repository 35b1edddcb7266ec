"""Crafting recipes off chain: reading an input rule and a craft's tokens from the command line, matching a
member's tokens to a recipe's rules, a member's progress, and every check a craft must pass before anything is
sent.

A recipe (``ICollectibleCrafting.Recipe``) is a list of input rules and an output series. A rule accepts the
tokens of a set of series whose serials are in a range and takes exactly ``count`` of them; the contract keeps
the rules' token-id ranges disjoint, so a token satisfies at most one rule, and a craft brings exactly the
tokens the rules ask for, in ascending order. The same arithmetic is done here, so a craft that would revert
is refused with a sentence instead, and ``auto`` picks the inputs the way a person would: per rule, the
lowest serials first (then the lowest series), which makes the pick the same on every run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from collectibles.domain.errors import CollectiblesError
from collectibles.domain.intents import DOMAIN_FIELDS, Domain
from collectibles.domain.tokens import SERIES_STRIDE, split_token_id

MAX_SERIAL = SERIES_STRIDE - 1
"""The largest serial a series can have: a rule without ``serials=`` takes all of them."""
RULE_SYNTAX = "series=ID[,ID...] [serials=FIRST-LAST] count=N"


class CraftRefused(CollectiblesError):
    """A craft (or a recipe) that the contract would refuse, said before anything is sent."""


@dataclass(frozen=True)
class InputRule:
    """One input rule: ``count`` tokens of any of ``series_ids`` with a serial in ``min_serial..max_serial``."""

    series_ids: tuple[int, ...]
    min_serial: int
    max_serial: int
    count: int

    @classmethod
    def parse(cls, text: str) -> InputRule:
        """Read ``series=3,4 serials=1-100 count=2`` (``serials`` optional: all of them); ValueError naming
        the problem otherwise."""
        fields: dict[str, str] = {}
        for part in text.replace(";", " ").split():
            key, sep, value = part.partition("=")
            if not sep or key not in ("series", "serials", "count") or key in fields:
                raise ValueError(f"input {text!r}: {part!r} is not one of {RULE_SYNTAX}")
            fields[key] = value
        if "series" not in fields or "count" not in fields:
            raise ValueError(f"input {text!r} needs series= and count=: {RULE_SYNTAX}")
        series = tuple(_positive(text, "series", s) for s in fields["series"].split(","))
        if len(set(series)) != len(series):
            raise ValueError(f"input {text!r}: a series is named twice")
        low, high = 1, MAX_SERIAL
        if "serials" in fields:
            first, dash, last = fields["serials"].partition("-")
            low = _positive(text, "serials", first)
            high = _positive(text, "serials", last) if dash else low
            if not low <= high <= MAX_SERIAL:
                raise ValueError(
                    f"input {text!r}: serials must be FIRST-LAST within 1-{MAX_SERIAL}"
                )
        return cls(series, low, high, _positive(text, "count", fields["count"]))

    def accepts(self, token: int) -> bool:
        series_id, serial = split_token_id(token)
        return series_id in self.series_ids and self.min_serial <= serial <= self.max_serial

    def what(self, names: Mapping[int, str] | None = None) -> str:
        """``Fortune (serials 1-100)``, or ``any of Court, Badge``: the tokens the rule takes."""
        named = [(names or {}).get(s) or f"series {s}" for s in self.series_ids]
        what = named[0] if len(named) == 1 else "any of " + ", ".join(named)
        full = (self.min_serial, self.max_serial) == (1, MAX_SERIAL)
        return what if full else f"{what} (serials {self.min_serial}-{self.max_serial})"

    def describe(self, names: Mapping[int, str] | None = None) -> str:
        """``5 Fortune``: the count and the tokens."""
        return f"{self.count} {self.what(names)}"

    def syntax(self) -> str:
        """The rule back in the ``--input`` syntax."""
        serials = (
            ""
            if (self.min_serial, self.max_serial) == (1, MAX_SERIAL)
            else f" serials={self.min_serial}-{self.max_serial}"
        )
        series = ",".join(str(s) for s in self.series_ids)
        return f"series={series}{serials} count={self.count}"


def _positive(text: str, key: str, value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"input {text!r}: {key} needs whole numbers from 1, not {value!r}")
    return int(value)


def parse_tokens(text: str) -> list[int] | None:
    """Read ``--tokens``: ``auto`` (any case) is None, the member's own pick; else token ids separated by
    commas, in the order given. ValueError otherwise."""
    if text.strip().lower() == "auto":
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r}: give auto or token ids separated by commas")
    return [int(p) for p in parts]


def describe_rules(rules: Iterable[InputRule], names: Mapping[int, str] | None = None) -> str:
    """``3 Fortune + 1 Badge (serials 1-10)``: what a recipe burns."""
    return " + ".join(rule.describe(names) for rule in rules)


@dataclass(frozen=True)
class Recipe:
    """A recipe as the contract returns it, with its id."""

    recipe_id: int
    rules: tuple[InputRule, ...]
    output_series_id: int
    input_count: int
    active: bool
    allow_soulbound: bool

    def rule_of(self, token: int) -> int | None:
        """The index of the rule ``token`` satisfies (the ranges are disjoint), or None."""
        for index, rule in enumerate(self.rules):
            if rule.accepts(token):
                return index
        return None

    @property
    def series_ids(self) -> set[int]:
        return {s for rule in self.rules for s in rule.series_ids}


def describe_recipe(recipe: Recipe, names: Mapping[int, str] | None = None) -> str:
    """``recipe 1 (active): 5 Fortune -> 1 Tiger (series 3)``, with ``inactive`` and whether soulbound inputs
    are allowed."""
    state = "active" if recipe.active else "inactive"
    soulbound = ", soulbound inputs allowed" if recipe.allow_soulbound else ""
    output = (names or {}).get(recipe.output_series_id, f"series {recipe.output_series_id}")
    return (
        f"recipe {recipe.recipe_id} ({state}{soulbound}): {describe_rules(recipe.rules, names)} -> "
        f"1 {output} (series {recipe.output_series_id})"
    )


def check_rules(rules: Iterable[InputRule]) -> None:
    """CraftRefused unless the rules could make a recipe: at least one, and no token in two rules' ranges."""
    rules = list(rules)
    if not rules:
        raise CraftRefused(f"a recipe needs at least one --input ({RULE_SYNTAX})")
    for i, rule in enumerate(rules):
        for j, other in enumerate(rules[:i]):
            shared = set(rule.series_ids) & set(other.series_ids)
            overlap = rule.min_serial <= other.max_serial and other.min_serial <= rule.max_serial
            if shared and overlap:
                raise CraftRefused(
                    f"inputs {j + 1} and {i + 1} both take serials of series {min(shared)}: a token may "
                    "count for one input only (give them disjoint serials=)"
                )


# ------------------------------------------------------------------ progress and the pick


@dataclass(frozen=True)
class RuleProgress:
    """How far a member's tokens go towards one rule: the tokens that count (lowest serials first, at most
    ``rule.count``) and the further ones that match but are not needed."""

    rule: InputRule
    counted: tuple[int, ...]
    spare: tuple[int, ...]

    @property
    def have(self) -> int:
        return len(self.counted)


@dataclass(frozen=True)
class Progress:
    """A member's progress towards one recipe."""

    recipe: Recipe
    rules: tuple[RuleProgress, ...]

    @property
    def have(self) -> int:
        return sum(r.have for r in self.rules)

    @property
    def needed(self) -> int:
        return self.recipe.input_count

    @property
    def ready(self) -> bool:
        """Whether the member holds enough tokens for every rule."""
        return all(r.have == r.rule.count for r in self.rules)

    @property
    def counted(self) -> tuple[int, ...]:
        """The tokens that count, rule by rule (each rule's lowest serials first)."""
        return tuple(t for r in self.rules for t in r.counted)

    @property
    def inputs(self) -> tuple[int, ...]:
        """The tokens a craft would burn (ascending, as the contract wants them): meaningful once ready."""
        return tuple(sorted(self.counted))

    def as_json(self) -> dict[str, Any]:
        """The progress as ``craft progress --json`` reports it: the totals, and per rule what counts."""
        return {
            "recipe": self.recipe.recipe_id,
            "active": self.recipe.active,
            "have": self.have,
            "needed": self.needed,
            "ready": self.ready,
            "inputs": [
                {"have": r.have, "count": r.rule.count, "tokens": list(r.counted)}
                for r in self.rules
            ],
        }


def _pick_order(token: int) -> tuple[int, int]:
    series_id, serial = split_token_id(token)
    return serial, series_id


def progress(recipe: Recipe, tokens: Iterable[int]) -> Progress:
    """Which of ``tokens`` (a member's live tokens) count for each rule of ``recipe``, lowest serials first."""
    matched: list[list[int]] = [[] for _ in recipe.rules]
    for token in set(tokens):
        index = recipe.rule_of(token)
        if index is not None:
            matched[index].append(token)
    rules = []
    for rule, found in zip(recipe.rules, matched, strict=True):
        found.sort(key=_pick_order)
        rules.append(RuleProgress(rule, tuple(found[: rule.count]), tuple(found[rule.count :])))
    return Progress(recipe, tuple(rules))


def describe_progress(progress: Progress, names: Mapping[int, str] | None = None) -> str:
    """``3 of 5 Fortune``, one part per rule joined by ``; `` (``ready`` or ``inactive`` added)."""
    parts = [f"{r.have} of {r.rule.describe(names)}" for r in progress.rules]
    state = "ready" if progress.ready else f"{progress.have} of {progress.needed}"
    if not progress.recipe.active:
        state += ", inactive"
    return f"{'; '.join(parts)} ({state})"


# ------------------------------------------------------------------ the checks of a craft


@dataclass(frozen=True)
class TokenState:
    """What the chain says of one token: its owner (None once burned or never minted) and whether its series
    is soulbound."""

    owner: str | None
    soulbound: bool


@dataclass(frozen=True)
class OutputState:
    """The output series as the chain has it."""

    name: str
    minted: int
    max_supply: int
    closed: bool


def check_recipe_open(recipe: Recipe, output: OutputState, paused: bool) -> None:
    """CraftRefused unless ``recipe`` can be crafted now: active, its output series open and below its cap,
    the collection not paused."""
    rid = recipe.recipe_id
    if not recipe.active:
        raise CraftRefused(
            f"recipe {rid} is inactive: no craft until a RECIPE_ROLE holder opens it"
        )
    series = f"output series {recipe.output_series_id} ({output.name})"
    if output.closed:
        raise CraftRefused(f"recipe {rid}: {series} is closed: nothing more can be minted in it")
    if output.minted >= output.max_supply:
        raise CraftRefused(
            f"recipe {rid}: {series} is at its cap of {output.max_supply}: nothing more can be minted in it"
        )
    if paused:
        raise CraftRefused("the collection is paused: no craft until it is unpaused")


def check_inputs(
    recipe: Recipe, tokens: Iterable[int], member: str, states: Mapping[int, TokenState]
) -> tuple[int, ...]:
    """The inputs in ascending order, or CraftRefused naming the first problem: a token given twice, burned
    or not the member's, of a soulbound series the recipe forbids, matching no rule, or the wrong number for a
    rule. ``states`` has every token given."""
    given = list(tokens)
    rid = recipe.recipe_id
    if len(set(given)) != len(given):
        twice = next(t for t in given if given.count(t) > 1)
        raise CraftRefused(f"token {twice} is given twice")
    tallies = [0] * len(recipe.rules)
    for token in given:
        state = states[token]
        if state.owner is None:
            raise CraftRefused(f"token {token} does not exist (burned or never minted)")
        if state.owner.lower() != member.lower():
            raise CraftRefused(f"token {token} belongs to {state.owner}, not {member}")
        index = recipe.rule_of(token)
        if state.soulbound and not recipe.allow_soulbound:
            raise CraftRefused(
                f"token {token} is soulbound and recipe {rid} takes no soulbound inputs"
            )
        if index is None:
            raise CraftRefused(f"token {token} matches no input of recipe {rid}")
        tallies[index] += 1
    if len(given) != recipe.input_count:
        raise CraftRefused(
            f"recipe {rid} takes {recipe.input_count} tokens, {len(given)} given"
            f"{_shortfall(recipe, tallies)}"
        )
    for index, (rule, tally) in enumerate(zip(recipe.rules, tallies, strict=True)):
        if tally != rule.count:
            raise CraftRefused(
                f"recipe {rid}, input {index + 1} ({rule.describe()}): {tally} tokens given, "
                f"{rule.count} needed"
            )
    return tuple(sorted(given))


def _shortfall(recipe: Recipe, tallies: list[int]) -> str:
    short = [
        f"{rule.count - tally} more for input {i + 1} ({rule.describe()})"
        for i, (rule, tally) in enumerate(zip(recipe.rules, tallies, strict=True))
        if tally < rule.count
    ]
    return f": {', '.join(short)} needed" if short else ""


def short_of(progress: Progress, names: Mapping[int, str] | None = None) -> CraftRefused:
    """The refusal for an ``auto`` craft of a member who does not hold enough tokens."""
    missing = [
        f"{r.rule.count - r.have} more {r.rule.what(names)}"
        for r in progress.rules
        if r.have < r.rule.count
    ]
    return CraftRefused(
        f"too few tokens for recipe {progress.recipe.recipe_id}: {progress.have} of "
        f"{progress.needed}, {', '.join(missing)} needed"
    )


# ------------------------------------------------------------------ a craft signed for the operator to relay

CRAFT_FIELDS = [
    {"name": "recipeId", "type": "uint256"},
    {"name": "tokenIdsHash", "type": "bytes32"},
    {"name": "owner", "type": "address"},
    {"name": "deadline", "type": "uint256"},
]
"""``Craft(uint256 recipeId,bytes32 tokenIdsHash,address owner,uint256 deadline)``, as ``craftBySig`` checks."""


def token_ids_hash(tokens: Iterable[int]) -> bytes:
    """keccak-256 of the token ids' 32-byte words in order (Solidity's ``abi.encodePacked(uint256[])``)."""
    return keccak(b"".join(t.to_bytes(32, "big") for t in tokens))


def craft_typed_data(
    domain: Domain, recipe_id: int, tokens: Iterable[int], owner: str, deadline: int
) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` JSON of a craft the owner signs (uint256 values as decimal strings, as
    for the gift and voucher intents)."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "Craft": CRAFT_FIELDS},
        "primaryType": "Craft",
        "domain": domain.as_json(),
        "message": {
            "recipeId": str(recipe_id),
            "tokenIdsHash": "0x" + token_ids_hash(tokens).hex(),
            "owner": owner,
            "deadline": str(deadline),
        },
    }
