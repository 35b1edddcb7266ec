"""collectibles.chain.raffle on Ape's test chain: commit from a snapshot, draw with the revealed seed, verify from
the events and the entries file; every refusal before anything is sent."""

import stat
from array import array

import pytest
from eth_utils import keccak

from collectibles.chain.raffle import (
    RaffleRefused,
    commit_raffle,
    committed_terms,
    draw_raffle,
    verify_on_chain,
)
from collectibles.chain.snapshot import take_snapshot
from collectibles.domain.members import parse_members
from collectibles.domain.raffle import Entries, TooManyWinners, WeightRule
from collectibles.domain.raffle_files import entries_header, read_entries, write_entries
from collectibles.domain.raffle_seed import SeedFileProblem, read_seed_file
from collectibles.domain.raffle_verify import EntriesNotCommitted


@pytest.fixture
def raffle(project, admin):
    contract = admin.deploy(project.CollectibleRaffle, admin)
    contract.grantRole(contract.RAFFLE_ROLE(), admin, sender=admin)
    return contract


@pytest.fixture
def snapshot(collectible, badge_series, minter, accounts, tmp_path):
    """Badges: accounts[3] 3, accounts[4] 1, accounts[5] 2, accounts[6] 4."""
    for account, count in ((3, 3), (4, 1), (5, 2), (6, 4)):
        collectible.mintBatch(badge_series, accounts[account], count, sender=minter)
    return take_snapshot(collectible, badge_series, tmp_path / "holders.jsonl").path


@pytest.fixture
def committed(raffle, snapshot, admin, tmp_path):
    def commit(winners=2, rule="per-badge", window=20, name="entries"):
        return commit_raffle(
            raffle,
            snapshot,
            WeightRule.parse(rule),
            winners,
            tmp_path / f"{name}.jsonl",
            tmp_path / f"{name}.seed.json",
            admin,
            window,
        )

    return commit


def test_commit_raffle__snapshot__terms_on_chain_are_the_entries_file_and_seed(
    raffle, committed, chain
):
    result = committed(winners=2)

    terms = committed_terms(raffle, result.terms.raffle_id)
    header, entries = read_entries(result.entries_path)
    seed = read_seed_file(result.seed_path)
    assert terms == result.terms
    assert (terms.entries_root, terms.entry_count, terms.winner_count) == (entries.root(), 10, 2)
    assert terms.seed_hash == keccak(seed.seed)
    assert terms.commit_block == chain.blocks.head.number
    assert terms.draw_deadline_block == terms.commit_block + 20
    assert seed.raffle_id == terms.raffle_id
    assert stat.S_IMODE(result.seed_path.stat().st_mode) == 0o600
    assert header.weight == "per-badge"


def test_draw_raffle__after_two_blocks__winners_recorded_verified_and_an_airdrop_member_file(
    raffle, committed, admin, chain, tmp_path
):
    result = committed(winners=2)
    chain.mine(2)

    drawn = draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin)

    seed = read_seed_file(result.seed_path).seed
    block_hash = bytes(chain.blocks[result.terms.commit_block + 1].hash)
    assert drawn.draw.randomness == keccak(seed + block_hash)
    assert drawn.draw.seed == seed
    assert int(raffle.raffleStatus(result.terms.raffle_id)) == 2  # RaffleStatus.Drawn
    members = parse_members(drawn.winners_path.read_bytes(), drawn.winners_path)
    assert members.addresses == [w.account for w in drawn.winners]
    _, verification = verify_on_chain(
        raffle, result.terms.raffle_id, result.entries_path, drawn.winners_path
    )
    assert verification.ok
    assert verification.winners == drawn.winners


def test_draw_raffle__in_the_block_after_the_commit__refused_nothing_sent(
    raffle, committed, admin, tmp_path
):
    result = committed()
    nonce = admin.nonce

    with pytest.raises(RaffleRefused, match="cannot be drawn before block"):
        draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin)
    assert admin.nonce == nonce
    assert not (tmp_path / "w.csv").exists()


