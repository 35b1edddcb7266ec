"""Click parameter types and the options only some scripts share: addresses, the publication backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class AddressType(click.ParamType):
    """A 20-byte hex address, returned checksummed."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from eth_utils import is_address, to_checksum_address

        if not isinstance(value, str) or not is_address(value):
            self.fail(f"{value!r} is not an address (0x followed by 40 hex digits)", param, ctx)
        return to_checksum_address(value)


ADDRESS = AddressType()


def backend_option() -> Callable[[F], F]:
    """``--backend car|kubo|pinata``: where publication puts the CAR (``COLLECTIBLES_PUBLISH_BACKEND``).

    The flag, then the variable (click's ``envvar=``), then the ``publish_backend`` setting (ape-config.yaml,
    default ``car``). ``collectibles.ipfs.pinning.make_backend(name, settings)`` builds the backend.
    """

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
        if value:
            return value
        from scripts._settings import cli_settings

        return cli_settings().publish_backend

    return click.option(
        "--backend",
        type=click.Choice(["car", "kubo", "pinata"]),  # collectibles.ipfs.pinning.BACKENDS
        default=None,
        envvar="COLLECTIBLES_PUBLISH_BACKEND",
        show_envvar=True,
        callback=callback,
        help="Where the CAR goes: car (file only), kubo (RPC API) or pinata.",
    )
