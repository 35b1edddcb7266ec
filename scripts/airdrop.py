"""Airdrop one token of a series to every member of a CSV, exactly once, resumable after a crash."""

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from ape.api import ProviderAPI

from scripts._cli import CollectiblesContext, Command, collectibles_cli_context, sender_options
from scripts._settings import PROJECT_ROOT

if TYPE_CHECKING:
    from collectibles.chain.airdrop import DryRun

# Outside .build/, which `make clean` and Ape may wipe: the journal is what makes a rerun safe.
JOURNAL_ROOT = PROJECT_ROOT / "airdrops"


@click.command(cls=Command)
@collectibles_cli_context()
@sender_options
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option(
    "--members",
    "members_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="CSV with a header row and an 'address' column; other columns go into the report.",
)
@click.option(
    "--keep-duplicates", is_flag=True, help="Give a token to every row, even a repeated address."
)
@click.option("--dry-run", is_flag=True, help="Print the plan, gas and cost; send nothing.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 500),
    default=None,
    help="Recipients per transaction [default: from the block gas limit, at most 500].",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Journal file [default: airdrops/<chain>-<contract>-series<id>.sqlite].",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Report CSV [default: beside the journal].",
)
def cli(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    series_id: int,
    members_path: Path,
    keep_duplicates: bool,
    dry_run: bool,
    batch_size: int | None,
    journal_path: Path | None,
    report_path: Path | None,
) -> None:
    """Mint one token of SERIES to each member, in file order; rerun the same command to resume."""
    from collectibles.chain.airdrop import Airdropper, default_journal_path
    from collectibles.chain.deployment import chain_identity
    from collectibles.domain.members import load_members

    with cli_ctx.reported_errors():
        members = load_members(members_path, keep_duplicates=keep_duplicates)
        for dup in members.duplicates:
            fate = "kept (--keep-duplicates)" if keep_duplicates else "merged into it"
            click.echo(f"row {dup.row}: {dup.address} repeats row {dup.first_row}, {fate}")
        nft = cli_ctx.collectible
        airdropper = Airdropper(nft, cli_ctx.account, log=click.echo)
        if dry_run:
            plan = airdropper.dry_run(series_id, members, batch_size)
            _print_dry_run(plan, len(members.duplicates))
            cli_ctx.emit(_dry_run_json(plan))
            return
        if journal_path is None:
            ident = chain_identity(provider)
            journal_path = default_journal_path(
                JOURNAL_ROOT, ident.chain_id, ident.genesis_hash, nft.address, series_id
            )
        click.echo(
            f"Airdrop to {len(members.members)} members of series {series_id} on {nft.address} "
            f"from {cli_ctx.account.address}; journal {journal_path}"
        )
        # No role check here: the runner's preflight asks the chain itself and reports its refusal.
        cli_ctx.ready_to_send()
        bar: AbstractContextManager[Any] = (
            click.progressbar(length=len(members.members), label="Airdrop")
            if sys.stdout.isatty() and not cli_ctx.as_json
            else nullcontext()
        )
        with bar as progress:
            if progress is not None:
                airdropper.progress = progress.update
            result = airdropper.run(
                series_id,
                members,
                members_path=str(members_path),
                journal_path=journal_path,
                report_path=report_path,
                batch_size=batch_size,
            )
    if result.status == "already_done":
        click.echo(
            f"Nothing to do: this airdrop already completed ({result.members} members); report {result.report_path}"
        )
    else:
        verb = "Finished the resumed airdrop" if result.resumed else "Airdropped"
        click.echo(
            f"{verb}: {result.members} members of series {series_id} in {result.batches} batch(es), "
            f"{result.gas_used:,} gas; report {result.report_path}"
        )
    cli_ctx.emit(
        {
            **result.as_dict(),
            "series_id": series_id,
            "contract": nft.address,
            "duplicates": len(members.duplicates),
        }
    )


def _print_dry_run(plan: "DryRun", duplicates: int) -> None:
    p = plan.plan
    click.echo(f"Plan {p.plan_id}: series {p.series_id} of {p.contract} on chain {p.chain_id}")
    click.echo(f"Members: {len(p.addresses)} ({duplicates} duplicate row(s) reported above)")
    click.echo(
        f"Batches: {len(p.batches)} of up to {p.batch_size}; already executed: {plan.executed_batches}"
    )
    click.echo(
        f"Estimated gas: {plan.estimated_gas:,} for {plan.remaining_members} tokens; "
        f"at {plan.gas_price / 1e9:g} gwei: {plan.estimated_cost / 1e18:.6f} ETH"
    )
    verdict = "allows it" if plan.refusal is None else f"refuses it: {plan.refusal}"
    click.echo(f"Series cap: {plan.cap_left} tokens left; the chain {verdict}")
    click.echo("Dry run: nothing was sent.")


def _dry_run_json(plan: "DryRun") -> dict[str, Any]:
    p = plan.plan
    return {
        "dry_run": True,
        "plan_id": p.plan_id,
        "members": len(p.addresses),
        "batches": len(p.batches),
        "batch_size": p.batch_size,
        "executed_batches": plan.executed_batches,
        "estimated_gas": plan.estimated_gas,
        "gas_price": plan.gas_price,
        "estimated_cost_wei": plan.estimated_cost,
        "cap_left": plan.cap_left,
        "allowed": plan.refusal is None,
        "refusal": plan.refusal,
    }
