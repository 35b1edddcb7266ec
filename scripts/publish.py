"""Publish a series' artwork and metadata, content-addressed, then point the series at it on chain."""

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context

from scripts._options import (
    PROJECT_ROOT,
    backend_option,
    common_options,
    confirm_network,
    emit_json,
    load_collectible,
    prepare_signer,
    reported_errors,
)

DEFAULT_CATALOGUE = PROJECT_ROOT / "examples" / "catalogue.yaml"


@click.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@common_options
@backend_option()
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option(
    "--catalogue",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Catalogue naming the series' image, theme, tier [default: examples/catalogue.yaml].",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "published",
    show_default=True,
    help="Where <dirCID>/ and <dirCID>.car are written.",
)
@click.option("--cid-version", type=click.Choice(["0", "1"]), default="1", show_default=True)
@click.option(
    "--freeze", is_flag=True, help="Freeze the series' metadata for good after the reveal."
)
@click.option(
    "--set-contract-uri", is_flag=True, help="Point ERC-7572 contractURI at this collection.json."
)
def cli(
    cli_ctx,
    network,
    provider,
    account,
    contract_address,
    yes,
    as_json,
    backend,
    series_id,
    catalogue,
    out,
    cid_version,
    freeze,
    set_contract_uri,
):
    """Build and validate every token's JSON, write the folder and CAR, upload, then reveal on chain."""
    from collectibles.domain.settings import load_settings
    from collectibles.chain.deployment import require_role
    from collectibles.ipfs.pinning import make_backend
    from collectibles.content.publish import publish_spec
    from collectibles.chain.reveal import reveal
    from collectibles.chain.series import spec_for_series

    if catalogue is None and DEFAULT_CATALOGUE.exists():
        catalogue = DEFAULT_CATALOGUE
    with reported_errors():
        nft = load_collectible(contract_address)
        spec = spec_for_series(nft.series(series_id), catalogue)
        published = publish_spec(spec, out, cid_version=int(cid_version))
        click.echo(
            f"Series {series_id} '{spec.name}': {published.tokens} token JSONs and the image in "
            f"{published.folder} ({'written' if published.written else 'unchanged'}), CAR {published.car}"
        )
        require_role(nft, "METADATA_ROLE", account, "publish")
        confirm_network(network, yes, provider)
        reported = make_backend(backend, load_settings(), car_path=published.car).publish(
            published.car, published.directory_cid
        )
        prepare_signer(account, yes)
        result = reveal(
            nft,
            series_id,
            published.base_uri,
            account,
            freeze=freeze,
            contract_uri=published.collection_uri if set_contract_uri else None,
        )
    what = "revealed at" if result.revealed else "already points at"
    click.echo(f"Backend {backend} holds {reported}; series {series_id} {what} {result.base_uri}")
    if as_json:
        emit_json(
            {
                "contract": nft.address,
                "series_id": series_id,
                "directory_cid": published.directory_cid,
                "image_cid": published.image_cid,
                "base_uri": published.base_uri,
                "collection_uri": published.collection_uri,
                "folder": str(published.folder),
                "car": str(published.car),
                "tokens": published.tokens,
                "written": published.written,
                "backend": backend,
                "reported_cid": reported,
                "revealed": result.revealed,
                "frozen": result.frozen,
                "contract_uri_changed": result.contract_uri_changed,
                "tx_hashes": result.tx_hashes,
                "gas_used": result.gas_used,
            }
        )
