"""Provable raffles among the holders of a snapshot: commit, draw, verify.

ape run raffle commit --snapshot holders.jsonl --weight per-badge --winners 10 --entries raffle.jsonl \\
    --raffle-contract 0x… --account TEST::0
ape run raffle draw --entries raffle.jsonl --out winners.csv --raffle-contract 0x… --account TEST::0
ape run raffle verify --raffle 1 --entries raffle.jsonl [--winners winners.csv] [--snapshot holders.jsonl] \\
    --raffle-contract 0x…
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

CONTRACT = "CollectibleRaffle"
NOT_RECORDED = (
    f"no {CONTRACT} recorded for chain {{chain_id}} in the deployment registry: pass "
    "--raffle-contract ADDRESS"
)
"""The refusal when neither ``--raffle-contract`` nor the registry names a raffle contract."""

raffle_contract_option = click.option(
    "--raffle-contract",
    "raffle_address",
    type=ADDRESS,
    default=None,
    metavar="ADDRESS",
    envvar="COLLECTIBLES_RAFFLE_CONTRACT",
    show_envvar=True,
    help="CollectibleRaffle address [default: the deployment registry's CollectibleRaffle].",
)
entries_option = click.option(
    "--entries",
    "entries_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Entries file (JSON Lines): written by commit, published, read by draw and verify.",
)
seed_option = click.option(
    "--seed-file",
    "seed_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Secret seed file, mode 0600 [default: the entries file's path + .seed.json].",
)


@click.group(cls=Group)
def cli() -> None:
    """Provable raffles: commit the entries and a seed hash, draw with the revealed seed, verify."""


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option()
@yes_option()
@json_option()
@raffle_contract_option
@click.option(
    "--snapshot",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="Holder snapshot (`ape run snapshot`).",
)
@click.option(
    "--weight",
    required=True,
    metavar="RULE",
    help="Entries per holder: per-badge (one per token held), per-holder (one per address), capped:K.",
)
@click.option("--winners", "winner_count", type=click.IntRange(min=1), required=True)
@entries_option
@seed_option
@click.option(
    "--window",
    type=click.IntRange(min=3, max=255),
    default=200,
    show_default=True,
    help="Blocks from the commit to its draw deadline.",
)
def commit(
    cli_ctx: CollectiblesContext,
    raffle_address: str | None,
    snapshot: Path,
    weight: str,
    winner_count: int,
    entries_path: Path,
    seed_path: Path | None,
    window: int,
) -> None:
    """Write the entries of --snapshot under --weight, keep a secret seed, commit root, count and seed hash."""
    from collectibles.chain.deployment import require_role
    from collectibles.chain.raffle import commit_raffle
    from collectibles.domain.raffle import WeightRule

    seed_path = seed_path or _default_seed(entries_path)
    with _raffle_errors(cli_ctx) as found:
        rule = WeightRule.parse(weight)
        raffle = found(_raffle(cli_ctx, raffle_address))
        require_role(raffle, "RAFFLE_ROLE", cli_ctx.account, "commit a raffle")
        signer = cli_ctx.ready_to_send()
        result = commit_raffle(
            raffle,
            snapshot,
            rule,
            winner_count,
            entries_path,
            seed_path,
            signer,
            window,
            log=cli_ctx.logger.info,
        )
    terms = result.terms
    cli_ctx.logger.success(
        f"Committed raffle {terms.raffle_id}: {result.header.entries:,} entries, {terms.entry_count:,} "
        f"tickets ({rule}), {terms.winner_count} winners; draw in blocks {terms.first_draw_block} to "
        f"{terms.draw_deadline_block}"
    )
    click.echo(
        f"entries {entries_path} (root {result.header.entries_root}); seed kept in {seed_path}"
    )
    cli_ctx.emit(
        {
            "raffle_contract": raffle.address,
            "raffle_id": terms.raffle_id,
            "entries_root": result.header.entries_root,
            "entries": result.header.entries,
            "entry_count": terms.entry_count,
            "winner_count": terms.winner_count,
            "seed_hash": "0x" + terms.seed_hash.hex(),
            "commit_block": terms.commit_block,
            "draw_deadline_block": terms.draw_deadline_block,
            "entries_file": str(entries_path),
            "seed_file": str(seed_path),
            "tx_hash": result.tx_hash,
        }
    )


@cli.command(cls=Command)
@collectibles_cli_context()
@account_option()
@yes_option()
@json_option()
@raffle_contract_option
@click.option(
    "--raffle",
    "raffle_id",
    type=click.IntRange(min=1),
    default=None,
    help="Raffle id [default: the one the seed file records].",
)
@entries_option
@seed_option
@click.option(
    "--out",
    "winners_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Winners file to write: a member file for `ape run airdrop`.",
)
def draw(
    cli_ctx: CollectiblesContext,
    raffle_address: str | None,
    raffle_id: int | None,
    entries_path: Path,
    seed_path: Path | None,
    winners_path: Path,
) -> None:
    """Reveal the seed, draw the winners from the entries and record their root on chain."""
    from collectibles.chain.deployment import require_role
    from collectibles.chain.raffle import draw_raffle

    seed_path = seed_path or _default_seed(entries_path)
    with _raffle_errors(cli_ctx) as found:
        raffle = found(_raffle(cli_ctx, raffle_address))
        require_role(raffle, "RAFFLE_ROLE", cli_ctx.account, "draw a raffle")
        signer = cli_ctx.ready_to_send()
        result = draw_raffle(raffle, entries_path, seed_path, winners_path, signer, raffle_id)
    terms, drawn = result.terms, result.draw
    cli_ctx.logger.success(
        f"Drew raffle {terms.raffle_id}: {len(result.winners)} winners, root 0x{drawn.winners_root.hex()}"
    )
    click.echo(f"randomness 0x{drawn.randomness.hex()}; winners {winners_path}")
    cli_ctx.emit(
        {
            "raffle_contract": raffle.address,
            "raffle_id": terms.raffle_id,
            "randomness": "0x" + drawn.randomness.hex(),
            "winners_root": "0x" + drawn.winners_root.hex(),
            "winners": [w.account for w in result.winners],
            "winners_file": str(winners_path),
            "tx_hash": result.tx_hash,
        }
    )


@cli.command(cls=Command)
@collectibles_cli_context()
@json_option()
@raffle_contract_option
@click.option("--raffle", "raffle_id", type=click.IntRange(min=1), required=True)
@entries_option
@click.option(
    "--winners",
    "winners_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A published winners file to compare too.",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The snapshot the entries came from (`ape run snapshot` at the block the entries header names).",
)
def verify(
    cli_ctx: CollectiblesContext,
    raffle_address: str | None,
    raffle_id: int,
    entries_path: Path,
    winners_path: Path | None,
    snapshot_path: Path | None,
) -> None:
    """Re-derive the winners from the chain's events and the entries file; exit 1 on any mismatch."""
    from collectibles.chain.raffle import verify_on_chain

    with _raffle_errors(cli_ctx) as found:
        raffle = found(_raffle(cli_ctx, raffle_address))
        _, verification = verify_on_chain(
            raffle, raffle_id, entries_path, winners_path, snapshot_path
        )
    for check in verification.checks:
        click.echo(f"{'match' if check.ok else 'MISMATCH':8} {check.name}: {check.detail}")
    verdict = "match" if verification.ok else "mismatch"
    click.echo(f"raffle {raffle_id}: {verdict}")
    cli_ctx.emit(
        {
            "raffle_contract": raffle.address,
            "raffle_id": raffle_id,
            "match": verification.ok,
            "mismatched": [c.name for c in verification.checks if not c.ok],
            "winners": [w.account for w in verification.winners],
        }
    )
    if not verification.ok:
        raise SystemExit(1)  # not click's Exit: see scripts/verify.py


