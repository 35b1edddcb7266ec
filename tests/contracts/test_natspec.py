"""NatSpec of the compiled contract: every member documented, and every `@inheritdoc` resolved to text.

The compiler's devdoc and userdoc (kept by Ape in the contract type) are what explorers and reviewers read; an
`@inheritdoc` that names an undocumented base yields an empty entry, so these tests catch it.
"""

import pytest

# Declared by OpenZeppelin without NatSpec: AccessControl's role, and the errors of ShortStrings, which
# EIP712 (the signed intents' domain) uses. Everything of ours is documented.
UNDOCUMENTED_UPSTREAM = {"DEFAULT_ADMIN_ROLE()", "InvalidShortString()", "StringTooLong(string)"}

DOC_SECTIONS = {"function": "methods", "event": "events", "error": "errors"}


def _members(contract_type, kind):
    return [abi for abi in contract_type.abi if abi.type == kind]


def _entry(contract_type, kind, abi):
    """The devdoc entry of ``abi`` (errors have a list, one per declaration), else the userdoc one."""
    section = DOC_SECTIONS[kind]
    for doc in (contract_type.devdoc or {}, contract_type.userdoc or {}):
        entry = doc.get(section, {}).get(abi.selector)
        if isinstance(entry, list):
            entry = entry[0] if entry else None
        if entry:
            return entry
    return None


@pytest.mark.parametrize("kind", list(DOC_SECTIONS))
def test_natspec__every_collectible_member__documented(project, kind):
    contract_type = project.Collectible.contract_type

    missing = [
        abi.selector
        for abi in _members(contract_type, kind)
        if abi.selector not in UNDOCUMENTED_UPSTREAM and not _entry(contract_type, kind, abi)
    ]

    assert missing == []


@pytest.mark.parametrize("kind", list(DOC_SECTIONS))
def test_natspec__interface_members__every_param_and_return_named(project, kind):
    interface = project.ICollectible.contract_type
    members = _members(interface, kind)
    assert members, f"ICollectible declares no {kind}"

    gaps = []
    for abi in members:
        entry = _entry(interface, kind, abi) or {}
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


def _text(entry):
    """Details, params and the return texts in order (an implementation may name a return the interface doesn't)."""
    entry = entry or {}
    return entry.get("details"), entry.get("params"), list(entry.get("returns", {}).values())


def test_natspec__inheritdoc__collectible_shows_the_interface_text(project):
    interface = project.ICollectible.contract_type
    collectible = project.Collectible.contract_type

    differing = [
        abi.selector
        for abi in _members(interface, "function")
        if _text(_entry(collectible, "function", abi)) != _text(_entry(interface, "function", abi))
    ]

    assert differing == []
