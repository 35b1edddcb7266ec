"""Create series from flags, or many from a catalogue file; series already on chain (by name) are skipped."""

from typing import TYPE_CHECKING

import click

from scripts._cli import CollectiblesContext, Command, collectibles_cli_context, sender_options

if TYPE_CHECKING:
    from collectibles.domain.catalogue import SeriesSpec


@click.command(cls=Command)
@collectibles_cli_context()
@sender_options
@click.option(
    "--catalogue",
    type=click.Path(dir_okay=False),
    default=None,
    help="YAML or JSON list of series.",
)
@click.option("--name", default=None, help="Series name (unique: matched on chain).")
@click.option("--max-supply", type=int, default=None, help="Editions, 1..999999.")
@click.option("--policy", default="free", show_default=True, help="free | gift | soulbound.")
@click.option(
    "--hold-days", type=float, default=None, help="Gift policy: days before a token may be gifted."
)
@click.option(
    "--base-uri", default="", help="Base URI (a folder ending in / or one shared document)."
)
def cli(
    cli_ctx: CollectiblesContext,
    catalogue: str | None,
    name: str | None,
    max_supply: int | None,
    policy: str,
    hold_days: float | None,
    base_uri: str,
) -> None:
    """Create one series (--name ...) or every series of --catalogue, skipping those already on chain."""
    from collectibles.chain.series import ensure_series, pending

    with cli_ctx.reported_errors():
        specs = _specs(catalogue, name, max_supply, policy, hold_days, base_uri)
        nft = cli_ctx.collectible
        signer = cli_ctx.account
        if pending(nft, specs):
            signer = cli_ctx.ready_to_send("DEFAULT_ADMIN_ROLE", "create series")
        outcomes = ensure_series(nft, specs, signer)
    for o in outcomes:
        verb = "Created" if o.created else "Exists: "
        cli_ctx.logger.success(f"{verb} series {o.series_id} {o.name!r}")
        if o.differences:
            cli_ctx.logger.warning(
                f"series {o.series_id} {o.name!r} differs: {'; '.join(o.differences)}"
            )
    cli_ctx.emit(
        {
            "contract": nft.address,
            "series": [
                {
                    "name": o.name,
                    "series_id": o.series_id,
                    "created": o.created,
                    "tx_hash": o.tx_hash,
                    "differences": o.differences,
                }
                for o in outcomes
            ],
        }
    )


def _specs(
    catalogue: str | None,
    name: str | None,
    max_supply: int | None,
    policy: str,
    hold_days: float | None,
    base_uri: str,
) -> list["SeriesSpec"]:
    """The series asked for: every one of ``--catalogue``, or the one of ``--name`` and its flags."""
    from collectibles.domain.catalogue import SeriesSpec, load_catalogue

    if catalogue and name:
        raise click.UsageError("give --catalogue or --name, not both")
    if catalogue:
        return load_catalogue(catalogue)
    if name is None:
        raise click.UsageError("give --name and --max-supply, or --catalogue FILE")
    if max_supply is None:
        raise click.UsageError("--max-supply is required with --name")
    return [SeriesSpec.build(name, max_supply, policy, hold_days, base_uri)]
