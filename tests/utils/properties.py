"""How many examples a property test tries.

`make test` runs each property with a budget that keeps the whole suite under its time limit; `make drill`
sets `COLLECTIBLES_PROPERTY_SCALE` (8 there) and reruns the same properties with that many times more examples,
so the deep search is one command away instead of left out.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def examples(budget: int) -> int:
    """`budget` scaled by COLLECTIBLES_PROPERTY_SCALE (a positive number; 1 when unset)."""
    raw = os.environ.get("COLLECTIBLES_PROPERTY_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"COLLECTIBLES_PROPERTY_SCALE={raw!r} is not a number") from None
    if scale <= 0:
        raise ValueError(f"COLLECTIBLES_PROPERTY_SCALE={raw!r} must be positive")
    return max(1, round(budget * scale))


def chain_settings(budget: int) -> settings:
    """Settings for a property that drives a chain: `examples(budget)`, no deadline (a transaction's time is
    the chain's, not the code's), and function-scoped fixtures allowed (the chain fixtures are reset by Ape's
    isolation between tests, and each example restores its own snapshot)."""
    return settings(
        max_examples=examples(budget),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
