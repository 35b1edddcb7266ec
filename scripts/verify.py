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
    report_path: Path,
) -> None:
    """Check every minted token against its published metadata; exit 1 naming any mismatch."""
    from collectibles.chain.audit import audit_series, gateway_fetcher, store_fetcher, write_report
    from collectibles.ipfs.blockstore import BlockStore

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
    store = BlockStore.from_cars(cars or [PROJECT_ROOT / "published"])
    fetch = gateway_fetcher(store, gateway) if gateway else store_fetcher(store)
    ids = series_ids or range(1, int(nft.seriesCount()) + 1)
    audits = [audit_series(nft, series_id, fetch) for series_id in ids]
    write_report(audits, report_path)
    failures = [t for a in audits for t in a.failures]
    for a in audits:
        click.echo(
            f"series {a.series_id} '{a.name}': {len(a.tokens)} tokens checked, "
            f"{len(a.failures)} mismatched ({a.burned} burned)"
        )
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
            "report": str(report_path),
        }
    )
    if failures:
        raise click.exceptions.Exit(1)
