"""Fault injection for crash tests: kill the process at a named point when an environment variable says so.

``COLLECTIBLES_CRASH_AT=after_sign:2`` kills the process with SIGKILL the second time it reaches
``crash_point("after_sign")``; ``COLLECTIBLES_CRASH_AT=before_receipt`` the first time. Nothing happens when the
variable is unset, so production runs pay one dictionary lookup per point.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_ENV = "COLLECTIBLES_CRASH_AT"
"""The environment variable naming the crash point, as ``name`` or ``name:N`` (the N-th time, 1-based)."""

_hits: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """SIGKILL this process if ``COLLECTIBLES_CRASH_AT`` names this point and its hit count."""
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _hits[name] += 1
    if _hits[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
