"""A local IPFS gateway over published CAR files, so the images and JSON the chain points to open in a browser.

ape run gateway --car publish/            # every *.car under the folder
ape run gateway --car series-1.car --port 8081
Then open http://127.0.0.1:8080/ipfs/<cid>/<path> (the path of an ipfs:// URI). Nothing is fetched from the
network: only the blocks of the given CAR files are served.
"""

import click


@click.command()
@click.option(
    "--car",
    "cars",
    multiple=True,
    required=True,
    type=click.Path(exists=True),
    help="A CAR file, or a folder whose *.car files are served (repeatable).",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: a free one).",
)
def cli(cars, port):
    """Serve GET /ipfs/<cid>[/<path>] on 127.0.0.1 from the blocks of CAR files, until Ctrl-C."""
    from collectibles.ipfs.blockstore import BlockStore
    from collectibles.ipfs.gateway import GatewayServer

    try:
        store = BlockStore.from_cars(cars)
    except (OSError, ValueError) as err:
        raise click.ClickException(f"cannot read the CAR files: {err}") from err
    server = GatewayServer(store, port=port)
    click.echo(
        f"{len(store)} blocks from {len(cars)} path(s); serving {server.url}/ipfs/<cid>/<path>"
    )
    for root in store.roots:
        click.echo(f"  {server.url}/ipfs/{root}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
