"""Mint editions of a series: one token to an address, or --quantity N (a treasury) in batches of 128."""

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context

from scripts._options import (
    ADDRESS,
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
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option("--to", type=ADDRESS, required=True, help="Recipient address.")
@click.option(
    "--quantity", type=click.IntRange(min=1), default=1, show_default=True, help="Tokens to mint."
)
def cli(
    cli_ctx, network, provider, account, contract_address, yes, as_json, series_id, to, quantity
):
    """Mint QUANTITY tokens of a series to one address (mintBatch calls of at most 128)."""
    from collectibles.chain.deployment import require_role
    from collectibles.domain.errors import SupplyExceeded
    from collectibles.chain.mint import batch_sizes, mint_tokens, remaining_supply

    with reported_errors():
        nft = load_collectible(contract_address)
        if (left := remaining_supply(nft, series_id)) < quantity:
            raise SupplyExceeded(series_id, quantity, left)
        require_role(nft, "MINTER_ROLE", account, "mint")
        confirm_network(network, yes, provider)
        prepare_signer(account, yes)
        result = mint_tokens(nft, series_id, to, quantity, account)
    calls = len(batch_sizes(quantity))
    cli_ctx.logger.success(
        f"Minted {len(result.token_ids)} token(s) of series {series_id} to {to} in {calls} call(s)"
    )
    if as_json:
        emit_json(
            {
                "contract": nft.address,
                "series_id": series_id,
                "to": to,
                "token_ids": result.token_ids,
                "tx_hashes": result.tx_hashes,
            }
        )
