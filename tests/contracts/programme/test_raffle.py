"""Provable raffles: ``commit`` (event, stored commitment, every refusal), ``draw`` (randomness from the seed and
the hash of the block after the commit, event, every refusal, in the order a draw checks them), the status view
through a raffle's life, and the terms check a verifier uses."""

import pytest
from eth_abi import encode
from eth_utils import keccak
from utils.logs import event_args
from utils.reverts import reverts

UNKNOWN, COMMITTED, DRAWN, EXPIRED = range(4)
SEED = b"\x5e" * 32
ENTRIES_ROOT = b"\xe0" * 32
WINNERS_ROOT = b"\xa1" * 32


def seed_hash(seed: bytes) -> bytes:
    return keccak(encode(["bytes32"], [seed]))


@pytest.fixture
def commit(raffle, admin, chain):
    """Returns a builder: commits a raffle (deadline ``ahead`` blocks after the commit) and returns its id and
    terms, as the RaffleCommitted event gives them."""

    def send(entries=100, winners=3, ahead=10, seed=SEED):
        deadline = chain.blocks.height + 1 + ahead
        tx = raffle.commit(ENTRIES_ROOT, entries, winners, seed_hash(seed), deadline, sender=admin)
        log = tx.events.filter(raffle.RaffleCommitted)[0]
        terms = (
            log.entriesRoot,
            log.seedHash,
            log.entryCount,
            log.winnerCount,
            log.commitBlock,
            log.drawDeadlineBlock,
        )
        return log.raffleId, terms

    return send


# ----------------------------------------------------------------------- commit


def test_commit__valid__emits_every_term_and_counts(raffle, admin, chain):
    count = raffle.raffleCount()
    deadline = chain.blocks.height + 1 + 50

    tx = raffle.commit(ENTRIES_ROOT, 1_000_000, 10, seed_hash(SEED), deadline, sender=admin)

    assert event_args(tx, raffle.RaffleCommitted) == [
        {
            "raffleId": count + 1,
            "entriesRoot": ENTRIES_ROOT,
            "entryCount": 1_000_000,
            "winnerCount": 10,
            "seedHash": seed_hash(SEED),
            "commitBlock": tx.block_number,
            "drawDeadlineBlock": deadline,
        }
    ]
    assert raffle.raffleCount() == count + 1
    assert raffle.raffleStatus(count + 1) == COMMITTED


def test_commit__return_value__next_id(raffle, admin, chain):
    deadline = chain.blocks.height + 10

    assert (
        raffle.commit.call(ENTRIES_ROOT, 5, 1, SEED, deadline, sender=admin)
        == raffle.raffleCount() + 1
    )


def test_commit__without_role__reverts(raffle, stranger, chain):
    with reverts(
        raffle.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=raffle.RAFFLE_ROLE(),
    ):
        raffle.commit(ENTRIES_ROOT, 5, 1, SEED, chain.blocks.height + 10, sender=stranger)


@pytest.mark.parametrize(
    ("entries", "winners"), [(5, 0), (5, 6), (0, 1)], ids=["no-winner", "more-winners", "no-entry"]
)
def test_commit__bad_winner_count__reverts(raffle, admin, chain, entries, winners):
    with reverts(
        raffle.CollectibleRaffleInvalidWinnerCount, winnerCount=winners, entryCount=entries
    ):
        raffle.commit(ENTRIES_ROOT, entries, winners, SEED, chain.blocks.height + 10, sender=admin)


def test_commit__all_winners__accepted(commit, raffle):
    raffle_id, terms = commit(entries=7, winners=7)

    assert terms[2:4] == (7, 7)
    assert raffle.raffleStatus(raffle_id) == COMMITTED


@pytest.mark.parametrize(
    "offset", [1, 257, 0], ids=["next-block", "past-blockhash", "commit-block"]
)
def test_commit__deadline_out_of_range__reverts(raffle, admin, chain, offset):
    block = chain.blocks.height + 1  # the commit's block
    with reverts(
        raffle.CollectibleRaffleInvalidDeadline,
        drawDeadlineBlock=block + offset,
        earliest=block + 2,
        latest=block + 256,
    ):
        raffle.commit(ENTRIES_ROOT, 5, 1, SEED, block + offset, sender=admin)


@pytest.mark.parametrize("offset", [2, 256], ids=["earliest", "latest"])
def test_commit__deadline_at_the_bounds__accepted(raffle, admin, chain, offset):
    block = chain.blocks.height + 1

    tx = raffle.commit(ENTRIES_ROOT, 5, 1, SEED, block + offset, sender=admin)

    assert tx.events.filter(raffle.RaffleCommitted)[0].drawDeadlineBlock == block + offset


# ------------------------------------------------------------------------- draw


