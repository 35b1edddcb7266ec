"""The HTML gallery as files: self-contained page, escaped text, figures in data attributes, gateway links."""

import json
import re
from html.parser import HTMLParser

import pytest

from collectibles.content.artwork import render_card
from collectibles.demo.gallery import write_gallery
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

ART = render_card("Card", 8, TransferPolicy.FREE).data
OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def summary(gateway="http://127.0.0.1:8080", name="Spring Festival Greeting Card"):
    return {
        "chain": {"name": "anvil", "chain_id": 31337},
        "contract": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "gateway": gateway,
        "series": [
            {
                "id": 1,
                "name": name,
                "policy": "gift",
                "hold_days": 90,
                "max_supply": 500,
                "minted": 3,
                "holders": 2,
                "burned": 0,
                "directory_cid": "bafydir",
                "image_cid": "bafkimg",
                "gas_per_token": 46900,
                "samples": [
                    {
                        "token_id": 1000001,
                        "serial": 1,
                        "owner": OWNER,
                        "token_uri": "ipfs://bafydir/1.json",
                    }
                ],
            }
        ],
        "steps": [{"title": "deploy", "seconds": 0.6, "gas": 3600000, "detail": "done"}],
        "verify": {"tokens": 3, "mismatched": []},
    }


class Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(page):
    parser = Elements()
    parser.feed(page.read_text())
    return parser.tags


def test_write_gallery__summary__page_json_and_copied_image(tmp_path):
    page = write_gallery(summary(), tmp_path, {1: ART})

    assert page == tmp_path / "index.html"
    assert json.loads((tmp_path / "summary.json").read_text()) == summary()
    assert (tmp_path / "img" / "series-1.png").read_bytes() == ART
    images = [a["src"] for tag, a in parse(page) if tag == "img"]
    assert images == ["img/series-1.png"]


def test_write_gallery__image_file__copied_under_img(tmp_path):
    art = tmp_path / "art.png"
    art.write_bytes(ART)

    write_gallery(summary(), tmp_path / "out", {1: art})

    assert (tmp_path / "out" / "img" / "series-1.png").read_bytes() == ART


def test_write_gallery__page__no_external_resources(tmp_path):
    page = write_gallery(summary(), tmp_path, {1: ART})

    tags = parse(page)
    assert not [a for tag, a in tags if tag in ("script", "link", "iframe")]
    assert all(not a["src"].startswith(("http", "//")) for tag, a in tags if "src" in a)
    assert "url(" not in page.read_text()


def test_write_gallery__figures__in_data_attributes(tmp_path):
    tags = parse(write_gallery(summary(), tmp_path, {1: ART}))

    chain = next(a for tag, a in tags if a.get("id") == "chain")
    section = next(a for tag, a in tags if a.get("class") == "series")
    sample = next(a for tag, a in tags if a.get("class") == "sample")
    assert (chain["data-chain-id"], chain["data-contract"]) == (
        "31337",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    )
    assert section["data-series-id"] == "1"
    assert (section["data-minted"], section["data-max-supply"]) == ("3", "500")
    assert (section["data-policy"], section["data-hold-days"]) == ("gift", "90")
    assert (sample["data-token-id"], sample["data-serial"], sample["data-owner"]) == (
        "1000001",
        "1",
        OWNER,
    )


def test_write_gallery__gateway__links_json_and_image(tmp_path):
    tags = parse(write_gallery(summary(gateway="http://127.0.0.1:8080/"), tmp_path, {1: ART}))

    links = [a["href"] for tag, a in tags if tag == "a"]
    assert "http://127.0.0.1:8080/ipfs/bafydir/1.json" in links
    assert "http://127.0.0.1:8080/ipfs/bafkimg" in links


def test_write_gallery__no_gateway__no_http_links(tmp_path):
    page = write_gallery(summary(gateway=None), tmp_path, {1: ART})

    links = [a["href"] for tag, a in parse(page) if tag == "a"]
    assert not [link for link in links if link.startswith("http")]
    assert "ipfs://bafydir/1.json" in page.read_text()


def test_write_gallery__markup_in_name__escaped(tmp_path):
    name = '<script>alert("x")</script> & "Card"'

    page = write_gallery(summary(name=name), tmp_path, {1: ART})

    text = page.read_text()
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Card&quot;" in text
    section = next(a for tag, a in parse(page) if a.get("class") == "series")
    assert section["data-name"] == name


def test_write_gallery__no_artwork__placeholder_not_broken_image(tmp_path):
    page = write_gallery(summary(), tmp_path, {})

    assert not [a for tag, a in parse(page) if tag == "img"]
    assert re.search(r'class="noart"', page.read_text())


def test_write_gallery__not_an_image__invalid_artwork(tmp_path):
    with pytest.raises(InvalidArtwork, match="not a PNG, JPEG, GIF or WebP"):
        write_gallery(summary(), tmp_path, {1: b"<svg/>"})
