"""Relay signed intents (gifts, vouchers) from a JSON Lines file, exactly once, resumable after a crash.

ape run relay --intents FILE [--dry-run] [--skip-invalid] [--batch-size N] [--journal PATH] [--report PATH]

FILE has one signed intent a line, as ``ape run sign gift|voucher --json`` prints it (the format is in
``collectibles/chain/relay/schema.py``). Every row is checked against the chain first; a bad row is printed as
``line N: reason``. By default a file with any bad row is refused whole: exit 1, nothing sent (``--dry-run``
reports every row the same way and sends nothing). ``--skip-invalid`` relays the valid rows, lists the bad ones
in the report, and exits 1 at the end. Rerun the same command after a crash: the journal and the chain say what
was sent, and every intent executes at most once.
"""

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
    from collectibles.chain.airdrop.records import PlanRecord
    from collectibles.chain.relay import Problem, RelayDryRun, RelayResult


@click.command(cls=Command)
@collectibles_cli_context()
@sender_options
@click.option(
    "--intents",
    "intents_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON Lines file: one signed intent a line, as `ape run sign ... --json` prints it.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check every row, print the plan and cost; send nothing."
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Relay the valid rows even if some are bad (reported, exit 1 at the end) [default: refuse the file].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1000),
    default=None,
    help="Most intents per relay transaction [default: as many as the gas cap allows, at most 1,000].",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Journal file [default: airdrops/relay-<chain>-<contract>.sqlite].",
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
    intents_path: Path,
    dry_run: bool,
    skip_invalid: bool,
    batch_size: int | None,
    journal_path: Path | None,
    report_path: Path | None,
    max_fee_gwei: float | None,
    priority_fee_gwei: float | None,
    confirmations: int | None,
) -> None:
    """Check the signed intents of --intents, then relay the valid ones in as few transactions as the gas
    cap allows; rerun the same command to resume."""
    from collectibles.chain.airdrop.fees import FeePolicy
    from collectibles.chain.relay import IntentsRefused, Relayer

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        rows = sum(1 for line in intents_path.read_bytes().splitlines() if line.strip())
        progress = Progress(rows, "relay")
        relayer = Relayer(
            nft,
            cli_ctx.account,
            log=log_to(progress),
            progress=progress.advance,
            fees=FeePolicy.from_gwei(max_fee_gwei, priority_fee_gwei),
            confirmations=confirmations or default_confirmations(provider),
        )
        journal_path = journal_path or _default_journal(provider, nft.address, create=not dry_run)
        if dry_run:
            if (done := relayer.journaled(intents_path, journal_path)) is not None:
                _print_journaled(cli_ctx, done)
                return
            plan = relayer.dry_run(intents_path, batch_size)
            _finish_dry_run(cli_ctx, plan, provider, skip_invalid)
            return
        click.echo(
            f"Relay of {intents_path} to {nft.address} from {cli_ctx.account.address}; journal {journal_path}"
        )
        cli_ctx.ready_to_send()
        try:
            with progress:
                result = relayer.run(
                    intents_path,
                    journal_path=journal_path,
                    report_path=report_path,
                    batch_size=batch_size,
                    skip_invalid=skip_invalid,
                )
        except IntentsRefused as refused:
            _print_problems(refused.problems)
            raise
    _print_result(result)
    cli_ctx.emit({**result.as_dict(), "contract": nft.address})
    if result.status == "done" and (result.invalid or result.refused):
        raise ReportedError(
            f"{result.executed} of {result.intents + result.invalid} intent(s) executed: "
            f"{result.invalid} bad row(s) skipped, {result.refused} refused on chain; see {result.report_path}",
            "IntentsNotAllExecuted",
        )


