"""collectibles/chain/deployment.py: the Collectible found at an address carries this build's ABI only, even
when Ape remembers another contract type for that address (an older build on a chain reset since)."""

from ethpm_types.abi import EventABI, EventABIType

from collectibles.chain.deployment import collectible_at, find_collectible


def older_build(contract_type):
    """The same contract type with a second, older ``AirdropExecuted`` (other fields)."""
    older = EventABI(
        name="AirdropExecuted",
        inputs=[EventABIType(name="batchId", type="bytes32", indexed=True)],
    )
    return contract_type.model_copy(update={"abi": [*contract_type.abi, older]})


def test_collectible_at__another_type_cached_for_the_address__this_build_only(
    project, chain, collectible
):
    chain.contracts.instance_at(
        collectible.address, contract_type=older_build(project.Collectible.contract_type)
    )
    # What Ape 0.8 does with the container's own ``at``: the two types merged, the event ambiguous.
    assert not hasattr(project.Collectible.at(collectible.address).AirdropExecuted, "abi")

    found = collectible_at(project, collectible.address)

    assert found.AirdropExecuted.abi.name == "AirdropExecuted"  # one event, not a wrapper of two
    assert len([e for e in found.contract_type.events if e.name == "AirdropExecuted"]) == 1


def test_find_collectible__by_address__this_build_only(project, chain, collectible):
    chain.contracts.instance_at(
        collectible.address, contract_type=older_build(project.Collectible.contract_type)
    )

    found = find_collectible(project, chain.provider, None, collectible.address)

    assert len([e for e in found.contract_type.events if e.name == "AirdropExecuted"]) == 1
