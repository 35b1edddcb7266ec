"""publish -> series -> mint -> gallery, checked in a real headless Chromium (Debian's, `make browser`).

The page must load from disk, render every image (natural width > 0), fetch nothing but its own files,
and show the figures the chain holds. A screenshot is kept in build/test-artifacts/gallery.png.
"""

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
