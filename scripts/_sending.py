"""What the scripts that send on the airdrop's machinery share (`airdrop`, `relay`): the journal folder, the fee
and confirmation options, the default depth and the progress log, so both commands take the same flags with the
same meaning."""

from collections.abc import Callable
from typing import Any, TypeVar

import click
from ape.api import ProviderAPI

from scripts._cli import is_local_chain
from scripts._output import Progress
from scripts._settings import PROJECT_ROOT

F = TypeVar("F", bound=Callable[..., Any])

# Outside .build/, which `make clean` and Ape may wipe: the journal is what makes a rerun safe. Made 0700:
# the journals hold signed transactions and the reports every column of the member files.
JOURNAL_ROOT = PROJECT_ROOT / "airdrops"
LOCAL_CONFIRMATIONS, REMOTE_CONFIRMATIONS = 1, 3
"""The default ``--confirmations``: a local chain never reorganises its blocks; elsewhere wait three deep."""


def fee_options(command: F) -> F:
    """``--max-fee-gwei``, ``--priority-fee-gwei`` and ``--confirmations`` (each also from its variable)."""
    for option in reversed(
        (
            click.option(
                "--max-fee-gwei",
                type=click.FloatRange(min=0, min_open=True),
                default=None,
                envvar="COLLECTIBLES_MAX_FEE_GWEI",
                show_envvar=True,
                help="Fee cap: no transaction, first send or replacement, pays more per gas [default: no cap].",
            ),
            click.option(
                "--priority-fee-gwei",
                type=click.FloatRange(min=0),
                default=None,
                envvar="COLLECTIBLES_PRIORITY_FEE_GWEI",
                show_envvar=True,
                help="Priority fee (tip) of a first send [default: the node's suggestion].",
            ),
            click.option(
                "--confirmations",
                type=click.IntRange(min=1),
                default=None,
                envvar="COLLECTIBLES_CONFIRMATIONS",
                show_envvar=True,
                help="Blocks deep a batch must be to count as delivered "
                "[default: 1 on a local chain, else 3].",
            ),
        )
    ):
        command = option(command)
    return command


def default_confirmations(provider: ProviderAPI) -> int:
    """1 on a local chain (its blocks are never reorganised), 3 elsewhere."""
    return (
        LOCAL_CONFIRMATIONS if is_local_chain(provider.network, provider) else REMOTE_CONFIRMATIONS
    )


def log_to(progress: Progress) -> Callable[[str], None]:
    """The runner's log: each line printed, and shown by the progress as what the run is doing."""

    def log(message: str) -> None:
        click.echo(message)
        progress.status(message)

    return log
