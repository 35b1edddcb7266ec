"""collectibles.chain.logs, as the snapshot and the raffle read logs: contiguous ranges from the first block to
the last, sized by the density of the last answer, halved when the node refuses one."""

import itertools

import pytest

from collectibles.chain import logs
from collectibles.chain.airdrop.node import LOG_BLOCK_RANGE, NodeRefused
from collectibles.chain.logs import logs_in_ranges, next_span


class FakeNode:
    """Answers ``eth_getLogs`` with ``per_block`` logs a block; refuses ranges wider than ``widest``."""

    def __init__(self, per_block, widest=None):
        self.per_block = per_block
        self.widest = widest
        self.ranges = []

    def request(self, what, method, query):
        start, end = int(query["fromBlock"], 16), int(query["toBlock"], 16)
        if self.widest is not None and end - start + 1 > self.widest:
            raise NodeRefused(method, {"code": -32005, "message": "query exceeds max block range"})
        self.ranges.append((start, end))
        return [
            {"blockNumber": hex(b), "topics": [], "removed": b % 7 == 0 and i == 0}
            for b in range(start, end + 1)
            for i in range(self.per_block(b))
        ]


def test_logs_in_ranges__dense_then_empty_chain__contiguous_ranges_each_answer_bounded(monkeypatch):
    monkeypatch.setattr(logs, "LOGS_PER_ANSWER", 1_000)
    node = FakeNode(lambda block: 300 if block < 200 else 0)

    found = list(logs_in_ranges(node, "0x" + "00" * 20, [], 10, 30_000))

    assert (node.ranges[0][0], node.ranges[-1][1]) == (10, 30_000)
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(node.ranges))
    dense = [(s, e) for s, e in node.ranges if e < 200]
    assert all((e - s + 1) * 300 <= 2 * 1_000 for s, e in dense[1:])  # sized from the last answer
    assert max(e - s + 1 for s, e in node.ranges) == LOG_BLOCK_RANGE
    removed = sum(1 for b in range(10, 200) if b % 7 == 0)
    assert len(found) == 190 * 300 - removed


def test_logs_in_ranges__node_refuses_wide_ranges__halved_until_answered():
    node = FakeNode(lambda block: 1, widest=5)

    found = list(logs_in_ranges(node, "0x" + "00" * 20, [], 0, 99))

    assert len(found) == 100 - len(range(0, 100, 7))
    assert all(e - s + 1 <= 5 for s, e in node.ranges)


def test_logs_in_ranges__node_refuses_even_one_block__the_refusal_is_raised():
    with pytest.raises(NodeRefused):
        list(logs_in_ranges(FakeNode(lambda block: 1, widest=0), "0x" + "00" * 20, [], 0, 9))


@pytest.mark.parametrize(
    ("span", "found", "expected"),
    [(64, 0, 128), (64, 40_000, 32), (100, 1, 200), (8_000, 0, LOG_BLOCK_RANGE), (1, 10**6, 1)],
)
def test_next_span__logs_found__next_range_sized_to_the_density(span, found, expected):
    assert next_span(span, found) == expected
