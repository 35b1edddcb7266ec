"""The main job (`make demo`) tells the whole story on a local chain, and a rerun gives the same result."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ape.exceptions import ContractLogicError

from collectibles.chain.raffle import raffle_at, verify_on_chain
from collectibles.chain.redemptions import RpcRedemptions, chain_of
from collectibles.chain.redemptions import verify as reconcile_chain
from collectibles.demo.programme import CRAFTER, FORTUNE, LIMITED, MEMBER_SEED, TIGER
from collectibles.demo.samples import sample_member, sample_members
from collectibles.demo.story import BADGE, COURT, GREETING, RELAY_FRIEND, describe, run_demo
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity
from collectibles.domain.tokens import split_token_id, token_id

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

    check_collection_told(project, chain, accounts, result)
    check_programme_told(project, chain, result, tmp_path / "demo")


def check_collection_told(project, chain, accounts, result):
    """Series, airdrops, claims, rules, relay and verify happened as the story says."""

    nft = project.Collectible.at(result.contract)
    ids = result.series_ids
    assert [s.title for s in result.steps] == [
        "deploy", "series", "airdrop", "claims", "publish", "rules", "relay",
        "programme", "snapshot", "raffle", "limited", "craft", "redeem", "verify",
    ]  # fmt: skip
    minted = {name: nft.series(series_id).minted for name, series_id in ids.items()}
    assert minted == {
        GREETING: 500, COURT: 1, BADGE: 1000, LIMITED: 10, FORTUNE: 18, TIGER: 1,
    }  # fmt: skip
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
        assert by_name[name]["samples"], name
        for sample in by_name[name][
            "samples"
        ]:  # the first alive tokens (Fortune's first five burned)
            assert nft.ownerOf(sample["token_id"]) == sample["owner"]
            assert (
                nft.tokenURI(sample["token_id"])
                == f"ipfs://{by_name[name]['directory_cid']}/{sample['serial']}.json"
            )
    assert (by_name[GREETING]["holders"], by_name[BADGE]["holders"]) == (500, 1000)
    assert result.summary["verify"] == {"tokens": 1525, "mismatched": []}  # 5 Fortunes burned
    assert any(line.startswith("All-Star Badge") for line in describe(result))
    for step in ("programme", "raffle", "limited", "craft", "redeem"):
        assert next(s for s in result.steps if s.title == step).gas_used > 0, step
        assert any(line.startswith(step) for line in describe(result)), step


def check_programme_told(project, chain, result, workdir):
    """The programme's steps left the chain and the files as the story says (one demo run serves both
    checks: a run is the slowest part of this module)."""
    nft = project.Collectible.at(result.contract)
    ids = result.series_ids
    programme = result.summary["programme"]
    files = workdir / "programme"
    # The raffle verifies as `ape run raffle verify` would, and its winners hold the limited edition.
    raffle = raffle_at(project, programme["contracts"]["raffle"])
    terms, verification = verify_on_chain(
        raffle, 1, files / "raffle-entries.jsonl", files / "raffle-winners.csv",
        files / "badge-holders.jsonl",
    )  # fmt: skip
    assert verification.ok, [c for c in verification.checks if not c.ok]
    assert (terms.entry_count, terms.winner_count) == (1000, 10)
    assert raffle.raffleStatus(1) == 2  # Drawn
    winners = {w.account for w in verification.winners}
    assert len(winners) == 10
    limited = {nft.ownerOf(token_id(ids[LIMITED], serial)) for serial in range(1, 11)}
    assert limited == winners
    # One member crafted five Fortunes into a Tiger: the five are burned, the Tiger is theirs.
    crafter = sample_member(CRAFTER, MEMBER_SEED).address
    [craft] = programme["crafting"]["crafts"]
    assert nft.ownerOf(token_id(ids[TIGER], 1)) == crafter == craft["member"]
    assert (nft.series(ids[FORTUNE]).burned, nft.series(ids[TIGER]).minted) == (5, 1)
    assert len(craft["burned"]) == 5
    for burned in craft["burned"]:
        assert split_token_id(burned)[0] == ids[FORTUNE]
        with pytest.raises(ContractLogicError):
            nft.ownerOf(burned)
    progress = {m["member"]: (m["held"], m["crafted"]) for m in programme["crafting"]["members"]}
    assert progress[crafter] == (1, 1)  # six Fortunes, five burned
    # Two benefits redeemed, each counted once on chain, each fulfilled once, the ledger clean.
    redemption = project.CollectibleRedemption.at(programme["contracts"]["redemption"])
    rows = programme["redemptions"]["rows"]
    assert [r["series"] for r in rows] == [LIMITED, TIGER]
    for row in rows:
        assert redemption.redemptions(row["campaign_id"], row["token_id"]) == 1
        assert nft.ownerOf(row["token_id"]) == row["holder"]
    assert programme["redemptions"]["second_redemption_refused"].startswith(
        "CollectibleRedemptionLimitReached("
    )
    source = RpcRedemptions(chain.provider.web3.provider, redemption.address)
    identity = LedgerIdentity(*chain_of(source), source.address, 0)
    with RedemptionLedger.read(files / "redemptions.sqlite", identity) as ledger:
        check = reconcile_chain(ledger, source, 1)
        fulfilled = {f.redemption.token_id: f.fulfilment_id for f in ledger.fulfilments()}
    assert (check.clean, check.redemptions, check.fulfilments) == (True, 2, 2)
    assert fulfilled == {r["token_id"]: r["fulfilment_id"] for r in rows}


def test_demo__run_twice__same_result(project, chain, accounts, tmp_path):
    first = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)
    second = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)

    # The raffle's seed is secret and fresh each run, so its winners differ: the limited edition's owners
    # and its airdrop's calldata (hence gas). Its entries (the badge holders) and all else are the same.
    def without_winners(result):
        return [
            {**s, "samples": None, "gas_per_token": None} if s["name"] == LIMITED else s
            for s in result.summary["series"]
        ]

    assert without_winners(second) == without_winners(first)
    assert second.summary["verify"] == first.summary["verify"]
    raffles = [r.summary["programme"]["raffle"] for r in (first, second)]
    assert raffles[0]["entries_root"] == raffles[1]["entries_root"]
    assert raffles[0]["seed_hash"] != raffles[1]["seed_hash"]
    assert all(r["verified"] for r in raffles)
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
    assert [(s["name"], s["minted"], s["burned"]) for s in summary["series"]] == [
        (GREETING, 500, 0), (COURT, 1, 0), (BADGE, 1000, 0),
        (LIMITED, 10, 0), (FORTUNE, 18, 5), (TIGER, 1, 0),
    ]  # fmt: skip
    assert summary["verify"] == {"tokens": 1525, "mismatched": []}
    assert "after 90 days: accepted" in done.stdout
    assert "1 executed in 1 relay tx paid by the operator" in done.stdout
    assert "verify: match (7 checks)" in done.stdout
    assert "reconciled with 2 on chain: clean" in done.stdout
    assert summary["programme"]["raffle"]["verified"] is True
    assert (tmp_path / "index.html").exists()
    assert (tmp_path / "programme.html").exists()
