"""Benefit-redemption fulfilment: record each on-chain redemption once in a ledger, and reconcile the two.

ape run redemptions fulfil --redemption 0x… [--confirmations N] [--ledger FILE]
ape run redemptions fulfil --redemption 0x… --follow [--interval 5]       # the watcher
ape run redemptions verify --redemption 0x… [--ledger FILE]               # exit 1 naming every mismatch
ape run redemptions settle F-… --reason "order cancelled, refund 123"      # an orphan dealt with off chain
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    Group,
    collectibles_cli_context,
    is_local_chain,
    json_option,
)
from scripts._params import ADDRESS
from scripts._settings import PROJECT_ROOT

if TYPE_CHECKING:
    from ape.api import ProviderAPI

    from collectibles.chain.redemptions import RpcRedemptions
    from collectibles.domain.redemptions import Fulfilment
    from collectibles.domain.redemptions_fulfil import PassResult

LEDGER_ROOT = PROJECT_ROOT / "redemptions"
"""Where ledgers live by default: outside .build/, which `make clean` and Ape may wipe."""
CONTRACT = "CollectibleRedemption"
"""The registry's name for the redemption contract."""
LOCAL_CONFIRMATIONS, REMOTE_CONFIRMATIONS = 1, 12
"""The default ``--confirmations``: a local chain never reorganises; elsewhere a redemption pays for goods
that are shipped, so it waits twelve blocks (the ledger still rewinds if a deeper reorganisation comes)."""
SETTLE = "ape run redemptions settle {} --reason TEXT"
"""How a person records an orphan's order dealt with off chain (the fulfilment id goes in the braces)."""

redemption_option = click.option(
    "--redemption",
    "address",
    type=ADDRESS,
    default=None,
    metavar="ADDRESS",
    envvar="COLLECTIBLES_REDEMPTION",
    show_envvar=True,
    help=f"The {CONTRACT} contract [default: the deployment registry's].",
)
ledger_option = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fulfilment ledger (SQLite) [default: redemptions/<chain>-<contract>.sqlite].",
)
confirmations_option = click.option(
    "--confirmations",
    type=click.IntRange(min=1),
    default=None,
    envvar="COLLECTIBLES_CONFIRMATIONS",
    show_envvar=True,
    help="Blocks deep a redemption must be to count (1: the head) [default: 1 on a local chain, else 12].",
)


@click.group(cls=Group)
def cli() -> None:
    """Fulfil benefit redemptions exactly once (fulfil, --follow), reconcile them with the chain (verify),
    and record an orphaned fulfilment dealt with off chain (settle)."""


@cli.command(cls=Command)
@collectibles_cli_context()
@redemption_option
@ledger_option
@confirmations_option
@click.option(
    "--from-block",
    type=click.IntRange(min=0),
    default=None,
    help="First block a new ledger reads [default: the contract's deployment block].",
)
@click.option(
    "--range",
    "span",
    type=click.IntRange(min=1),
    default=2_000,
    show_default=True,
    help="Blocks read (and committed) at a time.",
)
@click.option("--follow", is_flag=True, help="Keep watching: a pass every --interval seconds.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between passes with --follow.",
)
@click.option(
    "--polls",
    type=click.IntRange(min=1),
    default=None,
    help="With --follow, stop after this many passes [default: run until stopped].",
)
@json_option()
def fulfil(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    address: str | None,
    ledger_path: Path | None,
    confirmations: int | None,
    from_block: int | None,
    span: int,
    follow: bool,
    interval: float,
    polls: int | None,
) -> None:
    """Record a fulfilment for each Redeemed event from the ledger's cursor to the confirmed head, once.

    A rerun (or a run after a kill at any point) reads on from the last committed range and fulfils nothing
    twice. A reorganisation below the cursor rewinds the ledger; a fulfilment whose redemption left the
    chain is reported here and by verify.
    """
    from collectibles.chain.redemptions import ledger_for
    from collectibles.domain.redemptions_fulfil import Fulfiller, FulfilTotals
    from collectibles.domain.redemptions_ledger import RedemptionLedger

    with cli_ctx.reported_errors():
        source = _source(cli_ctx, provider, address)
        identity, path = ledger_for(source, LEDGER_ROOT, ledger_path, from_block)
        ledger = RedemptionLedger.open(path, identity)
    depth = confirmations or _default_confirmations(provider)
    # A watcher that runs until stopped keeps counts only; a bounded run also lists what it did (--json).
    totals = FulfilTotals(listed=not follow or polls is not None)
    with ledger, cli_ctx.reported_errors():
        click.echo(
            f"Fulfilling redemptions of {source.address} into {path} ({depth} confirmations)"
        )
        fulfiller = Fulfiller(
            ledger, source, confirmations=depth, span=span, on_fulfilment=_print_fulfilment
        )

        def report(result: PassResult) -> None:
            _print_pass(result, follow)
            totals.add(result)

        if follow:
            try:
                fulfiller.follow(interval, polls=polls, on_pass=report, on_error=_print_error)
            except KeyboardInterrupt:
                click.echo("Stopped; the ledger keeps its cursor: rerun to go on.")
        else:
            report(fulfiller.run_once())
    cli_ctx.emit({**totals.as_dict(), "ledger": str(path), "redemption": source.address})


