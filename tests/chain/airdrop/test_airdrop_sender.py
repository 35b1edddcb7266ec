"""The airdrop's chain calls: signing sends nothing, a refused broadcast is an answer, not an error."""

import pytest
from eth_utils import keccak

from collectibles.chain.airdrop.sender import GAS_LIMIT_MULTIPLIER, BatchSender

BATCH_ID = "0x" + "ab" * 32
RECIPIENTS = [f"0x{0xE000 + i:040x}" for i in range(3)]


@pytest.fixture
def sender(collectible, minter):
    return BatchSender(collectible, minter)


def test_executed_topic__from_the_abi__is_the_event_signature_hash(sender):
    signature = "AirdropExecuted(bytes32,uint256,uint256,uint256)"

    assert sender.executed_topic == "0x" + keccak(text=signature).hex()


def test_sign__nothing_sent_and_hash_is_keccak_of_raw(sender, minter, free_series):
    nonce = minter.nonce

    signed = sender.sign(free_series, BATCH_ID, RECIPIENTS, nonce)

    assert signed.tx_hash == "0x" + keccak(bytes.fromhex(signed.raw_tx[2:])).hex()
    assert minter.nonce == nonce
    assert sender.receipt(signed.tx_hash) is None
    assert sender.first_token_id(BATCH_ID) == 0


def test_broadcast__signed_batch__executes_with_gas_limit_over_estimate(
    sender, minter, free_series, collectible, chain
):
    signed = sender.sign(free_series, BATCH_ID, RECIPIENTS, minter.nonce)

    assert sender.broadcast(signed.raw_tx) is None
    receipt = sender.wait_for_receipt(signed.tx_hash, timeout=10)

    assert receipt is not None
    assert receipt["status"] == 1
    gas_limit = chain.provider.get_receipt(signed.tx_hash).transaction.gas_limit
    assert gas_limit >= int(
        receipt["gasUsed"] * GAS_LIMIT_MULTIPLIER
    )  # the estimate is at least the use
    first = sender.first_token_id(BATCH_ID)
    assert [collectible.ownerOf(first + i).lower() for i in range(3)] == RECIPIENTS
    execution = sender.execution(BATCH_ID, from_block=0)
    assert (execution.first_token_id, execution.tx_hash) == (first, signed.tx_hash)
    assert execution.block_number == receipt["blockNumber"]


def test_broadcast__same_bytes_twice__refusal_returned_not_raised(sender, minter, free_series):
    signed = sender.sign(free_series, BATCH_ID, RECIPIENTS, minter.nonce)
    assert sender.broadcast(signed.raw_tx) is None

    answer = sender.broadcast(signed.raw_tx)

    assert answer  # the node's words for a nonce already used ("nonce too low" on Anvil)
    assert sender.first_token_id(BATCH_ID) > 0


def test_wait_for_receipt__unknown_tx__none_after_timeout(sender):
    assert sender.wait_for_receipt("0x" + "12" * 32, timeout=0.3) is None
    assert sender.receipt("0x" + "12" * 32) is None
    assert sender.receipt(None) is None


def test_nonce__latest_and_pending__the_senders_transaction_count(sender, minter):
    assert sender.nonce("latest") == sender.nonce("pending") == minter.nonce
