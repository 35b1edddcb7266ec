"""Sign intents for the member's side: a gift of a card after its hold, or a claim voucher. Nothing is sent.

ape run sign gift --account ALIAS --token 2000012 --to 0x… [--valid-for 86400] [--json]
ape run sign voucher --account ALIAS --series 2 --to 0x… --voucher-id 7 [--deadline TIMESTAMP] [--json]

Prints the typed data as the JSON that wallets sign with ``eth_signTypedData_v4`` and the account's signature;
with ``--json`` the last line is ``{"kind", "signer", "digest", "signature", "typed_data"}``: one line of the
intents file that ``ape run relay --intents FILE`` submits. The domain is the contract's own (ERC-5267 ``eip712Domain()``); everything the contract would refuse
(not the owner, soulbound, a hold that outlasts the deadline, no voucher role or allowance, a used voucher id)
is refused here, as one line and exit code 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    Group,
    account_option,
    collectibles_cli_context,
    contract_option,
    json_option,
)
from scripts._params import ADDRESS

if TYPE_CHECKING:
    from collectibles.domain.intents import Gift, Voucher

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_VALID_FOR = 7 * 24 * 3600
"""Seconds a signature stays valid without ``--deadline``: a week."""


def signing_options(func: F) -> F:
    """``--account`` (the signer), ``--contract``, ``--json``, and the deadline (``--deadline`` or ``--valid-for``)."""
    options = (
        click.option(
            "--valid-for",
            type=click.IntRange(min=1),
            default=DEFAULT_VALID_FOR,
            show_default=True,
            help="Seconds from the chain's time until the deadline (without --deadline).",
        ),
        click.option(
            "--deadline",
            type=click.IntRange(min=0),
            default=None,
            help="Last timestamp at which the intent may execute (overrides --valid-for).",
        ),
        json_option(),
        contract_option(),
        account_option("Signer: the token's owner (gift) or a voucher signer (voucher)."),
    )
    for option in options:
        func = option(func)
    return func


@click.group(cls=Group)
def cli() -> None:
    """Sign a gift or a claim voucher (EIP-712) for a relayer to submit; nothing is sent."""


@cli.command(cls=Command)
@collectibles_cli_context()
@signing_options
@click.option(
    "--token", "token_id", type=click.IntRange(min=1), required=True, help="Token to gift."
)
@click.option("--to", type=ADDRESS, required=True, help="Recipient address.")
def gift(
    cli_ctx: CollectiblesContext, token_id: int, to: str, deadline: int | None, valid_for: int
) -> None:
    """Sign the gift of --token to --to by its owner (--account)."""
    from collectibles.chain.intents import gift_for

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        now = _chain_time(cli_ctx)
        intent = gift_for(
            nft, cli_ctx.account.address, token_id, to, _deadline(deadline, valid_for, now), now
        )
        _sign_and_print(cli_ctx, "gift", intent)


@cli.command(cls=Command)
@collectibles_cli_context()
@signing_options
@click.option("--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id.")
@click.option("--to", type=ADDRESS, required=True, help="Recipient address.")
@click.option(
    "--voucher-id",
    type=click.IntRange(min=0, max=2**256 - 1),
    required=True,
    help="Voucher id (once each).",
)
def voucher(
    cli_ctx: CollectiblesContext,
    series_id: int,
    to: str,
    voucher_id: int,
    deadline: int | None,
    valid_for: int,
) -> None:
    """Sign a voucher of --series for --to as a voucher signer (--account)."""
    from collectibles.chain.intents import voucher_for

    with cli_ctx.reported_errors():
        nft = cli_ctx.collectible
        now = _chain_time(cli_ctx)
        intent = voucher_for(
            nft,
            cli_ctx.account.address,
            series_id,
            to,
            voucher_id,
            _deadline(deadline, valid_for, now),
            now,
        )
        _sign_and_print(cli_ctx, "voucher", intent)


def _sign_and_print(cli_ctx: CollectiblesContext, kind: str, intent: Gift | Voucher) -> None:
    from collectibles.chain.intents import contract_domain, sign_intent
    from collectibles.chain.relay.schema import signed_intent_json
    from collectibles.domain.intents import recover_signer, typed_data

    domain = contract_domain(cli_ctx.collectible)
    typed = typed_data(domain, intent)
    signature = sign_intent(cli_ctx.account, domain, intent)
    signer = recover_signer(typed, signature)  # the account signed what we show, with a low s
    click.echo(json.dumps(typed, indent=2))
    click.echo(f"signature: 0x{signature.hex()}")
    cli_ctx.logger.success(
        f"Signed a {kind} as {signer}; a relayer can submit it until {intent.deadline}"
    )
    # One line of an intents file for `ape run relay --intents` (collectibles/chain/relay/schema.py).
    cli_ctx.emit(signed_intent_json(kind, signer, typed, signature))


def _chain_time(cli_ctx: CollectiblesContext) -> int:
    timestamp: int = cli_ctx.chain_manager.blocks.head.timestamp
    return timestamp


def _deadline(deadline: int | None, valid_for: int, now: int) -> int:
    return now + valid_for if deadline is None else deadline
