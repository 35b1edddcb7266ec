"""collectibles.ipfs.pinning: each backend reports our root CID or fails loudly.

The kubo backend runs against a real implementation of the kubo RPC API: js-ipfs (npm ``ipfs``, pinned in
package.json) started offline on a free localhost port by tools/ipfs-rpc.mjs. Pinata's request shape is
checked against a local HTTP server that records what it gets and answers as Pinata's v3 upload API does.
"""

import email.parser
import email.policy
import json
import shutil
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from utils.data import stream

from collectibles.domain.errors import CidMismatch, MissingSecret, PublicationFailed
from collectibles.domain.settings import Settings
from collectibles.ipfs.car import write_car
from collectibles.ipfs.cid import parse_cid
from collectibles.ipfs.pinning import (
    CarBackend,
    KuboBackend,
    PinataBackend,
    make_backend,
)
from collectibles.ipfs.unixfs import CHUNK_SIZE, add_bytes, add_tree

ROOT = Path(__file__).resolve().parents[2]
IPFS_RPC = ROOT / "tools" / "ipfs-rpc.mjs"


BIG = stream(CHUNK_SIZE + 5_000, "pinning")
FILES = {
    "card.png": BIG,
    "collection.json": b'{"name": "Spring Festival"}',
    "meta/1.json": b'{"name": "Greeting Card #1"}',
}
OTHER = add_bytes(b"something else").cid


# ------------------------------------------------------------------------------------ kubo (js-ipfs)


