"""Shared click options and helpers of the scripts (the leading ``_`` keeps this out of ``ape run``).

Every script is ``@click.command(cls=ConnectedProviderCommand)`` (or a group of such commands), so Ape adds
``--network``: a configured choice such as ``ethereum:local:foundry``, or the URL of a node started separately,
``--network http://127.0.0.1:8545`` (anvil or ganache from ``make chain``).

Settings come from the flags first, then the environment (``.env`` is loaded here, without overriding what the
shell already exports), then the ``collectibles:`` section of ape-config.yaml: see ``collectibles/domain/settings.py``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import click
from ape.cli import AccountAliasPromptChoice
from dotenv import load_dotenv

if TYPE_CHECKING:  # perf: keep the CLI module loading fast
    from ape.api import NetworkAPI, ProviderAPI

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


def load_env(path: Path | str | None = None) -> bool:
    """Load ``.env`` (or ``COLLECTIBLES_ENV_FILE``) into the environment; the shell's own variables win."""
    return load_dotenv(
        path or os.environ.get("COLLECTIBLES_ENV_FILE") or PROJECT_ROOT / ".env", override=False
    )


load_env()  # at import, before click reads any option


def _setting(name: str) -> Any:
    from collectibles.domain.settings import load_settings

    return getattr(load_settings(), name)


def account_option(help: str = "Signer: an account alias, or TEST::N for test account N.") -> Any:
    """Ape's ``account_option()`` (alias or ``TEST::N``), defaulting to ``COLLECTIBLES_ACCOUNT``.

    With no flag and no default, Ape prompts for an account (and fails without a terminal).
    """

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value:
            return value
        if default := _setting("account"):
            return param.type.convert(default, param, ctx)
        assert isinstance(param.type, AccountAliasPromptChoice)
        return param.type.select_account()

    return click.option(
        "--account",
        type=AccountAliasPromptChoice(),
        callback=callback,
        help=help,
    )


def contract_option() -> Any:
    """``--contract ADDRESS``: use this Collectible instead of the one the deployment registry records."""
    return click.option(
        "--contract",
        "contract_address",
        default=None,
        metavar="ADDRESS",
        help="Collectible address; overrides the deployment registry (COLLECTIBLES_CONTRACT).",
    )


def yes_option() -> Any:
    """``--yes``: skip the confirmation asked before sending on a non-local chain."""
    return click.option(
        "--yes", "-y", is_flag=True, default=False, help="Send without asking on a non-local chain."
    )


def json_option() -> Any:
    """``--json``: print the results as one JSON object on the last line of stdout."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        default=False,
        help="Print results as one JSON object (last line).",
    )


def backend_option() -> Any:
    """``--backend car|kubo|pinata``: where publication puts the CAR (``COLLECTIBLES_PUBLISH_BACKEND``).

    The value is the backend's name; ``collectibles.ipfs.pinning.make_backend(name, load_settings())`` builds it
    (kubo's URL and Pinata's JWT come from the environment and ``.env``).
    """

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        return value or _setting("publish_backend")

    return click.option(
        "--backend",
        type=click.Choice(["car", "kubo", "pinata"]),
        default=None,
        callback=callback,
        help="Where the CAR goes: car (file only), kubo (RPC API) or pinata (COLLECTIBLES_PUBLISH_BACKEND).",
    )


def common_options(func: Any) -> Any:
    """``--account``, ``--contract``, ``--yes`` and ``--json`` at once."""
    for option in (json_option(), yes_option(), contract_option(), account_option()):
        func = option(func)
    return func


def is_local_chain(network: NetworkAPI, provider: ProviderAPI | None = None) -> bool:
    """Whether sending is harmless: one of Ape's local networks (or a fork), or a node on localhost."""
    if network.is_local or getattr(network, "is_fork", False):
        return True
    uri = _provider_uri(provider) if provider is not None else _provider_uri(_active_provider())
    return bool(uri) and (urlparse(uri).hostname or "") in LOCAL_HOSTS


def confirm_network(network: NetworkAPI, yes: bool, provider: ProviderAPI | None = None) -> None:
    """Go on silently on a local chain or with ``--yes``; otherwise ask, and abort without a terminal."""
    if yes or is_local_chain(network, provider):
        return
    where = f"{network.ecosystem.name}:{network.name} (chain id {_chain_id(provider)})"
    if not sys.stdin.isatty():
        raise click.ClickException(
            f"refusing to send transactions on {where} without confirmation: pass --yes, or run in a terminal"
        )
    click.confirm(f"Send transactions on {where}?", abort=True)


