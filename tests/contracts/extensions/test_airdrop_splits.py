"""Property test: however one campaign is split into calls, ordered or replayed, no member gets two tokens.

A campaign of :data:`MEMBERS` members (the four holders in turn) is sent as random ranges ``(firstIndex,
length)`` in random order, overlapping or repeating each other, and then once more whole. After each call and
at the end, every member of the union of the ranges holds exactly one token of the series and nobody else
got one, and the marks say exactly who was served.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from utils.properties import chain_settings

from collectibles.domain.tokens import TransferPolicy

MEMBERS = 12
CAMPAIGN = bytes.fromhex("5a" * 32)
SETTINGS = chain_settings(12)  # x8 under `make drill`

ranges = st.lists(
    st.integers(0, MEMBERS - 1).flatmap(
        lambda first: st.tuples(st.just(first), st.integers(1, MEMBERS - first))
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def nft(deploy_collectible):
    return deploy_collectible()


@pytest.fixture
def series_id(nft, admin):
    nft.createSeries("Court", 100, int(TransferPolicy.FREE), 0, "", sender=admin)
    return 1


@pytest.fixture
def holders(fan, friend, operator, stranger):
    return [fan, friend, operator, stranger]


@SETTINGS
@given(calls=ranges)
def test_airdrop__random_splits_and_replays__each_member_at_most_once(
    chain, nft, series_id, minter, holders, calls
):
    members = [holders[i % len(holders)] for i in range(MEMBERS)]
    snapshot = chain.snapshot()
    try:
        served: set[int] = set()
        for first, length in [*calls, (0, MEMBERS)]:
            tx = nft.airdrop(
                series_id, CAMPAIGN, first, members[first : first + length], sender=minter
            )
            fresh = [i for i in range(first, first + length) if i not in served]
            served.update(range(first, first + length))
            assert [log.to for log in tx.events.filter(nft.Transfer)] == [
                members[i].address for i in fresh
            ]
            assert nft.series(series_id).minted == len(served)
        assert [nft.balanceOf(h) for h in holders] == [
            sum(1 for i in served if members[i] == h) for h in holders
        ]
        assert [nft.isAirdropped(minter, series_id, CAMPAIGN, i) for i in range(MEMBERS + 1)] == [
            True
        ] * MEMBERS + [False]
    finally:
        chain.restore(snapshot)
