"""One CLI context for every script: the Collectible in use, roles, network confirmation, the signer.

As ape-safe does with its click extension, the scripts share a subclass of Ape's ``ApeCliContextObject``
(:class:`CollectiblesContext`, passed as ``cli_ctx`` by :func:`collectibles_cli_context`) and the options it
reads: ``--account``, ``--contract``, ``--yes`` and ``--json`` (:func:`sender_options`). A sending command
then reads as: ``nft = cli_ctx.collectible``, ``signer = cli_ctx.ready_to_send("MINTER_ROLE", "mint")``,
call the package, report. :meth:`CollectiblesContext.ready_to_send` is the one place that checks the role,
confirms the network (a non-local chain needs ``--yes`` or a terminal) and prepares the signer (with
``--yes`` a keyfile account signs without a "Sign:" question per transaction). Whether a chain is local is
asked of the node itself (:func:`is_local_chain`: its client and chain id), never read from its address.

Commands are :class:`Command` (Ape's ``ConnectedProviderCommand``, which adds ``--network``: a configured
choice such as ``ethereum:local:foundry`` or the URL of a node, ``--network http://127.0.0.1:8545``) or
:class:`Group`; both load ``.env`` before parsing options, so click's ``envvar=`` sees it (see
``scripts/_settings.py``). The leading ``_`` keeps this module out of ``ape run``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from ape.cli import AccountAliasPromptChoice, ApeCliContextObject, ConnectedProviderCommand
from ape.cli import ape_cli_context as _ape_cli_context

from scripts._errors import emit_json_once, reported_errors
from scripts._output import emit_json
from scripts._params import ADDRESS
from scripts._settings import cli_settings, load_env, project_path
from scripts._signer import prepare_signer

if TYPE_CHECKING:  # perf: keep the CLI module loading fast
    from ape.api import AccountAPI, NetworkAPI, ProviderAPI
    from ape.contracts import ContractContainer, ContractInstance

    from collectibles.chain.registry import Registry
    from collectibles.domain.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

NO_ACCOUNT = (
    "no account to sign with, and no terminal to choose one: pass --account ALIAS (an account of "
    "`ape accounts list`; TEST::0 to TEST::9 on a test chain) or set COLLECTIBLES_ACCOUNT in .env"
)
OPTIONS_KEY = "collectibles.options"
"""Where the shared options put their values: ``click.Context.meta``, shared by a group and its commands."""
LOCAL_CHAIN_IDS = frozenset({31337, 1337})
"""Chain ids of development chains (Anvil and Hardhat use 31337, Ganache 1337)."""
LOCAL_CLIENTS = ("anvil", "ganache", "hardhat", "ethereumtester")
"""Words in ``web3_clientVersion`` that name a development chain's client."""


class Command(ConnectedProviderCommand):
    """A command connected to ``--network``; ``.env`` is loaded when it parses its options, not at import.

    Whatever fails, while parsing or running (the node unreachable included), ends as one line and a
    non-zero exit, and as a JSON ``{"error", "kind"}`` last line with ``--json`` (``scripts/_errors.py``).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        load_env()
        with _parse_errors(args):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with reported_errors(_container_decoder, _as_json(ctx)):
            return super().invoke(ctx)


class Group(click.Group):
    """A group of commands (``claims build|setup|claim``); loads ``.env`` before anything is parsed."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        load_env()
        with _parse_errors(args):
            return super().parse_args(ctx, args)


@contextmanager
def _parse_errors(args: list[str]) -> Iterator[None]:
    """A bad option or argument is a JSON last line too when ``--json`` is among the arguments."""
    as_json = "--json" in args  # now: click's parser consumes the list
    try:
        yield
    except click.ClickException as err:
        if as_json:
            emit_json_once(err)
        raise


def _as_json(ctx: click.Context) -> bool:
    return bool(ctx.meta.get(OPTIONS_KEY, {}).get("as_json"))


def _container_decoder() -> ContractContainer:
    from ape import project

    container: ContractContainer = project.Collectible
    return container


