"""The airdrop command's progress while it validates the member file (issue 9, item 7): on stderr, before
the airdrop's own progress, so ``--json`` stays the last stdout line."""

import json

from click.testing import CliRunner

import scripts._output as output_module
from scripts.airdrop import cli


def test_airdrop__no_terminal__validating_lines_on_stderr_before_the_airdrop(
    chain, collectible, free_series, tmp_path, monkeypatch
):
    monkeypatch.setattr(output_module, "PLAIN_INTERVAL", 0.01)
    members = tmp_path / "members.csv"
    members.write_text("address\n" + "".join(f"0x{0xA11DA7E0 + i:040x}\n" for i in range(6)))
    args = ["--account", "TEST::1", "--contract", collectible.address, "--series", free_series]
    args += ["--members", members, "--journal", tmp_path / "journal.sqlite", "--json"]

    result = CliRunner(mix_stderr=False).invoke(
        cli, [str(a) for a in args], catch_exceptions=False, obj={"provider": chain.provider}
    )

    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    validating = [i for i, line in enumerate(lines) if line.startswith("validating: ")]
    airdrop = [i for i, line in enumerate(lines) if line.startswith("airdrop: ")]
    assert lines[validating[0]].startswith("validating: 0/6 members (0%)")
    assert lines[validating[-1]].startswith("validating: 6/6 members (100%)")
    assert validating[-1] < airdrop[0]
    assert "validating: " not in result.stdout
    assert json.loads(result.stdout.strip().splitlines()[-1])["status"] == "done"
