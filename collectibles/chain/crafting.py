"""Crafting on chain: recipes read from and created on a CollectibleCrafting, a member's tokens found, and a
craft checked off chain (:mod:`collectibles.domain.crafting`) before it is sent.

A member's tokens are found without enumerating the collection: the ``Transfer`` logs whose indexed ``to`` is
the member name every token they ever received, and one batch of ``ownerOf`` calls at one block says which of
those they still hold (a burned token reverts). A craft is sent only once every check has passed: the recipe
active, the output series open and below its cap, the collection not paused, and each input the member's,
alive, accepted by the recipe, the right number for each rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from collectibles.chain.deployment import collectible_at
from collectibles.chain.logs import logs_in_ranges, reading_client
from collectibles.chain.programme import CRAFTING, resolve_programme_contract
from collectibles.chain.readers import BatchReader, Reverted, decode_address, uint_call
from collectibles.domain.crafting import (
    CraftRefused,
    InputRule,
    OutputState,
    Progress,
    Recipe,
    TokenState,
    check_inputs,
    check_recipe_open,
    check_rules,
    craft_typed_data,
    progress,
    short_of,
)
from collectibles.domain.tokens import TransferPolicy, split_token_id

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from ape.managers.project import ProjectManager
    from web3.providers.base import JSONBaseProvider

    from collectibles.chain.registry import Registry

MAX_RULES, MAX_RANGES, MAX_INPUTS = 8, 16, 128
"""The contract's limits on a recipe (``MAX_RULES``, ``MAX_RANGES``, ``MAX_INPUTS``)."""
_OWNER_OF = bytes.fromhex("6352211e")  # ownerOf(uint256)


def crafting_contracts(
    project: ProjectManager,
    provider: ProviderAPI,
    registry: Callable[[], Registry],
    address: str | None,
    *,
    missing: str,
) -> tuple[ContractInstance, ContractInstance]:
    """The crafting contract at ``address``, else the registry's on this chain, and the collection it crafts
    (:func:`~collectibles.chain.programme.resolve_programme_contract`: CraftRefused, with ``missing`` when
    the registry has none)."""
    crafting = resolve_programme_contract(
        project, provider, registry, CRAFTING, address, refused=CraftRefused, missing=missing
    )
    return crafting, collectible_at(project, crafting.collectible())


def read_recipe(crafting: ContractInstance, recipe_id: int) -> Recipe:
    """Recipe ``recipe_id`` as the contract returns it; CraftRefused when there is none."""
    count = int(crafting.recipeCount())
    if not 1 <= recipe_id <= count:
        raise CraftRefused(
            f"no recipe {recipe_id}: the crafting contract has {count} (ids 1 to {count})"
        )
    info = crafting.recipe(recipe_id)
    rules = tuple(
        InputRule(
            tuple(int(s) for s in r.seriesIds), int(r.minSerial), int(r.maxSerial), int(r.count)
        )
        for r in info.rules
    )
    return Recipe(
        recipe_id=recipe_id,
        rules=rules,
        output_series_id=int(info.outputSeriesId),
        input_count=int(info.inputCount),
        active=bool(info.active),
        allow_soulbound=bool(info.allowSoulbound),
    )


def all_recipes(crafting: ContractInstance) -> list[Recipe]:
    return [read_recipe(crafting, i) for i in range(1, int(crafting.recipeCount()) + 1)]


def chosen_recipes(crafting: ContractInstance, recipe_id: int | None = None) -> list[Recipe]:
    """Recipe ``recipe_id`` alone (CraftRefused when there is none), else every recipe."""
    return [read_recipe(crafting, recipe_id)] if recipe_id else all_recipes(crafting)


def series_names(nft: ContractInstance, series_ids: Iterable[int]) -> dict[int, str]:
    return {s: str(nft.series(s).name) for s in sorted(set(series_ids))}


def recipe_series_names(nft: ContractInstance, recipes: Iterable[Recipe]) -> dict[int, str]:
    """The name of every series the recipes take or make, to describe them with."""
    return series_names(nft, {s for r in recipes for s in (*r.series_ids, r.output_series_id)})


