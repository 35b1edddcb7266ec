"""Crafting: recipes that burn a member's collectibles and mint a rarer one (CollectibleCrafting).

ape run craft recipe --input "series=3 count=5" [--input "series=4,5 serials=1-100 count=1"] --output 6 \\
    [--allow-soulbound] [--inactive] --account OPERATOR
ape run craft recipes [--json]
ape run craft progress --member 0x… [--recipe R] [--json]
ape run craft make --recipe R --account MEMBER [--tokens auto|ID,ID,…] [--dry-run] [--json]
ape run craft sign --recipe R --account MEMBER [--tokens …] [--valid-for S] --out craft.json   # sends nothing
ape run craft relay --intent craft.json --account OPERATOR                                     # craftBySig

The crafting contract is ``--crafting ADDRESS``, else the deployment registry's (``ape run deploy --programme``);
the collection is the one it crafts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    Group,
    account_option,
    collectibles_cli_context,
    json_option,
    yes_option,
)
from scripts._errors import reported_errors
from scripts._params import ADDRESS

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

    from collectibles.domain.crafting import InputRule

CONTRACT = "CollectibleCrafting"
NOT_RECORDED = (
    f"no live {CONTRACT} recorded for chain {{chain_id}} in the deployment registry: "
    "run `ape run deploy --programme` or pass --crafting ADDRESS"
)
"""The refusal when neither ``--crafting`` nor the registry names a crafting contract."""

crafting_option = click.option(
    "--crafting",
    "crafting_address",
    type=ADDRESS,
    default=None,
    metavar="ADDRESS",
    envvar="COLLECTIBLES_CRAFTING",
    show_envvar=True,
    help=f"{CONTRACT} address [default: the deployment registry's].",
)
from_block_option = click.option(
    "--from-block",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="First block searched for the member's tokens (the collection's deployment block is enough).",
)


@click.group(cls=Group)
def cli() -> None:
    """Crafting recipes: create and list them, a member's progress, craft (with a dry run)."""


def _parse_rules(inputs: tuple[str, ...]) -> list[InputRule]:
    from collectibles.domain.crafting import InputRule

    try:
        return [InputRule.parse(text) for text in inputs]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--input") from None


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option()
@yes_option()
@json_option()
@crafting_option
@click.option(
    "--input",
    "inputs",
    multiple=True,
    required=True,
    metavar="RULE",
    help='An input rule, repeated: "series=ID[,ID...] [serials=FIRST-LAST] count=N".',
)
@click.option("--output", "output_series", type=click.IntRange(min=1), required=True)
@click.option("--allow-soulbound", is_flag=True, help="Let the inputs name soulbound series.")
@click.option("--inactive", is_flag=True, help="Create it closed (open later with the contract).")
def recipe(
    cli_ctx: CollectiblesContext,
    crafting_address: str | None,
    inputs: tuple[str, ...],
    output_series: int,
    allow_soulbound: bool,
    inactive: bool,
) -> None:
    """Create a recipe (RECIPE_ROLE): the --input rules burned, one token of --output minted."""
    from collectibles.chain.crafting import create_recipe
    from collectibles.chain.deployment import require_role
    from collectibles.domain.crafting import check_rules, describe_rules

    rules = _parse_rules(inputs)
    with _craft_errors(cli_ctx) as found:
        crafting, nft = found(cli_ctx, crafting_address)
        require_role(crafting, "RECIPE_ROLE", cli_ctx.account, "create a recipe")
        check_rules(rules)
        signer = cli_ctx.ready_to_send()
        created = create_recipe(
            crafting,
            nft,
            rules,
            output_series,
            signer,
            allow_soulbound=allow_soulbound,
            active=not inactive,
        )
    cli_ctx.logger.success(
        f"Created recipe {created.recipe_id}: {describe_rules(rules)} -> "
        f"series {output_series}{'' if not inactive else ' (inactive)'}"
    )
    cli_ctx.emit(
        {"crafting": crafting.address, "recipe": created.recipe_id, "tx_hash": created.tx_hash}
    )