# ---------------------------------------------------------------------------------------------- helpers


def _default_seed(entries_path: Path) -> Path:
    return entries_path.with_name(entries_path.name + ".seed.json")


def _raffle(cli_ctx: CollectiblesContext, address: str | None) -> ContractInstance:
    """``--raffle-contract``, else the registry's ``CollectibleRaffle`` on this chain."""
    from ape import project

    from collectibles.chain.programme import RAFFLE, resolve_programme_contract
    from collectibles.chain.raffle import RaffleRefused

    return resolve_programme_contract(
        project,
        cli_ctx.active_provider,
        cli_ctx.registry,
        RAFFLE,
        address,
        refused=RaffleRefused,
        missing=NOT_RECORDED,
    )


@contextmanager
def _raffle_errors(cli_ctx: CollectiblesContext) -> Iterator[Any]:
    """Failures as one line and exit 1, the raffle contract's custom errors named by its own ABI; yields a
    function that records the raffle contract once found."""
    from ape import project

    found: dict[str, Any] = {}

    def remember(raffle: ContractInstance) -> ContractInstance:
        found["raffle"] = raffle
        return raffle

    def decoder() -> Any:
        return found.get("raffle") or getattr(project, CONTRACT)

    with reported_errors(decoder, cli_ctx.as_json):
        yield remember
