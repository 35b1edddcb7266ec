"""How the scripts report failure: every error as one clear line and exit code 1, never a traceback.

The package's errors say what went wrong themselves; the chain's refusals are decoded by
:mod:`collectibles.chain.reverts` (Ape's decoding); a node that cannot be reached, a full disk or a read-only
folder, an answer nobody gave at a prompt are put in words here (:func:`describe`). With ``--json`` the same
failure is also the last line of stdout: ``{"error": "<the line>", "kind": "<what kind>"}``.

Anything else is a bug: it is still one line (its type and message) unless Ape's ``--verbosity DEBUG`` asks
for the traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from scripts._output import emit_json

if TYPE_CHECKING:
    from ape.contracts import ContractContainer, ContractInstance

Decoder = Callable[[], "ContractInstance | ContractContainer"]

RESUME = "the journal keeps what was done: rerun the same command to resume"


class ReportedError(click.ClickException):
    """A failure already put in words (and, with ``--json``, already printed as JSON): exit code 1."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@contextmanager
def reported_errors(decoder: Decoder, as_json: bool = False) -> Iterator[None]:
    """Turn any error into a :class:`ReportedError` (one line, exit 1), printing it as JSON when asked.

    ``decoder`` returns the contract whose ABI names a custom error: the Collectible in use once known,
    else its container (a deployment that reverted). Click's own errors (a bad option) keep their exit code;
    with ``as_json`` they are printed as JSON too.
    """
    try:
        yield
    except (ReportedError, click.exceptions.Exit):  # said already, or a deliberate exit code
        raise
    except click.ClickException as err:
        if as_json:
            emit_json_once(err)
        raise
    except (Exception, KeyboardInterrupt, click.Abort) as err:
        if _wants_traceback() and not _expected(err):
            raise
        message, kind = describe(err, decoder)
        if as_json:
            emit_json({"error": message, "kind": kind})
        raise ReportedError(message, kind) from err


def emit_json_once(err: click.ClickException) -> None:
    """Click's error as the JSON last line, once: the command and a block inside it may both report it (a
    click error keeps travelling up to click, which prints its usage text and exits 2)."""
    if getattr(err, "_collectibles_json_emitted", False):
        return
    emit_json({"error": err.format_message(), "kind": type(err).__name__})
    err._collectibles_json_emitted = True  # type: ignore[attr-defined]


def describe(err: BaseException, decoder: Decoder) -> tuple[str, str]:
    """``(one line saying what went wrong and what to do, a short kind)`` for any error."""
    from ape.exceptions import ApeException
    from web3.exceptions import ContractLogicError

    from collectibles.chain.reverts import refusal
    from collectibles.domain.errors import CollectiblesError

    if isinstance(err, CollectiblesError):
        return str(err), type(err).__name__
    if isinstance(err, KeyboardInterrupt | click.Abort | EOFError):
        return _interrupted(err), "Interrupted"
    if (unreachable := _unreachable(err)) is not None:
        return unreachable, "ChainUnreachable"
    if isinstance(err, OSError):
        return _os_error(err), "WriteFailed" if _is_write_error(err) else "OSError"
    if isinstance(err, sqlite3.Error):
        return f"the airdrop journal cannot be used: {err}; {RESUME}", "JournalError"
    # A revert, Ape's or web3's (``eth_estimateGas`` of a transaction the contract refuses).
    if isinstance(err, ApeException | ContractLogicError):
        return refusal(decoder(), err), type(err).__name__
    if (node := _node_refusal(err)) is not None:
        return node, "NodeRefused"
    return f"unexpected {type(err).__name__}: {_one_line(err)} (--verbosity DEBUG shows where)", (
        "Unexpected"
    )


def _interrupted(err: BaseException) -> str:
    if isinstance(err, KeyboardInterrupt):
        return f"interrupted; {RESUME}"
    return (
        "stopped at a question nobody answered (no terminal?): nothing more was sent; "
        "pass --yes to send without asking (a keyfile account then needs "
        "APE_ACCOUNTS_<alias>_PASSPHRASE, see .env.example)"
    )


def _unreachable(err: BaseException) -> str | None:
    """Words for a node that does not answer (refused, reset, timed out), or ``None``."""
    import requests
    from ape.exceptions import ProviderNotConnectedError

    timeout_types: tuple[type[BaseException], ...] = (requests.Timeout, TimeoutError)
    if isinstance(err, timeout_types):
        what = "did not answer in time"
    elif isinstance(err, requests.ConnectionError | ConnectionError | ProviderNotConnectedError):
        what = "cannot be reached"
    else:
        return None
    return f"the chain's node {what} ({_one_line(err)}): check that it runs, then {RESUME}"


def _is_write_error(err: OSError) -> bool:
    return err.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT)


def _os_error(err: OSError) -> str:
    where = f" {err.filename}" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return f"the disk is full{' (writing' + where + ')' if where else ''}: free space, then {RESUME}"
    if err.errno == errno.EROFS:
        return f"cannot write{where}: the file system is read-only; {RESUME} from a writable folder"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write{where}: permission denied"
    return f"{err.strerror or _one_line(err)}{':' if where else ''}{where}"


def _node_refusal(err: BaseException) -> str | None:
    """Words for an answer of the node that refuses the request (gas above the block limit…), or ``None``."""
    from web3.exceptions import Web3Exception

    if not isinstance(err, Web3Exception):
        return None
    text = _one_line(err)
    if "gas limit" in text or "gas cap" in text:
        return (
            f"the node refused a transaction as too big ({text}): "
            f"rerun with a smaller --batch-size; {RESUME}"
        )
    return f"the node refused the request: {text}"


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__


def _expected(err: BaseException) -> bool:
    """Errors that are a message, not a bug: no traceback even with ``--verbosity DEBUG``."""
    from collectibles.domain.errors import CollectiblesError

    return isinstance(err, CollectiblesError | KeyboardInterrupt | click.Abort)


def _wants_traceback() -> bool:
    import logging

    from ape.logging import logger

    return bool(logger.level <= logging.DEBUG)
