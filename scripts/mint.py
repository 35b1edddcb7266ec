"""Mint editions of a series: one token to an address, or --quantity N (a treasury) in batches of 128."""

import click

from scripts._cli import CollectiblesContext, Command, collectibles_cli_context, sender_options
from scripts._params import ADDRESS


@click.command(cls=Command)
@collectibles_cli_context()
@sender_options
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option("--to", type=ADDRESS, required=True, help="Recipient address.")
@click.option(
    "--quantity", type=click.IntRange(min=1), default=1, show_default=True, help="Tokens to mint."
)
def cli(cli_ctx: CollectiblesContext, series_id: int, to: str, quantity: int) -> None:
    """Mint QUANTITY tokens of a series to one address (mintBatch calls of at most 128)."""
    from collectibles.chain.mint import batch_sizes, mint_tokens, remaining_supply
    from collectibles.domain.errors import SupplyExceeded

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        if (left := remaining_supply(nft, series_id)) < quantity:
            raise SupplyExceeded(series_id, quantity, left)
        signer = cli_ctx.ready_to_send("MINTER_ROLE", "mint")
        result = mint_tokens(nft, series_id, to, quantity, signer)
    calls = len(batch_sizes(quantity))
    cli_ctx.logger.success(
        f"Minted {len(result.token_ids)} token(s) of series {series_id} to {to} in {calls} call(s)"
    )
    cli_ctx.emit(
        {
            "contract": nft.address,
            "series_id": series_id,
            "to": to,
            "token_ids": result.token_ids,
            "tx_hashes": result.tx_hashes,
        }
    )