def prepare_signer(account: Any, yes: bool) -> None:
    """With ``--yes``, let a keyfile account sign without a "Sign:" question per transaction.

    Its passphrase must then come from ``APE_ACCOUNTS_<alias>_PASSPHRASE`` (``.env`` works) or a terminal;
    it is never printed. Test accounts, and runs without ``--yes``, are left as they are.
    """
    if not yes or not hasattr(account, "set_autosign"):
        return
    variable = f"APE_ACCOUNTS_{account.alias}_PASSPHRASE"
    if not os.environ.get(variable) and not sys.stdin.isatty():
        raise click.ClickException(f"--yes without a terminal needs {variable} (see .env.example)")
    account.set_autosign(True)


class AddressType(click.ParamType):
    """A 20-byte hex address, returned checksummed."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from eth_utils import is_address, to_checksum_address

        if not isinstance(value, str) or not is_address(value):
            self.fail(f"{value!r} is not an address (0x followed by 40 hex digits)", param, ctx)
        return to_checksum_address(value)


ADDRESS = AddressType()


def open_registry() -> Any:
    """The deployment registry named by the settings, relative to the project root."""
    from collectibles.chain.registry import Registry

    path = Path(_setting("deployments"))
    return Registry.load(path if path.is_absolute() else PROJECT_ROOT / path)


def load_collectible(contract_address: str | None) -> Any:
    """The Collectible to use: ``--contract`` (or ``COLLECTIBLES_CONTRACT``), else the registry's."""
    from ape import chain, project

    from collectibles.chain.deployment import find_collectible

    address = contract_address or _setting("contract")
    if address:
        address = ADDRESS.convert(address, None, None)
    return find_collectible(
        project, chain.provider, open_registry() if not address else None, address
    )


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the package's errors and chain refusals into a clear message and exit code 1."""
    from ape.exceptions import ApeException

    from collectibles.domain.errors import CollectiblesError

    try:
        yield
    except CollectiblesError as err:
        raise click.ClickException(str(err)) from err
    except ApeException as err:
        raise click.ClickException(describe_chain_error(err)) from err


def describe_chain_error(err: Exception) -> str:
    """``Name(arg=value, ...)`` for a custom error (bytes as hex), else the error's own message."""
    from ape.exceptions import ApeException

    abi, inputs = getattr(err, "abi", None), getattr(err, "inputs", None)
    if abi is not None and isinstance(inputs, dict):
        args = ", ".join(
            f"{k}={'0x' + v.hex() if isinstance(v, bytes) else v}" for k, v in inputs.items()
        )
        return f"the chain refused: {abi.name}({args})"
    message = str(err).strip() or "no reason given"
    if (
        message.startswith("0x") and len(message) >= 10
    ):  # raw revert data: name the error from the ABI
        from ape import project

        from collectibles.chain.reverts import decode_custom_error

        with suppress(ValueError, ApeException):  # on failure keep the raw data rather than hide it
            message = decode_custom_error(
                project.Collectible.contract_type.errors, bytes.fromhex(message[2:])
            )
    return f"the chain refused: {type(err).__name__}: {message}"


def emit_json(results: dict[str, Any]) -> None:
    """Print ``results`` as one JSON object on one line (the last line the script prints)."""
    click.echo(json.dumps(results, sort_keys=True, default=str))


def _active_provider() -> ProviderAPI | None:
    from ape.utils.basemodel import ManagerAccessMixin

    return ManagerAccessMixin.network_manager.active_provider


def _provider_uri(provider: ProviderAPI | None) -> str:
    if provider is None:
        return ""
    for attr in ("http_uri", "uri", "ws_uri"):
        try:
            value = getattr(provider, attr, None)
        except (AttributeError, NotImplementedError, ValueError):  # no such endpoint
            value = None
        if isinstance(value, str) and value:
            return value
    return ""


def _chain_id(provider: ProviderAPI | None) -> Any:
    provider = provider or _active_provider()
    from ape.exceptions import ApeException

    try:
        return provider.chain_id if provider is not None else "?"
    except ApeException:
        return "?"
