"""How the scripts report failure: the package's errors and the chain's refusals as one clear line, exit 1.

Custom errors are decoded by :mod:`collectibles.chain.reverts` (Ape's decoding); nothing is decoded here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ape.contracts import ContractContainer, ContractInstance


@contextmanager
def reported_errors(
    decoder: Callable[[], ContractInstance | ContractContainer],
) -> Iterator[None]:
    """Turn :class:`CollectiblesError` and Ape's errors into a :class:`click.ClickException`.

    ``decoder`` returns the contract whose ABI names a custom error: the Collectible in use once known,
    else its container (a deployment that reverted).
    """
    from ape.exceptions import ApeException

    from collectibles.chain.reverts import refusal
    from collectibles.domain.errors import CollectiblesError

    try:
        yield
    except CollectiblesError as err:
        raise click.ClickException(str(err)) from err
    except ApeException as err:
        raise click.ClickException(refusal(decoder(), err)) from err