@cli.command(cls=Command)
@collectibles_cli_context()
@redemption_option
@ledger_option
@confirmations_option
@json_option()
def verify(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    address: str | None,
    ledger_path: Path | None,
    confirmations: int | None,
) -> None:
    """Reconcile the chain's redemptions with the ledger both ways; exit 1 naming every redemption not
    fulfilled and every fulfilment not redeemed (e.g. its block left the chain), unless it was settled."""
    from collectibles.chain.redemptions import ledger_for
    from collectibles.chain.redemptions import verify as reconcile_chain
    from collectibles.domain.redemptions_ledger import RedemptionLedger

    with cli_ctx.reported_errors():
        source = _source(cli_ctx, provider, address)
        identity, path = ledger_for(source, LEDGER_ROOT, ledger_path)
        with RedemptionLedger.read(path, identity) as ledger:
            check = reconcile_chain(
                ledger, source, confirmations or _default_confirmations(provider)
            )
    for line in check.lines():
        click.echo(line, err=True)
    if any(f.orphaned for f in check.unredeemed):
        click.echo(
            f"once an orphan's order is dealt with off chain, record it: {SETTLE.format('FULFILMENT_ID')}",
            err=True,
        )
    for line in check.settled_lines():
        click.echo(line)
    verdict = "clean" if check.clean else f"{len(check.lines())} mismatch(es)"
    if check.settled:
        verdict += f", {len(check.settled)} orphan(s) settled off chain"
    click.echo(
        f"{check.redemptions} redemption(s) on chain up to block {check.checked_to}, "
        f"{check.fulfilments} fulfilment(s) in {path}: {verdict}"
    )
    cli_ctx.emit({**check.as_dict(), "ledger": str(path)})
    if not check.clean:
        raise SystemExit(1)  # not click's Exit: see scripts/verify.py


