"""The signer's side of sending: with ``--yes``, a keyfile account signs without a "Sign:" question.

Apart from :mod:`scripts._cli` only for size; :meth:`scripts._cli.CollectiblesContext.ready_to_send` is what
calls :func:`prepare_signer` (through ``scripts._cli``'s name, so tests can watch it there).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import click

if TYPE_CHECKING:
    from ape.api import AccountAPI


@runtime_checkable
class Autosigning(Protocol):
    """An account that can sign without asking (Ape's ``KeyfileAccount``); test accounts never ask."""

    @property
    def alias(self) -> str | None: ...

    def set_autosign(self, enabled: bool, passphrase: str | None = None) -> None: ...


def prepare_signer(account: AccountAPI | Autosigning, yes: bool) -> None:
    """With ``--yes``, let a keyfile account sign without a "Sign:" question per transaction.

    Its passphrase must then come from ``APE_ACCOUNTS_<alias>_PASSPHRASE`` (``.env`` works) or a terminal;
    it is never printed. Test accounts, and runs without ``--yes``, are left as they are.
    """
    if not yes or not isinstance(account, Autosigning):
        return
    variable = f"APE_ACCOUNTS_{account.alias}_PASSPHRASE"
    if not os.environ.get(variable) and not sys.stdin.isatty():
        raise click.ClickException(f"--yes without a terminal needs {variable} (see .env.example)")
    account.set_autosign(True)