def _print_result(result: "RelayResult") -> None:
    if result.status == "already_done":
        click.echo(
            f"Nothing to do: this relay already completed ({result.executed} executed); report "
            f"{result.report_path}"
        )
        return
    verb = "Finished the resumed relay" if result.resumed else "Relayed"
    click.echo(
        f"{verb}: {result.executed} executed, {result.refused} refused on chain, {result.not_sent} no "
        f"longer executable, {result.invalid} bad row(s); {result.batches} transaction(s), "
        f"{result.gas_used:,} gas; report {result.report_path}"
    )


def _print_journaled(cli_ctx: CollectiblesContext, record: "PlanRecord") -> None:
    """A dry run of a file the journal knows: its rows are spent on chain, so say what the journal says."""
    if record.status == "complete":
        click.echo(f"Dry run: this file was relayed already; report {record.report_path}")
    else:
        click.echo("Dry run: this file's relay is unfinished; rerun without --dry-run to resume it")
    cli_ctx.emit(
        {
            "dry_run": True,
            "plan_id": record.plan_id,
            "journaled": record.status,
            "report_path": record.report_path,
        }
    )


def _print_problems(problems: "list[Problem]") -> None:
    for problem in problems:
        click.echo(f"line {problem.line}: {problem.reason}")


def _default_journal(provider: ProviderAPI, contract: str, *, create: bool) -> Path:
    """``airdrops/relay-<chain>-<genesis>-<contract>.sqlite``; the folder made (0700) only to send."""
    from collectibles.chain.airdrop.files import make_private_folder
    from collectibles.chain.deployment import chain_identity

    ident = chain_identity(provider)
    folder = make_private_folder(JOURNAL_ROOT) if create else JOURNAL_ROOT
    return folder / f"relay-{ident.chain_id}-{ident.genesis_hash[2:10]}-{contract}.sqlite"


def _finish_dry_run(
    cli_ctx: CollectiblesContext, dry: "RelayDryRun", provider: ProviderAPI, skip_invalid: bool
) -> None:
    """Print every bad row and the plan; exit 1 when the file would be refused or the sender cannot pay."""
    plan = dry.plan
    _print_problems(plan.problems)
    cost = dry.estimated_gas * dry.gas_price
    balance = int(provider.get_balance(cli_ctx.account.address))
    click.echo(
        f"Intents: {len(plan.intents)} valid, {len(plan.problems)} bad, of {plan.lines} line(s); "
        f"batches: {len(plan.batches)} of up to {plan.batch_size}"
    )
    click.echo(
        f"Estimated gas: {dry.estimated_gas:,}; at {dry.gas_price / 1e9:g} gwei: {cost / 1e18:.6f} ETH "
        f"(the sender holds {balance / 1e18:.6f} ETH)"
    )
    click.echo("Dry run: nothing was sent.")
    failure = None
    if plan.problems and not skip_invalid:
        failure = (
            f"dry run: {len(plan.problems)} bad row(s): the relay would refuse this file",
            "IntentsRefused",
        )
    elif balance < cost:
        failure = (
            f"dry run: the sender cannot pay the estimated {cost / 1e18:.6f} ETH",
            "InsufficientFunds",
        )
    cli_ctx.emit(_dry_run_json(dry, balance, cost, failure))
    if failure is not None:
        raise ReportedError(*failure)


def _dry_run_json(
    dry: "RelayDryRun", balance: int, cost: int, failure: tuple[str, str] | None
) -> dict[str, Any]:
    plan = dry.plan
    found: dict[str, Any] = {
        "dry_run": True,
        "plan_id": plan.plan_id,
        "lines": plan.lines,
        "valid": len(plan.intents),
        "problems": [{"line": p.line, "reason": p.reason} for p in plan.problems],
        "batches": [b.count for b in plan.batches],
        "estimated_gas": dry.estimated_gas,
        "gas_price": dry.gas_price,
        "max_cost_wei": cost,
        "balance_wei": balance,
    }
    if failure is not None:
        found |= {"error": failure[0], "kind": failure[1]}
    return found
