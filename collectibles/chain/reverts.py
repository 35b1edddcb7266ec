"""Name the custom error in a revert, for messages that say what the chain refused and why."""

from __future__ import annotations

from typing import Any

from eth_abi import decode
from eth_utils import keccak


def decode_error_args(abi_errors: list[Any], data: bytes) -> tuple[str, dict[str, Any]] | None:
    """``(name, {input: value})`` of the custom error in revert ``data``, found in ``abi_errors`` (Ape
    ``ErrorABI`` objects); ``None`` for a selector none of them has."""
    for error in abi_errors:
        if keccak(text=error.selector)[:4] == data[:4]:
            values = decode([i.canonical_type for i in error.inputs], data[4:])
            return error.name, {i.name: v for i, v in zip(error.inputs, values)}
    return None


def decode_custom_error(abi_errors: list[Any], data: bytes) -> str:
    """Render revert ``data`` as ``Name(arg=value, …)`` using ``abi_errors``.

    Unknown selectors come back as the raw hex, so a message never hides what the chain said.
    """
    decoded = decode_error_args(abi_errors, data)
    if decoded is None:
        return "0x" + data.hex()
    name, args = decoded
    return f"{name}({', '.join(f'{k}={_show(v)}' for k, v in args.items())})"


def simulate_revert(contract: Any, method: str, *args: Any, sender: Any) -> str | None:
    """Simulate ``contract.method(*args)`` from ``sender`` with ``eth_call``.

    Returns the decoded custom error if it would revert, ``None`` if it would succeed. Nothing is sent.
    """
    from web3.exceptions import ContractCustomError, ContractLogicError

    web3 = contract.provider.web3
    calldata = getattr(contract, method).encode_input(*args)
    try:
        web3.eth.call({"from": sender.address, "to": contract.address, "data": calldata})
    except ContractCustomError as err:
        return decode_custom_error(
            contract.contract_type.errors, bytes.fromhex(str(err.data).removeprefix("0x"))
        )
    except ContractLogicError as err:
        return str(err)
    return None


def _show(value: Any) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)
