"""Deploy the Collectible, grant the minter and metadata roles, and record it in the deployment registry.

Re-running finds the recorded deployment (same chain id and genesis, code still there) and sends nothing;
``--new`` deploys another one. ``--programme`` also deploys the raffle, crafting and redemption contracts
beside it (:mod:`collectibles.chain.programme`), grants them their roles on the Collectible and the operators
(``--operator``, default the deployer) the roles that run them, and records them; a re-run sends only what
is missing. Each flag falls back to its ``COLLECTIBLES_*`` variable, then ape-config.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from ape.api import ProviderAPI

from scripts._cli import (
    CollectiblesContext,
    Command,
    account_option,
    collectibles_cli_context,
    json_option,
    yes_option,
)
from scripts._params import ADDRESS

if TYPE_CHECKING:
    from collectibles.chain.registry import Registry


@click.command(cls=Command)
@collectibles_cli_context()
@account_option()
@click.option(
    "--name",
    default=None,
    envvar="COLLECTIBLES_NAME",
    show_envvar=True,
    help="ERC-721 name [default: Spring Festival].",
)
@click.option(
    "--symbol",
    default=None,
    envvar="COLLECTIBLES_SYMBOL",
    show_envvar=True,
    help="ERC-721 symbol [default: SPRING].",
)
@click.option(
    "--royalty-bps",
    type=click.IntRange(0, 10_000),
    default=None,
    envvar="COLLECTIBLES_ROYALTY_BPS",
    show_envvar=True,
    help="Royalty, basis points [default: 500].",
)
@click.option(
    "--royalty-receiver",
    type=ADDRESS,
    default=None,
    envvar="COLLECTIBLES_ROYALTY_RECEIVER",
    show_envvar=True,
    help="Royalty receiver [default: deployer].",
)
@click.option(
    "--admin",
    type=ADDRESS,
    default=None,
    envvar="COLLECTIBLES_ADMIN",
    show_envvar=True,
    help="DEFAULT_ADMIN_ROLE holder [default: deployer].",
)
@click.option(
    "--admin-delay",
    type=click.IntRange(0, 2**48 - 1),
    default=None,
    envvar="COLLECTIBLES_ADMIN_DELAY",
    show_envvar=True,
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
    "--programme",
    is_flag=True,
    default=False,
    help="Also deploy (or find) CollectibleRaffle, CollectibleCrafting and CollectibleRedemption.",
)
@click.option(
    "--operator",
    "operators",
    type=ADDRESS,
    multiple=True,
    help="With --programme: grant RAFFLE_ROLE, RECIPE_ROLE and CAMPAIGN_ROLE (default: deployer).",
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
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    name: str | None,
    symbol: str | None,
    royalty_bps: int | None,
    royalty_receiver: str | None,
    admin: str | None,
    admin_delay: int | None,
    minters: tuple[str, ...],
    curators: tuple[str, ...],
    programme: bool,
    operators: tuple[str, ...],
    new: bool,
) -> None:
    """Deploy the Collectible (once per chain unless --new) and record it in the registry."""
    from ape import project

    from collectibles.chain.deployment import deploy_collectible, live_deployment
    from collectibles.domain.settings import resolve

    settings, deployer = cli_ctx.settings, cli_ctx.account
    admin = ADDRESS.convert(resolve(admin, settings.admin) or deployer.address, None, None)
    if admin != deployer.address and (minters or curators):
        raise click.UsageError(
            f"only the admin {admin} can grant roles: deploy without --minter/--curator"
        )
    if operators and not programme:
        raise click.UsageError("--operator needs --programme")
    if programme and admin != deployer.address:
        raise click.UsageError(
            f"only the admin {admin} can grant the programme contracts their roles: deploy without "
            "--programme, then run it again as the admin"
        )
    default_holders = [deployer.address] if admin == deployer.address else []
    receiver = resolve(royalty_receiver, settings.royalty_receiver) or deployer.address
    with cli_ctx.reported_errors():
        registry = cli_ctx.registry()
        if programme or new or live_deployment(registry, provider) is None:
            cli_ctx.ready_to_send(action="deploy")
        result = deploy_collectible(
            project,
            provider,
            registry,
            deployer,
            name=resolve(name, settings.name),
            symbol=resolve(symbol, settings.symbol),
            admin=admin,
            admin_delay=int(resolve(admin_delay, settings.admin_delay)),
            royalty_receiver=ADDRESS.convert(receiver, None, None),
            royalty_bps=int(resolve(royalty_bps, settings.royalty_bps)),
            minters=list(minters) or default_holders,
            curators=list(curators) or default_holders,
            new=new,
        )
        contracts = (
            _deploy_programme(cli_ctx, provider, registry, result.address, list(operators), new)
            if programme
            else None
        )
    if result.reset_detected and result.deployed:
        cli_ctx.logger.warning(
            "this chain id has records of an earlier chain (restarted or reset): ignored them"
        )
    verb = "Deployed" if result.deployed else "Already deployed:"
    cli_ctx.logger.success(
        f"{verb} Collectible at {result.address} on chain {result.chain.chain_id}"
    )
    cli_ctx.emit(
        {
            "address": result.address,
            "deployed": result.deployed,
            "chain_id": result.chain.chain_id,
            "genesis_hash": result.chain.genesis_hash,
            "tx_hash": result.deployment.tx_hash,
            "registry": str(registry.path),
            "reset_detected": result.reset_detected,
        }
        | ({"programme": contracts} if contracts is not None else {})
    )


def _deploy_programme(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    registry: Registry,
    address: str,
    operators: list[str],
    new: bool,
) -> dict[str, Any]:
    """Deploy or find the programme contracts beside the Collectible at ``address``; report each."""
    from ape import project

    from collectibles.chain.deployment import collectible_at
    from collectibles.chain.programme import CRAFTING, RAFFLE, REDEMPTION, deploy_programme

    deployer = cli_ctx.account
    nft = collectible_at(project, address)
    done = deploy_programme(
        project, provider, registry, deployer, nft, operators or [deployer.address], new=new
    )
    for name in (RAFFLE, CRAFTING, REDEMPTION):
        verb = "Deployed" if name in done.deployed else "Already deployed:"
        cli_ctx.logger.success(f"{verb} {name} at {done.address(name)}")
    return {name: done.address(name) for name in (RAFFLE, CRAFTING, REDEMPTION)} | {
        "deployed": list(done.deployed),
        "operators": operators or [deployer.address],
    }
