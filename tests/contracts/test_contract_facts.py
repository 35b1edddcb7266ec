"""The contract facts that Python keeps in ``collectibles.domain.tokens`` are the compiled contract's own.

One module holds the numbers Python needs (token-id stride, batch limit, the policy enum); these tests read
each back from the contract, so a change to either side fails here instead of drifting.
"""

import re
from pathlib import Path

from collectibles.domain.tokens import MAX_MINT_BATCH, SERIES_STRIDE, TransferPolicy

INTERFACE = Path(__file__).resolve().parents[2] / "contracts" / "interfaces" / "ICollectible.sol"


def test_series_stride__matches_contract(collectible):
    assert collectible.SERIES_STRIDE() == SERIES_STRIDE


def test_max_mint_batch__matches_contract(collectible):
    assert collectible.MAX_MINT_BATCH() == MAX_MINT_BATCH


def test_transfer_policy__members_in_solidity_order():
    match = re.search(r"enum\s+TransferPolicy\s*\{([^}]*)\}", INTERFACE.read_text())
    assert match, "ICollectible.sol declares no TransferPolicy enum"
    solidity = [name.strip() for name in match.group(1).split(",") if name.strip()]
    python = [p.name.title().replace("_", "") for p in sorted(TransferPolicy)]
    assert python == solidity
    assert [int(p) for p in sorted(TransferPolicy)] == list(range(len(solidity)))


def test_transfer_policy__argument_is_the_solidity_enum(collectible):
    create = next(
        abi for abi in collectible.contract_type.abi if getattr(abi, "name", "") == "createSeries"
    )
    policy_input = next(i for i in create.inputs if i.name == "policy")
    assert policy_input.type == "uint8"
    assert policy_input.internal_type.endswith("TransferPolicy")


def test_policy_terms__one_slug_per_policy_and_parse_round_trips():
    slugs = [p.slug for p in TransferPolicy]
    assert len(set(slugs)) == len(slugs)
    for policy in TransferPolicy:
        assert TransferPolicy.parse(policy.slug) is policy
        assert TransferPolicy.parse(f" {policy.slug.upper()} ") is policy
