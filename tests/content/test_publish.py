"""collectibles.content.publish: a validated series folder and CAR, written once, whose tokenURIs resolve."""

import json

import mmh3
import pytest

from collectibles.content.artwork import render_card
from collectibles.content.metadata import SeriesProfile
from collectibles.content.publish import build_series, publish_series, token_documents
from collectibles.domain.errors import InvalidMetadata
from collectibles.domain.tokens import TransferPolicy
from collectibles.ipfs.car import read_car
from collectibles.ipfs.cid import CID, DAG_PB
from collectibles.ipfs.unixfs import add_bytes
from collectibles.ipfs.varint import decode as read_varint

CARD = SeriesProfile("Spring Festival Greeting Card", 500, TransferPolicy.GIFT_AFTER_HOLD)
ART = render_card(CARD.name, CARD.max_supply, CARD.policy, CARD.theme)


# ------------------------------------------------------- a tiny IPFS path resolver over CAR blocks


def fields(buf: bytes) -> list[tuple[int, object]]:
    out, pos = [], 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        if key & 7 == 0:
            value, pos = read_varint(buf, pos)
        else:
            length, pos = read_varint(buf, pos)
            value, pos = buf[pos : pos + length], pos + length
        out.append((key >> 3, value))
    return out


def dag_pb(block: bytes) -> tuple[dict[str, bytes], int, bytes]:
    """Links (name to CID bytes), UnixFS type and UnixFS data of a dag-pb block."""
    links, unixfs = {}, b""
    for number, value in fields(block):
        if number == 2:
            link = dict(fields(value))
            links[link.get(2, b"").decode()] = link[1]
        else:
            unixfs = value
    meta = dict(fields(unixfs))
    return links, meta[1], meta.get(2, b"")


def resolve(blocks: dict[bytes, bytes], root: bytes, name: str) -> bytes:
    """The content of ``/ipfs/<root>/<name>`` (a one-block file), walking a plain or HAMT directory."""
    links, kind, _ = dag_pb(blocks[root])
    if kind == 1:
        cid = links[name]
    else:
        assert kind == 5
        digest = mmh3.hash64(name.encode(), signed=False)[0].to_bytes(8, "big")
        depth = 0
        while f"{digest[depth]:02X}{name}" not in links:
            links, _, _ = dag_pb(blocks[links[f"{digest[depth]:02X}"]])
            depth += 1
        cid = links[f"{digest[depth]:02X}{name}"]
    if cid[:2] == b"\x01\x55":  # CIDv1 raw leaf
        return blocks[cid]
    return dag_pb(blocks[cid])[2]


def token_uri(base_uri: str, serial: int) -> str:
    """``Collectible.tokenURI`` when the base URI ends in '/'."""
    return f"{base_uri}{serial}.json"


# ------------------------------------------------------------------------------------------ tests


def car_root(result) -> bytes:
    roots, _ = read_car(result.car.read_bytes())
    assert len(roots) == 1
    return roots[0]


def test_publish_series__every_token_uri__resolves_to_its_json(tmp_path):
    result = publish_series(CARD, ART, tmp_path)

    roots, blocks = read_car(result.car.read_bytes())
    assert str(CID(1, DAG_PB, roots[0][-32:])) == result.directory_cid
    assert result.base_uri == f"ipfs://{result.directory_cid}/"
    for serial in range(1, CARD.max_supply + 1):
        path = token_uri(result.base_uri, serial).removeprefix(f"ipfs://{result.directory_cid}/")
        token = json.loads(resolve(blocks, roots[0], path))
        assert token["name"] == f"{CARD.name} #{serial}"
        assert token["image"] == f"ipfs://{result.image_cid}"


def test_publish_series__folder__all_editions_image_and_collection(tmp_path):
    result = publish_series(CARD, ART, tmp_path)

    names = {p.name for p in result.folder.iterdir()}
    assert names == {f"{s}.json" for s in range(1, 501)} | {"image.png", "collection.json"}
    assert (result.tokens, result.files, result.written) == (500, 502, True)
    assert (result.folder / "image.png").read_bytes() == ART.data
    assert result.image_cid == str(add_bytes(ART.data).cid)
    collection = json.loads((result.folder / "collection.json").read_bytes())
    assert collection["image"] == f"ipfs://{result.image_cid}"
    assert result.collection_uri == f"{result.base_uri}collection.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [result.directory_cid, f"{result.directory_cid}.car"]
    )


def test_publish_series__image_uri_is_image_not_json(tmp_path):
    result = publish_series(CARD, ART, tmp_path)

    _, blocks = read_car(result.car.read_bytes())
    token = json.loads((result.folder / "12.json").read_bytes())
    image_cid = token["image"].removeprefix("ipfs://")
    assert image_cid == result.image_cid
    assert resolve(blocks, car_root(result), "image.png") == ART.data


