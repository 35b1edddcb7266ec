"""What the gas benchmarks share: fresh recipient addresses, the same for every contract they measure."""

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
