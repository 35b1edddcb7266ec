"""The relay plan: which intents go in which ``relay`` transaction, and the id that makes a rerun find it again.

Pure. The plan's id is ``keccak(chain id, genesis hash, contract, relayer, the file's SHA-256)``: the same file
relayed again on the same chain by the same account is the same plan (resumed, or found complete), whatever
batch size is asked. The valid intents keep their file order and are packed greedily into batches whose gas
(an empty ``relay``'s plus each intent's simulated gas, with the airdrop's 20% headroom) stays under the
per-transaction limit: EIP-7825's cap or the block gas limit, whichever is lower.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from collectibles.chain.airdrop.node import GAS_LIMIT_MULTIPLIER
from collectibles.chain.airdrop.plan import TX_GAS_CAP
from collectibles.chain.relay.schema import Problem

MAX_INTENTS = 1000
"""Most intents in one ``relay`` transaction, whatever the gas allows: a bound on one receipt's logs and on
what one stuck transaction holds back."""


@dataclass(frozen=True)
class PlannedIntent:
    """A valid intent as the plan (and the journal) keeps it; ``position`` is its place among the valid ones."""

    position: int
    line: int
    kind: str
    digest: str
    calldata: str
    """Its ``giftBySig`` or ``claimVoucher`` calldata, 0x-hex: one entry of a ``relay`` call."""
    check: str
    """How a rerun asks the chain whether it can still execute: ``gift:<token>:<acquiredAt>`` or
    ``voucher:<signer>:<id>``."""
    gas: int


@dataclass(frozen=True)
class RelayBatch:
    """Intents ``start`` to ``start + count - 1`` (by position) in one ``relay`` transaction."""

    index: int
    start: int
    count: int

    @property
    def batch_id(self) -> str:
        return "0x" + keccak(encode(["uint256", "uint256"], [self.start, self.count])).hex()


@dataclass(frozen=True)
class RelayPlan:
    plan_id: str
    chain_id: int
    genesis_hash: str
    contract: str
    sha256: str
    lines: int
    intents: list[PlannedIntent]
    problems: list[Problem]
    batches: list[RelayBatch]
    batch_size: int


def relay_plan_id(chain_id: int, genesis_hash: str, contract: str, sender: str, sha256: str) -> str:
    """The plan's id: the chain, the contract, the relayer and the file's content."""
    packed = encode(
        ["uint256", "bytes32", "address", "address", "bytes32"],
        [chain_id, bytes.fromhex(genesis_hash[2:]), contract, sender, bytes.fromhex(sha256)],
    )
    return "0x" + keccak(b"collectibles.relay" + packed).hex()


def gas_limit(block_gas_limit: int) -> int:
    """The most gas one batch may need before headroom: the lower of EIP-7825's cap and the block's limit,
    over the signed headroom."""
    return int(min(TX_GAS_CAP, block_gas_limit) / GAS_LIMIT_MULTIPLIER)


def pack(gas: list[int], empty: int, limit: int, most: int = MAX_INTENTS) -> list[RelayBatch]:
    """Batches of consecutive intents, as few as ``limit`` gas a batch allows (``empty`` is a batch's own
    gas) with at most ``most`` intents each. An intent too big for any batch goes alone (its transaction's
    estimate then says so)."""
    batches: list[RelayBatch] = []
    start, used = 0, empty
    for position, cost in enumerate(gas):
        count = position - start
        if count and (used + cost > limit or count >= most):
            batches.append(RelayBatch(len(batches), start, count))
            start, used = position, empty
        used += cost
    if start < len(gas):
        batches.append(RelayBatch(len(batches), start, len(gas) - start))
    return batches
