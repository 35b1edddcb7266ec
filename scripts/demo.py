"""The main job: a Spring Festival collection end to end on a local chain, then a gallery of it."""

from pathlib import Path

import click
from ape.api import NetworkAPI, ProviderAPI

from scripts._cli import CollectiblesContext, Command, collectibles_cli_context, is_local_chain

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "demo"


@click.command(cls=Command)
@collectibles_cli_context()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=BUILD, show_default=True
)
@click.option(
    "--examples",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=ROOT / "examples",
    show_default=True,
    help="Folder with catalogue.yaml, members.csv and claim-members.csv.",
)
def cli(
    cli_ctx: CollectiblesContext,
    network: NetworkAPI,
    provider: ProviderAPI,
    out: Path,
    examples: Path,
) -> None:
    """Deploy, create series, airdrop, claim, publish and reveal, show the rules, relay a signed gift, run the
    programme (snapshot, raffle, limited edition, craft, redemption), verify, report."""
    from ape import accounts, project

    from collectibles.demo.story import describe, run_demo

    if not is_local_chain(network, provider):
        cli_ctx.abort(f"the demo moves chain time: run it on a local chain, not {network.name}")
    result = run_demo(project, provider, accounts.test_accounts[0], out, examples)
    for line in describe(result):
        click.echo(line)
    click.echo(f"\ngallery {result.gallery}  (programme.html and summary.json beside it)")
    programme = result.summary["programme"]
    told = programme["raffle"]["verified"] and programme["redemptions"]["reconciliation"]["clean"]
    if result.mismatched or not result.gift_accepted or not result.relayed_gift or not told:
        cli_ctx.abort("the story did not end as it should (see above)")
