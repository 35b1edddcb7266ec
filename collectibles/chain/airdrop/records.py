"""What the airdrop journal stores, as plain records: a plan, its members, its batches and their states.

Kept apart from the SQLite code in :mod:`~collectibles.chain.airdrop.journal` so that the report and the runner
read records without depending on how they are stored.

A batch moves through these states, each committed before the action it leads to:

``planned``   the batch is known; nothing was signed.
``signed``    a signed raw transaction (and its hash and nonce) is stored; it may or may not be on the wire.
``sent``      the raw transaction was broadcast; its receipt may or may not exist.
``confirmed`` the chain executed the batch (its event checked): first token id, executing transaction, gas and
              block recorded.

A plan is ``open`` until its report is written, then ``complete``.
"""

from __future__ import annotations

from dataclasses import dataclass

PLANNED, SIGNED, SENT, CONFIRMED = "planned", "signed", "sent", "confirmed"
OPEN, COMPLETE = "open", "complete"


@dataclass(frozen=True)
class PlanRecord:
    """A plan as the journal stores it."""

    plan_id: str
    chain_id: int
    genesis_hash: str
    contract: str
    series_id: int
    sender: str
    batch_size: int
    members_path: str
    members_sha256: str
    member_count: int
    columns: tuple[str, ...]
    start_block: int
    status: str
    report_path: str | None


@dataclass(frozen=True)
class BatchRecord:
    """One batch as the journal stores it; ``raw_tx`` and ``tx_hash`` are 0x-hex."""

    plan_id: str
    index: int
    batch_id: str
    """The journal's label of the batch (keccak of campaign, first member, count)."""
    start: int
    """Number of the batch's first member in the campaign (its ``firstIndex`` on chain)."""
    count: int
    status: str
    nonce: int | None = None
    tx_hash: str | None = None
    raw_tx: str | None = None
    first_token_id: int | None = None
    exec_tx_hash: str | None = None
    gas_used: int | None = None
    block_number: int | None = None

    @property
    def campaign_id(self) -> str:
        """The on-chain campaign id of the batch: its plan's id (see :mod:`~collectibles.chain.airdrop.plan`)."""
        return self.plan_id


@dataclass(frozen=True)
class MemberRecord:
    """A planned recipient: its place in the plan, its row in the member file, its address.

    Nothing else of the row is kept: the report reads the other columns from the member file again.
    """

    position: int
    row: int
    """The row's number in the member file (the header is row 1)."""
    address: str
