"""The README's ops walkthrough works as written: every line of its `sh` block, against a fresh Anvil."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from utils.chains import BIN, Chain

ROOT = Path(__file__).resolve().parents[2]
README_URL = "http://127.0.0.1:8545"


def ops_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For ops") :]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip()]


@pytest.fixture
def anvil():
    chain = Chain("anvil")
    chain.start()
    yield chain
    chain.stop()


def test_readme__ops_walkthrough__every_line_succeeds(anvil, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    env["COLLECTIBLES_DEPLOYMENTS"] = str(tmp_path / "deployments.json")
    env["PATH"] = f"{BIN}:{env['PATH']}"
    ape = str(Path(sys.executable).parent / "ape")
    commands = ops_commands()
    assert len(commands) == 8
    assert all(README_URL in c for c in commands)

    for command in commands:
        argv = command.replace(".venv/bin/ape", ape).replace(README_URL, anvil.url).split()
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"

    assert "series 3 'All-Star Badge': 1000 tokens checked, 0 mismatched" in done.stdout
