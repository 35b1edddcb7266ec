"""collectibles.ipfs.salvage names the paths it cannot read. Damage inside a CAR file (an altered block, a
cut, a missing block) and what it costs each token are tested through the audit, in tests/chain/test_audit.py."""

from collectibles.ipfs.salvage import load_published


def test_load_published__path_missing_or_empty_folder__reported(tmp_path):
    (tmp_path / "empty").mkdir()

    _, damage = load_published([tmp_path / "empty", tmp_path / "absent.car"])

    assert [(p.car, p.problem) for p in damage] == [
        (str(tmp_path / "empty"), "the folder holds no CAR file"),
        (str(tmp_path / "absent.car"), "cannot be read (No such file or directory)"),
    ]
