"""Reading a contract's logs over a long chain: ``eth_getLogs`` in ranges sized by what the last answer held.

Public endpoints refuse wide ranges or answers of more than 10,000 logs, and one answer of a dense stretch
(a hundred thousand mints in a few hundred blocks) is a hundred megabytes once parsed. So a range covers at
most :data:`~collectibles.chain.airdrop.node.LOG_BLOCK_RANGE` blocks, the next range is sized so that it
should hold about :data:`LOGS_PER_ANSWER` logs at the density just seen, and a refused range is halved. The
logs are yielded as they arrive, in chain order, so the caller keeps only what it needs of them. The
requests go through the airdrop's :class:`~collectibles.chain.airdrop.node.NodeClient` (its own connection,
retried while the transport fails).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from collectibles.chain.airdrop.node import LOG_BLOCK_RANGE, NodeClient, NodeRefused

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI

LOGS_PER_ANSWER = 20_000
"""Logs one answer should hold: a dense stretch of batch mints (128 or 1,228 logs a block) is read in short
ranges, a quiet chain in long ones."""
FIRST_SPAN = 64
"""Blocks of the first range, before any density is known."""


def reading_client(provider: ProviderAPI) -> NodeClient:
    """The airdrop's node client for reading only: nothing is sent, so its sender (asked only for nonces and
    balances) is never used."""
    return NodeClient(provider, cast("AccountAPI", None))


def logs_in_ranges(
    client: NodeClient,
    address: str,
    topics: Sequence[str | None],
    first: int,
    last: int,
) -> Iterator[dict[str, Any]]:
    """Every log of ``address`` matching ``topics`` in blocks ``first..last``, in chain order (see the
    module); logs a node flags as removed are skipped."""
    span, start = FIRST_SPAN, first
    while start <= last:
        end = min(last, start + span - 1)
        query = {
            "address": address,
            "topics": list(topics),
            "fromBlock": hex(start),
            "toBlock": hex(end),
        }
        try:
            logs = client.request("reading logs", "eth_getLogs", query) or []
        except NodeRefused:
            if span == 1:
                raise
            span //= 2  # a range or an answer too large for this node: ask for less
            continue
        for entry in logs:
            if not entry.get("removed"):
                yield entry
        start = end + 1
        span = next_span(span, len(logs))


def next_span(span: int, found: int) -> int:
    """The blocks of the next range after ``found`` logs in ``span`` blocks: as many as would hold
    :data:`LOGS_PER_ANSWER` at that density, at most twice ``span`` and at most ``LOG_BLOCK_RANGE``."""
    if found == 0:
        return min(LOG_BLOCK_RANGE, 2 * span)
    return max(1, min(LOG_BLOCK_RANGE, 2 * span, span * LOGS_PER_ANSWER // found))
