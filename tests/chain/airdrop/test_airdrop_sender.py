"""The airdrop's chain calls: signing sends nothing, a refused broadcast is an answer, not an error, an
execution is read from our own event and checked against the batch before it counts."""

import pytest
from eth_utils import keccak

from collectibles.chain.airdrop.plan import Batch
from collectibles.chain.airdrop.records import BatchRecord
from collectibles.chain.airdrop.sender import GAS_LIMIT_MULTIPLIER, BatchSender
from collectibles.domain.errors import ExecutionMismatch

CAMPAIGN = "0x" + "ab" * 32
RECIPIENTS = [f"0x{0xE000 + i:040x}" for i in range(3)]
BATCH = Batch(0, "0x" + "01" * 32, 5, 3, CAMPAIGN)
"""Members 5, 6 and 7 of the campaign."""
RECORD = BatchRecord(CAMPAIGN, 0, BATCH.batch_id, 5, 3, "sent")


@pytest.fixture
def sender(collectible, minter):
    return BatchSender(collectible, minter)


def test_executed_topic__from_the_abi__is_the_event_signature_hash(sender):
    signature = "AirdropExecuted(address,uint256,bytes32,uint256,uint256,uint256,uint256)"

    assert sender.executed_topic == "0x" + keccak(text=signature).hex()


def test_sign__nothing_sent_and_hash_is_keccak_of_raw(sender, minter, free_series):
    nonce = minter.nonce

    signed = sender.sign(free_series, BATCH, RECIPIENTS, nonce)

    assert signed.tx_hash == "0x" + keccak(bytes.fromhex(signed.raw_tx[2:])).hex()
    assert minter.nonce == nonce
    assert sender.receipt(signed.tx_hash) is None
    assert sender.executed(free_series, BATCH) is False


def test_broadcast__signed_batch__executes_with_gas_limit_over_estimate(
    sender, minter, free_series, collectible, chain
):
    signed = sender.sign(free_series, BATCH, RECIPIENTS, minter.nonce)

    assert sender.broadcast(signed.raw_tx) is None
    receipt = sender.wait_for_receipt(signed.tx_hash, timeout=10)

    assert receipt is not None
    assert receipt["status"] == 1
    gas_limit = chain.provider.get_receipt(signed.tx_hash).transaction.gas_limit
    assert gas_limit >= int(
        receipt["gasUsed"] * GAS_LIMIT_MULTIPLIER
    )  # the estimate is at least the use
    assert sender.executed(free_series, BATCH) is True
    execution = sender.execution(free_series, RECORD, from_block=0)
    first = execution.first_token_id
    assert [collectible.ownerOf(first + i).lower() for i in range(3)] == RECIPIENTS
    assert execution.tx_hash == signed.tx_hash
    assert execution.block_number == receipt["blockNumber"]
    assert sender.marks(free_series, CAMPAIGN, 0, 10) == [0b111 << 5]
    assert [
        (e.first_index, e.count, e.minted) for e in sender.executions(free_series, CAMPAIGN)
    ] == [(5, 3, 3)]


def test_broadcast__same_bytes_twice__refusal_returned_not_raised(sender, minter, free_series):
    signed = sender.sign(free_series, BATCH, RECIPIENTS, minter.nonce)
    assert sender.broadcast(signed.raw_tx) is None

    answer = sender.broadcast(signed.raw_tx)

    assert answer  # the node's words for a nonce already used ("nonce too low" on Anvil)
    assert sender.executed(free_series, BATCH) is True


# ------------------------------------------------------------------ executions checked against the batch


def test_execution__not_executed__no_transaction(sender, free_series):
    execution = sender.execution(free_series, RECORD, from_block=0)

    assert (execution.first_token_id, execution.tx_hash, execution.block_number) == (0, None, None)


def test_execution__some_members_served_before__mismatch_names_the_minted_count(
    sender, collectible, minter, free_series
):
    collectible.airdrop(free_series, bytes.fromhex(CAMPAIGN[2:]), 6, RECIPIENTS[1:2], sender=minter)
    tx = collectible.airdrop(free_series, bytes.fromhex(CAMPAIGN[2:]), 5, RECIPIENTS, sender=minter)

    with pytest.raises(ExecutionMismatch, match="tokens minted is 2, planned 3") as raised:
        sender.execution(free_series, RECORD, from_block=0)

    assert raised.value.tx_hash == tx.txn_hash
    assert sender.executed(free_series, BATCH) is True


def test_execution__other_minter_same_campaign__not_ours(
    sender, collectible, admin, curator, minter, free_series
):
    collectible.grantRole(collectible.MINTER_ROLE(), curator, sender=admin)
    collectible.airdrop(free_series, bytes.fromhex(CAMPAIGN[2:]), 5, RECIPIENTS, sender=curator)

    assert sender.executed(free_series, BATCH) is False
    assert sender.execution(free_series, RECORD, from_block=0).tx_hash is None


def test_execution__other_series_same_campaign__not_ours(
    sender, collectible, minter, free_series, gift_series
):
    collectible.airdrop(gift_series, bytes.fromhex(CAMPAIGN[2:]), 5, RECIPIENTS, sender=minter)

    assert sender.executed(free_series, BATCH) is False
    assert sender.execution(free_series, RECORD, from_block=0).tx_hash is None
    assert sender.execution(gift_series, RECORD, from_block=0).tx_hash is not None


def test_wait_for_receipt__unknown_tx__none_after_timeout(sender):
    assert sender.wait_for_receipt("0x" + "12" * 32, timeout=0.3) is None
    assert sender.receipt("0x" + "12" * 32) is None
    assert sender.receipt(None) is None


def test_nonce__latest_and_pending__the_senders_transaction_count(sender, minter):
    assert sender.nonce("latest") == sender.nonce("pending") == minter.nonce


def test_airdrop_calldata__by_hand__same_bytes_as_the_abi_encoder(sender, collectible, free_series):
    recipients = [f"0x{0xE000 + i:040x}" for i in range(300)]

    data = sender.airdrop_calldata(free_series, CAMPAIGN, 257, recipients)

    assert data == bytes(
        collectible.airdrop.encode_input(free_series, bytes.fromhex(CAMPAIGN[2:]), 257, recipients)
    )


def test_marks__raw_calls__same_words_as_the_contract_view(
    sender, collectible, minter, free_series
):
    signed = sender.sign(
        free_series, Batch(0, "0x" + "01" * 32, 254, 3, CAMPAIGN), RECIPIENTS, minter.nonce
    )
    sender.broadcast(signed.raw_tx)
    assert sender.wait_for_receipt(signed.tx_hash, timeout=10) is not None

    views = [
        collectible.airdropMarks(minter, free_series, bytes.fromhex(CAMPAIGN[2:]), w)
        for w in (0, 1)
    ]
    assert sender.marks(free_series, CAMPAIGN, 254, 3) == views == [0b11 << 254, 1]
