"""Fault injection for crash tests: kill the process at a named point when an environment variable says so.

``COLLECTIBLES_CRASH_AT=after_sign:2`` kills the process with SIGKILL the second time it reaches
``crash_point("after_sign")``; ``COLLECTIBLES_CRASH_AT=before_receipt`` the first time. Nothing happens when the
variable is unset, so production runs pay one dictionary lookup per point.

Callers reach it as ``faults.crash_point(...)`` (the module attribute, not a copied name), so an in-process test
can replace this one function and stop every point of the airdrop, whichever module the point is in.
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
    if _hits[name] == _nth(spec, nth):
        os.kill(os.getpid(), signal.SIGKILL)


def _nth(spec: str, nth: str) -> int:
    """The 1-based hit count of ``name:N``; a count that is not a positive whole number is refused."""
    if not nth:
        return 1
    if not nth.isdigit() or int(nth) < 1:
        raise ValueError(
            f"{CRASH_ENV}={spec!r}: the count after ':' must be a whole number from 1, not {nth!r}"
        )
    return int(nth)
