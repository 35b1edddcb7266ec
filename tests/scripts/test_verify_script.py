"""``ape run verify`` on bad content: every case a report naming the tokens it affects and exit 1, no traceback.

A series of three tokens is published to CAR files (``ape run publish``), then its CAR is altered, cut short
or stripped of a block, or a gateway answers other bytes or too slowly. The script runs through click with
``catch_exceptions=False``, so a traceback would fail the test rather than become an exit code.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from collectibles.ipfs.car import encode_header, read_car_sections
from collectibles.ipfs.cid import CID
from collectibles.ipfs.unixfs import add_bytes
from collectibles.ipfs.varint import encode as varint
from scripts.mint import cli as mint_cli
from scripts.publish import cli as publish_cli
from scripts.series import cli as series_cli
from scripts.verify import cli as verify_cli

TOKENS = [1_000_001, 1_000_002, 1_000_003]


@pytest.fixture
def published(invoke, last_json, deployed, accounts, tmp_path):
    """Series 1 with three tokens, published and revealed: ``(car path, folder of its files)``."""
    result = invoke(
        series_cli, "--account", "TEST::0", "--name", "Spring Festival Greeting Card",
        "--max-supply", 500, "--policy", "gift", "--hold-days", 90,
        "--base-uri", "ipfs://placeholder/card.json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    minted = invoke(
        mint_cli, "--account", "TEST::0", "--series", 1, "--to", accounts[3].address,
        "--quantity", 3,
    )  # fmt: skip
    assert minted.exit_code == 0, minted.output
    out_dir = tmp_path / "published"
    result = invoke(publish_cli, "--account", "TEST::0", "--series", 1, "--out", out_dir, "--json")
    assert result.exit_code == 0, result.output
    cid = last_json(result)["directory_cid"]
    return out_dir / f"{cid}.car", out_dir / cid


def verify(invoke, car_dir, tmp_path, *extra):
    report = tmp_path / "report.json"
    result = invoke(verify_cli, "--car", car_dir, "--report", report, "--json", *extra)
    return result, json.loads(report.read_text())


def rewrite_car(car, keep):
    """Write ``car`` again with only the sections ``keep(cid, block)`` accepts."""
    roots, sections = read_car_sections(car.read_bytes())
    header = encode_header(roots)
    out = bytearray(varint(len(header)) + header)
    for cid, block in sections:
        if keep(cid, block):
            out += varint(len(bytes(cid)) + len(block)) + bytes(cid) + block
    car.write_bytes(bytes(out))


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_verify__honest_content__exit_0_and_no_content_problems(
    invoke, last_json, published, tmp_path
):
    car, _ = published

    result, report = verify(invoke, car.parent, tmp_path)

    assert result.exit_code == 0, result.output
    assert (last_json(result)["mismatched"], last_json(result)["content_problems"]) == ([], 0)
    assert report[0]["content_problems"] == []


def test_verify__block_altered_in_the_car__its_token_named_exit_1(
    invoke, last_json, published, tmp_path
):
    car, files = published
    original = (files / "2.json").read_bytes()
    data = car.read_bytes()
    assert data.count(original) == 1
    car.write_bytes(data.replace(original, original.replace(b'"value":2', b'"value":7')))

    result, report = verify(invoke, car.parent, tmp_path)

    block = str(add_bytes(original).cid)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert last_json(result)["mismatched"] == [1_000_002]
    assert last_json(result)["content_problems"] == 1
    assert f"content {car}: a block does not match its CID (block {block})" in result.output
    assert report[0]["content_problems"] == [
        {"car": str(car), "problem": "a block does not match its CID", "block": block}
    ]
    (token,) = [t for t in report[0]["tokens"] if t["problems"]]
    assert token["token_id"] == 1_000_002
    assert f"block {block} in {car.name} does not match its CID" in token["problems"][0]


def test_verify__truncated_car__lost_blocks_reported_against_tokens_exit_1(
    invoke, last_json, published, tmp_path
):
    car, _ = published
    data = car.read_bytes()
    car.write_bytes(data[: len(data) // 2])

    result, report = verify(invoke, car.parent, tmp_path)

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (problem,) = report[0]["content_problems"]
    assert problem["problem"].endswith("the blocks after it are lost")
    failed = [t for t in report[0]["tokens"] if t["problems"]]
    assert [t["token_id"] for t in failed] == last_json(result)["mismatched"]
    assert failed
    assert all("cannot be fetched" in t["problems"][0] for t in failed)


def test_verify__block_missing_from_the_car__its_token_named_exit_1(
    invoke, last_json, published, tmp_path
):
    car, files = published
    missing = add_bytes((files / "3.json").read_bytes()).cid
    rewrite_car(car, lambda cid, block: cid.digest != missing.digest)

    result, report = verify(invoke, car.parent, tmp_path)

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == [1_000_003]
    assert last_json(result)["content_problems"] == 0
    assert f"no block {missing}" in result.output
    assert [t["problems"] for t in report[0]["tokens"]][2] == [
        f"metadata at ipfs://{files.name}/3.json cannot be fetched: no block {missing}"
    ]


def test_verify__no_car_where_told__every_token_reported_exit_1(
    invoke, last_json, published, tmp_path
):
    (tmp_path / "none").mkdir()

    result, report = verify(invoke, tmp_path / "none", tmp_path)

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == TOKENS
    assert report[0]["content_problems"][0]["problem"] == "the folder holds no CAR file"


def test_verify__gateway_answers_other_bytes__tokens_named_exit_1(
    invoke, last_json, published, tmp_path
):
    car, files = published

    class Lying(BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.rsplit("/", 1)[-1]
            body = (files / "1.json").read_bytes() if name.endswith(".json") else b"not the image"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server, url = serve(Lying)
    try:
        result, report = verify(invoke, car.parent, tmp_path, "--gateway", url)
    finally:
        server.shutdown()

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == TOKENS  # 1.json is right, its image is not
    problems = {t["token_id"]: t["problems"] for t in report[0]["tokens"]}
    assert problems[1_000_001][0].startswith("image bytes hash to")
    assert problems[1_000_002][0].startswith("metadata bytes hash to")


def test_verify__gateway_silent__each_token_timed_out_exit_1(
    invoke, last_json, published, tmp_path
):
    car, _ = published

    class Silent(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(1.5)

        def log_message(self, *args):
            pass

    server, url = serve(Silent)
    try:
        result, report = verify(invoke, car.parent, tmp_path, "--gateway", url, "--timeout", 0.3)
    finally:
        server.shutdown()

    assert result.exit_code == 1
    assert last_json(result)["mismatched"] == TOKENS
    assert all("cannot be fetched: timed out" in t["problems"][0] for t in report[0]["tokens"])


def test_rewrite_car__keeps_only_what_it_is_told(published):
    car, _ = published
    before = [cid for cid, _ in read_car_sections(car.read_bytes())[1]]

    rewrite_car(car, lambda cid, block: cid != before[0])

    after = [cid for cid, _ in read_car_sections(car.read_bytes())[1]]
    assert after == before[1:]
    assert all(isinstance(cid, CID) for cid in after)
