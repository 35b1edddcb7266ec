"""Name the custom error in a revert, for messages that say what the chain refused and why.

Decoding is Ape's: a revert of a deployed contract goes through ``ecosystem.decode_custom_error`` and comes
back as the contract's own error class (``nft.CollectibleSeriesClosed``, a ``ContractLogicError`` with
``.inputs``), the class tests compare with. What this module adds is finding the revert data where Ape left
it undecoded (a revert from ``eth_call`` or a constructor) and one way to render it, ``Name(arg=value, …)``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hexbytes import HexBytes

if TYPE_CHECKING:  # perf: keep importing this module cheap for the scripts
    from ape.api import AccountAPI
    from ape.contracts import ContractContainer, ContractInstance
    from ape.exceptions import CustomError
    from ape.types import AddressType

SELECTOR_SIZE = 4
WORD_SIZE = 32
# How a node reports an undecoded custom error of eth_call, through web3 and Ape: the selector in hex, then
# the arguments, as hex (anvil, when they are not valid UTF-8) or as the text of the raw bytes.
_NODE_CUSTOM_ERROR = re.compile(
    r"custom error (?P<selector>0x[0-9a-fA-F]{8}): ?(?P<args>.*)\Z", re.S
)
_HEX_WORDS = re.compile(r"(?:[0-9a-fA-F]{64})*")


def revert_data(raised: Exception) -> HexBytes | None:
    """The raw revert bytes an error carries, wherever Ape or web3 put them; ``None`` if it has none.

    Ape keeps them as the ``revert_message`` of a revert it did not decode (``0x`` + hex, as from a
    constructor), web3 as the ``data`` of a ``ContractCustomError`` (Ape's ``base_err``); a revert of
    ``eth_call`` reaches Ape as web3's message ``custom error 0x<selector>: <arguments in hex>``.
    """
    base = getattr(raised, "base_err", None)
    for text in (getattr(raised, "revert_message", None), getattr(raised, "data", None)):
        if isinstance(text, str) and _is_revert_hex(text):
            return HexBytes(text)
    if base is not None and base is not raised and (data := revert_data(base)) is not None:
        return data
    if match := _NODE_CUSTOM_ERROR.search(str(raised)):
        args = match["args"]
        raw = bytes.fromhex(args) if _HEX_WORDS.fullmatch(args) else args.encode("utf-8")
        if (
            len(raw) % WORD_SIZE == 0
        ):  # anything else is not ABI-encoded: better undecoded than wrong
            return HexBytes(bytes.fromhex(match["selector"][2:]) + raw)
    return None


def decode_revert(
    contract: ContractInstance | ContractContainer, raised: Exception | bytes
) -> CustomError | None:
    """The custom error of ``contract`` in ``raised`` (an error or raw revert data); ``None`` if not one.

    An error Ape already decoded is returned as it is. For a deployed contract the data goes to Ape's
    ``ecosystem.decode_custom_error``; a container (a constructor that reverted: there is no address to
    look the ABI up by) builds the same error class from its own ABI.
    """
    from ape.contracts import ContractInstance
    from ape.exceptions import CustomError

    if isinstance(raised, CustomError):
        return raised
    data = HexBytes(raised) if isinstance(raised, bytes) else revert_data(raised)
    if data is None or len(data) < SELECTOR_SIZE:
        return None
    selector = data[:SELECTOR_SIZE]
    if selector not in contract.contract_type.errors:
        return None
    abi = contract.contract_type.errors[selector]
    if len(data) < SELECTOR_SIZE + WORD_SIZE * len(abi.inputs):  # truncated: zeros would be made up
        return None
    ecosystem = contract.provider.network.ecosystem
    if isinstance(contract, ContractInstance):
        return ecosystem.decode_custom_error(data, contract.address)
    inputs = ecosystem.decode_calldata(abi, data[SELECTOR_SIZE:])
    error_class: type[CustomError] = getattr(contract, abi.name)
    return error_class(abi, inputs)


def decode_error_args(
    contract: ContractInstance | ContractContainer, raised: Exception | bytes
) -> tuple[str, dict[str, Any]] | None:
    """``(name, {input: value})`` of the custom error in ``raised``; ``None`` if it is not one of ``contract``'s."""
    error = decode_revert(contract, raised)
    return None if error is None else (error.name, dict(error.inputs))


def describe_revert(
    contract: ContractInstance | ContractContainer, raised: Exception | bytes
) -> str:
    """``Name(arg=value, …)`` (bytes as hex) for a custom error of ``contract``.

    Otherwise the raw data as hex, or the error's own message: a message never hides what the chain said.
    """
    if (error := decode_revert(contract, raised)) is not None:
        args = ", ".join(f"{k}={_show(v)}" for k, v in error.inputs.items())
        return f"{error.name}({args})"
    if isinstance(raised, bytes):
        return "0x" + raised.hex()
    if (data := revert_data(raised)) is not None:
        return data.to_0x_hex()
    return f"{type(raised).__name__}: {str(raised).strip() or 'no reason given'}"


def refusal(contract: ContractInstance | ContractContainer, raised: Exception) -> str:
    """The one-line message a script prints when the chain refused: ``the chain refused: …``."""
    return f"the chain refused: {describe_revert(contract, raised)}"


def simulate_revert(
    contract: ContractInstance,
    method: str,
    *args: Any,
    sender: AccountAPI | AddressType | str,
) -> str | None:
    """Simulate ``contract.method(*args)`` from ``sender`` with ``eth_call``.

    Returns the decoded custom error if it would revert, ``None`` if it would succeed. Nothing is sent.
    A plain ``eth_call`` rather than Ape's ``.call()``: it needs no trace support, so it works on Ganache.
    """
    from web3.exceptions import ContractCustomError, ContractLogicError

    web3 = contract.provider.web3
    calldata = getattr(contract, method).encode_input(*args)
    origin = sender if isinstance(sender, str) else sender.address
    try:
        web3.eth.call({"from": origin, "to": contract.address, "data": calldata})
    except ContractCustomError as err:
        return describe_revert(contract, HexBytes(str(err.data)))
    except ContractLogicError as err:
        return str(err)
    return None


def _is_revert_hex(text: str) -> bool:
    """``0x`` and whole bytes, at least a selector's worth."""
    return bool(re.fullmatch(r"0x(?:[0-9a-fA-F]{2}){4,}", text))


def _show(value: Any) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)
