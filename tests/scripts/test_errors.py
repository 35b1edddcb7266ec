"""scripts/_errors.py: any failure is put in one line that says what to do, with a kind for ``--json``; every
command (not only the airdrop) ends a failure with the JSON ``error``/``kind`` object as its last stdout line."""

import errno
import json
import logging
import sqlite3

import click
import pytest
import requests
from click.testing import CliRunner
from web3.exceptions import Web3RPCError

from scripts._errors import ReportedError, describe, reported_errors


def no_decoder():
    raise AssertionError("nothing here is a revert to decode")


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "airdrops/j.sqlite"), "WriteFailed",
         "the disk is full (writing airdrops/j.sqlite): free space, then"),
        (OSError(errno.EROFS, "Read-only file system", "airdrops"), "WriteFailed",
         "cannot write airdrops: the file system is read-only"),
        (requests.exceptions.ConnectionError("Max retries exceeded: Connection refused"),
         "ChainUnreachable", "the chain's node cannot be reached"),
        (requests.exceptions.ReadTimeout("read timed out"), "ChainUnreachable",
         "the chain's node did not answer in time"),
        (Web3RPCError("exceeds block gas limit"), "NodeRefused", "rerun with a smaller --batch-size"),
        (Web3RPCError("insufficient funds for gas * price + value"), "NodeRefused",
         "the node refused the request: insufficient funds"),
        (KeyboardInterrupt(), "Interrupted", "interrupted; the journal keeps what was done"),
        (click.Abort(), "Interrupted", "stopped at a question nobody answered"),
        (sqlite3.OperationalError("database is locked"), "JournalError", "database is locked"),
        (ZeroDivisionError("division by zero"), "Unexpected",
         "unexpected ZeroDivisionError: division by zero"),
    ],
)  # fmt: skip
def test_describe__each_failure__one_line_with_its_kind(error, kind, words):
    message, found = describe(error, no_decoder)

    assert found == kind
    assert words in message
    assert "\n" not in message


def run_failing(error, *args):
    @click.command()
    @click.option("--json", "as_json", is_flag=True)
    def cli(as_json):
        with reported_errors(no_decoder, as_json):
            raise error

    return CliRunner(mix_stderr=False).invoke(cli, list(args))


def test_reported_errors__json__error_object_last_on_stdout_line_on_stderr():
    result = run_failing(requests.exceptions.ConnectionError("refused"), "--json")

    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[-1])["kind"] == "ChainUnreachable"
    assert result.stderr.startswith("Error: the chain's node cannot be reached")
    assert "Traceback" not in result.stderr


def test_reported_errors__click_usage_error__kept_with_its_exit_code_and_json():
    result = run_failing(click.UsageError("no such series"), "--json")

    assert result.exit_code == 2
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "error": "no such series",
        "kind": "UsageError",
    }


def test_reported_errors__debug_verbosity__an_unexpected_error_keeps_its_traceback(monkeypatch):
    from ape.logging import logger

    monkeypatch.setattr(type(logger), "level", property(lambda self: logging.DEBUG))

    result = run_failing(ZeroDivisionError("division by zero"))

    assert isinstance(result.exception, ZeroDivisionError)


def test_reported_errors__already_reported__passes_through_once():
    result = run_failing(ReportedError("said once", "Kind"), "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: said once\n"


def test_mint__unknown_series_with_json__error_object_last(invoke_split, deployed):
    from scripts.mint import cli

    result = invoke_split(
        cli, "--account", "TEST::0", "--series", 42, "--to", deployed.address, "--json"
    )

    assert result.exit_code != 0
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(out) == {"error", "kind"}
    assert "42" in out["error"]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def invoke_split(chain, registry_path):
    """Like the ``invoke`` fixture, with stdout and stderr apart."""

    def run(cli, *args):
        return CliRunner(mix_stderr=False).invoke(
            cli, [str(a) for a in args], obj={"provider": chain.provider}, catch_exceptions=False
        )

    return run
