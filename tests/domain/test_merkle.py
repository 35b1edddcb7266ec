"""collectibles.domain.merkle: the Python StandardMerkleTree must build what ``@openzeppelin/merkle-tree`` builds."""

import copy
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from collectibles.domain.errors import CollectiblesError, InvalidMerkleTree, ValueNotInTree
from collectibles.domain.merkle import StandardMerkleTree, leaf_hash, node_hash, process_proof

PROJECT = Path(__file__).resolve().parents[2]
NODE_MERKLE_TREE = PROJECT / "node_modules" / "@openzeppelin" / "merkle-tree"

# The example of @openzeppelin/merkle-tree's README, with the root it prints.
README_VALUES = [
    ["0x1111111111111111111111111111111111111111", "5000000000000000000"],
    ["0x2222222222222222222222222222222222222222", "2500000000000000000"],
]
README_ENCODING = ["address", "uint256"]
README_ROOT = "0xd4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77"


def random_addresses(count, seed):
    rng = random.Random(seed)
    return [to_checksum_address(rng.randbytes(20)) for _ in range(count)]


@pytest.fixture
def readme_tree():
    return StandardMerkleTree.of(README_VALUES, README_ENCODING)


@pytest.fixture
def member_tree():
    return StandardMerkleTree.of([[a] for a in random_addresses(7, seed=7)], ["address"])


# ------------------------------------------------------------------ hashing


def test_leaf_hash__address__is_double_keccak_of_abi_encoding():
    account = "0x1111111111111111111111111111111111111111"
    expected = keccak(keccak(encode(["address"], [account])))

    assert leaf_hash(["address"], [account]) == expected


def test_leaf_hash__lowercase_and_checksummed_address__same_leaf():
    account = random_addresses(1, seed=1)[0]

    assert leaf_hash(["address"], [account.lower()]) == leaf_hash(["address"], [account])


def test_leaf_hash__uint_as_decimal_string_or_int__same_leaf():
    assert leaf_hash(README_ENCODING, README_VALUES[0]) == leaf_hash(
        README_ENCODING, [README_VALUES[0][0], 5 * 10**18]
    )


def test_node_hash__either_order__hashes_smaller_first():
    a, b = b"\x01" * 32, b"\x02" * 32

    assert node_hash(a, b) == node_hash(b, a) == keccak(a + b)


# ------------------------------------------------------------------ building


def test_of__openzeppelin_readme_example__gives_documented_root(readme_tree):
    assert "0x" + readme_tree.root.hex() == README_ROOT


def test_of__one_value__root_is_its_leaf_and_proof_is_empty():
    account = random_addresses(1, seed=2)[0]

    tree = StandardMerkleTree.of([[account]], ["address"])

    assert tree.root == leaf_hash(["address"], [account])
    assert tree.proof([account]) == []
    assert tree.verify([account], [])


def test_of__no_values__raises_invalid_merkle_tree():
    with pytest.raises(InvalidMerkleTree) as info:
        StandardMerkleTree.of([], ["address"])

    assert info.value.reason == "a tree needs at least one value"
    assert isinstance(info.value, CollectiblesError)


def test_of__input_order__does_not_change_root():
    accounts = random_addresses(9, seed=3)

    forward = StandardMerkleTree.of([[a] for a in accounts], ["address"])
    backward = StandardMerkleTree.of([[a] for a in reversed(accounts)], ["address"])

    assert forward.root == backward.root


def test_of__values__keep_input_order_and_point_at_their_leaves(member_tree):
    size = len(member_tree.tree)

    assert size == 2 * len(member_tree.values) - 1
    assert sorted(i for _, i in member_tree.values) == list(
        range(size - len(member_tree.values), size)
    )
    for value, index in member_tree.values:
        assert member_tree.tree[index] == leaf_hash(["address"], value)


# ------------------------------------------------------------------ proofs


def test_proof__every_value__verifies_against_root(member_tree):
    for value, _ in member_tree.values:
        proof = member_tree.proof(value)

        assert member_tree.verify(value, proof)
        assert process_proof(leaf_hash(["address"], value), proof) == member_tree.root