@cli.command(cls=Command)
@collectibles_cli_context()
@json_option()
@crafting_option
def recipes(cli_ctx: CollectiblesContext, crafting_address: str | None) -> None:
    """List the recipes: active or not, inputs, output."""
    from collectibles.chain.crafting import all_recipes, recipe_json, recipe_series_names
    from collectibles.domain.crafting import describe_recipe

    with _craft_errors(cli_ctx) as found:
        crafting, nft = found(cli_ctx, crafting_address)
        listed = all_recipes(crafting)
        names = recipe_series_names(nft, listed)
    if not listed:
        click.echo(f"no recipes yet on {crafting.address}")
    for r in listed:
        click.echo(describe_recipe(r, names))
    cli_ctx.emit({"crafting": crafting.address, "recipes": [recipe_json(r, names) for r in listed]})


@cli.command(cls=Command)
@collectibles_cli_context()
@json_option()
@crafting_option
@from_block_option
@click.option("--member", type=ADDRESS, required=True, help="The member's address.")
@click.option("--recipe", "recipe_id", type=click.IntRange(min=1), default=None)
def progress(
    cli_ctx: CollectiblesContext,
    crafting_address: str | None,
    from_block: int,
    member: str,
    recipe_id: int | None,
) -> None:
    """A member's progress per recipe ("3 of 5 Fortune") and which of their tokens count."""
    from collectibles.chain.crafting import chosen_recipes, member_progress, recipe_series_names
    from collectibles.domain.crafting import describe_progress

    with _craft_errors(cli_ctx) as found:
        crafting, nft = found(cli_ctx, crafting_address)
        chosen = chosen_recipes(crafting, recipe_id)
        names = recipe_series_names(nft, chosen)
        reports = member_progress(nft, chosen, member, from_block)
    for held in reports:
        r = held.recipe
        click.echo(
            f"recipe {r.recipe_id} -> {names[r.output_series_id]}: {describe_progress(held, names)}"
        )
        click.echo(f"  counting: {_ids(held.counted) or 'none'}")
    cli_ctx.emit(
        {
            "crafting": crafting.address,
            "member": member,
            "progress": [held.as_json() for held in reports],
        }
    )


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option("The member crafting: an account alias, or TEST::N.")
@yes_option()
@json_option()
@crafting_option
@from_block_option
@click.option("--recipe", "recipe_id", type=click.IntRange(min=1), required=True)
@click.option(
    "--tokens",
    default="auto",
    show_default=True,
    metavar="auto|ID,ID,...",
    help="The tokens to burn; auto picks the member's lowest serials for each input.",
)
@click.option("--dry-run", is_flag=True, help="Check and show what would burn; send nothing.")
def make(
    cli_ctx: CollectiblesContext,
    crafting_address: str | None,
    from_block: int,
    recipe_id: int,
    tokens: str,
    dry_run: bool,
) -> None:
    """Craft: burn the member's tokens for --recipe and mint its output, all checked before sending."""
    from collectibles.chain.crafting import plan_craft, send_craft

    chosen = _parse_tokens(tokens)
    member = cli_ctx.account.address
    with _craft_errors(cli_ctx) as found:
        crafting, nft = found(cli_ctx, crafting_address)
        plan = plan_craft(nft, crafting, recipe_id, member, chosen, from_block)
        result = {"crafting": crafting.address, **plan.as_json(), "dry_run": dry_run}
        if dry_run:
            click.echo(f"dry run, nothing sent: {plan.describe()}")
            cli_ctx.emit(result)
            return
        signer = cli_ctx.ready_to_send()
        outcome = send_craft(crafting, plan, signer)
    cli_ctx.logger.success(
        f"Crafted token {outcome.output_token_id} ({plan.output_name}) from {_ids(plan.inputs)}; "
        f"gas {outcome.gas_used:,}"
    )
    cli_ctx.emit(result | outcome.as_json())


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option("The member signing: an account alias, or TEST::N.")
@json_option()
@crafting_option
@from_block_option
@click.option("--recipe", "recipe_id", type=click.IntRange(min=1), required=True)
@click.option("--tokens", default="auto", show_default=True, metavar="auto|ID,ID,...")
@click.option(
    "--valid-for",
    type=click.IntRange(min=1),
    default=24 * 3600,
    show_default=True,
    help="Seconds from the chain's time until the signature expires.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The signed craft (JSON) to hand to the operator for `craft relay`.",
)
def sign(
    cli_ctx: CollectiblesContext,
    crafting_address: str | None,
    from_block: int,
    recipe_id: int,
    tokens: str,
    valid_for: int,
    out_path: Path,
) -> None:
    """Sign a craft (EIP-712 Craft intent) for the operator to relay: checked as `make` checks it; sends nothing."""
    from collectibles.chain.crafting import plan_craft, sign_craft

    chosen = _parse_tokens(tokens)
    member = cli_ctx.account
    with _craft_errors(cli_ctx) as found:
        crafting, nft = found(cli_ctx, crafting_address)
        plan = plan_craft(nft, crafting, recipe_id, member.address, chosen, from_block)
        deadline = int(cli_ctx.chain_manager.blocks.head.timestamp) + valid_for
        signed = sign_craft(crafting, plan, member, deadline)
        signed.write(out_path)
    cli_ctx.logger.success(
        f"Signed recipe {recipe_id} from {_ids(plan.inputs)} as {member.address}, valid until "
        f"{deadline}: {out_path}"
    )
    cli_ctx.emit(signed.as_json() | {"file": str(out_path)})


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option("The operator sending (and paying for) the craft.")
@yes_option()
@json_option()
@crafting_option
@click.option(
    "--intent",
    "intent_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="A signed craft written by `craft sign`.",
)
def relay(cli_ctx: CollectiblesContext, crafting_address: str | None, intent_path: Path) -> None:
    """Send a member's signed craft (craftBySig) after checking it still holds; the operator pays the gas."""
    from collectibles.chain.crafting import SignedCraft, check_signed_craft, relay_craft

    with _craft_errors(cli_ctx) as found:
        signed = SignedCraft.read(intent_path)
        crafting, nft = found(cli_ctx, crafting_address or signed.crafting)
        now = int(cli_ctx.chain_manager.blocks.head.timestamp)
        plan = check_signed_craft(nft, crafting, signed, now)
        sender = cli_ctx.ready_to_send()
        outcome = relay_craft(crafting, signed, sender)
    cli_ctx.logger.success(
        f"Relayed {signed.owner}'s craft: token {outcome.output_token_id} ({plan.output_name}) from "
        f"{_ids(plan.inputs)}; gas {outcome.gas_used:,} paid by {sender.address}"
    )
    cli_ctx.emit(
        {
            "crafting": crafting.address,
            "recipe": signed.recipe_id,
            "member": signed.owner,
            "inputs": list(plan.inputs),
        }
        | outcome.as_json()
    )