# ------------------------------------------------------------------ creating a recipe


@dataclass(frozen=True)
class RecipeCreated:
    recipe_id: int
    tx_hash: str


def create_recipe(
    crafting: ContractInstance,
    nft: ContractInstance,
    rules: Sequence[InputRule],
    output_series_id: int,
    sender: AccountAPI,
    *,
    allow_soulbound: bool = False,
    active: bool = True,
) -> RecipeCreated:
    """Create a recipe after checking what the contract would refuse (limits, overlaps, unknown or soulbound
    series), so a refused recipe sends nothing."""
    check_rules(rules)
    ranges = sum(len(r.series_ids) for r in rules)
    inputs = sum(r.count for r in rules)
    if len(rules) > MAX_RULES or ranges > MAX_RANGES or inputs > MAX_INPUTS:
        raise CraftRefused(
            f"a recipe may have at most {MAX_RULES} inputs, {MAX_RANGES} series over them and "
            f"{MAX_INPUTS} tokens in all: {len(rules)} inputs, {ranges} series, {inputs} tokens given"
        )
    known = int(nft.seriesCount())
    for series_id in sorted({output_series_id, *(s for r in rules for s in r.series_ids)}):
        if not 1 <= series_id <= known:
            raise CraftRefused(f"series {series_id} does not exist (the collection has {known})")
    for series_id in sorted({s for r in rules for s in r.series_ids}):
        if _soulbound(nft, series_id) and not allow_soulbound:
            raise CraftRefused(
                f"series {series_id} is soulbound: pass --allow-soulbound to take its tokens as inputs"
            )
    receipt = crafting.createRecipe(
        [(list(r.series_ids), r.min_serial, r.max_serial, r.count) for r in rules],
        output_series_id,
        allow_soulbound,
        active,
        sender=sender,
    )
    [event] = receipt.events.filter(crafting.RecipeCreated)
    return RecipeCreated(int(event.recipeId), str(receipt.txn_hash))


def _soulbound(nft: ContractInstance, series_id: int) -> bool:
    return int(nft.series(series_id).policy) == TransferPolicy.SOULBOUND


# ------------------------------------------------------------------ a member's tokens


def member_tokens(nft: ContractInstance, member: str, from_block: int = 0) -> list[int]:
    """The tokens ``member`` holds now, ascending: those the ``Transfer`` logs sent to them, kept where
    ``ownerOf`` still names them."""
    from eth_utils import keccak

    client = reading_client(nft.provider)
    head = client.block_number()
    topic = "0x" + keccak(text=nft.Transfer.abi.selector).hex()
    to_topic = "0x" + "0" * 24 + member.lower().removeprefix("0x")
    received = {
        int(entry["topics"][3], 16)
        for entry in logs_in_ranges(client, nft.address, [topic, None, to_topic], from_block, head)
        if len(entry["topics"]) == 4
    }
    owners = token_owners(nft, received, block=head)
    return sorted(t for t, owner in owners.items() if owner and owner.lower() == member.lower())


def token_owners(
    nft: ContractInstance, tokens: Iterable[int], block: int | None = None
) -> dict[int, str | None]:
    """``ownerOf`` of each token at one block (None where it reverts: burned or never minted)."""
    tokens = sorted(set(tokens))
    reader = BatchReader(cast("JSONBaseProvider", nft.provider.web3.provider), nft.address, block)
    answers = reader.call([uint_call(_OWNER_OF, t) for t in tokens])
    return {
        t: None if isinstance(a, Reverted) else decode_address(a)
        for t, a in zip(tokens, answers, strict=True)
    }


def token_states(nft: ContractInstance, tokens: Iterable[int]) -> dict[int, TokenState]:
    tokens = list(tokens)
    owners = token_owners(nft, tokens)
    count = int(nft.seriesCount())
    soulbound = {
        s: 1 <= s <= count and _soulbound(nft, s) for s in {split_token_id(t)[0] for t in tokens}
    }
    return {t: TokenState(owners[t], soulbound[split_token_id(t)[0]]) for t in tokens}