def test_publish_series__same_content_again__same_cids_nothing_rewritten(tmp_path):
    first = publish_series(CARD, ART, tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in [first.car, *first.folder.iterdir()]}

    second = publish_series(CARD, ART, tmp_path)

    assert (second.directory_cid, second.image_cid) == (first.directory_cid, first.image_cid)
    assert second.written is False
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_publish_series__folder_edited_on_disk__rewritten(tmp_path):
    first = publish_series(CARD, ART, tmp_path)
    (first.folder / "7.json").write_text("{}")

    second = publish_series(CARD, ART, tmp_path)

    assert second.written is True
    assert json.loads((second.folder / "7.json").read_bytes())["name"] == f"{CARD.name} #7"


def test_publish_series__cid_version_0__qm_directory(tmp_path):
    result = publish_series(CARD, ART, tmp_path, cid_version=0)

    assert result.directory_cid.startswith("Qm")
    assert result.image_cid == str(add_bytes(ART.data, 0).cid)
    _, blocks = read_car(result.car.read_bytes())
    assert json.loads(resolve(blocks, car_root(result), "500.json"))["name"] == f"{CARD.name} #500"


def test_build_series__6000_editions__hamt_directory_resolves():
    big = SeriesProfile("Court", 6_000, TransferPolicy.FREE)

    bundle = build_series(big, render_card(big.name, big.max_supply, big.policy))

    blocks = {bytes(cid): block for cid, block in bundle.root.blocks()}
    assert bundle.root.block.endswith(b"\x28\x22\x30\x80\x02")  # a HAMT shard
    for serial in (1, 2_999, 6_000):
        token = json.loads(resolve(blocks, bytes(bundle.root.cid), f"{serial}.json"))
        assert token["attributes"][-1]["value"] == serial


def broken(mutate):
    documents = token_documents(CARD, f"ipfs://{add_bytes(ART.data).cid}")
    mutate(documents)
    return documents


@pytest.mark.parametrize(
    ("mutate", "subject", "message"),
    [
        (lambda d: d[12].pop("image"), "#12", "'image' is a required property"),
        (
            lambda d: d[40].update(
                image="ipfs://bafybeigotn5jxnnvnf4ghzikx7qits2bye4xnxbiqdahjf25holfw5rlem/40.json"
            ),
            "#40",
            "points at a JSON document",
        ),
        (
            lambda d: d.update({501: {**d[500], "name": f"{CARD.name} #501"}}),
            "#501",
            "serial 501 is over the cap of 500",
        ),
    ],
    ids=["missing-field", "image-is-json", "serial-over-cap"],
)
def test_publish_series__invalid_metadata__clear_error_nothing_written(
    tmp_path, mutate, subject, message
):
    out = tmp_path / "published"

    with pytest.raises(InvalidMetadata, match=message) as err:
        publish_series(CARD, ART, out, documents=broken(mutate))

    assert err.value.subject == f"{CARD.name} {subject}"
    assert not out.exists()


def test_publish_series__image_is_cid_of_a_token_json__rejected(tmp_path):
    def point_at_json(documents):
        json_cid = add_bytes(
            json.dumps(documents[1], sort_keys=True, separators=(",", ":")).encode()
        ).cid
        documents[2]["image"] = f"ipfs://{json_cid}"

    with pytest.raises(InvalidMetadata, match=r"#2: image ipfs://.* points at a JSON document"):
        publish_series(CARD, ART, tmp_path / "out", documents=broken(point_at_json))
    assert not (tmp_path / "out").exists()


def test_publish_spec__catalogue_image__used_and_addressed(tmp_path):
    from PIL import Image

    from collectibles.content.publish import publish_spec
    from collectibles.domain.catalogue import load_catalogue

    Image.new("RGB", (16, 16), "red").save(tmp_path / "art.png")
    (tmp_path / "c.yaml").write_text(
        "- {name: Court, max_supply: 20, policy: free, image: art.png, tier: Rare}\n"
    )
    (spec,) = load_catalogue(tmp_path / "c.yaml")

    result = publish_spec(spec, tmp_path / "out")

    assert (result.folder / "image.png").read_bytes() == (tmp_path / "art.png").read_bytes()
    token = json.loads((result.folder / "20.json").read_bytes())
    assert token["image"] == f"ipfs://{result.image_cid}"
    assert {"trait_type": "Tier", "value": "Rare"} in token["attributes"]


def test_publish_spec__no_image__themed_card(tmp_path):
    from collectibles.content.publish import publish_spec
    from collectibles.domain.catalogue import parse_catalogue

    (spec,) = parse_catalogue([{"name": "Badge", "max_supply": 3, "theme": "Night"}])

    result = publish_spec(spec, tmp_path)

    card = render_card("Badge", 3, TransferPolicy.FREE, spec.theme)
    assert (result.folder / "image.png").read_bytes() == card.data


def test_publish_series__document_not_json__rejected_nothing_written(tmp_path):
    def add_a_set(documents):
        documents[3]["description"] = {"not", "json"}

    with pytest.raises(InvalidMetadata, match="#3: not JSON"):
        publish_series(CARD, ART, tmp_path / "out", documents=broken(add_a_set))
    assert not (tmp_path / "out").exists()
