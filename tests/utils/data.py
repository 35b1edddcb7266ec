"""Deterministic test data that several test files need."""

import hashlib


def stream(size: int, seed: str) -> bytes:
    """Deterministic bytes: SHA-256 of "seed:i" for i = 0, 1, …, cut to ``size``."""
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:size])
