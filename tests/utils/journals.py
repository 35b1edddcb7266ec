"""The small airdrop plan and journal that the journal tests build on (five members, batches of two)."""

from collectibles.chain.airdrop.plan import plan_airdrop

SENDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
ADDRESSES = [f"0x{0xC000 + i:040x}" for i in range(5)]


def small_plan(members):
    """The plan of ``members`` for series 3 of a fixed contract on chain 31337, in batches of two."""
    return plan_airdrop(
        chain_id=31337,
        genesis_hash="0x" + "11" * 32,
        contract="0x5FbDB2315678afecb367f032d93F642f64180aa3",
        series_id=3,
        addresses=members.addresses,
        batch_size=2,
    )


def create(journal, plan, members):
    """Journal ``plan`` as sent by :data:`SENDER` from ``members.csv``, planned at block 7."""
    return journal.create_plan(
        plan, members, sender=SENDER, members_path="members.csv", start_block=7
    )
