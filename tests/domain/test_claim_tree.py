"""collectibles/domain/claim_tree.py: claim folders that @openzeppelin/merkle-tree reads back."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_utils import keccak

from collectibles.domain.claim_tree import build_tree, load_claims, write_claims
from collectibles.domain.errors import InvalidClaims, MemberNotInClaims

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = [
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
]

NODE_CHECK = """
const {StandardMerkleTree} = require("@openzeppelin/merkle-tree");
const fs = require("fs");
const dir = process.argv[1];
const tree = StandardMerkleTree.load(JSON.parse(fs.readFileSync(dir + "/tree.json")));
tree.validate();
const proofs = JSON.parse(fs.readFileSync(dir + "/proofs.json")).proofs;
const out = {root: tree.root, ok: []};
for (const [i, v] of tree.entries()) {
  const p = tree.getProof(i);
  out.ok.push(JSON.stringify(p) === JSON.stringify(proofs[v[0]]) && StandardMerkleTree.verify(tree.root, ["address"], v, p));
}
console.log(JSON.stringify(out));
"""


def test_write_claims__loads_back_with_proofs(tmp_path):
    tree = build_tree(MEMBERS)
    write_claims(tree, tmp_path)
    claims = load_claims(tmp_path)
    assert claims.root == tree.root
    leaf = keccak(keccak(bytes(12) + bytes.fromhex(MEMBERS[1][2:])))
    assert leaf in claims.tree.tree  # the leaf Collectible.claim computes
    for member in MEMBERS:
        assert claims.tree.verify([member], claims.proof(member))


@pytest.mark.skipif(
    not shutil.which("node")
    or not (ROOT / "node_modules" / "@openzeppelin" / "merkle-tree").is_dir(),
    reason="needs node and npm @openzeppelin/merkle-tree (make setup)",
)
def test_write_claims__loads_in_openzeppelin_merkle_tree(tmp_path):
    tree = build_tree(MEMBERS)
    write_claims(tree, tmp_path)
    run = subprocess.run(
        ["node", "-e", NODE_CHECK, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = json.loads(run.stdout)
    assert out["root"] == "0x" + tree.root.hex()
    assert out["ok"] == [True] * len(MEMBERS)


def test_claims_proof__stranger__not_in_claims(tmp_path):
    write_claims(build_tree(MEMBERS), tmp_path)
    with pytest.raises(MemberNotInClaims):
        load_claims(tmp_path).proof("0x" + "12" * 20)


def test_load_claims__missing_or_tampered__invalid(tmp_path):
    with pytest.raises(InvalidClaims, match="claims build"):
        load_claims(tmp_path)
    write_claims(build_tree(MEMBERS), tmp_path)
    (tmp_path / "root.txt").write_text("0x" + "00" * 32)
    with pytest.raises(InvalidClaims, match=r"root\.txt does not match"):
        load_claims(tmp_path)
    dump = json.loads((tmp_path / "tree.json").read_text())
    dump["tree"][0] = "0x" + "00" * 32
    (tmp_path / "tree.json").write_text(json.dumps(dump))
    with pytest.raises(InvalidClaims, match="not a valid standard-v1 tree"):
        load_claims(tmp_path)