def test_proof__readme_values__verify(readme_tree):
    for value in README_VALUES:
        assert readme_tree.verify(value, readme_tree.proof(value))


def test_proof__lowercase_address__same_proof_as_checksummed(member_tree):
    value, _ = member_tree.values[3]

    assert member_tree.proof([value[0].lower()]) == member_tree.proof(value)


def test_verify__proof_of_another_value__false(member_tree):
    (first, _), (second, _) = member_tree.values[:2]

    assert not member_tree.verify(first, member_tree.proof(second))


def test_verify__value_not_in_tree__false(member_tree):
    outsider = random_addresses(1, seed=99)[0]

    assert not member_tree.verify([outsider], member_tree.proof(member_tree.values[0][0]))


def test_proof__unknown_value__raises_value_not_in_tree(member_tree):
    outsider = random_addresses(1, seed=99)[0]

    with pytest.raises(ValueNotInTree) as info:
        member_tree.proof([outsider])

    assert info.value.value == [outsider]
    assert isinstance(info.value, CollectiblesError)


# ------------------------------------------------------------------ dump and load


def test_dump__readme_example__standard_v1_with_decimal_strings(readme_tree):
    dump = readme_tree.dump()

    assert dump["format"] == "standard-v1"
    assert dump["leafEncoding"] == README_ENCODING
    assert dump["tree"][0] == README_ROOT
    assert [v["value"] for v in dump["values"]] == README_VALUES
    assert all(isinstance(v["treeIndex"], int) for v in dump["values"])


def test_load__own_dump__round_trips(member_tree):
    loaded = StandardMerkleTree.load(member_tree.dump())

    assert loaded.root == member_tree.root
    assert loaded.tree == member_tree.tree
    assert loaded.values == member_tree.values
    for value, _ in member_tree.values:
        assert loaded.proof(value) == member_tree.proof(value)


def test_write__json_file__loads_back(member_tree, tmp_path):
    path = tmp_path / "tree.json"

    member_tree.write(path)
    loaded = StandardMerkleTree.load(json.loads(path.read_text()))

    assert loaded.root == member_tree.root
    assert loaded.dump() == member_tree.dump()


def test_load__unknown_format__raises_invalid_merkle_tree(member_tree):
    dump = member_tree.dump() | {"format": "simple-v1"}

    with pytest.raises(InvalidMerkleTree) as info:
        StandardMerkleTree.load(dump)

    assert info.value.reason == "unknown format 'simple-v1'"


def test_load__tampered_root__raises_invalid_merkle_tree(member_tree):
    dump = copy.deepcopy(member_tree.dump())
    dump["tree"][0] = "0x" + "ab" * 32

    with pytest.raises(InvalidMerkleTree) as info:
        StandardMerkleTree.load(dump)

    assert info.value.reason == "node 0 is not the hash of its children"


def test_load__tampered_inner_node__raises_invalid_merkle_tree(member_tree):
    dump = copy.deepcopy(member_tree.dump())
    dump["tree"][2] = "0x" + "cd" * 32

    with pytest.raises(InvalidMerkleTree) as info:
        StandardMerkleTree.load(dump)

    # Node 2 no longer matches its children (checked first, from the bottom up).
    assert info.value.reason == "node 2 is not the hash of its children"


def test_load__tampered_value__raises_invalid_merkle_tree(member_tree):
    dump = copy.deepcopy(member_tree.dump())
    outsider = random_addresses(1, seed=99)[0]
    index = dump["values"][0]["treeIndex"]
    dump["values"][0]["value"] = [outsider]

    with pytest.raises(InvalidMerkleTree) as info:
        StandardMerkleTree.load(dump)

    assert info.value.reason == f"leaf {index} does not hash value {[outsider]!r}"


def test_load__tree_index_out_of_range__raises_invalid_merkle_tree(member_tree):
    dump = copy.deepcopy(member_tree.dump())
    dump["values"][0]["treeIndex"] = len(dump["tree"])

    with pytest.raises(InvalidMerkleTree, match=f"leaf {len(dump['tree'])} does not hash value"):
        StandardMerkleTree.load(dump)