def member_progress(
    nft: ContractInstance, recipes: Sequence[Recipe], member: str, from_block: int = 0
) -> list[Progress]:
    """The member's progress towards each recipe, from the tokens they hold now."""
    tokens = member_tokens(nft, member, from_block)
    return [progress(recipe, tokens) for recipe in recipes]


# ------------------------------------------------------------------ a craft


@dataclass(frozen=True)
class CraftPlan:
    """A craft that passed every check: the tokens it burns and the series it mints in."""

    recipe: Recipe
    member: str
    inputs: tuple[int, ...]
    output_name: str

    def describe(self) -> str:
        """``recipe 1: burns 1000001, 1000002, mints 1 of series 3 (Tiger) to 0x…``."""
        return (
            f"recipe {self.recipe.recipe_id}: burns {', '.join(str(t) for t in self.inputs)}, mints 1 "
            f"of series {self.recipe.output_series_id} ({self.output_name}) to {self.member}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe.recipe_id,
            "member": self.member,
            "inputs": list(self.inputs),
            "output_series": self.recipe.output_series_id,
        }


@dataclass(frozen=True)
class CraftOutcome:
    output_token_id: int
    gas_used: int
    tx_hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "output_token_id": self.output_token_id,
            "gas_used": self.gas_used,
            "tx_hash": self.tx_hash,
        }


def plan_craft(
    nft: ContractInstance,
    crafting: ContractInstance,
    recipe_id: int,
    member: str,
    tokens: Sequence[int] | None,
    from_block: int = 0,
) -> CraftPlan:
    """Check a craft of ``recipe_id`` by ``member`` from ``tokens`` (None: the member's own pick, lowest
    serials first); CraftRefused naming the first problem."""
    recipe = read_recipe(crafting, recipe_id)
    out = nft.series(recipe.output_series_id)
    output = OutputState(str(out.name), int(out.minted), int(out.maxSupply), bool(out.closed))
    check_recipe_open(recipe, output, bool(nft.paused()))
    if tokens is None:
        held = member_progress(nft, [recipe], member, from_block)[0]
        if not held.ready:
            raise short_of(held, series_names(nft, recipe.series_ids))
        tokens = held.inputs
    inputs = check_inputs(recipe, tokens, member, token_states(nft, tokens))
    return CraftPlan(recipe, member, inputs, output.name)


def send_craft(crafting: ContractInstance, plan: CraftPlan, sender: AccountAPI) -> CraftOutcome:
    """Send the checked craft from its member."""
    receipt = crafting.craft(plan.recipe.recipe_id, list(plan.inputs), sender=sender)
    [event] = receipt.events.filter(crafting.Crafted)
    return CraftOutcome(int(event.outputTokenId), int(receipt.gas_used), str(receipt.txn_hash))


def recipe_json(recipe: Recipe, names: dict[int, str]) -> dict[str, Any]:
    return {
        "recipe": recipe.recipe_id,
        "active": recipe.active,
        "allow_soulbound": recipe.allow_soulbound,
        "output_series": recipe.output_series_id,
        "output_name": names.get(recipe.output_series_id),
        "input_count": recipe.input_count,
        "inputs": [
            {
                "series": list(r.series_ids),
                "min_serial": r.min_serial,
                "max_serial": r.max_serial,
                "count": r.count,
            }
            for r in recipe.rules
        ],
    }


# ------------------------------------------------------------------ a signed craft, relayed by the operator


