"""collectibles/domain/claim_tree.py: claim folders of ``[index, address]`` leaves that @openzeppelin/merkle-tree
reads back, and that ``setup``/``claim`` read only while the member file is unchanged."""

import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from collectibles.domain.claim_tree import LEAF_ENCODING, build_tree, load_claims, write_claims
from collectibles.domain.errors import InvalidClaims, MemberNotInClaims
from collectibles.domain.merkle import StandardMerkleTree

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = [
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
]
needs_node = pytest.mark.skipif(
    not shutil.which("node")
    or not (ROOT / "node_modules" / "@openzeppelin" / "merkle-tree").is_dir(),
    reason="needs node and npm @openzeppelin/merkle-tree (make setup)",
)

NODE_CHECK = """
const {StandardMerkleTree} = require("@openzeppelin/merkle-tree");
const fs = require("fs");
const [dir, sample] = process.argv.slice(1);
const tree = StandardMerkleTree.load(JSON.parse(fs.readFileSync(dir + "/tree.json", "utf8")));
const out = {root: tree.root, length: tree.length, members: []};
for (const i of JSON.parse(sample)) {
  const value = tree.at(i), proof = tree.getProof(i);
  out.members.push({value, proof, ok: StandardMerkleTree.verify(tree.root, ["uint256", "address"], value, proof)});
}
console.log(JSON.stringify(out));
"""


def random_addresses(count, seed):
    rng = random.Random(seed)
    return [to_checksum_address(rng.randbytes(20)) for _ in range(count)]


def written(folder, addresses, content=b"address\n"):
    """A claims folder of ``addresses`` built from a member file with ``content`` (its bytes are what counts)."""
    source = folder.parent / f"{folder.name}-members.csv"
    source.write_bytes(content)
    tree = build_tree(addresses)
    write_claims(tree, addresses, folder, source, hashlib.sha256(content).hexdigest())
    return tree, source


def _path(place):
    """The places from a node up to the root's children."""
    while place > 0:
        yield place
        place = (place - 1) // 2


