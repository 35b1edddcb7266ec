"""collectibles.domain.raffle_seed: the secret seed is written 0600 before the commit, never replaced by another
seed, and never shown."""

import json
import stat

import pytest

from collectibles.domain.raffle import seed_hash
from collectibles.domain.raffle_seed import (
    SeedFileProblem,
    new_seed_file,
    read_seed_file,
    record_raffle_id,
)

ROOT = bytes.fromhex("aa" * 32)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_seed_file__no_file__random_seed_written_0600_with_its_hash(tmp_path):
    path = tmp_path / "raffle.seed.json"

    seed, created = new_seed_file(path, ROOT)

    assert created
    assert mode(path) == 0o600
    data = json.loads(path.read_text())
    assert data["seed"] == "0x" + seed.seed.hex()
    assert data["seed_hash"] == "0x" + seed_hash(seed.seed).hex()
    assert data["raffle_id"] is None
    assert read_seed_file(path) == seed


def test_new_seed_file__twice__two_different_seeds(tmp_path):
    first, _ = new_seed_file(tmp_path / "a", ROOT)
    second, _ = new_seed_file(tmp_path / "b", ROOT)

    assert first.seed != second.seed


def test_new_seed_file__uncommitted_seed_of_the_same_entries__reused(tmp_path):
    path = tmp_path / "seed"
    seed, _ = new_seed_file(path, ROOT)

    again, created = new_seed_file(path, ROOT)

    assert (again, created) == (seed, False)


def test_new_seed_file__seed_of_a_committed_raffle__refused_file_unchanged(tmp_path):
    path = tmp_path / "seed"
    seed, _ = new_seed_file(path, ROOT)
    record_raffle_id(path, seed, 4)
    before = path.read_bytes()

    with pytest.raises(SeedFileProblem, match="holds the seed of raffle 4"):
        new_seed_file(path, ROOT)
    assert path.read_bytes() == before


def test_new_seed_file__seed_of_other_entries__refused(tmp_path):
    path = tmp_path / "seed"
    new_seed_file(path, ROOT)

    with pytest.raises(SeedFileProblem, match="seed of other entries"):
        new_seed_file(path, bytes(32))


def test_record_raffle_id__seed_file__id_recorded_seed_kept_still_0600(tmp_path):
    path = tmp_path / "seed"
    seed, _ = new_seed_file(path, ROOT)

    record_raffle_id(path, seed, 7)

    read = read_seed_file(path)
    assert (read.seed, read.raffle_id) == (seed.seed, 7)
    assert mode(path) == 0o600


def test_seed_file__repr__does_not_show_the_seed(tmp_path):
    seed, _ = new_seed_file(tmp_path / "seed", ROOT)

    assert seed.seed.hex() not in repr(seed)


@pytest.mark.parametrize("content", ["not json", '{"format": "other"}', "{}"])
def test_read_seed_file__not_a_seed_file__refused(tmp_path, content):
    path = tmp_path / "seed"
    path.write_text(content)

    with pytest.raises(SeedFileProblem):
        read_seed_file(path)
