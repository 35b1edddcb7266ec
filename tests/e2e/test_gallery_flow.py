"""publish -> series -> mint -> gallery, checked in a real headless Chromium (Debian's, `make browser`).

The page must load from disk, render every image (natural width > 0), fetch nothing but its own files,
and show the figures the chain holds. A screenshot is kept in build/test-artifacts/gallery.png.
"""

import shlex
from pathlib import Path

import pytest
from ape.exceptions import ContractLogicError
from utils.browser import CHROMIUM, headless_chromium

from collectibles.content.artwork import series_artwork
from collectibles.content.publish import publish_spec
from collectibles.demo.gallery import write_gallery
from collectibles.domain.catalogue import DAY, SeriesSpec
from collectibles.domain.tokens import TransferPolicy, split_token_id, token_id

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build" / "test-artifacts" / "gallery.png"
GATEWAY = "http://127.0.0.1:8080"
"""Only written into links; the page must render without it."""


SERIES_JS = """Array.from(document.querySelectorAll('section.series')).map(s => ({
  ...s.dataset,
  samples: Array.from(s.querySelectorAll('tr.sample')).map(r => ({...r.dataset})),
  links: Array.from(s.querySelectorAll('a')).map(a => a.href),
}))"""


def chain_summary(nft, chain, specs, published, gas_per_token):
    """The demo's summary shape, every figure read back from the chain."""
    series = []
    for sid in specs:
        info = nft.series(sid)
        alive = [
            token_id(sid, serial)
            for serial in range(1, info.minted + 1)
            if _exists(nft, token_id(sid, serial))
        ]
        owners = {t: nft.ownerOf(t) for t in alive}
        series.append(
            {
                "id": sid,
                "name": info.name,
                "policy": TransferPolicy(int(info.policy)).slug,
                "hold_days": info.holdSeconds // DAY,
                "max_supply": info.maxSupply,
                "minted": info.minted,
                "holders": len(set(owners.values())),
                "burned": info.burned,
                "directory_cid": published[sid].directory_cid,
                "image_cid": published[sid].image_cid,
                "gas_per_token": gas_per_token[sid],
                "samples": [
                    {
                        "token_id": t,
                        "serial": split_token_id(t)[1],
                        "owner": owner,
                        "token_uri": nft.tokenURI(t),
                    }
                    for t, owner in list(owners.items())[:3]
                ],
            }
        )
    return {
        "chain": {"name": chain.provider.network.name, "chain_id": chain.chain_id},
        "contract": nft.address,
        "gateway": GATEWAY,
        "series": series,
        "steps": [
            {"title": "mint", "seconds": 0.0, "gas": sum(gas_per_token.values()), "detail": ""}
        ],
        "verify": {"tokens": sum(s["minted"] - s["burned"] for s in series), "mismatched": []},
    }


