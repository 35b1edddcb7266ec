"""Before sending: would the chain accept the batches left, and what would they cost?

The runner asks :func:`refusal` before it journals a new plan and again before it signs what is left of a
resumed one, so a closed series, a full cap, a pause or a missing role stops the run before any send. The same
check, with the gas estimate and price, makes the dry run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectibles.chain.reverts import simulate_revert

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.plan import AirdropPlan, Batch
    from collectibles.chain.airdrop.records import BatchRecord


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

    @property
    def estimated_cost(self) -> int:
        return self.estimated_gas * self.gas_price


def refusal(
    contract: ContractInstance,
    sender: AccountAPI,
    series_id: int,
    pending: Sequence[Batch | BatchRecord],
    addresses: Sequence[str],
) -> tuple[int, str | None]:
    """``(tokens the series can still mint, reason the chain would refuse the pending batches or None)``.

    The series must exist, be open and have room for every pending recipient; then the first pending batch is
    simulated from ``sender`` (``eth_call``), which catches a pause or a missing role by the contract's own
    custom error.
    """
    try:
        info = contract.series(series_id)
    except Exception:  # noqa: BLE001 - any revert here means the series is unknown
        return 0, f"series {series_id} does not exist on {contract.address}"
    cap_left = int(info.maxSupply) - int(info.minted)
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
    reason = simulate_revert(
        contract,
        "airdrop",
        series_id,
        bytes.fromhex(first.batch_id[2:]),
        recipients,
        sender=sender,
    )
    return cap_left, reason or None
