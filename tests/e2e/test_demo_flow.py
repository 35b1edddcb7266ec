"""The main job (`make demo`) tells its story correctly: deploy, series, airdrop, treasury, gift rules."""

from collectibles.demo import HOLD_DAYS, describe, run_demo
from collectibles.policy import split_token_id


def test_demo__local_chain__tells_the_whole_story(project, chain, accounts):
    members = 5

    result = run_demo(project, chain, list(accounts), members=members)

    nft = project.Collectible.at(result.contract)
    assert [s.title for s in result.steps] == ["deploy", "series", "airdrop", "treasury", "gift"]
    assert all(s.gas_used > 0 for s in result.steps)
    assert nft.series(result.series_id).minted == members + 3
    assert [split_token_id(t) for t, _ in result.tokens] == [
        (result.series_id, serial) for serial in range(1, members + 4)
    ]
    assert [owner for _, owner in result.tokens] == [nft.ownerOf(t) for t, _ in result.tokens]
    assert result.gift_refused_error.startswith("CollectibleHoldNotOver(")
    assert result.gift_accepted
    assert result.tokens[0][1] == accounts[3].address  # the fan's first card went to the friend
    assert "minted 0" in result.steps[2].detail


def test_demo__describe__prints_serials_of_cap(project, chain, accounts):
    result = run_demo(project, chain, list(accounts), members=2)

    lines = describe(result)

    assert f"gift only after {HOLD_DAYS} days" in "\n".join(lines)
    assert any(line.endswith(f"#1 of 500, owner {result.tokens[0][1]}") for line in lines)
    assert sum(" of 500, owner " in line for line in lines) == 2 + 3
