"""Create series from flags, or many from a catalogue file; series already on chain (by name) are skipped."""

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context

from scripts._options import (
    common_options,
    confirm_network,
    emit_json,
    load_collectible,
    prepare_signer,
    reported_errors,
)


@click.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@common_options
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
    cli_ctx,
    network,
    provider,
    account,
    contract_address,
    yes,
    as_json,
    catalogue,
    name,
    max_supply,
    policy,
    hold_days,
    base_uri,
):
    """Create one series (--name ...) or every series of --catalogue, skipping those already on chain."""
    from collectibles.chain.series import ensure_series, pending
    from collectibles.domain.catalogue import SeriesSpec, load_catalogue
    from collectibles.chain.deployment import require_role

    with reported_errors():
        if catalogue and name:
            raise click.UsageError("give --catalogue or --name, not both")
        if catalogue:
            specs = load_catalogue(catalogue)
        elif name is not None:
            if max_supply is None:
                raise click.UsageError("--max-supply is required with --name")
            specs = [SeriesSpec.build(name, max_supply, policy, hold_days, base_uri)]
        else:
            raise click.UsageError("give --name and --max-supply, or --catalogue FILE")
        nft = load_collectible(contract_address)
        if pending(nft, specs):
            require_role(nft, "DEFAULT_ADMIN_ROLE", account, "create series")
            confirm_network(network, yes, provider)
            prepare_signer(account, yes)
        outcomes = ensure_series(nft, specs, account)
    for o in outcomes:
        verb = "Created" if o.created else "Exists: "
        cli_ctx.logger.success(f"{verb} series {o.series_id} {o.name!r}")
        if o.differences:
            cli_ctx.logger.warning(
                f"series {o.series_id} {o.name!r} differs: {'; '.join(o.differences)}"
            )
    if as_json:
        emit_json(
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
