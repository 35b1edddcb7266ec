"""collectibles.chain.snapshot on Ape's test chain: the holders at a block, replayed from Transfer logs (batch
mints, roster airdrops, gifts and burns) and checked against ``ownerOf`` at that block."""

import pytest

from collectibles.chain.readers import BatchReader
from collectibles.chain.snapshot import (
    SnapshotMismatch,
    SnapshotNotPossible,
    check_owners,
    take_snapshot,
)
from collectibles.domain.errors import UnknownSeries
from collectibles.domain.snapshot import Ownership, read_snapshot
from collectibles.domain.tokens import token_id

CAMPAIGN = "0x" + "5a" * 32


def holders_of(path):
    snapshot = read_snapshot(path)
    return snapshot.header, {h.address: list(h.token_ids) for h in snapshot.holdings()}


def roster_bytes(addresses):
    return b"".join(bytes.fromhex(a[2:]) for a in sorted(addresses, key=lambda a: int(a, 16)))


@pytest.fixture
def holdings(collectible, free_series, minter, accounts, chain):
    """Series ``free_series``: 3 tokens to accounts[3], a roster of 4 (two to accounts[4]), then serial 2
    given to accounts[5] and serial 3 burned. Returns the block before the gift."""
    collectible.mintBatch(free_series, accounts[3], 3, sender=minter)
    roster = [accounts[4].address, accounts[4].address, accounts[6].address, accounts[7].address]
    collectible.airdropRoster(free_series, CAMPAIGN, 0, roster_bytes(roster), sender=minter)
    before_gift = chain.blocks.head.number
    collectible.transferFrom(accounts[3], accounts[5], token_id(free_series, 2), sender=accounts[3])
    collectible.burn(token_id(free_series, 3), sender=accounts[3])
    return before_gift


def test_take_snapshot__mints_roster_gift_and_burn__holders_as_owner_of_says(
    collectible, free_series, holdings, accounts, tmp_path, chain
):
    t = lambda serial: token_id(free_series, serial)  # noqa: E731

    result = take_snapshot(collectible, free_series, tmp_path / "snap.jsonl")

    header, holders = holders_of(result.path)
    expected = {accounts[3].address: [t(1)], accounts[5].address: [t(2)]}
    roster = sorted(
        [accounts[4].address] * 2 + [accounts[6].address, accounts[7].address],
        key=lambda a: int(a, 16),
    )
    for serial, address in zip(range(4, 8), roster, strict=True):  # a roster mints in address order
        expected.setdefault(address, []).append(t(serial))
    assert holders == expected
    assert list(holders) == sorted(holders, key=lambda a: int(a, 16))
    assert (header.series, header.block, header.holders, header.tokens) == (
        free_series,
        chain.blocks.head.number,
        5,
        6,
    )
    assert header.block_hash == "0x" + bytes(chain.blocks.head.hash).hex()
    assert header.contract == collectible.address


def test_take_snapshot__earlier_block__holders_then(
    collectible, free_series, holdings, accounts, tmp_path
):
    result = take_snapshot(collectible, free_series, tmp_path / "then.jsonl", block=holdings)

    _, holders = holders_of(result.path)
    assert holders[accounts[3].address] == [token_id(free_series, s) for s in (1, 2, 3)]
    assert accounts[5].address not in holders


def test_take_snapshot__twice__same_bytes(collectible, free_series, holdings, tmp_path):
    first = take_snapshot(collectible, free_series, tmp_path / "a.jsonl", block=holdings + 1)
    second = take_snapshot(collectible, free_series, tmp_path / "b.jsonl", block=holdings + 1)

    assert first.path.read_bytes() == second.path.read_bytes()


def test_take_snapshot__other_series_tokens__left_out(
    collectible, free_series, badge_series, holdings, accounts, minter, tmp_path
):
    collectible.mint(badge_series, accounts[8], sender=minter)

    _, holders = holders_of(take_snapshot(collectible, free_series, tmp_path / "s.jsonl").path)

    assert accounts[8].address not in holders


def test_take_snapshot__block_in_the_future__refused(
    collectible, free_series, holdings, tmp_path, chain
):
    future = chain.blocks.head.number + 5

    with pytest.raises(SnapshotNotPossible, match=f"block {future} is in the future"):
        take_snapshot(collectible, free_series, tmp_path / "s.jsonl", block=future)
    assert not (tmp_path / "s.jsonl").exists()


def test_take_snapshot__block_before_deployment__refused(
    collectible, free_series, holdings, tmp_path
):
    with pytest.raises(SnapshotNotPossible, match=r"before the contract 0x\w+ was deployed"):
        take_snapshot(collectible, free_series, tmp_path / "s.jsonl", block=0)


def test_take_snapshot__unknown_series__refused(collectible, holdings, tmp_path):
    with pytest.raises(UnknownSeries, match="series 99 does not exist"):
        take_snapshot(collectible, 99, tmp_path / "s.jsonl")


def test_take_snapshot__series_created_after_the_block__refused(
    collectible, create_series, tmp_path, chain
):
    before = chain.blocks.head.number
    later = create_series(name="Later")

    with pytest.raises(SnapshotNotPossible, match=f"series {later} did not exist yet"):
        take_snapshot(collectible, later, tmp_path / "s.jsonl", block=before)


def test_check_owners__replayed_owner_wrong__mismatch_names_the_token(
    collectible, free_series, holdings, accounts, chain
):
    ownership = Ownership(free_series, 7)
    for serial in range(1, 8):
        ownership.transfer(token_id(free_series, serial), bytes.fromhex(accounts[9].address[2:]))
    reader = BatchReader(chain.provider.web3.provider, collectible.address)

    with pytest.raises(SnapshotMismatch, match=f"token {token_id(free_series, 1)}: transfers say"):
        check_owners(reader, ownership, reader.block)
