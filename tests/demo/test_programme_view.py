"""The gallery's programme page as a file: the raffle, crafting progress, redemptions and charts drawn from the
summary's figures, each also in a data attribute; self-contained and escaped."""

import copy
import re
from html.parser import HTMLParser

from collectibles.demo.gallery import write_gallery
from collectibles.demo.programme_view import PROGRAMME_FILE, render_programme

A, B, C = (f"0x{n * 40}" for n in "abc")


def series(sid, name, minted, max_supply, holders, burned=0):
    return {
        "id": sid, "name": name, "policy": "free", "hold_days": 0, "max_supply": max_supply,
        "minted": minted, "holders": holders, "burned": burned, "directory_cid": "", "image_cid": "",
        "gas_per_token": 1, "samples": [],
    }  # fmt: skip


def summary():
    return {
        "chain": {"name": "anvil", "chain_id": 31337},
        "contract": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "series": [
            series(3, "All-Star Badge", 1000, 1000, 1000),
            series(4, "Lantern Night Limited", 2, 10, 2),
            series(5, "Fortune", 12, 100, 3, burned=5),
            series(6, "Fortune Tiger", 1, 20, 1),
        ],
        "steps": [],
        "verify": {"tokens": 0, "mismatched": []},
        "programme": {
            "contracts": {"raffle": "0xR", "crafting": "0xC", "redemption": "0xD"},
            "snapshot": {"series_id": 3, "block": 37, "holders": 1000, "tokens": 1000},
            "raffle": {
                "raffle_id": 1, "contract": "0xR", "weight": "per-badge", "entries": 1000, "tickets": 1000,
                "winner_count": 2, "entries_root": "0xe0", "seed_hash": "0x5e", "seed": "0x5d",
                "commit_block": 38, "draw_deadline_block": 58, "randomness": "0x7a", "winners_root": "0x77",
                "winners": [
                    {"rank": 0, "account": B, "entry_index": 83, "ticket": 83},
                    {"rank": 1, "account": A, "entry_index": 12, "ticket": 12},
                ],
                "checks": [{"name": "seed", "ok": True, "detail": "hash 0x5e"}],
                "verified": True,
                "command": "ape run raffle verify --raffle 1 --entries 'my <entries>.jsonl'",
            },
            "limited": {"series_id": 4, "members": 2},
            "crafting": {
                "recipe_id": 1, "input_series_id": 5, "output_series_id": 6, "inputs": 5,
                "crafts": [{"member": A, "burned": [5000001, 5000002], "output": 6000001, "gas": 144179}],
                "members": [
                    {"member": A, "member_id": "SPR-00001", "held": 1, "needed": 5, "crafted": 1},
                    {"member": B, "member_id": "SPR-00002", "held": 3, "needed": 5, "crafted": 0},
                    {"member": C, "member_id": "SPR-00003", "held": 6, "needed": 5, "crafted": 0},
                ],
            },
            "redemptions": {
                "campaign": {"id": 1, "series_ids": [4, 6], "start": 0, "end": 86400, "mode": "mark",
                             "limit": 1},
                "rows": [
                    {"campaign_id": 1, "token_id": 4000001, "series": "Lantern Night Limited", "holder": B,
                     "member_id": "SPR-00002", "benefit": "priority buying", "order": "ORDER-1-4000001",
                     "order_ref": "0x" + "ab" * 32, "count": 1, "fulfilment_id": "F-1"},
                    {"campaign_id": 1, "token_id": 6000001, "series": "Fortune Tiger", "holder": A,
                     "member_id": "SPR-00001", "benefit": "a plush", "order": "ORDER-1-6000001",
                     "order_ref": "0x" + "cd" * 32, "count": 1, "fulfilment_id": None},
                ],
                "second_redemption_refused": "CollectibleRedemptionLimitReached(campaignId=1, ...)",
                "reconciliation": {"clean": True, "redemptions": 2, "fulfilments": 2, "checked_to": 50,
                                   "lines": []},
                "command": "ape run redemptions verify --redemption 0xD --ledger l.sqlite",
            },
        },
    }  # fmt: skip


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element with an id."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self._open = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if attrs.get("id"):
            self._open.append(attrs["id"])
            self.text.setdefault(attrs["id"], "")

    def handle_endtag(self, tag):
        if tag == "pre" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for name in self._open:
            self.text[name] += data

    def having(self, name, value):
        return [a for _, a in self.tags if a.get(name) == value]