def run_node(folder, sample):
    run = subprocess.run(
        ["node", "-e", NODE_CHECK, str(folder), json.dumps(sample)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(run.stdout)


def test_build_tree__index_address_leaves__same_nodes_as_standard_merkle_tree():
    tree = build_tree(MEMBERS)

    standard = StandardMerkleTree.of([[i, a] for i, a in enumerate(MEMBERS)], LEAF_ENCODING)

    assert tree.root == standard.root
    assert bytes(tree.nodes) == b"".join(standard.tree)
    assert list(tree.places) == [place for _, place in standard.values]


def test_build_tree__leaf__is_what_collectible_claim_hashes():
    tree = build_tree(MEMBERS)

    leaf = keccak(keccak(encode(["uint256", "address"], [3, MEMBERS[3]])))

    assert bytes(tree.nodes[32 * tree.places[3] : 32 * tree.places[3] + 32]) == leaf


def test_write_claims__tree_json__is_the_standard_v1_dump(tmp_path):
    written(tmp_path / "claims", MEMBERS)

    standard = StandardMerkleTree.of([[i, a] for i, a in enumerate(MEMBERS)], LEAF_ENCODING)

    assert json.loads((tmp_path / "claims" / "tree.json").read_text()) == standard.dump()


def test_load_claims__written_folder__every_member_has_index_and_proof(tmp_path):
    tree, _ = written(tmp_path / "claims", MEMBERS)

    claims = load_claims(tmp_path / "claims")

    assert claims.root == tree.root
    assert claims.members == len(MEMBERS)
    for index, member in enumerate(MEMBERS):
        found, proof = claims.member(member.lower())
        assert found == index
        assert claims.tree.verify(index, proof)


def test_claims_member__stranger__not_in_claims(tmp_path):
    written(tmp_path / "claims", MEMBERS)

    with pytest.raises(MemberNotInClaims):
        load_claims(tmp_path / "claims").member("0x" + "12" * 20)


def test_claims_member__bytes_across_two_addresses__not_a_member(tmp_path):
    written(tmp_path / "claims", MEMBERS)
    straddling = "0x" + (bytes.fromhex(MEMBERS[0][2:]) + bytes.fromhex(MEMBERS[1][2:]))[10:30].hex()

    with pytest.raises(MemberNotInClaims):
        load_claims(tmp_path / "claims").member(straddling)


def test_load_claims__no_build__invalid_claims_names_build(tmp_path):
    with pytest.raises(InvalidClaims, match="run `claims build` first"):
        load_claims(tmp_path)


def test_load_claims__member_file_changed__refused_naming_the_file(tmp_path):
    _, source = written(tmp_path / "claims", MEMBERS)
    source.write_bytes(b"address\n0x" + b"12" * 20 + b"\n")

    with pytest.raises(
        InvalidClaims, match=r"changed since `claims build` wrote it .*run `claims build` again"
    ):
        load_claims(tmp_path / "claims")


def test_load_claims__member_file_missing__refused(tmp_path):
    _, source = written(tmp_path / "claims", MEMBERS)
    source.unlink()

    with pytest.raises(InvalidClaims, match=r"member file .* is missing"):
        load_claims(tmp_path / "claims")


def test_load_claims__nodes_tampered__refused(tmp_path):
    written(tmp_path / "claims", MEMBERS)
    nodes = tmp_path / "claims" / "nodes.bin"
    nodes.write_bytes(bytes(32) + nodes.read_bytes()[32:])

    with pytest.raises(InvalidClaims, match=r"nodes\.bin does not match claims\.json"):
        load_claims(tmp_path / "claims")


def test_claims_member__inner_node_tampered__proof_refused(tmp_path):
    written(tmp_path / "claims", MEMBERS)
    nodes = tmp_path / "claims" / "nodes.bin"
    raw = bytearray(nodes.read_bytes())
    raw[32:64] = bytes(32)  # node 1: in the proof of every member below node 2
    nodes.write_bytes(raw)
    claims = load_claims(tmp_path / "claims")
    beside_node_1 = next(i for i in range(len(MEMBERS)) if 2 in _path(claims.tree.places[i]))

    with pytest.raises(InvalidClaims, match="does not lead to the root"):
        claims.member(MEMBERS[beside_node_1])


@needs_node
def test_write_claims__loads_in_openzeppelin_merkle_tree_with_same_proofs(tmp_path):
    tree, _ = written(tmp_path / "claims", MEMBERS)

    out = run_node(tmp_path / "claims", list(range(len(MEMBERS))))

    assert out["root"] == "0x" + tree.root.hex()
    assert [m["value"] for m in out["members"]] == [[str(i), a] for i, a in enumerate(MEMBERS)]
    assert [m["proof"] for m in out["members"]] == [
        ["0x" + node.hex() for node in tree.proof(i)] for i in range(len(MEMBERS))
    ]
    assert all(m["ok"] for m in out["members"])


@needs_node
def test_write_claims__hundred_thousand_members__npm_library_loads_and_verifies_a_sample(tmp_path):
    members = random_addresses(100_000, seed=100_000)
    tree, _ = written(tmp_path / "claims", members)
    sample = [0, 1, 77_777, 99_999]

    out = run_node(tmp_path / "claims", sample)

    assert out["root"] == "0x" + tree.root.hex()
    assert out["length"] == 100_000
    assert [m["value"] for m in out["members"]] == [[str(i), members[i]] for i in sample]
    assert [m["proof"] for m in out["members"]] == [
        ["0x" + node.hex() for node in tree.proof(i)] for i in sample
    ]
    assert all(m["ok"] for m in out["members"])


def test_write_claims__over_an_older_build__replaces_it(tmp_path):
    written(tmp_path / "claims", MEMBERS)
    tree, _ = written(tmp_path / "claims", MEMBERS[:2], content=b"address\n\n")

    claims = load_claims(tmp_path / "claims")

    assert (claims.root, claims.members) == (tree.root, 2)
