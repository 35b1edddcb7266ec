"""Strict revert checks for custom errors, from transactions and from calls alike.

Two things make ``ape.reverts(Error, name=value)`` unreliable here (eth-ape 0.8.51, ape-foundry 0.8.12,
web3 7, anvil):

- a revert from ``eth_call`` (a view, or ``method.call(...)``) comes back as a plain ``ContractLogicError``
  whose message reads ``custom error 0x<selector>: ...``; Ape does not decode it into the custom error, and
  ``ape.reverts`` then checks neither the error type nor its inputs: any revert passes;
- an expected input whose name the error does not have is skipped silently, so a misspelt name passes.

:func:`reverts` accepts any revert, decodes the revert data itself when Ape did not (from the call trace),
and requires exactly the expected error, with every one of its inputs named and equal.
"""

from contextlib import contextmanager

import ape
from ape.exceptions import CustomError
from hexbytes import HexBytes


def _decode(raised, error):
    """The custom error ``raised`` carries, decoded with the ABI of the contract ``error`` belongs to."""
    if isinstance(raised, CustomError):
        return raised
    contract = getattr(error, "contract", None)
    try:
        data = HexBytes(raised.trace.return_value)
    except Exception:  # noqa: BLE001 - no trace, or no revert data: nothing to decode
        return None
    if contract is None or len(data) < 4:
        return None
    return ape.chain.provider.network.ecosystem.decode_custom_error(data, contract.address)


@contextmanager
def reverts(error, **inputs):
    """Expects the body to revert with custom ``error`` whose inputs are exactly ``inputs``."""
    with ape.reverts() as info:
        yield info
    raised = _decode(info.value, error)
    assert raised is not None, f"expected {error.__name__}, got an undecoded revert: {info.value!r}"
    assert type(raised).__name__ == error.__name__, f"expected {error.__name__}, got {raised!r}"
    actual = dict(raised.inputs)
    assert set(actual) == set(inputs), (
        f"{error.__name__} has inputs {sorted(actual)}; the test named {sorted(inputs)}"
    )
    wrong = {
        name: (actual[name], expected)
        for name, expected in inputs.items()
        if actual[name] != expected
    }
    assert not wrong, f"{error.__name__}: (actual, expected) inputs differ: {wrong}"
