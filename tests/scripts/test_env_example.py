"""`.env.example` documents every variable a command reads: each option's ``envvar`` of every ``ape run``
script appears there (commented out, with what it does)."""

import importlib
import re
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.stem for p in (ROOT / "scripts").glob("*.py") if not p.stem.startswith("_"))


def envvars(command: click.Command) -> set[str]:
    """The variables behind ``command``'s options, and its subcommands' for a group."""
    names = {
        name
        for param in command.params
        for name in ([param.envvar] if isinstance(param.envvar, str) else param.envvar or [])
    }
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            names |= envvars(sub)
    return names


def documented() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))


@pytest.mark.parametrize("script", SCRIPTS)
def test_env_example__every_option_variable_of_the_script__documented(script):
    command = importlib.import_module(f"scripts.{script}").cli

    missing = envvars(command) - documented()

    assert not missing, f"scripts/{script}.py reads {sorted(missing)}, not in .env.example"
