"""The main job: deploy a collection on a local chain, create a series, mint and airdrop, show the rules."""

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context


@click.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@click.option(
    "--members", default=5, show_default=True, help="How many test accounts receive the airdrop."
)
def cli(cli_ctx, network, members):
    """Tell the collection's story on a local chain and print what happened."""
    from ape import accounts, chain, project

    from collectibles.demo import describe, run_demo

    if not network.is_local:
        cli_ctx.abort(
            f"the demo moves chain time and uses test accounts: run it on a local network, not {network.name}"
        )
    result = run_demo(project, chain, list(accounts.test_accounts), members=members)
    for line in describe(result):
        click.echo(line)
