"""Publish a series' artwork and metadata, content-addressed, then point the series at it on chain."""

from pathlib import Path

import click

from scripts._cli import CollectiblesContext, Command, collectibles_cli_context, sender_options
from scripts._params import backend_option
from scripts._settings import PROJECT_ROOT

DEFAULT_CATALOGUE = PROJECT_ROOT / "examples" / "catalogue.yaml"


@click.command(cls=Command)
@collectibles_cli_context()
@sender_options
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
    cli_ctx: CollectiblesContext,
    backend: str,
    series_id: int,
    catalogue: Path | None,
    out: Path,
    cid_version: str,
    freeze: bool,
    set_contract_uri: bool,
) -> None:
    """Build and validate every token's JSON, write the folder and CAR, upload, then reveal on chain."""
    from collectibles.chain.reveal import reveal
    from collectibles.chain.series import spec_for_series
    from collectibles.content.publish import publish_spec
    from collectibles.ipfs.pinning import make_backend

    if catalogue is None and DEFAULT_CATALOGUE.exists():
        catalogue = DEFAULT_CATALOGUE
    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        spec = spec_for_series(nft.series(series_id), catalogue)
        published = publish_spec(spec, out, cid_version=int(cid_version))
        click.echo(
            f"Series {series_id} '{spec.name}': {published.tokens} token JSONs and the image in "
            f"{published.folder} ({'written' if published.written else 'unchanged'}), CAR {published.car}"
        )
        signer = cli_ctx.ready_to_send("METADATA_ROLE", "publish")
        reported = make_backend(backend, cli_ctx.settings, car_path=published.car).publish(
            published.car, published.directory_cid
        )
        result = reveal(
            nft,
            series_id,
            published.base_uri,
            signer,
            freeze=freeze,
            contract_uri=published.collection_uri if set_contract_uri else None,
        )
    what = "revealed at" if result.revealed else "already points at"
    click.echo(f"Backend {backend} holds {reported}; series {series_id} {what} {result.base_uri}")
    cli_ctx.emit(
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
