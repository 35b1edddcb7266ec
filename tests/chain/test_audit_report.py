"""collectibles.chain.audit_report writes the audit as the JSON ``json.dumps(indent=2)`` would, streamed."""

import json
from dataclasses import asdict

import pytest
from utils.published_cards import Chain, published_cards

from collectibles.chain.audit import SeriesAudit, TokenAudit, audit_series
from collectibles.chain.audit_report import write_report
from collectibles.ipfs.fetch import store_fetcher
from collectibles.ipfs.salvage import ContentProblem


@pytest.fixture
def published():
    return published_cards()


def test_write_report__content_problems__in_every_series(tmp_path, published):
    cid, store = published
    audit = audit_series(Chain(f"ipfs://{cid}/"), 1, store_fetcher(store))
    problem = ContentProblem("x.car", "a block does not match its CID", "bafy")

    write_report([audit], tmp_path / "r.json", [problem])

    report = json.loads((tmp_path / "r.json").read_text())
    assert report[0]["content_problems"] == [
        {"car": "x.car", "problem": "a block does not match its CID", "block": "bafy"}
    ]
    assert report[0]["failures"] == 0


def test_write_report__streamed__the_text_json_dumps_writes(tmp_path, published):
    cid, store = published
    full = audit_series(Chain(f"ipfs://{cid}/"), 1, store_fetcher(store))
    full.tokens[1].problems += ['odd "quoted"\nline', "\0tokens\0"]
    empty = SeriesAudit(2, '"tokens": "\0tokens\0"', 0, 0, [])
    weird = SeriesAudit(3, "Ünïcode", 1, 0, [TokenAudit(3_000_001, 1, None, None)])
    problem = ContentProblem("x.car", "a block does not match its CID", "bafy")

    write_report([full, empty, weird], tmp_path / "r.json", [problem])

    document = [
        {
            **{k: v for k, v in asdict(a).items() if k != "tokens"},
            "tokens": [asdict(t) for t in a.tokens],
            "failures": len(a.failures),
            "content_problems": [asdict(problem)],
        }
        for a in (full, empty, weird)
    ]
    assert (tmp_path / "r.json").read_text() == json.dumps(document, indent=2) + "\n"