def test_draw_raffle__after_the_deadline__expired_nothing_sent(
    raffle, committed, admin, chain, tmp_path
):
    result = committed(window=3)
    chain.mine(4)
    nonce = admin.nonce

    with pytest.raises(
        RaffleRefused, match=r"expired at block \d+ without a draw .* commit a new raffle"
    ):
        draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin)
    assert admin.nonce == nonce
    with pytest.raises(RaffleRefused, match=r"expired at block \d+ without a draw"):
        verify_on_chain(raffle, result.terms.raffle_id, result.entries_path)


def test_draw_raffle__seed_that_does_not_match_its_hash__refused_nothing_sent(
    raffle, committed, admin, chain, tmp_path
):
    first, second = committed(name="a"), committed(name="b")
    wrong = tmp_path / "wrong.seed.json"  # raffle b's seed, labelled as raffle a's
    wrong.write_text(
        second.seed_path.read_text().replace(
            f'"raffle_id": {second.terms.raffle_id}', f'"raffle_id": {first.terms.raffle_id}'
        )
    )
    chain.mine(2)
    nonce = admin.nonce

    with pytest.raises(RaffleRefused, match="does not hash to raffle 1's committed seed hash"):
        draw_raffle(raffle, first.entries_path, wrong, tmp_path / "w.csv", admin)
    assert admin.nonce == nonce


def test_draw_raffle__raffle_id_not_the_seed_files__refused(
    raffle, committed, admin, chain, tmp_path
):
    result = committed()
    chain.mine(2)

    with pytest.raises(SeedFileProblem, match="holds the seed of raffle 1, not 2"):
        draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin, 2)


def test_draw_raffle__entries_file_rewritten_with_other_weights__not_committed_nothing_sent(
    raffle, committed, admin, chain, tmp_path
):
    result = committed()
    header, entries = read_entries(result.entries_path)
    weights = array("Q", entries.weights)
    weights[0] += 5  # a consistent file, root and count rewritten, that is not the committed one
    forged = Entries(entries.accounts, weights)
    write_entries(result.entries_path, entries_header(forged, header.weight, {}), forged)
    chain.mine(2)
    nonce = admin.nonce

    with pytest.raises(EntriesNotCommitted, match="but raffle 1 committed 0x"):
        draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin)
    assert admin.nonce == nonce
    assert not (tmp_path / "w.csv").exists()


def test_draw_raffle__entries_of_another_raffle__entries_not_committed(
    raffle, committed, admin, chain, tmp_path
):
    badge, holder = committed(name="badge"), committed(name="holder", rule="per-holder")
    chain.mine(2)

    with pytest.raises(EntriesNotCommitted, match="this is not its entries file"):
        draw_raffle(raffle, holder.entries_path, badge.seed_path, tmp_path / "w.csv", admin)


def test_draw_raffle__drawn_already__refused(raffle, committed, admin, chain, tmp_path):
    result = committed()
    chain.mine(2)
    draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "w.csv", admin)

    with pytest.raises(RaffleRefused, match="is drawn already"):
        draw_raffle(raffle, result.entries_path, result.seed_path, tmp_path / "x.csv", admin)


def test_commit_raffle__more_winners_than_holders__refused_nothing_sent(committed, admin, tmp_path):
    nonce = admin.nonce

    with pytest.raises(TooManyWinners, match="5 winners asked for, but the raffle has only 4"):
        committed(winners=5)
    assert admin.nonce == nonce
    assert not (tmp_path / "entries.seed.json").exists()


def test_verify_on_chain__winners_root_recorded_by_hand__winners_root_mismatch(
    raffle, committed, admin, chain
):
    result = committed(winners=2)
    chain.mine(2)
    seed = read_seed_file(result.seed_path).seed
    raffle.draw(
        result.terms.raffle_id, result.terms.as_struct(), seed, keccak(text="mine"), sender=admin
    )

    _, verification = verify_on_chain(raffle, result.terms.raffle_id, result.entries_path)

    assert [c.name for c in verification.checks if not c.ok] == ["winners root"]


def test_verify_on_chain__not_drawn_yet__refused(raffle, committed):
    result = committed()

    with pytest.raises(RaffleRefused, match="not drawn yet"):
        verify_on_chain(raffle, result.terms.raffle_id, result.entries_path)


def test_committed_terms__unknown_raffle__refused(raffle):
    with pytest.raises(RaffleRefused, match="raffle 9 was never committed"):
        committed_terms(raffle, 9)