def test_draw__after_the_next_block__randomness_mixes_seed_and_block_hash(
    commit, raffle, admin, chain
):
    raffle_id, terms = commit()
    chain.mine(1)  # the block after the commit is now past

    tx = raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)

    mixed_block = chain.provider.get_block(terms[4] + 1).hash
    expected = keccak(encode(["bytes32", "bytes32"], [SEED, bytes(mixed_block)]))
    assert event_args(tx, raffle.RaffleDrawn) == [
        {"raffleId": raffle_id, "seed": SEED, "randomness": expected, "winnersRoot": WINNERS_ROOT}
    ]
    assert raffle.raffleStatus(raffle_id) == DRAWN


def test_draw__at_the_deadline__accepted(commit, raffle, admin, chain):
    raffle_id, terms = commit(ahead=5)
    chain.mine(terms[5] - chain.blocks.height - 1)  # the draw's block is the deadline

    tx = raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)

    assert tx.block_number == terms[5]


def test_draw__in_the_block_after_commit__too_early(commit, raffle, admin):
    raffle_id, terms = commit()

    with reverts(
        raffle.CollectibleRaffleDrawTooEarly, raffleId=raffle_id, firstDrawBlock=terms[4] + 2
    ):
        raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)


def test_draw__past_the_deadline__too_late_and_expired(commit, raffle, admin, chain):
    raffle_id, terms = commit(ahead=3)
    chain.mine(terms[5] - chain.blocks.height)  # the draw's block would be the deadline + 1

    with reverts(
        raffle.CollectibleRaffleDrawTooLate, raffleId=raffle_id, drawDeadlineBlock=terms[5]
    ):
        raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)
    chain.mine(max(0, terms[5] + 1 - chain.blocks.height))  # views run in the latest block
    assert raffle.raffleStatus(raffle_id) == EXPIRED


def test_draw__wrong_seed__reverts(commit, raffle, admin, chain):
    raffle_id, terms = commit()
    chain.mine(1)

    with reverts(raffle.CollectibleRaffleWrongSeed, raffleId=raffle_id):
        raffle.draw(raffle_id, terms, b"\x00" * 32, WINNERS_ROOT, sender=admin)


@pytest.mark.parametrize(
    "field", range(6), ids=["root", "seed-hash", "entries", "winners", "block", "deadline"]
)
def test_draw__any_term_changed__mismatch(commit, raffle, admin, chain, field):
    raffle_id, terms = commit()
    chain.mine(1)
    changed = list(terms)
    changed[field] = b"\x01" * 32 if field < 2 else changed[field] + 1

    with reverts(raffle.CollectibleRaffleTermsMismatch, raffleId=raffle_id):
        raffle.draw(raffle_id, tuple(changed), SEED, WINNERS_ROOT, sender=admin)
    assert raffle.isCommittedTerms(raffle_id, tuple(changed)) is False
    assert raffle.isCommittedTerms(raffle_id, terms) is True


def test_draw__twice__already_drawn(commit, raffle, admin, chain):
    raffle_id, terms = commit()
    chain.mine(1)
    raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)

    with reverts(raffle.CollectibleRaffleAlreadyDrawn, raffleId=raffle_id):
        raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)
    assert raffle.isCommittedTerms(raffle_id, terms) is True


def test_draw__unknown_raffle__reverts(commit, raffle, admin):
    _, terms = commit()
    unknown = raffle.raffleCount() + 1

    with reverts(raffle.CollectibleRaffleUnknown, raffleId=unknown):
        raffle.draw(unknown, terms, SEED, WINNERS_ROOT, sender=admin)
    assert raffle.raffleStatus(unknown) == UNKNOWN
    assert raffle.isCommittedTerms(unknown, terms) is False


def test_draw__without_role__reverts(commit, raffle, stranger, chain):
    raffle_id, terms = commit()
    chain.mine(1)

    with reverts(
        raffle.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=raffle.RAFFLE_ROLE(),
    ):
        raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=stranger)


def test_draw__two_raffles__independent(commit, raffle, admin, chain):
    first, first_terms = commit()
    second, _ = commit(seed=b"\x02" * 32)
    chain.mine(1)

    raffle.draw(first, first_terms, SEED, WINNERS_ROOT, sender=admin)

    assert (raffle.raffleStatus(first), raffle.raffleStatus(second)) == (DRAWN, COMMITTED)


def test_raffle_status__drawn_raffle__stays_drawn_past_its_deadline(commit, raffle, admin, chain):
    raffle_id, terms = commit(ahead=3)
    chain.mine(1)
    raffle.draw(raffle_id, terms, SEED, WINNERS_ROOT, sender=admin)
    chain.mine(10)

    assert raffle.raffleStatus(raffle_id) == DRAWN