@pytest.fixture(scope="module")
def kubo_api(tmp_path_factory):
    """The URL of a js-ipfs node's kubo RPC API on 127.0.0.1, offline, with an empty repo.

    js-ipfs 0.66 answers ``dag/get`` of dag-pb with an HTTP 500, so the checks use ``cat``, ``ls`` and
    ``block/get`` instead.
    """
    node = shutil.which("node")
    assert node, "node is needed for the kubo RPC API tests"
    repo = tmp_path_factory.mktemp("ipfs-repo")
    process = subprocess.Popen(
        [node, str(IPFS_RPC), str(repo), "0"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # "API http://127.0.0.1:<port>", or EOF if it died
        if not line.startswith("API "):
            process.kill()
            pytest.fail(f"js-ipfs did not start (run `make setup`): {line}{process.stderr.read()}")
        yield line.split()[1]
    finally:
        process.stdin.close()  # the script stops its node when stdin closes
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rpc(url: str, command: str) -> bytes:
    request = urllib.request.Request(f"{url}/api/v0/{command}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


@pytest.mark.parametrize("version", [1, 0])
def test_kubo_publish__tree_with_multi_chunk_file__reports_our_root_and_serves_bytes(
    kubo_api, version
):
    root = add_tree(FILES, cid_version=version)

    reported = KuboBackend(kubo_api).publish(write_car(root), root.cid)

    assert reported == str(root.cid)
    assert rpc(kubo_api, f"cat?arg={root.cid}/card.png") == BIG
    assert rpc(kubo_api, f"cat?arg={root.cid}/meta/1.json") == FILES["meta/1.json"]
    assert rpc(kubo_api, f"block/get?arg={root.cid}") == root.block
    [listing] = json.loads(rpc(kubo_api, f"ls?arg={root.cid}"))["Objects"]
    assert [link["Name"] for link in listing["Links"]] == ["card.png", "collection.json", "meta"]
    pins = json.loads(rpc(kubo_api, f"pin/ls?arg={root.cid}&type=recursive"))["Keys"]
    assert [parse_cid(key) for key in pins] == [root.cid]  # js-ipfs lists CIDv1 in base58btc


def test_kubo_publish__car_file_path__same_as_bytes(kubo_api, tmp_path):
    root = add_tree({"a.json": b"[1]"})
    car = tmp_path / "a.car"
    car.write_bytes(write_car(root))

    assert KuboBackend(kubo_api + "/").publish(car, str(root.cid)) == str(root.cid)


def test_kubo_publish__node_reports_another_root__cid_mismatch(kubo_api):
    root = add_tree(FILES)

    with pytest.raises(CidMismatch) as raised:
        KuboBackend(kubo_api).publish(write_car(root), OTHER)

    assert (raised.value.backend, raised.value.expected) == ("kubo", str(OTHER))
    assert raised.value.reported == str(root.cid)


def test_kubo_publish__nobody_listening__publication_failed(unused_port):
    root = add_tree(FILES)

    with pytest.raises(PublicationFailed, match="cannot reach it"):
        KuboBackend(f"http://127.0.0.1:{unused_port}").publish(write_car(root), root.cid)


def test_kubo_publish__url_with_credentials_unreachable__message_without_them(unused_port):
    root = add_tree(FILES)
    backend = KuboBackend(f"http://ops:hunter2@127.0.0.1:{unused_port}")

    with pytest.raises(PublicationFailed, match="cannot reach it") as raised:
        backend.publish(write_car(root), root.cid)

    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in repr(backend)
    assert f"127.0.0.1:{unused_port}" in str(raised.value)


# -------------------------------------------------------------------------- recording HTTP server


class Recorder(ThreadingHTTPServer):
    """Records every request; answers each with ``answer(request) -> (status, body bytes)``."""

    daemon_threads = True

    def __init__(self, answer):
        self.requests: list[dict] = []
        self.answer = answer
        super().__init__(("127.0.0.1", 0), RecordingHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RecordingHandler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        request = {"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body}
        request["parts"] = parse_multipart(self.headers.get("Content-Type", ""), body)
        self.server.requests.append(request)
        status, answer = self.server.answer(request)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


def parse_multipart(content_type: str, body: bytes) -> dict[str, dict]:
    """``{field: {"filename", "content_type", "data"}}`` of a multipart/form-data body."""
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = {
            "filename": part.get_filename(),
            "content_type": part.get_content_type() if part.get_filename() else None,
            "data": part.get_payload(decode=True),
        }
    return parts


@pytest.fixture
def recorder():
    """Returns a builder: starts a Recorder with an answer function, stopped after the test."""
    servers = []

    def start(answer):
        server = Recorder(answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def unused_port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return port


def pinata_answer(cid: str):
    """Pinata's v3 answer to an upload (https://docs.pinata.cloud/api-reference/endpoint/upload-a-file)."""

    def answer(request):
        data = {
            "id": "0195a5c4-242f-7c01-bee8-f34a9e8e804b",
            "name": "collection.car",
            "cid": cid,
            "size": len(request["parts"]["file"]["data"]),
            "number_of_files": 1,
            "mime_type": "application/vnd.ipld.car",
            "network": "public",
        }
        return 200, json.dumps({"data": data}).encode()

    return answer


# ------------------------------------------------------------------------------------------ pinata


def test_pinata_publish__car__v3_upload_request_shape(recorder):
    root = add_tree(FILES)
    car = write_car(root)
    server = recorder(pinata_answer(str(root.cid)))

    reported = PinataBackend("test-jwt", f"{server.url}/v3").publish(car, root.cid)

    assert reported == str(root.cid)
    [request] = server.requests
    assert (request["method"], request["path"]) == ("POST", "/v3/files")
    assert request["headers"]["Authorization"] == "Bearer test-jwt"
    parts = request["parts"]
    assert {k: v["data"] for k, v in parts.items() if k != "file"} == {
        "network": b"public",
        "name": b"collection.car",
        "car": b"true",
    }
    assert parts["file"]["filename"] == "collection.car"
    assert parts["file"]["content_type"] == "application/vnd.ipld.car"
    assert parts["file"]["data"] == car


def test_pinata_publish__service_reports_another_cid__cid_mismatch(recorder):
    root = add_tree(FILES)
    server = recorder(pinata_answer(str(OTHER)))

    with pytest.raises(CidMismatch) as raised:
        PinataBackend("test-jwt", f"{server.url}/v3").publish(write_car(root), root.cid)

    assert (raised.value.backend, raised.value.expected, raised.value.reported) == (
        "pinata",
        str(root.cid),
        str(OTHER),
    )


def test_pinata_publish__refused__publication_failed_without_the_jwt(recorder):
    server = recorder(lambda request: (401, b'{"error": "Unauthorized"}'))
    root = add_tree(FILES)
    backend = PinataBackend("secret-jwt-value", f"{server.url}/v3")

    with pytest.raises(PublicationFailed, match="HTTP 401") as raised:
        backend.publish(write_car(root), root.cid)

    assert "secret-jwt-value" not in str(raised.value)
    assert "secret-jwt-value" not in repr(backend)


def test_pinata_backend__no_jwt__missing_secret():
    with pytest.raises(MissingSecret) as raised:
        make_backend("pinata", Settings(), env={})

    assert raised.value.variable == "COLLECTIBLES_PINATA_JWT"


# ------------------------------------------------------------------------- kubo API shape, car, setup


def test_kubo_publish__auth_header__sent_and_hidden(recorder):
    root = add_tree(FILES)

    def answer(request):
        if request["path"].startswith("/api/v0/dag/import"):
            line = {"Root": {"Cid": {"/": str(root.cid)}, "PinErrorMsg": ""}}
            return 200, json.dumps(line).encode() + b"\n"
        return 200, json.dumps({"Key": str(root.cid), "Size": 1}).encode()

    server = recorder(answer)
    backend = make_backend(
        "kubo",
        Settings(kubo_api_url=server.url),
        env={"COLLECTIBLES_KUBO_API_AUTH": "Basic c2VjcmV0"},
    )

    assert backend.publish(write_car(root), root.cid) == str(root.cid)
    imported, stat = server.requests
    assert imported["path"] == "/api/v0/dag/import?pin-roots=true"
    assert imported["headers"]["Authorization"] == "Basic c2VjcmV0"
    assert imported["parts"]["file"]["data"] == write_car(root)
    assert stat["path"] == f"/api/v0/block/stat?arg={root.cid}"
    assert "c2VjcmV0" not in repr(backend)


def test_kubo_publish__pin_error__publication_failed(recorder):
    root = add_tree(FILES)
    line = {"Root": {"Cid": {"/": str(root.cid)}, "PinErrorMsg": "blockstore full"}}
    server = recorder(lambda request: (200, json.dumps(line).encode()))

    with pytest.raises(PublicationFailed, match="blockstore full"):
        KuboBackend(server.url).publish(write_car(root), root.cid)


def test_car_publish__writes_file_and_reports_its_root(tmp_path):
    root = add_tree(FILES, cid_version=0)
    out = tmp_path / "out" / "series.car"

    assert CarBackend(out).publish(write_car(root), root.cid) == str(root.cid)
    assert out.read_bytes() == write_car(root)
    assert CarBackend().publish(out, str(root.cid)) == str(root.cid)


def test_car_publish__other_root__cid_mismatch(tmp_path):
    with pytest.raises(CidMismatch):
        CarBackend(tmp_path / "x.car").publish(write_car(add_tree(FILES)), OTHER)


def test_make_backend__unknown_name__value_error():
    with pytest.raises(ValueError, match="car, kubo, pinata"):
        make_backend("s3", Settings(), env={})
