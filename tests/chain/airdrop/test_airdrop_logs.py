"""The airdrop's log queries: read from the contract's deployment block, never from block 0, in bounded block
ranges (halved when the node refuses one), so a long chain costs ranges and not one scan of every block."""

import itertools

import pytest

from collectibles.chain.airdrop import node
from collectibles.chain.airdrop.node import NodeRefused
from collectibles.chain.airdrop.plan import Batch
from collectibles.chain.airdrop.preflight import received_counts
from collectibles.chain.airdrop.sender import BatchSender

CAMPAIGN = "0x" + "ef" * 32
RECIPIENTS = [f"0x{0xE200 + i:040x}" for i in range(2)]
BATCH = Batch(0, "0x" + "03" * 32, 0, 2, CAMPAIGN)
RANGE = 3


@pytest.fixture
def late_collectible(chain, deploy_collectible):
    """A collection deployed after a few empty blocks, so its deployment block is not the chain's start."""
    chain.mine(5)
    return deploy_collectible()


@pytest.fixture
def sender(late_collectible, minter):
    return BatchSender(late_collectible, minter)


@pytest.fixture
def log_requests(sender, monkeypatch):
    """Every ``eth_getLogs`` the sender makes, as ``(from block, to block)``."""
    seen = []
    request = sender.request

    def spy(what, method, *params):
        if method == "eth_getLogs":
            seen.append((int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)))
        return request(what, method, *params)

    monkeypatch.setattr(sender, "request", spy)
    return seen


def deployed_at(chain, contract):
    return chain.provider.get_receipt(contract.txn_hash).block_number


def series_of(contract, admin):
    tx = contract.createSeries("Logs", 100, 0, 0, "ipfs://logs/", sender=admin)
    return tx.events.filter(contract.SeriesCreated)[0].seriesId


def airdrop_once(sender, minter, series_id):
    signed = sender.sign(series_id, BATCH, RECIPIENTS, minter.nonce)
    assert sender.broadcast(signed.raw_tx) is None
    assert sender.wait_for_receipt(signed.tx_hash, timeout=10) is not None
    return signed


def test_deployment_block__deployed_after_other_blocks__the_block_of_its_creation(
    sender, late_collectible, chain
):
    assert sender.deployment_block(late_collectible.address) == deployed_at(chain, late_collectible)
    assert sender.deployment_block(late_collectible.address) > 0


def test_deployment_block__code_without_a_creation_transaction__zero(sender, chain):
    address = "0x" + "5e" * 20
    chain.mine(3)
    chain.provider.make_request("anvil_setCode", [address, "0x6001600055"])
    chain.mine(1)

    # Code appeared with no transaction that created it (a state load, a node without old state): the
    # block it shows is no proof, so the logs are read from the chain's start.
    assert sender.deployment_block(address) == 0


def test_executions__long_chain__read_from_deployment_in_bounded_ranges(
    sender, late_collectible, minter, admin, chain, log_requests, monkeypatch
):
    monkeypatch.setattr(node, "LOG_BLOCK_RANGE", RANGE)
    series_id = series_of(late_collectible, admin)
    signed = airdrop_once(sender, minter, series_id)
    chain.mine(10)
    head = chain.blocks.head.number

    found = sender.executions(series_id, CAMPAIGN)

    assert [(e.tx_hash, e.first_index, e.count) for e in found] == [(signed.tx_hash, 0, 2)]
    assert log_requests[0][0] == deployed_at(chain, late_collectible)
    assert all(end - start + 1 <= RANGE for start, end in log_requests)
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(log_requests))
    assert log_requests[-1][1] == head


def test_logs__node_refuses_wide_ranges__halved_until_answered(
    sender, late_collectible, minter, admin, chain, log_requests, monkeypatch
):
    series_id = series_of(late_collectible, admin)
    signed = airdrop_once(sender, minter, series_id)
    chain.mine(6)
    request = sender.request

    def narrow_node(what, method, *params):
        if method == "eth_getLogs":
            start, end = (int(params[0][k], 16) for k in ("fromBlock", "toBlock"))
            if end - start + 1 > 2:
                raise NodeRefused(
                    method, {"code": -32005, "message": "query exceeds max block range"}
                )
        return request(what, method, *params)

    monkeypatch.setattr(sender, "request", narrow_node)

    found = sender.executions(series_id, CAMPAIGN)

    assert [e.tx_hash for e in found] == [signed.tx_hash]


def test_received_counts__mints_of_the_series__counted_from_the_deployment(
    sender, late_collectible, minter, admin, chain, log_requests
):
    series_id = series_of(late_collectible, admin)
    airdrop_once(sender, minter, series_id)

    counts = received_counts(sender, series_id)

    assert counts == {r.lower(): 1 for r in RECIPIENTS}
    assert min(start for start, _ in log_requests) == deployed_at(chain, late_collectible)
