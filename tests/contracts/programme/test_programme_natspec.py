"""NatSpec of the programme's interfaces: every function, event and error documented, with every parameter and
return value named, and every contract member's `@inheritdoc` resolved to text (what explorers show)."""

import pytest

CONTRACTS = {
    "ICollectibleRaffle": "CollectibleRaffle",
    "ICollectibleCrafting": "CollectibleCrafting",
    "ICollectibleRedemption": "CollectibleRedemption",
}
SECTIONS = {"function": "methods", "event": "events", "error": "errors"}


def _entry(contract_type, kind, abi):
    for doc in (contract_type.devdoc or {}, contract_type.userdoc or {}):
        entry = doc.get(SECTIONS[kind], {}).get(abi.selector)
        if isinstance(entry, list):
            entry = entry[0] if entry else None
        if entry:
            return entry
    return None


@pytest.mark.parametrize("interface", list(CONTRACTS))
@pytest.mark.parametrize("kind", list(SECTIONS))
def test_natspec__programme_interface_members__text_params_and_returns(project, interface, kind):
    contract_type = getattr(project, interface).contract_type
    members = [a for a in contract_type.abi if a.type == kind]
    assert members, f"{interface} declares no {kind}"
    gaps = []
    for abi in members:
        entry = _entry(contract_type, kind, abi) or {}
        if not (entry.get("details") or entry.get("notice")):
            gaps.append(f"{abi.selector}: no text")
        params = entry.get("params", {})
        gaps += [f"{abi.selector}: @param {i.name}" for i in abi.inputs if i.name not in params]
        returns = entry.get("returns", {})
        outputs = getattr(abi, "outputs", [])
        gaps += [
            f"{abi.selector}: @return {o.name or n}"
            for n, o in enumerate(outputs)
            if (o.name or f"_{n}") not in returns
        ]

    assert gaps == []


@pytest.mark.parametrize(("interface", "contract"), list(CONTRACTS.items()))
def test_natspec__programme_contract_functions__documented(project, interface, contract):
    interface_type = getattr(project, interface).contract_type
    contract_type = getattr(project, contract).contract_type

    undocumented = [
        abi.selector
        for abi in contract_type.abi
        if abi.type == "function"
        and any(a.selector == abi.selector for a in interface_type.abi)
        and not _entry(contract_type, "function", abi)
    ]

    assert undocumented == []
