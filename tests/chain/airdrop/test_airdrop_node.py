"""The sender's node calls: its own retried connection, fees read back from signed bytes, what the pool shows."""

import pytest
from eth_utils import keccak

from collectibles.chain.airdrop.fees import GWEI, Fees
from collectibles.chain.airdrop.lifecycle import State, classify
from collectibles.chain.airdrop.node import (
    GAS_LIMIT_MULTIPLIER,
    fees_of,
    gas_limit_for,
    gas_of,
    max_cost_of,
)
from collectibles.chain.airdrop.plan import TX_GAS_CAP, Batch
from collectibles.chain.airdrop.sender import BatchSender
from collectibles.domain.errors import AirdropNotPossible

CAMPAIGN = "0x" + "cd" * 32
RECIPIENTS = [f"0x{0xE100 + i:040x}" for i in range(2)]
BATCH = Batch(0, "0x" + "02" * 32, 0, 2, CAMPAIGN)


@pytest.fixture
def sender(collectible, minter):
    return BatchSender(collectible, minter)


@pytest.fixture
def manual_mining(chain):
    chain.provider.auto_mine = False
    yield chain
    chain.mine()
    chain.provider.auto_mine = True


def test_gas_limit_for__headroom_over_the_estimate_clamped_to_the_cap():
    assert gas_limit_for(1_000_000) == int(1_000_000 * GAS_LIMIT_MULTIPLIER)
    assert gas_limit_for(15_000_000) == TX_GAS_CAP  # 18M with headroom: the cap wins
    assert gas_limit_for(TX_GAS_CAP) == TX_GAS_CAP


def test_gas_limit_for__estimate_over_the_cap__refused_naming_both():
    with pytest.raises(
        AirdropNotPossible, match=r"17,000,000 gas, above .* 16,777,216 \(EIP-7825\)"
    ):
        gas_limit_for(17_000_000)


def test_own_connection__same_node_its_own_provider_without_web3_retries(sender, chain):
    provider = sender.web3.provider

    assert provider is not chain.provider.web3.provider
    assert provider.exception_retry_configuration is None
    assert sender.web3.eth.chain_id == chain.chain_id
    assert sender.retrying.endpoint == chain.provider.http_uri


def test_sign__with_fees__eip1559_bytes_carry_them(sender, minter, free_series):
    fees = Fees(max_fee=7 * GWEI, priority_fee=2 * GWEI)

    signed = sender.sign(free_series, BATCH, RECIPIENTS, minter.nonce, fees)

    assert signed.raw_tx.startswith("0x02")
    assert fees_of(signed.raw_tx) == fees
    assert max_cost_of(signed.raw_tx) == signed.gas_limit * 7 * GWEI == signed.max_cost
    assert signed.tx_hash == "0x" + keccak(bytes.fromhex(signed.raw_tx[2:])).hex()


def test_observe__in_the_pool_then_mined__pending_then_seen_mined(
    sender, minter, free_series, manual_mining
):
    nonce = minter.nonce
    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(100 * GWEI, GWEI))
    assert sender.broadcast(signed.raw_tx) is None

    waiting = sender.observe([signed.tx_hash], nonce)
    manual_mining.mine()
    mined = sender.observe([signed.tx_hash], nonce)

    assert classify(False, waiting) is State.PENDING
    assert (mined.mined_status, mined.mined_hash, mined.in_pool) == (1, signed.tx_hash, False)
    assert sender.executed(free_series, BATCH)


def test_observe__never_broadcast__dropped_and_then_nonce_taken(sender, minter, free_series, fan):
    nonce = minter.nonce
    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(100 * GWEI, GWEI))

    unsent = sender.observe([signed.tx_hash], nonce)
    minter.transfer(fan, 1)  # another transaction of the account takes the nonce
    taken = sender.observe([signed.tx_hash], nonce)

    assert classify(False, unsent) is State.DROPPED
    assert classify(False, taken) is State.NONCE_TAKEN


def test_block_hash__head_and_past_the_head(sender, chain):
    head = chain.blocks.head

    assert sender.block_hash(head.number) == "0x" + bytes(head.hash).hex()
    assert sender.block_hash(head.number + 1000) is None