# ------------------------------------------------------------------ network and signer rules


def is_local_chain(network: NetworkAPI, provider: ProviderAPI | None = None) -> bool:
    """Whether sending is harmless: a development chain, told by what the node says it is, not where it is.

    The node's client (``web3_clientVersion``) must be a development chain (Anvil, Ganache, Hardhat, Ape's
    own test chain), and its chain id one they use (31337, 1337) or the network one of Ape's local
    networks or a fork. A mainnet node reached through an SSH tunnel on 127.0.0.1 is not local. The one place
    that decides it (the confirmation below, the demo, the default confirmations depth).
    """
    if provider is None:
        return False
    client = _client_version(provider).lower()
    if not any(name in client for name in LOCAL_CLIENTS):
        return False
    ape_local = bool(network.is_local or getattr(network, "is_fork", False))
    return ape_local or _chain_id(provider) in LOCAL_CHAIN_IDS


def confirm_network(network: NetworkAPI, yes: bool, provider: ProviderAPI | None = None) -> None:
    """Go on silently on a local chain or with ``--yes``; otherwise ask, and refuse without a terminal."""
    if yes or is_local_chain(network, provider):
        return
    where = f"{network.ecosystem.name}:{network.name} (chain id {_chain_id(provider)})"
    if not sys.stdin.isatty():
        raise click.ClickException(
            f"refusing to send transactions on {where} without confirmation: pass --yes, or run in a terminal"
        )
    click.confirm(f"Send transactions on {where}?", abort=True)


# ------------------------------------------------------------------ the context


class CollectiblesContext(ApeCliContextObject):
    """What every script shares: settings, the shared options, the Collectible, the send rules.

    Created by click (``ensure=True``) when the command runs; everything is read lazily from then on.
    """

    @cached_property
    def settings(self) -> Settings:
        """Environment and ``.env`` over ape-config.yaml's ``collectibles:`` over the defaults."""
        return cli_settings()

    @property
    def options(self) -> Mapping[str, Any]:
        """The values of the shared options this command has (see :func:`sender_options`)."""
        return click.get_current_context().meta.get(OPTIONS_KEY, {})

    @property
    def account(self) -> AccountAPI:
        """The signer (``--account``)."""
        if (account := self.options.get("account")) is None:
            raise click.UsageError("this command has no --account option")
        return account

    @property
    def yes(self) -> bool:
        """``--yes``: send on a non-local chain without asking, sign without asking."""
        return bool(self.options.get("yes"))

    @property
    def as_json(self) -> bool:
        """``--json``: finish with one JSON object on the last line."""
        return bool(self.options.get("as_json"))

    @property
    def active_provider(self) -> ProviderAPI:
        """The provider the command is connected to."""
        from ape.utils.basemodel import ManagerAccessMixin

        return ManagerAccessMixin.provider

    def registry(self) -> Registry:
        """The deployment registry named by the settings, relative to the project root."""
        from collectibles.chain.registry import Registry

        return Registry.load(project_path(Path(self.settings.deployments)))

    @cached_property
    def collectible(self) -> ContractInstance:
        """The Collectible in use: ``--contract`` (or ``COLLECTIBLES_CONTRACT``), else the registry's."""
        from ape import project

        from collectibles.chain.deployment import find_collectible

        address = self.options.get("contract_address") or self.settings.contract
        if address:
            address = ADDRESS.convert(address, None, None)
        registry = None if address else self.registry()
        return find_collectible(project, self.active_provider, registry, address)

    def ready_to_send(self, role: str | None = None, action: str = "send") -> AccountAPI:
        """Check ``role`` (if any) on the Collectible, confirm the network, prepare the signer; the signer.

        Call it once something is to be sent, after the checks that may send nothing.
        """
        from collectibles.chain.deployment import require_role

        account = self.account
        if role is not None:
            require_role(self.collectible, role, account, action)
        provider = self.active_provider
        confirm_network(provider.network, self.yes, provider)
        prepare_signer(account, self.yes)
        return account

    def reported_errors(self) -> AbstractContextManager[None]:
        """Any failure, the chain's refusals decoded, as one line and exit code 1 (JSON too with ``--json``)."""
        return reported_errors(self._decoder, self.as_json)

    def emit(self, results: Mapping[str, Any]) -> None:
        """Print ``results`` as the last line when ``--json`` was given."""
        if self.as_json:
            emit_json(results)

    def _decoder(self) -> ContractInstance | ContractContainer:
        from ape import project

        if "collectible" in self.__dict__:  # resolved already: its ABI (and address) name the error
            return self.__dict__["collectible"]
        container: ContractContainer = project.Collectible
        return container


