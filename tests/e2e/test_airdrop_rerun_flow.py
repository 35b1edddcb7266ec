"""Two faults that end a run in a state the next command must repair, on dedicated Anvils (issue 9, items 5 and 8):

- the chain rolled back after an airdrop completed (a deep reorg, a node restored from an older state): the
  rerun re-checks on chain that every recorded batch still has its execution, and sends the lost ones again
  instead of reporting the airdrop complete;
- an RPC request that outlives the client's timeout mid-run (a slow node; the request still reaches it): the
  run retries and ends exact.

Both end with the drill's :func:`assert_drill_exact`: every member holds exactly one token, no nonce gap, and
the journal matches the chain.
"""

import time
from typing import Any

import pytest
from ape import networks
from test_airdrop_drill_flow import Anvil, Drill, assert_drill_exact
from utils.rpc_proxy import FaultyProxy

from collectibles.chain.airdrop import Journal, node

SLOW_METHODS = ("eth_sendRawTransaction", "eth_getTransactionReceipt", "eth_getLogs")


class SlowProxy(FaultyProxy):
    """Forwards every request; once :meth:`arm` ed, holds the first of each of ``SLOW_METHODS`` for ``delay``
    seconds first: the client times out, the node still gets the request (a broadcast arrives twice)."""

    def __init__(self, upstream: str, delay: float):
        super().__init__(upstream, every=10**9, delay=delay, lifetime=100)
        self.slowed: list[str] = []
        self.armed = False

    def arm(self) -> None:
        """Start slowing requests (after the test's own setup went through)."""
        self.armed = True

    def _forward(self, body: bytes) -> Any:
        method = next((m for m in SLOW_METHODS if m.encode() in body), None)
        if self.armed and method is not None and method not in self.slowed:
            self.slowed.append(method)
            time.sleep(self.delay)
        return super()._forward(body)


# Not named `chain`: that is Ape's fixture, and its test isolation (snapshots of the session chain) depends on it.
@pytest.fixture
def drill_chain(tmp_path):
    """Returns a builder: ``drill_chain(*anvil_flags, proxy_delay=None)`` starts an Anvil (behind a
    :class:`SlowProxy` when a delay is given), connects Ape to it and deploys the drill's Collectible and
    series."""
    stack: list[Any] = []

    def build(*flags: str, proxy_delay: float | None = None, members: int = 30) -> Drill:
        anvil = Anvil(*flags)
        stack.append(anvil.stop)
        proxy = None if proxy_delay is None else SlowProxy(anvil.url, proxy_delay).start()
        if proxy is not None:
            stack.append(proxy.stop)
        context = networks.parse_network_choice(proxy.url if proxy else anvil.url)
        provider = context.__enter__()
        stack.append(lambda: context.__exit__(None, None, None))
        built = Drill(anvil, tmp_path, provider, members)
        built.proxy = proxy
        return built

    yield build
    for stop in reversed(stack):
        stop()


def balances(drill: Drill, numbers: range) -> list[int]:
    """Tokens held by the members with these member numbers (the drill's addresses are in sorted order)."""
    return [drill.nft.balanceOf(drill.addresses[n]) for n in numbers]


def test_rerun__chain_rolled_back_after_completion__lost_batch_sent_again_exactly_once(drill_chain):
    d: Drill = drill_chain()  # automine: each batch in a block of its own
    first = d.run(batch_size=10)
    assert (first.status, first.batches) == ("done", 3)
    with Journal(d.journal_path) as journal:
        last = journal.batches(first.plan_id)[-1]
    assert last.block_number is not None
    head = int(d.anvil.call("eth_blockNumber"), 16)

    d.anvil.call("anvil_rollback", head - last.block_number + 1)  # to just before the last batch

    lost = range(last.start, last.start + last.count)
    assert balances(d, lost) == [0] * last.count
    assert d.nft.series(d.series).minted == 30 - last.count

    second = d.run(batch_size=10)

    assert (second.status, second.resumed) == ("done", True)
    assert any("no longer has batch(es) 2 (reorg or rollback)" in line for line in d.logs), d.logs
    assert_drill_exact(d, second)  # the lost members one token each, the others no second one
    third = d.run(batch_size=10)
    assert third.status == "already_done"


def test_run__rpc_timeouts_mid_run__retried_and_exact(drill_chain, monkeypatch):
    monkeypatch.setattr(node, "REQUEST_TIMEOUT", 0.5)  # the sender's client gives up after 0.5 s
    d: Drill = drill_chain("--block-time", "0.2", proxy_delay=2.0)
    airdropper = d.airdropper(rpc_patience=30)
    assert isinstance(d.proxy, SlowProxy)
    d.proxy.arm()

    result = d.run(airdropper, batch_size=10)

    assert sorted(d.proxy.slowed) == sorted(SLOW_METHODS)  # each timed out once, then answered
    assert airdropper.chain.retrying.retries >= len(SLOW_METHODS)
    assert any("ReadTimeout" in line and "retrying" in line for line in d.logs), d.logs
    assert_drill_exact(d, result)