def test_fees_and_balance__read_from_the_node(sender, minter, chain):
    assert sender.base_fee() == chain.blocks.head.base_fee
    assert sender.balance() == minter.balance
    assert sender.suggested_tip() >= 0


def test_block_hashes__read_together__same_as_one_by_one(sender, chain):
    numbers = [0, chain.blocks.head.number, chain.blocks.head.number + 1000]

    assert sender.block_hashes(numbers) == {n: sender.block_hash(n) for n in numbers}


def test_next_base_fee__node_override_of_the_next_block__followed(sender, chain):
    spike, before = 77 * GWEI, sender.next_base_fee()
    chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(spike)])
    try:
        assert sender.next_base_fee() == spike
        assert sender.base_fee() != spike  # the latest block's is not what a send now must pay
    finally:  # the override outlives the test's rollback: put the next block's base fee back
        chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(before)])


def test_sign__replacement_with_gas_limit__same_gas_no_estimate(sender, minter, free_series):
    nonce = minter.nonce
    first = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(50 * GWEI, GWEI))
    bumped = sender.sign(
        free_series, BATCH, RECIPIENTS, nonce, Fees(60 * GWEI, 2 * GWEI), gas_of(first.raw_tx)
    )

    assert gas_of(bumped.raw_tx) == gas_of(first.raw_tx) == first.gas_limit
    assert fees_of(bumped.raw_tx) == Fees(60 * GWEI, 2 * GWEI)


def test_observe__receipt_of_a_removed_block__not_taken_as_mined(
    sender, minter, free_series, monkeypatch
):
    nonce = minter.nonce
    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(100 * GWEI, GWEI))
    assert sender.broadcast(signed.raw_tx) is None
    real = sender.wait_for_receipt(signed.tx_hash, 10)  # automine mines it just after the answer
    assert real is not None
    stale = {**real, "blockHash": "0x" + "00" * 32}  # what a node may answer right after a reorg
    monkeypatch.setattr(sender, "receipt", lambda tx_hash: stale)

    seen = sender.observe([signed.tx_hash], nonce)

    assert (seen.mined_status, seen.mined_hash) == (None, None)
    assert sender.canonical_receipt(signed.tx_hash) is None


def test_observe__receipt_the_state_does_not_include__not_mined_broadcast_again(
    sender, minter, free_series, chain
):
    nonce = minter.nonce
    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(100 * GWEI, GWEI))
    assert sender.broadcast(signed.raw_tx) is None
    assert sender.wait_for_receipt(signed.tx_hash, 10) is not None
    receipt = sender.canonical_receipt(signed.tx_hash)
    assert receipt is not None
    # What Anvil's reorg leaves when it races a block being mined: the block and its receipt on the chain,
    # the state rolled back under them (here: the sender's nonce, as it was before the transaction).
    chain.provider.make_request("anvil_setNonce", [minter.address, hex(nonce)])
    try:
        seen = sender.observe([signed.tx_hash], nonce)
        included = sender.includes(receipt, nonce)
    finally:
        chain.provider.make_request("anvil_setNonce", [minter.address, hex(nonce + 1)])

    assert not included
    assert (seen.mined_status, seen.mined_hash, seen.outside_state) == (None, None, signed.tx_hash)
    assert classify(False, seen) is State.DROPPED
    assert sender.includes(receipt, nonce)


def test_executed_at__the_batch_block_and_before_it__marks_of_that_state(
    sender, minter, free_series
):
    nonce = minter.nonce
    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce, Fees(100 * GWEI, GWEI))
    assert sender.broadcast(signed.raw_tx) is None
    assert sender.wait_for_receipt(signed.tx_hash, 10) is not None
    receipt = sender.canonical_receipt(signed.tx_hash)
    assert receipt is not None
    before = sender.block_hash(receipt["blockNumber"] - 1)
    assert before is not None

    assert sender.executed_at(free_series, BATCH, receipt["blockHash"]) is True
    assert sender.executed_at(free_series, BATCH, before) is False
    assert (sender.nonce_at(receipt["blockHash"]), sender.nonce_at(before)) == (nonce + 1, nonce)


def test_executed_at__a_block_the_chain_does_not_have__none(sender, free_series):
    unknown = "0x" + "ab" * 32

    assert sender.executed_at(free_series, BATCH, unknown) is None
    assert sender.nonce_at(unknown) is None