def collectibles_cli_context() -> Callable[[F], F]:
    """Ape's ``ape_cli_context()`` (``--verbosity``, ``cli_ctx``) with a :class:`CollectiblesContext`."""
    decorator: Callable[[F], F] = _ape_cli_context(obj_type=CollectiblesContext)
    return decorator


# ------------------------------------------------------------------ the shared options


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep an option's value for :class:`CollectiblesContext` (the option is not a parameter)."""
    ctx.meta.setdefault(OPTIONS_KEY, {})[param.name] = value
    return value


def account_option(
    help: str = "Signer: an account alias, or TEST::N for test account N.",
) -> Callable[[F], F]:
    """Ape's account choice (alias or ``TEST::N``): the flag, ``COLLECTIBLES_ACCOUNT``, ape-config.yaml.

    With none of them, Ape prompts for an account (and fails without a terminal).
    """

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if not value:
            assert isinstance(param.type, AccountAliasPromptChoice)
            if default := cli_settings().account:
                value = param.type.convert(default, param, ctx)
            elif sys.stdin.isatty():
                value = param.type.select_account()
            else:
                raise click.UsageError(NO_ACCOUNT, ctx)
        return _remember(ctx, param, value)

    return click.option(
        "--account",
        type=AccountAliasPromptChoice(),
        envvar="COLLECTIBLES_ACCOUNT",
        show_envvar=True,
        callback=callback,
        expose_value=False,
        help=help,
    )


def contract_option() -> Callable[[F], F]:
    """``--contract ADDRESS``: use this Collectible instead of the one the deployment registry records."""
    return click.option(
        "--contract",
        "contract_address",
        type=ADDRESS,
        default=None,
        metavar="ADDRESS",
        envvar="COLLECTIBLES_CONTRACT",
        show_envvar=True,
        callback=_remember,
        expose_value=False,
        help="Collectible address; overrides the deployment registry.",
    )


def yes_option() -> Callable[[F], F]:
    """``--yes``: no confirmation on a non-local chain, no "Sign:" question for a keyfile account."""
    return click.option(
        "--yes",
        "-y",
        "yes",
        is_flag=True,
        default=False,
        callback=_remember,
        expose_value=False,
        help="Send without asking on a non-local chain; a keyfile account signs without asking.",
    )


def json_option() -> Callable[[F], F]:
    """``--json``: print the results as one JSON object on the last line of stdout."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        default=False,
        callback=_remember,
        expose_value=False,
        help="Print results as one JSON object (last line).",
    )


def sender_options(func: F) -> F:
    """``--account``, ``--contract``, ``--yes`` and ``--json`` at once: what a sending command needs."""
    for option in (json_option(), yes_option(), contract_option(), account_option()):
        func = option(func)
    return func


# ------------------------------------------------------------------ helpers


def _client_version(provider: ProviderAPI) -> str:
    """The node's ``web3_clientVersion``; empty when it will not say (then it is not taken for local)."""
    try:
        version = provider.web3.client_version
    except Exception:  # noqa: BLE001 - a node that will not say what it is counts as not local
        return ""
    return version if isinstance(version, str) else ""


def _chain_id(provider: ProviderAPI | None) -> int | str:
    from ape.exceptions import ApeException

    try:
        return provider.chain_id if provider is not None else "?"
    except ApeException:
        return "?"
