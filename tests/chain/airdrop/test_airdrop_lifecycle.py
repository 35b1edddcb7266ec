"""A sent batch's state from what the node shows, the replacement trigger, depth, and nonces left without gaps."""

import itertools

import pytest
import requests

from collectibles.chain.airdrop.fees import GWEI, Fees
from collectibles.chain.airdrop.lifecycle import (
    STALL_BLOCKS,
    Observation,
    State,
    classify,
    depth,
    free_nonces,
    needs_replacement,
)
from collectibles.chain.airdrop.retry import ChainUnavailable, Retrying, is_transient


def seen(mined_status=None, in_pool=False, nonce_used=False):
    return Observation(
        mined_status, "0xab" if mined_status is not None else None, in_pool, nonce_used
    )


@pytest.mark.parametrize(
    ("executed", "observation", "state"),
    [
        (True, seen(), State.EXECUTED),
        (True, seen(mined_status=0, nonce_used=True), State.EXECUTED),  # the contract's word first
        (False, seen(mined_status=0, nonce_used=True), State.REVERTED),
        (False, seen(mined_status=1, nonce_used=True), State.REVERTED),
        (False, seen(in_pool=True), State.PENDING),
        (False, seen(), State.DROPPED),
        (False, seen(nonce_used=True), State.NONCE_TAKEN),
    ],
)
def test_classify__observation__state(executed, observation, state):
    assert classify(executed, observation) is state


def test_needs_replacement__underpriced_or_stalled_only():
    fees = Fees(50 * GWEI, GWEI)

    assert not needs_replacement(fees, base_fee=50 * GWEI, blocks_waited=0)
    assert needs_replacement(fees, base_fee=51 * GWEI, blocks_waited=0)
    assert not needs_replacement(fees, base_fee=10 * GWEI, blocks_waited=STALL_BLOCKS - 1)
    assert needs_replacement(fees, base_fee=10 * GWEI, blocks_waited=STALL_BLOCKS)
    assert not needs_replacement(None, base_fee=10**12, blocks_waited=99)  # a legacy send


def test_depth__mined_in_head__one_confirmation():
    assert [depth(10, head) for head in (9, 10, 11, 12)] == [0, 1, 2, 3]


def test_free_nonces__held_and_pooled_skipped__no_gap_below_a_held_nonce():
    # Mined up to 10; 10 and 11 wait in the pool for another process; batches hold 12 and 14.
    assert list(itertools.islice(free_nonces(10, 12, [12, 14]), 3)) == [13, 15, 16]
    # A reorg took back 10 and 11 while batch at 12 still waits: refill 10 and 11 first.
    assert list(itertools.islice(free_nonces(10, 10, [12]), 3)) == [10, 11, 13]


def http_error(status):
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError(f"{status}", response=response)


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (http_error(429), True),
        (http_error(502), True),
        (http_error(400), False),
        (requests.ConnectionError("reset"), True),
        (requests.ReadTimeout("slow"), True),
        (ValueError("nonce too low"), False),
    ],
)
def test_is_transient__transport_failures_only(error, transient):
    assert is_transient(error) is transient


def test_is_transient__wrapped_by_a_library__cause_followed():
    outer = RuntimeError("provider failed")
    outer.__cause__ = requests.ConnectionError("reset by peer")

    assert is_transient(outer)
    assert not is_transient(RuntimeError("provider failed"))


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_retrying__fails_twice_then_answers__backoff_doubles():
    clock = FakeClock()
    answers = iter([http_error(429), requests.ConnectionError("reset"), "0x1"])

    def call():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    retrying = Retrying("http://node", sleep=clock.sleep, clock=lambda: clock.now)

    assert retrying("reading", call) == "0x1"
    assert clock.sleeps == [0.1, 0.2]
    assert retrying.retries == 2


def test_retrying__node_gone__chain_unavailable_after_patience_with_backoff_capped():
    clock = FakeClock()
    logs: list[str] = []

    def call():
        raise requests.ConnectionError("refused")

    retrying = Retrying(
        "http://node", patience=30, sleep=clock.sleep, clock=lambda: clock.now, log=logs.append
    )

    with pytest.raises(ChainUnavailable) as raised:
        retrying("reading the nonce", call)

    assert clock.now <= 30
    assert max(clock.sleeps) == 5.0
    assert "http://node did not answer for 30s" in str(raised.value)
    assert "rerun the same command" in str(raised.value)
    assert logs[0] == "reading the nonce: ConnectionError from http://node; retrying"


def test_retrying__an_answer_that_is_an_error__raised_at_once():
    clock = FakeClock()

    def call():
        raise ValueError("execution reverted")

    with pytest.raises(ValueError, match="execution reverted"):
        Retrying("http://node", sleep=clock.sleep, clock=lambda: clock.now)("calling", call)
    assert clock.sleeps == []