@cli.command(cls=Command)
@collectibles_cli_context()
@click.argument("fulfilment_id", metavar="FULFILMENT_ID")
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help='How its order was dealt with off chain, e.g. "order cancelled, refund 123".',
)
@redemption_option
@ledger_option
@json_option()
def settle(
    cli_ctx: CollectiblesContext,
    provider: ProviderAPI,
    fulfilment_id: str,
    reason: str,
    address: str | None,
    ledger_path: Path | None,
) -> None:
    """Record in the ledger that the orphaned fulfilment FULFILMENT_ID (its redemption left the chain, and
    verify names it) was dealt with off chain; verify then reports it as settled, not as a mismatch.

    Only an orphaned fulfilment, not settled yet, can be settled, with a reason; anything else is refused
    and nothing is changed. It takes the ledger's lock, as fulfil does (refused while a watcher runs). If
    the redemption comes back on chain, fulfil revives the fulfilment, warns, and clears the settlement.
    """
    from collectibles.chain.redemptions import ledger_for
    from collectibles.domain.redemptions import settlement_reason
    from collectibles.domain.redemptions_ledger import RedemptionLedger

    with cli_ctx.reported_errors():
        settlement_reason(reason)  # refused before the ledger is opened (and an old one migrated)
        source = _source(cli_ctx, provider, address)
        identity, path = ledger_for(source, LEDGER_ROOT, ledger_path)
        with RedemptionLedger.open(path, identity, create=False) as ledger:
            settled = ledger.settle(fulfilment_id, reason)
    assert settled.settled is not None
    r = settled.redemption
    click.echo(
        f"settled {settled.fulfilment_id} (campaign {r.campaign_id} token {r.token_id} #{r.count}) on "
        f"{settled.settled.when()}: {settled.settled.reason}"
    )
    cli_ctx.emit({**settled.as_dict(), "ledger": str(path)})


# ------------------------------------------------------------------ helpers


def _source(
    cli_ctx: CollectiblesContext, provider: ProviderAPI, address: str | None
) -> RpcRedemptions:
    """The redemption contract's events: ``--redemption``, else the registry's entry for this chain."""
    from collectibles.chain.redemptions import redemption_source

    source = redemption_source(provider, address, cli_ctx.registry)
    if source is None:
        raise click.UsageError(
            f"no {CONTRACT} to read: pass --redemption ADDRESS (or set COLLECTIBLES_REDEMPTION); "
            "the deployment registry records none on this chain"
        )
    return source


def _default_confirmations(provider: ProviderAPI) -> int:
    return (
        LOCAL_CONFIRMATIONS if is_local_chain(provider.network, provider) else REMOTE_CONFIRMATIONS
    )


def _print_fulfilment(fulfilment: Fulfilment) -> None:
    r = fulfilment.redemption
    click.echo(
        f"fulfilled {fulfilment.fulfilment_id}: campaign {r.campaign_id} token {r.token_id} #{r.count} "
        f"holder {r.holder} order {r.order_ref} (block {r.block_number})"
    )


def _print_pass(result: PassResult, follow: bool) -> None:
    for rewound in result.rewinds:
        click.echo(
            f"reorganisation: the chain no longer has block {rewound.from_block} as recorded; "
            f"the ledger went back to block {rewound.to_block} and read on",
            err=True,
        )
    for fulfilment in result.orphaned:
        click.echo(
            f"WARNING: {fulfilment.fulfilment_id} (campaign {fulfilment.redemption.campaign_id} token "
            f"{fulfilment.redemption.token_id} #{fulfilment.redemption.count}) was fulfilled but "
            f"{fulfilment.orphaned}; its order needs a person, then `{SETTLE.format(fulfilment.fulfilment_id)}` "
            "(verify names it until then)",
            err=True,
        )
    for fulfilment in result.unsettled:
        r, settlement = fulfilment.redemption, fulfilment.settled
        assert settlement is not None
        click.echo(
            f"WARNING: {fulfilment.fulfilment_id} (campaign {r.campaign_id} token {r.token_id} "
            f"#{r.count}) had been settled off chain on {settlement.when()} ({settlement.reason}), but "
            "its redemption is back on chain: the same fulfilment is live again (not a second one) "
            "and its settlement is cleared; check its order",
            err=True,
        )
    if follow and not (result.fulfilled or result.orphaned or result.unsettled or result.rewinds):
        return
    cursor = "none" if result.cursor is None else f"block {result.cursor.block}"
    click.echo(
        f"{len(result.fulfilled)} new fulfilment(s), {result.duplicates + result.moved} already recorded; "
        f"cursor at {cursor} (confirmed head {result.target})"
    )


def _print_error(err: Exception) -> None:
    click.echo(f"pass failed, retrying at the next poll: {err}", err=True)
