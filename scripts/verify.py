"""Audit from the chain outward: every minted token's tokenURI, JSON, image and attributes."""

from pathlib import Path

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    collectibles_cli_context,
    contract_option,
    json_option,
)
from scripts._settings import PROJECT_ROOT


@click.command(cls=Command)
@collectibles_cli_context()
@contract_option()
@json_option()
@click.option(
    "--series",
    "series_ids",
    type=click.IntRange(min=1),
    multiple=True,
    help="Series [default: all].",
)
@click.option(
    "--car",
    "cars",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    help="CAR file or folder of CARs holding the published blocks [default: published/].",
)
@click.option(
    "--gateway", default=None, help="Fetch through this gateway (e.g. http://127.0.0.1:8080)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10,
    show_default=True,
    help="Seconds the gateway has to answer each fetch in full.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=PROJECT_ROOT / "published" / "verify-report.json",
    show_default=True,
)
def cli(
    cli_ctx: CollectiblesContext,
    series_ids: tuple[int, ...],
    cars: tuple[Path, ...],
    gateway: str | None,
    timeout: float,
    report_path: Path,
) -> None:
    """Check every minted token against its published metadata; exit 1 naming any mismatch or damage.

    Damaged content (a CAR cut short or unreadable, a block whose bytes do not match its CID, a block
    missing, a gateway answering other bytes or too slowly) is reported against the tokens it affects, in
    the report and the output, never as a traceback.
    """
    from collectibles.chain.audit import audit_series
    from collectibles.chain.audit_report import write_report
    from collectibles.ipfs.fetch import gateway_fetcher, store_fetcher
    from collectibles.ipfs.salvage import load_published

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
    store, damage = load_published(cars or [PROJECT_ROOT / "published"])
    fetch = gateway_fetcher(store, gateway, timeout) if gateway else store_fetcher(store)
    ids = series_ids or range(1, int(nft.seriesCount()) + 1)
    audits = [audit_series(nft, series_id, fetch) for series_id in ids]
    write_report(audits, report_path, damage)
    failures = [t for a in audits for t in a.failures]
    for a in audits:
        click.echo(
            f"series {a.series_id} '{a.name}': {len(a.tokens)} tokens checked, "
            f"{len(a.failures)} mismatched ({a.burned} burned)"
        )
    for problem in damage:
        block = f" (block {problem.block})" if problem.block else ""
        click.echo(f"content {problem.car}: {problem.problem}{block}", err=True)
    for token in failures:
        click.echo(
            f"token {token.token_id} (serial {token.serial}): {'; '.join(token.problems)}", err=True
        )
    click.echo(f"report {report_path}")
    cli_ctx.emit(
        {
            "contract": nft.address,
            "tokens": sum(len(a.tokens) for a in audits),
            "mismatched": [t.token_id for t in failures],
            "content_problems": len(damage),
            "report": str(report_path),
        }
    )
    if failures or damage:
        # SystemExit, not click's Exit: scripts/_errors.py reports any Exception (Exit is a RuntimeError)
        # as an unexpected error, which would print a second JSON line.
        raise SystemExit(1)
