"""Airdrop one token of a series to every member of a CSV, exactly once, resumable after a crash."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from ape.api import ProviderAPI

from scripts._cli import (
    CollectiblesContext,
    Command,
    collectibles_cli_context,
    sender_options,
)
from scripts._errors import ReportedError
from scripts._output import Progress
from scripts._sending import JOURNAL_ROOT, default_confirmations, fee_options, log_to

if TYPE_CHECKING:
    from collectibles.chain.airdrop import DryRun


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
@click.option(
    "--allow-second",
    is_flag=True,
    help="Also airdrop to members whose address already holds a token of the series "
    "(still at most once per member of this file).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan, gas and cost; send nothing.")
@click.option(
    "--roster",
    is_flag=True,
    help="Send each batch as one airdropRoster call (owners stored as contract code, about 7x less gas "
    "a token); same campaign and marks as without it, so either resumes the other.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1228),
    default=None,
    help="Recipients per transaction [default: from the block gas limit, at most 500, "
    "or 1,228 with --roster].",
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
@fee_options
def cli(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    series_id: int,
    members_path: Path,
    keep_duplicates: bool,
    allow_second: bool,
    dry_run: bool,
    roster: bool,
    batch_size: int | None,
    journal_path: Path | None,
    report_path: Path | None,
    max_fee_gwei: float | None,
    priority_fee_gwei: float | None,
    confirmations: int | None,
) -> None:
    """Mint one token of SERIES to each member not served yet; rerun the same command to resume.

    Serials follow the members sorted by address (the campaign's order, the same for any order of the file).
    Members whose address already holds a token of the series are skipped and reported as already served,
    unless --allow-second.
    """
    from collectibles.chain.airdrop import Airdropper, default_journal_path
    from collectibles.chain.airdrop.fees import FeePolicy
    from collectibles.chain.airdrop.files import make_private_folder
    from collectibles.chain.airdrop.modes import mode_for
    from collectibles.chain.deployment import chain_identity
    from collectibles.domain.members import count_lines, load_members

    with cli_ctx.reported_errors():
        with Progress(
            count_lines(members_path), "validating"
        ) as checking:  # a 1M-row file: seconds
            members = load_members(
                members_path, keep_duplicates=keep_duplicates, progress=checking.advance
            )
        for dup in members.duplicates:
            fate = "kept (--keep-duplicates)" if keep_duplicates else "merged into it"
            click.echo(f"row {dup.row}: {dup.address} repeats row {dup.first_row}, {fate}")
        nft = cli_ctx.collectible
        progress = Progress(len(members.members), "airdrop")
        airdropper = Airdropper(
            nft,
            cli_ctx.account,
            log=log_to(progress),
            progress=progress.advance,
            allow_second=allow_second,
            fees=FeePolicy.from_gwei(max_fee_gwei, priority_fee_gwei),
            confirmations=confirmations or default_confirmations(provider),
            mode=mode_for(roster),
        )
        if dry_run:
            plan = airdropper.dry_run(series_id, members, batch_size)
            _print_dry_run(plan, len(members.duplicates))
            _finish_dry_run(cli_ctx, plan, provider, airdropper.fees.max_fee_cap)
            return
        if journal_path is None:
            ident = chain_identity(provider)
            journal_path = default_journal_path(
                make_private_folder(JOURNAL_ROOT),
                ident.chain_id,
                ident.genesis_hash,
                nft.address,
                series_id,
            )
        click.echo(
            f"Airdrop ({airdropper.mode.function}) to {len(members.members)} members of series "
            f"{series_id} on {nft.address} from {cli_ctx.account.address}; journal {journal_path}"
        )
        # No role check here: the runner's preflight asks the chain itself and reports its refusal.
        cli_ctx.ready_to_send()
        with progress:  # on stderr: a bar on a terminal, plain lines every few seconds elsewhere
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


def _finish_dry_run(
    cli_ctx: CollectiblesContext, plan: "DryRun", provider: ProviderAPI, fee_cap: int | None
) -> None:
    """Say whether the sender can pay, print the JSON, and exit 1 when the chain or the funds would refuse.

    The cost is priced at the fee cap when there is one (the most the run may pay), else at today's price.
    """
    per_gas = fee_cap if fee_cap is not None else plan.gas_price
    cost = plan.estimated_gas * per_gas
    balance = int(provider.get_balance(cli_ctx.account.address))
    short = (
        f"{cli_ctx.account.address} holds {balance / 1e18:.6f} ETH, the airdrop may cost up to "
        f"{cost / 1e18:.6f} ETH ({plan.estimated_gas:,} gas at {per_gas / 1e9:g} gwei): fund it first"
        if plan.remaining_members and balance < cost
        else None
    )
    click.echo(f"Funds: {short}" if short else f"Funds: enough ({balance / 1e18:.6f} ETH)")
    failure = (
        (f"the chain would refuse this airdrop: {plan.refusal}", "AirdropNotPossible")
        if plan.refusal
        else (short, "InsufficientFunds")
        if short
        else None
    )
    results = {**_dry_run_json(plan), "balance_wei": balance, "max_cost_wei": cost}
    if failure is not None:
        results |= {"error": failure[0], "kind": failure[1]}
    cli_ctx.emit(results)
    if failure is not None:
        raise ReportedError(f"dry run: {failure[0]}", failure[1])


def _print_dry_run(plan: "DryRun", duplicates: int) -> None:
    from collectibles.chain.airdrop.modes import MODES

    p = plan.plan
    click.echo(f"Plan {p.plan_id}: series {p.series_id} of {p.contract} on chain {p.chain_id}")
    click.echo(f"Mode: {plan.mode} (one {MODES[plan.mode].function} call a batch)")
    click.echo(
        f"Members: {len(p.addresses)} ({duplicates} duplicate row(s) reported above); "
        f"already served on chain: {plan.already_served}"
    )
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
        "mode": plan.mode,
        "plan_id": p.plan_id,
        "members": len(p.addresses),
        "batches": len(p.batches),
        "batch_size": p.batch_size,
        "executed_batches": plan.executed_batches,
        "already_served": plan.already_served,
        "estimated_gas": plan.estimated_gas,
        "gas_price": plan.gas_price,
        "estimated_cost_wei": plan.estimated_cost,
        "cap_left": plan.cap_left,
        "allowed": plan.refusal is None,
        "refusal": plan.refusal,
    }
