"""Deploy the Collectible, grant the minter and metadata roles, and record it in the deployment registry.

Re-running finds the recorded deployment (same chain id and genesis, code still there) and sends nothing;
``--new`` deploys another one.
"""

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context

from scripts._options import (
    ADDRESS,
    account_option,
    confirm_network,
    emit_json,
    json_option,
    open_registry,
    prepare_signer,
    reported_errors,
    yes_option,
)


@click.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@account_option()
@click.option(
    "--name", default=None, help="ERC-721 name (COLLECTIBLES_NAME; default Spring Festival)."
)
@click.option(
    "--symbol", default=None, help="ERC-721 symbol (COLLECTIBLES_SYMBOL; default SPRING)."
)
@click.option(
    "--royalty-bps", type=click.IntRange(0, 10_000), default=None, help="Royalty, basis points."
)
@click.option(
    "--royalty-receiver", type=ADDRESS, default=None, help="Royalty receiver (default: deployer)."
)
@click.option(
    "--admin", type=ADDRESS, default=None, help="DEFAULT_ADMIN_ROLE holder (default: deployer)."
)
@click.option(
    "--admin-delay",
    type=click.IntRange(0, 2**48 - 1),
    default=None,
    help="Admin transfer delay, s.",
)
@click.option(
    "--minter",
    "minters",
    type=ADDRESS,
    multiple=True,
    help="Grant MINTER_ROLE (default: deployer).",
)
@click.option(
    "--curator",
    "curators",
    type=ADDRESS,
    multiple=True,
    help="Grant METADATA_ROLE (default: deployer).",
)
@click.option(
    "--new",
    is_flag=True,
    default=False,
    help="Deploy again even if this chain has a live deployment.",
)
@yes_option()
@json_option()
def cli(
    cli_ctx,
    network,
    provider,
    account,
    name,
    symbol,
    royalty_bps,
    royalty_receiver,
    admin,
    admin_delay,
    minters,
    curators,
    new,
    yes,
    as_json,
):
    """Deploy the Collectible (once per chain unless --new) and record it in the registry."""
    from ape import project

    from collectibles.domain.settings import load_settings, resolve
    from collectibles.chain.deployment import deploy_collectible

    settings = load_settings()
    admin = resolve(admin, settings.admin) or account.address
    admin = ADDRESS.convert(admin, None, None)
    if admin != account.address and (minters or curators):
        raise click.UsageError(
            f"only the admin {admin} can grant roles: deploy without --minter/--curator"
        )
    default_holders = [account.address] if admin == account.address else []
    with reported_errors():
        registry = open_registry()
        if new or not _has_live(registry, provider):
            confirm_network(network, yes, provider)
            prepare_signer(account, yes)
        result = deploy_collectible(
            project,
            provider,
            registry,
            account,
            name=resolve(name, settings.name),
            symbol=resolve(symbol, settings.symbol),
            admin=admin,
            admin_delay=int(resolve(admin_delay, settings.admin_delay)),
            royalty_receiver=ADDRESS.convert(
                resolve(royalty_receiver, settings.royalty_receiver) or account.address, None, None
            ),
            royalty_bps=int(resolve(royalty_bps, settings.royalty_bps)),
            minters=list(minters) or default_holders,
            curators=list(curators) or default_holders,
            new=new,
        )
    if result.reset_detected and result.deployed:
        cli_ctx.logger.warning(
            "this chain id has records of an earlier chain (restarted or reset): ignored them"
        )
    verb = "Deployed" if result.deployed else "Already deployed:"
    cli_ctx.logger.success(
        f"{verb} Collectible at {result.address} on chain {result.chain.chain_id}"
    )
    if as_json:
        emit_json(
            {
                "address": result.address,
                "deployed": result.deployed,
                "chain_id": result.chain.chain_id,
                "genesis_hash": result.chain.genesis_hash,
                "tx_hash": result.deployment.tx_hash,
                "registry": str(registry.path),
                "reset_detected": result.reset_detected,
            }
        )


def _has_live(registry, provider):
    from collectibles.chain.deployment import CONTRACT, chain_identity, has_code

    ident = chain_identity(provider)
    return (
        registry.find(ident.chain_id, ident.genesis_hash, CONTRACT, has_code(provider)) is not None
    )
