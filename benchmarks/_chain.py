"""What the gas benchmarks share: fresh recipient addresses, the same for every contract they measure, and the
way a table of figures against targets is printed."""

from __future__ import annotations

from eth_utils import keccak, to_checksum_address


class Fresh:
    """Deterministic addresses never used before on this chain."""

    def __init__(self, seed: str):
        self._seed = seed
        self._n = 0

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        for _ in range(count):
            self._n += 1
            out.append(to_checksum_address(keccak(text=f"{self._seed}:{self._n}")[-20:]))
        return out


def print_rows(
    title: str, unit: str, rows: list[tuple[str, int, int]], targets: dict[str, int], width: int
) -> list[str]:
    """Print ``rows`` (label, transaction gas, items) as a table with gas per ``unit`` beside its target, if
    any; returns the labels whose figure is over its target."""
    print(f"{title:{width}} {'tx gas':>12} {unit + 's':>7} {'gas/' + unit:>10} {'target':>8}")
    missed = []
    for label, gas, count in rows:
        per_item = gas / count
        target = targets.get(label)
        mark = "" if target is None else f"{target:>8,}"
        if target is not None and per_item > target:
            missed.append(label)
        print(f"{label:{width}} {gas:>12,} {count:>7} {per_item:>10,.0f} {mark}")
    return missed
