"""Before sending: who is already served, would the chain accept the batches left, what would they cost?

The runner asks :func:`chain_state` before it plans: what our campaign's earlier calls executed (recorded as
they were sent, with their events), and (unless a second token is asked for) the members whose address already
received a token of the series in any other mint (a member list that grew): those are left out of the batches
and reported as already served.

It asks :func:`refusal` before it journals a new plan and again before it signs what is left of a resumed
one, so a closed series, a full cap, a pause or a missing role stops the run before any send. The same
check, with the gas estimate and price, makes the dry run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_utils import keccak

from collectibles.chain.airdrop.modes import ARRAY, is_out_of_gas, out_of_gas
from collectibles.chain.reverts import simulate_revert
from collectibles.domain.tokens import split_token_id

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.modes import AirdropMode
    from collectibles.chain.airdrop.plan import AirdropPlan, Batch
    from collectibles.chain.airdrop.records import BatchRecord
    from collectibles.chain.airdrop.sender import BatchSender

TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()


@dataclass
class DryRun:
    """The plan a run would execute, and whether the chain allows it."""

    plan: AirdropPlan
    executed_batches: int
    remaining_members: int
    estimated_gas: int
    gas_price: int
    cap_left: int
    refusal: str | None
    already_served: int = 0
    """Members left out because the chain shows them served (our campaign, or a token of the series)."""
    mode: str = "airdrop"
    """How the batches would be sent: ``airdrop`` or ``roster``."""

    @property
    def estimated_cost(self) -> int:
        return self.estimated_gas * self.gas_price


def refusal(
    contract: ContractInstance,
    sender: AccountAPI,
    series_id: int,
    pending: Sequence[Batch | BatchRecord] | Callable[[], Sequence[Batch | BatchRecord]],
    addresses: Sequence[str],
    mode: AirdropMode = ARRAY,
) -> tuple[int, str | None]:
    """``(tokens the series can still mint, reason the chain would refuse the pending batches or None)``.

    ``pending`` may be a function, called once the series is read: the marks it reads are then no older than
    the series' minted count, so a batch executed in between counts neither as pending nor against the room
    left (read the other way round, a batch mined between the two reads counts twice and a healthy run is
    refused).

    The series must exist, be open and have room for every pending recipient; then the first pending batch is
    simulated from ``sender`` (``eth_call``) in the run's ``mode``, which catches a pause or a missing role by
    the contract's own custom error (and a roster too big for the gas a call gets).
    """
    try:
        info = contract.series(series_id)
    except Exception:  # noqa: BLE001 - any revert here means the series is unknown
        return 0, f"series {series_id} does not exist on {contract.address}"
    cap_left = int(info.maxSupply) - int(info.minted)
    if callable(pending):
        pending = pending()
    if info.closed:
        return cap_left, f"series {series_id} is closed"
    needed = sum(b.count for b in pending)
    if needed > cap_left:
        return (
            cap_left,
            f"series {series_id} can mint {cap_left} more tokens, the airdrop needs {needed}",
        )
    if not pending:
        return cap_left, None
    first = pending[0]
    recipients = list(addresses[first.start : first.start + first.count])
    args = mode.call_args(series_id, first.campaign_id, first.start, recipients)
    from web3.exceptions import Web3RPCError

    try:
        reason = simulate_revert(contract, mode.function, *args, sender=sender)
    except Web3RPCError as err:  # the node's error, not the contract's revert
        if not is_out_of_gas(str(err)):
            raise
        limit = int(contract.provider.web3.eth.get_block("latest")["gasLimit"])
        return cap_left, out_of_gas(first, mode, limit)
    return cap_left, mode.explain(reason) if reason else None


def chain_state(
    chain: BatchSender, series_id: int, plan: AirdropPlan, allow_second: bool = False
) -> tuple[list[tuple[int, int]], frozenset[int]]:
    """``(ranges our campaign's calls executed whole, other member numbers to leave out)`` for ``plan``.

    Our campaign's ``AirdropExecuted`` logs say which members the contract marked: a call that minted for
    every one of its members is a batch the runner records as it was; members marked by a call that skipped
    some are left out. Unless ``allow_second``, members whose address already received a token of the series
    from any other mint are left out too: an address that received ``k`` tokens beyond those our campaign
    marks for it covers its first ``k`` unmarked occurrences, so a member kept twice with
    ``--keep-duplicates`` still gets its second token.
    """
    executions = chain.executions(series_id, plan.campaign_id)
    whole = [(e.first_index, e.count) for e in executions if e.minted == e.count]
    marked = {n for e in executions for n in range(e.first_index, e.first_index + e.count)}
    covered = {n for start, count in whole for n in range(start, start + count)}
    left_out = marked - covered
    if not allow_second:
        left_out |= _received_elsewhere(chain, series_id, plan, marked)
    return whole, frozenset(left_out)


def _received_elsewhere(
    chain: BatchSender, series_id: int, plan: AirdropPlan, marked: set[int]
) -> set[int]:
    """Unmarked member numbers whose address holds, from any other mint, a token of the series."""
    received = received_counts(chain, series_id)
    if not received:
        return set()
    for number in marked:
        received[plan.addresses[number].lower()] -= 1
    served = set()
    for number, address in enumerate(plan.addresses):
        key = address.lower()
        if number not in marked and received[key] > 0:
            received[key] -= 1
            served.add(number)
    return served


def received_counts(chain: BatchSender, series_id: int) -> Counter[str]:
    """``{lower-case address: tokens of the series minted to it}``, from the contract's mint Transfer logs
    since its deployment."""
    params = {
        "address": chain.address,
        "fromBlock": chain.first_block(),
        "topics": [TRANSFER_TOPIC, "0x" + "00" * 32],
    }
    counts: Counter[str] = Counter()
    for log in chain.logs(params):
        topics = log["topics"]
        if split_token_id(int(topics[3], 16))[0] == series_id:
            counts["0x" + topics[2][-40:]] += 1
    return counts