def test_leaf_hash__value_shorter_than_encoding__raises_invalid_merkle_tree():
    with pytest.raises(InvalidMerkleTree, match="has 1 fields, the encoding"):
        leaf_hash(README_ENCODING, [README_VALUES[0][0]])


def test_of__value_longer_than_encoding__raises_invalid_merkle_tree():
    values = [[*README_VALUES[0], 7], README_VALUES[1]]

    with pytest.raises(InvalidMerkleTree, match="has 3 fields, the encoding"):
        StandardMerkleTree.of(values, README_ENCODING)


def test_load__value_missing_a_field__raises_invalid_merkle_tree(member_tree):
    dump = copy.deepcopy(member_tree.dump())
    dump["values"][0]["value"] = dump["values"][0]["value"][:-1]

    with pytest.raises(InvalidMerkleTree, match="fields, the encoding"):
        StandardMerkleTree.load(dump)


# ------------------------------------------------------------------ cross-check with @openzeppelin/merkle-tree

NODE_SCRIPT = """
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const loaded = StandardMerkleTree.load(input.dump);
loaded.validate();
const built = StandardMerkleTree.of(input.values, input.leafEncoding);
console.log(JSON.stringify({
  loadedRoot: loaded.root,
  builtRoot: built.root,
  builtDump: built.dump(),
  loadedProofs: input.values.map((_, i) => loaded.getProof(i)),
  builtProofs: input.values.map((v) => built.getProof(v)),
}));
"""


def run_node(dump, values, leaf_encoding):
    if not NODE_MERKLE_TREE.is_dir():
        pytest.skip(
            "@openzeppelin/merkle-tree is not installed in node_modules: run the setup first"
        )
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    payload = json.dumps({"dump": dump, "values": values, "leafEncoding": leaf_encoding})
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT],
        check=False,
        input=payload,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def hex_proof(proof):
    return ["0x" + node.hex() for node in proof]


def test_node_cross_check__fifty_random_addresses__same_root_dump_and_proofs():
    values = [[a] for a in random_addresses(50, seed=2024)]
    ours = StandardMerkleTree.of(values, ["address"])

    theirs = run_node(ours.dump(), values, ["address"])

    root = "0x" + ours.root.hex()
    assert theirs["loadedRoot"] == root
    assert theirs["builtRoot"] == root
    assert theirs["builtDump"] == ours.dump()
    expected_proofs = [hex_proof(ours.proof(v)) for v in values]
    assert theirs["loadedProofs"] == expected_proofs
    assert theirs["builtProofs"] == expected_proofs


def test_node_cross_check__readme_example__same_root_and_proofs(readme_tree):
    theirs = run_node(readme_tree.dump(), README_VALUES, README_ENCODING)

    assert theirs["loadedRoot"] == theirs["builtRoot"] == README_ROOT
    assert theirs["builtProofs"] == [hex_proof(readme_tree.proof(v)) for v in README_VALUES]


def test_node_cross_check__node_dump__loads_in_python():
    values = [[a] for a in random_addresses(13, seed=13)]
    theirs = run_node(StandardMerkleTree.of(values, ["address"]).dump(), values, ["address"])

    loaded = StandardMerkleTree.load(theirs["builtDump"])

    assert "0x" + loaded.root.hex() == theirs["builtRoot"]
    assert [hex_proof(loaded.proof(v)) for v in values] == theirs["builtProofs"]


def test_node_cross_check__index_address_leaves__same_root_dump_and_proofs():
    values = [[str(i), a] for i, a in enumerate(random_addresses(33, seed=33))]
    ours = StandardMerkleTree.of(values, ["uint256", "address"])

    theirs = run_node(ours.dump(), values, ["uint256", "address"])

    root = "0x" + ours.root.hex()
    assert theirs["loadedRoot"] == theirs["builtRoot"] == root
    assert theirs["builtDump"] == ours.dump()
    expected_proofs = [hex_proof(ours.proof(v)) for v in values]
    assert theirs["loadedProofs"] == theirs["builtProofs"] == expected_proofs