@dataclass(frozen=True)
class SignedCraft:
    """A craft its owner signed: what ``craftBySig`` takes, and the typed data that was signed."""

    crafting: str
    recipe_id: int
    tokens: tuple[int, ...]
    owner: str
    deadline: int
    signature: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "craft",
            "crafting": self.crafting,
            "recipe": self.recipe_id,
            "tokens": list(self.tokens),
            "owner": self.owner,
            "deadline": self.deadline,
            "signature": "0x" + self.signature.hex(),
        }

    def write(self, path: Path) -> None:
        """Write the signed craft as the JSON file the member hands to the operator (``craft relay``)."""
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n")

    @classmethod
    def read(cls, path: Path) -> SignedCraft:
        """The signed craft in the file at ``path``; CraftRefused when it is not JSON or not a signed craft."""
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise CraftRefused(f"{path} is not JSON ({err})") from None
        return cls.from_json(data)

    @classmethod
    def from_json(cls, data: Any) -> SignedCraft:
        if not isinstance(data, dict) or data.get("kind") != "craft":
            raise CraftRefused('not a signed craft (no "kind": "craft")')
        try:
            return cls(
                crafting=str(data["crafting"]),
                recipe_id=int(data["recipe"]),
                tokens=tuple(int(t) for t in data["tokens"]),
                owner=str(data["owner"]),
                deadline=int(data["deadline"]),
                signature=bytes.fromhex(str(data["signature"]).removeprefix("0x")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CraftRefused(f"not a signed craft ({err})") from None


def _typed(
    crafting: ContractInstance, recipe_id: int, tokens: Sequence[int], owner: str, deadline: int
) -> Any:
    """The typed data of the craft, checked to hash to the contract's own ``craftDigest``."""
    from collectibles.chain.intents import contract_domain
    from collectibles.domain.intents import digest

    typed = craft_typed_data(contract_domain(crafting), recipe_id, tokens, owner, deadline)
    if digest(typed) != bytes(crafting.craftDigest(recipe_id, list(tokens), owner, deadline)):
        raise CraftRefused(
            f"the craft's typed data does not hash to {crafting.address}'s craftDigest"
        )
    return typed


def sign_craft(
    crafting: ContractInstance, plan: CraftPlan, account: AccountAPI, deadline: int
) -> SignedCraft:
    """The member's signature of the checked craft ``plan``, valid until ``deadline``."""
    from collectibles.domain.intents import signable, signature_bytes

    typed = _typed(crafting, plan.recipe.recipe_id, plan.inputs, plan.member, deadline)
    signature = account.sign_message(signable(typed))
    if signature is None:
        raise CraftRefused(f"account {account.address} cannot sign typed data")
    return SignedCraft(
        crafting.address,
        plan.recipe.recipe_id,
        plan.inputs,
        plan.member,
        deadline,
        signature_bytes(signature.v, signature.r, signature.s),
    )


def check_signed_craft(
    nft: ContractInstance, crafting: ContractInstance, signed: SignedCraft, now: int
) -> CraftPlan:
    """The plan of a signed craft that ``craftBySig`` would run now, else CraftRefused: for this contract, not
    expired, signed by the owner, and every craft check still passing (tokens not moved or burned since)."""
    from collectibles.domain.intents import InvalidIntent, recover_signer

    if signed.crafting.lower() != crafting.address.lower():
        raise CraftRefused(f"the craft was signed for {signed.crafting}, not {crafting.address}")
    if signed.deadline < now:
        raise CraftRefused(
            f"the signed craft expired at {signed.deadline} (the chain's time is {now})"
        )
    typed = _typed(crafting, signed.recipe_id, signed.tokens, signed.owner, signed.deadline)
    try:
        signer = recover_signer(typed, signed.signature)
    except InvalidIntent as err:
        raise CraftRefused(str(err)) from None
    if signer.lower() != signed.owner.lower():
        raise CraftRefused(f"the craft is signed by {signer}, not by the owner {signed.owner}")
    plan = plan_craft(nft, crafting, signed.recipe_id, signed.owner, list(signed.tokens))
    if plan.inputs != signed.tokens:
        raise CraftRefused(
            "the signed tokens are not in ascending order: the owner must sign again"
        )
    return plan


def relay_craft(
    crafting: ContractInstance, signed: SignedCraft, sender: AccountAPI
) -> CraftOutcome:
    """Send a checked signed craft from the operator (who pays the gas)."""
    receipt = crafting.craftBySig(
        signed.recipe_id, list(signed.tokens), signed.deadline, signed.signature, sender=sender
    )
    [event] = receipt.events.filter(crafting.Crafted)
    return CraftOutcome(int(event.outputTokenId), int(receipt.gas_used), str(receipt.txn_hash))
