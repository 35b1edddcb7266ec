"""The main job (`make demo`) tells the whole story on a local chain, and a rerun gives the same result."""

import json
import os
import subprocess
import sys
from pathlib import Path

from collectibles.demo.samples import sample_members
from collectibles.demo.story import BADGE, COURT, GREETING, RELAY_FRIEND, describe, run_demo
from collectibles.domain.tokens import split_token_id

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ZERO_ADDRESS = "0x" + "00" * 20


def minted_to(chain, nft, series_id, owner):
    """The first token of ``series_id`` minted to ``owner``, from the Transfer logs."""
    logs = nft.Transfer.range(
        0, chain.blocks.head.number + 1, search_topics={"from": ZERO_ADDRESS, "to": owner}
    )
    return next(log.tokenId for log in logs if split_token_id(log.tokenId)[0] == series_id)


def test_demo__local_chain__whole_story(project, chain, accounts, tmp_path):
    result = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)

    nft = project.Collectible.at(result.contract)
    ids = result.series_ids
    assert [s.title for s in result.steps] == [
        "deploy", "series", "airdrop", "claims", "publish", "rules", "relay", "verify",
    ]  # fmt: skip
    minted = {name: nft.series(series_id).minted for name, series_id in ids.items()}
    assert minted == {GREETING: 500, COURT: 1, BADGE: 1000}
    assert "can mint 500 more tokens, the airdrop needs 1000" in result.cap_refusal
    # Serials follow the campaign's order (members sorted by address): the fan's tokens are looked up.
    fan = sample_members(1, "spring-festival-member")[0].address
    card = minted_to(chain, nft, ids[GREETING], fan)
    badge = minted_to(chain, nft, ids[BADGE], fan)
    assert result.gift_refused.startswith(f"CollectibleHoldNotOver(tokenId={card},")
    assert result.gift_accepted
    assert nft.ownerOf(card) == accounts[0].address
    assert result.badge_refused == f"CollectibleSoulbound(tokenId={badge})"
    # A second member gave a card by signature, with no ETH of their own; the operator's relay paid.
    giver = sample_members(2, "spring-festival-member")[1].address
    relayed = minted_to(chain, nft, ids[GREETING], giver)
    assert result.relayed_gift == relayed
    assert nft.ownerOf(relayed) == sample_members(1, RELAY_FRIEND)[0].address
    assert chain.provider.get_balance(giver) == 0
    assert next(s for s in result.steps if s.title == "relay").gas_used > 0
    assert nft.ownerOf(badge) == fan
    assert result.mismatched == []
    by_name = {s["name"]: s for s in result.summary["series"]}
    for name, series_id in ids.items():
        info = nft.series(series_id)
        assert (by_name[name]["minted"], by_name[name]["max_supply"]) == (
            info.minted,
            info.maxSupply,
        )
        assert (
            nft.tokenURI(series_id * 1_000_000 + 1)
            == f"ipfs://{by_name[name]['directory_cid']}/1.json"
        )
        for sample in by_name[name]["samples"]:
            assert nft.ownerOf(sample["token_id"]) == sample["owner"]
    assert (by_name[GREETING]["holders"], by_name[BADGE]["holders"]) == (500, 1000)
    assert result.summary["verify"] == {"tokens": 1501, "mismatched": []}
    assert any(line.startswith("All-Star Badge") for line in describe(result))


def test_demo__run_twice__same_result(project, chain, accounts, tmp_path):
    first = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)
    second = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)

    assert second.summary["series"] == first.summary["series"]
    assert second.summary["verify"] == first.summary["verify"]
    assert second.contract != first.contract  # a fresh deployment each time, nothing reused


def test_demo__ganache__same_story_through_the_script(tmp_path):
    # What `make demo CHAIN=ganache` runs: the script against a throwaway Ganache 7, reached by URL.
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PATH": f"{root / 'node_modules' / '.bin'}:{os.environ['PATH']}"}
    command = [
        root / "tools" / "with-ganache.sh",
        Path(sys.executable).parent / "ape",
        "run",
        "demo",
    ]

    done = subprocess.run(
        [*map(str, command), "--out", str(tmp_path)],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [(s["name"], s["minted"]) for s in summary["series"]] == [
        (GREETING, 500), (COURT, 1), (BADGE, 1000),
    ]  # fmt: skip
    assert summary["verify"] == {"tokens": 1501, "mismatched": []}
    assert "after 90 days: accepted" in done.stdout
    assert "1 executed in 1 relay tx paid by the operator" in done.stdout
    assert (tmp_path / "index.html").exists()