def _exists(nft, token):
    try:
        nft.ownerOf(token)
    except ContractLogicError:  # ERC721NonexistentToken: burned
        return False
    return True


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)")
def test_gallery_flow__published_and_minted__page_renders_the_chain(
    collectible, create_series, minter, fan, friend, stranger, chain, tmp_path
):
    nft = collectible
    specs = [
        SeriesSpec.build("Spring <Festival> Greeting Card", 8, "gift", hold_days=90),
        SeriesSpec.build("All-Star Badge", 4, "soulbound"),
        SeriesSpec.build("Court & Co.", 5, "free"),
    ]
    published, by_id, images, gas = {}, {}, {}, {}
    for spec in specs:
        result = publish_spec(spec, tmp_path / "published")
        sid = create_series(
            name=spec.name,
            max_supply=spec.max_supply,
            policy=spec.policy,
            hold_seconds=spec.hold_seconds,
            base_uri=result.base_uri,
        )
        published[sid], by_id[sid] = result, spec
        images[sid] = series_artwork(spec.name, spec.max_supply, spec.policy).data
    gift, badge, court = by_id
    receipts = {
        gift: [nft.mint(gift, to, sender=minter) for to in (fan, friend, fan)],
        badge: [nft.mint(badge, to, sender=minter) for to in (fan, stranger)],
        court: [nft.mintBatch(court, friend, 2, sender=minter)],
    }
    nft.burn(token_id(court, 1), sender=friend)
    gas = {
        sid: sum(r.gas_used for r in rs) // nft.series(sid).minted for sid, rs in receipts.items()
    }
    summary = chain_summary(nft, chain, by_id, published, gas)

    page = write_gallery(summary, tmp_path / "gallery", images)

    with headless_chromium() as tab:
        tab.send("Network.enable")
        tab.open(page.as_uri())
        widths = tab.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        shown = tab.evaluate(SERIES_JS)
        head = tab.evaluate("({...document.getElementById('chain').dataset})")
        requested = [
            e["params"]["request"]["url"]
            for e in tab.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        tab.screenshot(SCREENSHOT)

    assert len(widths) == len(specs), widths
    assert all(w > 0 for w in widths), widths
    assert requested, "the page requested nothing"
    assert all(url.startswith("file://") for url in requested), requested
    assert (head["contract"], int(head["chainId"])) == (nft.address, chain.chain_id)
    assert [int(s["seriesId"]) for s in shown] == list(by_id)
    for s in shown:
        sid = int(s["seriesId"])
        info = nft.series(sid)
        assert s["name"] == info.name == by_id[sid].name
        assert (int(s["minted"]), int(s["maxSupply"]), int(s["burned"])) == (
            info.minted,
            info.maxSupply,
            info.burned,
        )
        assert s["policy"] == TransferPolicy(int(info.policy)).slug
        assert int(s["holdDays"]) * DAY == info.holdSeconds
        assert s["directoryCid"] == published[sid].directory_cid
        assert f"{GATEWAY}/ipfs/{published[sid].image_cid}" in s["links"]
        assert s["samples"], s
        for row in s["samples"]:
            token, serial = int(row["tokenId"]), int(row["serial"])
            assert token == token_id(sid, serial)
            assert row["owner"] == nft.ownerOf(token)
            assert (
                row["tokenUri"] == nft.tokenURI(token) == f"{published[sid].base_uri}{serial}.json"
            )
            assert f"{GATEWAY}/ipfs/{published[sid].directory_cid}/{serial}.json" in s["links"]
    assert int(shown[0]["holders"]) == 2  # fan holds two cards, friend one
    assert [int(r["serial"]) for r in shown[2]["samples"]] == [2]  # serial 1 was burned
    assert SCREENSHOT.stat().st_size > 10_000


PROGRAMME_SCREENSHOT = ROOT / "build" / "test-artifacts" / "programme.png"
EXAMPLES = ROOT / "examples"
PROGRAMME_JS = """(() => {
  const data = sel => Array.from(document.querySelectorAll(sel)).map(e => ({...e.dataset}));
  const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
  return {
    raffle: {...document.getElementById('raffle').dataset},
    winners: data('tr.winner'),
    dots: data('circle.winner-dot'),
    command: document.getElementById('raffle-command').textContent,
    crafting: {...document.getElementById('crafting').dataset},
    crafters: data('tr.crafter'),
    redemptions: {...document.getElementById('redemptions').dataset},
    rows: data('tr.redemption'),
    holders: data('#holders g.chart-bar'),
    supply: data('#supply g.chart-bar'),
    svgs: Array.from(document.querySelectorAll('svg')).map(box),
    images: Array.from(document.images).map(i => i.naturalWidth),
  };
})()"""


def replayed_owners(nft, chain):
    """Every token's owner now, replayed from the Collectible's Transfer logs (burned: the zero address)."""
    owners = {}
    for log in nft.Transfer.range(0, chain.blocks.head.number + 1):
        owners[log.tokenId] = log.to
    return owners


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)")
def test_gallery_flow__demo_programme__page_renders_the_chain(project, chain, accounts, tmp_path):
    from click.testing import CliRunner

    from collectibles.demo.story import run_demo
    from scripts.raffle import cli as raffle_cli

    result = run_demo(project, chain.provider, accounts[0], tmp_path / "demo", EXAMPLES)
    nft = project.Collectible.at(result.contract)
    page = tmp_path / "demo" / "programme.html"

    with headless_chromium() as tab:
        tab.send("Network.enable")
        tab.open(page.as_uri())
        shown = tab.evaluate(PROGRAMME_JS)
        requested = [
            e["params"]["request"]["url"]
            for e in tab.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        tab.screenshot(PROGRAMME_SCREENSHOT)

    assert all(url.startswith("file://") for url in requested), requested
    assert shown["images"], "no artwork on the programme page"
    assert all(w > 0 for w in shown["images"]), shown["images"]
    assert len(shown["svgs"]) >= 3 + len(shown["crafters"])  # strip, two charts, pips per member
    assert all(w > 0 and h > 0 for w, h in shown["svgs"]), shown["svgs"]
    # The raffle: its figures are the contract's events, its winners hold the limited edition.
    raffle = project.CollectibleRaffle.at(shown["raffle"]["contract"])
    [committed] = raffle.RaffleCommitted.range(0, chain.blocks.head.number + 1)
    [drawn] = raffle.RaffleDrawn.range(0, chain.blocks.head.number + 1)
    assert int(shown["raffle"]["raffleId"]) == committed.raffleId == drawn.raffleId
    assert int(shown["raffle"]["tickets"]) == committed.entryCount == nft.series(3).minted
    assert shown["raffle"]["seedHash"] == "0x" + bytes(committed.seedHash).hex()
    assert shown["raffle"]["randomness"] == "0x" + bytes(drawn.randomness).hex()
    assert shown["raffle"]["winnersRoot"] == "0x" + bytes(drawn.winnersRoot).hex()
    assert len(shown["winners"]) == len(shown["dots"]) == committed.winnerCount
    limited = result.series_ids["Lantern Night Limited"]
    owners = replayed_owners(nft, chain)
    assert {w["account"] for w in shown["winners"]} == {
        owner for token, owner in owners.items() if split_token_id(token)[0] == limited
    }
    # The command shown re-checks it: run as printed (on this test's chain, in process).
    argv = shlex.split(shown["command"])
    assert argv[:4] == ["ape", "run", "raffle", "verify"]
    network = argv.index("--network")
    del argv[network : network + 2]
    verified = CliRunner().invoke(raffle_cli, argv[3:], obj={"provider": chain.provider})
    assert verified.exit_code == 0, verified.output
    assert f"raffle {committed.raffleId}: match" in verified.output
    # Crafting progress: each member's Fortunes and Tigers as the chain holds them now.
    fortune, tiger = (int(shown["crafting"][k]) for k in ("inputSeriesId", "outputSeriesId"))
    for row in shown["crafters"]:
        held = [
            t for t, o in owners.items() if o == row["member"] and split_token_id(t)[0] == fortune
        ]
        tigers = [
            t for t, o in owners.items() if o == row["member"] and split_token_id(t)[0] == tiger
        ]
        assert (int(row["held"]), int(row["crafted"])) == (len(held), len(tigers)), row
    assert nft.series(fortune).burned == int(shown["crafting"]["inputs"])
    # Redemptions: counted once on chain by their holder, each with its fulfilment id.
    redemption = project.CollectibleRedemption.at(
        result.summary["programme"]["contracts"]["redemption"]
    )
    assert shown["redemptions"]["clean"] == "true"
    assert int(shown["redemptions"]["redemptions"]) == len(shown["rows"]) == 2
    for row in shown["rows"]:
        token = int(row["tokenId"])
        assert redemption.redemptions(int(row["campaignId"]), token) == int(row["count"]) == 1
        assert owners[token] == row["holder"]
        assert row["fulfilmentId"].startswith("F-")
    # The charts: holders and supply per series, as the chain has them.
    zero = "0x" + "00" * 20
    for bar in shown["holders"]:
        sid = int(bar["key"])
        alive = {o for t, o in owners.items() if split_token_id(t)[0] == sid and o != zero}
        assert int(bar["value"]) == len(alive), bar
    for bar in shown["supply"]:
        info = nft.series(int(bar["key"]))
        assert (int(bar["value"]), int(bar["total"]), int(bar["part"])) == (
            info.minted,
            info.maxSupply,
            info.burned,
        )
    assert PROGRAMME_SCREENSHOT.stat().st_size > 10_000
