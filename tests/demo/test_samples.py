"""collectibles.demo.samples: the committed examples are exactly what `make examples` writes."""

from pathlib import Path

from eth_account import Account

from collectibles.demo.samples import EXAMPLES, sample_members, write_examples
from collectibles.domain.members import load_members

COMMITTED = Path(__file__).resolve().parents[2] / "examples"


def test_write_examples__committed_files__have_not_drifted(tmp_path):
    written = write_examples(tmp_path)

    assert sorted(p.name for p in written) == sorted(EXAMPLES)
    for path in written:
        assert path.read_bytes() == (COMMITTED / path.name).read_bytes(), (
            f"examples/{path.name} differs from what `make examples` writes: run it and commit"
        )


def test_write_examples__files__are_valid_member_files(tmp_path):
    for path in write_examples(tmp_path):
        _, count = EXAMPLES[path.name]
        assert len(load_members(path).members) == count


def test_sample_members__same_seed__same_members_whose_keys_sign_as_them():
    first, again = sample_members(5, "seed"), sample_members(5, "seed")

    assert first == again
    assert [m.address for m in first] != [m.address for m in sample_members(5, "other")]
    for member in first:
        assert Account.from_key(member.private_key).address == member.address
