"""The raffle's secret seed, kept in a file only its owner can read until the draw reveals it.

A seed file (``collectibles-raffle-seed-v1``) is JSON: ``{"format", "seed", "seed_hash", "entries_root",
"raffle_id"}`` (``0x`` hex; ``raffle_id`` is ``null`` until the commit is mined). It is created with mode 0600
before the commit is sent (so a commit that is mined while the command dies still has its seed), never
overwritten with another seed, and rewritten (still 0600) only to record the raffle id. The seed is never
printed.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from collectibles.domain.errors import CollectiblesError
from collectibles.domain.raffle import seed_hash

SEED_FORMAT = "collectibles-raffle-seed-v1"


class SeedFileProblem(CollectiblesError):
    """A seed file is missing, unreadable, or belongs to another raffle."""

    def __init__(self, path: object, reason: str):
        self.path = path
        super().__init__(f"seed file {path}: {reason}")


@dataclass(frozen=True)
class SeedFile:
    seed: bytes = field(repr=False)  # never in a log line or a traceback
    entries_root: bytes = bytes(32)
    raffle_id: int | None = None

    @property
    def seed_hash(self) -> bytes:
        return seed_hash(self.seed)

    def as_json(self) -> str:
        fields = asdict(self)
        return json.dumps(
            {
                "format": SEED_FORMAT,
                "seed": "0x" + self.seed.hex(),
                "seed_hash": "0x" + self.seed_hash.hex(),
                "entries_root": "0x" + self.entries_root.hex(),
                "raffle_id": fields["raffle_id"],
            },
            indent=2,
        )


def new_seed_file(path: Path, entries_root: bytes) -> tuple[SeedFile, bool]:
    """A fresh secret seed written to ``path`` (0600), or the one already there if it was never committed
    for these entries; ``(seed file, created)``. A file that records a raffle id, or other entries, is
    refused: its seed belongs to a committed raffle."""
    if path.exists():
        found = read_seed_file(path)
        if found.raffle_id is not None:
            raise SeedFileProblem(
                path, f"it holds the seed of raffle {found.raffle_id}: choose another --seed-file"
            )
        if found.entries_root != entries_root:
            raise SeedFileProblem(
                path, "it holds the seed of other entries: choose another --seed-file"
            )
        return found, False
    seed = SeedFile(secrets.token_bytes(32), entries_root)
    _write_private(path, seed, exclusive=True)
    return seed, True


def record_raffle_id(path: Path, seed: SeedFile, raffle_id: int) -> SeedFile:
    """Rewrite the seed file with the raffle id its commit got (atomically, 0600)."""
    recorded = replace(seed, raffle_id=raffle_id)
    _write_private(path, recorded, exclusive=False)
    return recorded


def read_seed_file(path: Path | str) -> SeedFile:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except OSError as err:
        raise SeedFileProblem(path, f"cannot be read ({err.strerror or err})") from None
    except ValueError:
        raise SeedFileProblem(path, "is not JSON") from None
    problem = SeedFileProblem(path, f"is not a {SEED_FORMAT} file")
    try:
        seed = bytes.fromhex(data["seed"].removeprefix("0x"))
        root = bytes.fromhex(data["entries_root"].removeprefix("0x"))
        raffle_id = None if data["raffle_id"] is None else int(data["raffle_id"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise problem from None
    if data.get("format") != SEED_FORMAT or len(seed) != 32 or len(root) != 32:
        raise problem
    return SeedFile(seed, root, raffle_id)


def _write_private(path: Path, seed: SeedFile, exclusive: bool) -> None:
    """Write ``seed`` to ``path`` readable by its owner only: created 0600 (never wider, even for a
    moment), through a temporary file and a rename when it replaces one."""
    target = path if exclusive else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, flags, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(seed.as_json() + "\n")
        os.chmod(target, 0o600)  # a file that existed (O_TRUNC) keeps its old mode otherwise
        if not exclusive:
            os.replace(target, path)
    except OSError as err:
        raise SeedFileProblem(path, f"cannot be written ({err.strerror or err})") from None
