"""Chain time travel for tests: put the next block, or a mined block, at an exact timestamp."""

DAY = 24 * 60 * 60

HOLD_SECONDS = 90 * DAY
"""Topnod's gifting hold: 90 days."""


def block_timestamp(chain, receipt) -> int:
    """The timestamp of the block that included ``receipt``."""
    return chain.provider.get_block(receipt.block_number).timestamp


def set_next_block_time(chain, timestamp: int) -> None:
    """The next transaction's block gets exactly ``timestamp`` (it must be after the latest block)."""
    chain.pending_timestamp = timestamp


def mine_at(chain, timestamp: int) -> None:
    """Mine an empty block at exactly ``timestamp``, so that views (which read the latest block) see it."""
    chain.mine(timestamp=timestamp)