def parsed(page):
    elements = Elements()
    elements.feed(page)
    return elements


def test_write_gallery__summary_with_programme__writes_and_links_its_page(tmp_path):
    page = write_gallery(summary(), tmp_path, {})

    assert (tmp_path / PROGRAMME_FILE).exists()
    assert f'href="{PROGRAMME_FILE}"' in page.read_text()


def test_write_gallery__no_programme__no_page_and_no_link(tmp_path):
    plain = summary()
    del plain["programme"]

    page = write_gallery(plain, tmp_path, {})

    assert not (tmp_path / PROGRAMME_FILE).exists()
    assert PROGRAMME_FILE not in page.read_text()


def test_render_programme__raffle__figures_winners_and_the_command_verbatim():
    page = parsed(render_programme(summary(), {4: "img/series-4.png"}))

    [raffle] = page.having("id", "raffle")
    assert (raffle["data-entries"], raffle["data-seed-hash"], raffle["data-randomness"]) == (
        "1000", "0x5e", "0x7a",
    )  # fmt: skip
    assert [(w["data-rank"], w["data-account"]) for w in page.having("class", "winner")] == [
        ("0", B), ("1", A),
    ]  # fmt: skip
    assert page.text["raffle-command"] == summary()["programme"]["raffle"]["command"]
    assert page.having("src", "img/series-4.png")


def test_render_programme__a_check_failed__mismatch_shown():
    broken = summary()
    broken["programme"]["raffle"]["checks"].append(
        {"name": "winners root", "ok": False, "detail": "x"}
    )

    page = render_programme(broken, {})

    assert [a["data-ok"] for a in parsed(page).having("class", "check")] == ["true", "false"]
    assert '<span class="pill bad">MISMATCH</span> winners root' in page


def test_render_programme__crafting__progress_per_member_in_words_and_pips():
    page = render_programme(summary(), {})

    rows = parsed(page).having("class", "crafter")
    assert [(r["data-held"], r["data-crafted"]) for r in rows] == [
        ("1", "1"),
        ("3", "0"),
        ("6", "0"),
    ]
    assert "3 of 5 Fortunes<" in page
    assert "6 of 5 Fortunes · ready to craft" in page
    assert page.count('class="pip full"') == 1 + 3 + 5  # never more pips than the recipe asks


def test_render_programme__redemptions__fulfilled_or_not_and_the_verdict():
    page = render_programme(summary(), {})

    rows = parsed(page).having("class", "redemption")
    assert [r["data-fulfilment-id"] for r in rows] == ["F-1", ""]
    assert "not fulfilled" in page
    assert '<span class="pill ok">clean</span> 2 redemption(s) on chain up to block 50' in page


def test_render_programme__reconciliation_not_clean__mismatch_and_each_line():
    unclean = summary()
    unclean["programme"]["redemptions"]["reconciliation"].update(
        clean=False,
        lines=["redeemed but not fulfilled (missed by the ledger): campaign 1 token 6000001"],
    )

    page = render_programme(unclean, {})

    assert parsed(page).having("id", "redemptions")[0]["data-clean"] == "false"
    assert "MISMATCH" in page
    assert "missed by the ledger" in page


def test_render_programme__charts__a_bar_per_series_with_holders_and_supply():
    page = render_programme(summary(), {})

    bars = [a for _, a in parsed(page).tags if a.get("class") == "chart-bar"]
    holders, supply = bars[:4], bars[4:]
    assert [(b["data-key"], b["data-value"]) for b in holders] == [
        ("3", "1000"), ("4", "2"), ("5", "3"), ("6", "1"),
    ]  # fmt: skip
    assert [(b["data-value"], b["data-total"], b["data-part"]) for b in supply] == [
        ("1000", "1000", "0"), ("2", "10", "0"), ("12", "100", "5"), ("1", "20", "0"),
    ]  # fmt: skip


def test_render_programme__untrusted_text__escaped_and_self_contained():
    hostile = copy.deepcopy(summary())
    hostile["series"][1]["name"] = "<script>alert(1)</script>"

    page = render_programme(hostile, {})

    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r'(src|href)="https?://', page)