# ---------------------------------------------------------------------------------------------- helpers


def _ids(tokens: Any) -> str:
    return ", ".join(str(t) for t in tokens)


def _parse_tokens(text: str) -> list[int] | None:
    from collectibles.domain.crafting import parse_tokens

    try:
        return parse_tokens(text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--tokens") from None


def _crafting(
    cli_ctx: CollectiblesContext, address: str | None
) -> tuple[ContractInstance, ContractInstance]:
    """``--crafting``, else the registry's ``CollectibleCrafting``; and the collection it crafts."""
    from ape import project

    from collectibles.chain.crafting import crafting_contracts

    return crafting_contracts(
        project, cli_ctx.active_provider, cli_ctx.registry, address, missing=NOT_RECORDED
    )


@contextmanager
def _craft_errors(cli_ctx: CollectiblesContext) -> Iterator[Any]:
    """Failures as one line and exit 1, the crafting contract's errors named by its ABI; yields the function
    that finds the crafting contract and its collection (and remembers them for decoding)."""
    from ape import project

    found: dict[str, Any] = {}

    def find(ctx: CollectiblesContext, address: str | None) -> tuple[Any, Any]:
        crafting, nft = _crafting(ctx, address)
        found["crafting"] = crafting
        return crafting, nft

    def decoder() -> Any:
        return found.get("crafting") or getattr(project, CONTRACT)

    with reported_errors(decoder, cli_ctx.as_json):
        yield find
