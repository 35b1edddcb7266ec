"""The checks before signing: what the series has room for is judged against batches read after it."""

from collectibles.chain.airdrop.plan import Batch
from collectibles.chain.airdrop.preflight import refusal

CAMPAIGN = "0x" + "a7" * 32
MEMBERS = [f"0x{0xE700 + i:040x}" for i in range(4)]
FIRST, SECOND = (
    Batch(0, "0x" + "07" * 32, 0, 2, CAMPAIGN),
    Batch(1, "0x" + "08" * 32, 2, 2, CAMPAIGN),
)


def test_refusal__batch_mined_between_the_reads__counted_once_and_not_refused(
    collectible, minter, create_series
):
    series = create_series(name="Room for four", max_supply=4)

    def pending():  # the first batch is mined after the series was read, before the marks are
        collectible.airdrop(series, bytes.fromhex(CAMPAIGN[2:]), 0, MEMBERS[:2], sender=minter)
        return [SECOND]

    assert refusal(collectible, minter, series, pending, MEMBERS) == (4, None)


def test_refusal__more_pending_than_room__refused_naming_both(collectible, minter, create_series):
    series = create_series(name="Room for three", max_supply=3)

    cap_left, reason = refusal(collectible, minter, series, lambda: [FIRST, SECOND], MEMBERS)

    assert (cap_left, reason) == (3, f"series {series} can mint 3 more tokens, the airdrop needs 4")
