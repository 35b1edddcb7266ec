"""Holder snapshot: who held the tokens of a series at a block, from its Transfer logs, checked by ownerOf."""

from pathlib import Path

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    collectibles_cli_context,
    contract_option,
    json_option,
)


@click.command(cls=Command)
@collectibles_cli_context()
@contract_option()
@json_option()
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option(
    "--block",
    type=click.IntRange(min=0),
    default=None,
    help="Block number to take the snapshot at [default: the latest].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Snapshot file to write (JSON Lines: a header, then one holder a line).",
)
def cli(cli_ctx: CollectiblesContext, series_id: int, block: int | None, out: Path) -> None:
    """Write the holders of a series at a block: address, count and token ids, sorted by address.

    The owners are replayed from the contract's Transfer logs since its deployment and every token is
    checked against ownerOf at that block; the file's header names the chain id, contract, series, block
    number and block hash. Nothing is sent.
    """
    from collectibles.chain.snapshot import take_snapshot

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        result = take_snapshot(nft, series_id, out, block, log=cli_ctx.logger.info)
    header = result.header
    click.echo(
        f"series {series_id} at block {header.block} ({header.block_hash}): {header.holders:,} holders "
        f"of {header.tokens:,} tokens"
    )
    click.echo(f"snapshot {out}")
    cli_ctx.emit(
        {
            "contract": header.contract,
            "chain_id": header.chain_id,
            "series_id": series_id,
            "block": header.block,
            "block_hash": header.block_hash,
            "holders": header.holders,
            "tokens": header.tokens,
            "snapshot": str(out),
        }
    )
