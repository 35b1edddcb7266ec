"""The exactly-once airdrop: a plan from a member file, a journal on disk, the runner that signs and sends, the
report.

``plan`` names the batches (pure), ``records`` and ``journal`` keep what was decided and sent (SQLite),
``preflight`` asks the chain whether it would accept the batches, ``sender`` signs, broadcasts and reads
receipts, ``runner`` orders it all, and ``report`` writes the CSV. Callers import from here.
"""

from collectibles.chain.airdrop.journal import Journal, default_journal_path
from collectibles.chain.airdrop.plan import (
    AirdropPlan,
    Batch,
    estimate_batch_gas,
    max_batch_size,
    plan_airdrop,
)
from collectibles.chain.airdrop.preflight import DryRun
from collectibles.chain.airdrop.records import BatchRecord, MemberRecord, PlanRecord
from collectibles.chain.airdrop.report import write_report
from collectibles.chain.airdrop.runner import Airdropper, AirdropResult

__all__ = [
    "AirdropPlan",
    "AirdropResult",
    "Airdropper",
    "Batch",
    "BatchRecord",
    "DryRun",
    "Journal",
    "MemberRecord",
    "PlanRecord",
    "default_journal_path",
    "estimate_batch_gas",
    "max_batch_size",
    "plan_airdrop",
    "write_report",
]
