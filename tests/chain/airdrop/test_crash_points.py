"""Crash points of the airdrop (``COLLECTIBLES_CRASH_AT``): only the named point at its count kills the process."""

import os
import signal
import subprocess
import sys

import pytest

from collectibles.domain.faults import CRASH_ENV, crash_point

SCRIPT = """
from collectibles.domain.faults import crash_point
for i in range(3):
    crash_point("after_send")
    print("passed", i, flush=True)
"""


def run_points(spec):
    env = {**os.environ, CRASH_ENV: spec}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=False
    )


def test_crash_point__name_and_count__killed_at_that_hit():
    proc = run_points("after_send:2")

    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout.splitlines() == ["passed 0"]


def test_crash_point__other_name__never_killed():
    proc = run_points("after_sign")

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["passed 0", "passed 1", "passed 2"]


@pytest.mark.parametrize("count", ["x", "0", "-1"])
def test_crash_point__bad_count__value_error_naming_the_variable(monkeypatch, count):
    monkeypatch.setenv(CRASH_ENV, f"after_send:{count}")

    with pytest.raises(ValueError, match=f"{CRASH_ENV}='after_send:{count}': the count"):
        crash_point("after_send")


def test_crash_point__unset__nothing_happens(monkeypatch):
    monkeypatch.delenv(CRASH_ENV, raising=False)

    crash_point("after_send")  # returns: the test process is still here
