"""Series lifecycle: ``createSeries`` (ids, stored fields, event, every revert), ``closeSeries``,
unknown series, ``seriesCount`` and ``totalSupply``.

Tests that count series deploy a fresh collection, so ids and counts are exact whatever other session
fixtures created on the shared one.
"""

import pytest
from utils.chain_time import HOLD_SECONDS
from utils.logs import event_args
from utils.reverts import reverts

from collectibles.domain.tokens import TransferPolicy, token_id

FREE, GIFT, SOULBOUND = (
    TransferPolicy.FREE,
    TransferPolicy.GIFT_AFTER_HOLD,
    TransferPolicy.SOULBOUND,
)
UINT32_MAX = 2**32 - 1
ZERO_BYTES32 = b"\x00" * 32


@pytest.fixture
def nft(deploy_collectible):
    """A fresh collection: no series at all."""
    return deploy_collectible()


def create(nft, admin, name="Court", max_supply=200, policy=FREE, hold=0, base_uri="ipfs://cid/"):
    return nft.createSeries(name, max_supply, int(policy), hold, base_uri, sender=admin)


# ------------------------------------------------------------------ createSeries


def test_create_series__fresh_collection__ids_count_from_one(nft, admin):
    assert nft.seriesCount() == 0

    first = create(nft, admin, name="Court")
    second = create(nft, admin, name="Badge", policy=SOULBOUND)

    assert [log.seriesId for log in first.events.filter(nft.SeriesCreated)] == [1]
    assert [log.seriesId for log in second.events.filter(nft.SeriesCreated)] == [2]
    assert nft.seriesCount() == 2


def test_create_series__return_value__next_id(nft, admin):
    create(nft, admin)

    assert nft.createSeries.call("Badge", 10, int(SOULBOUND), 0, "", sender=admin) == 2


def test_create_series__gift_series__stores_every_field(nft, admin):
    create(
        nft,
        admin,
        name="Greeting Card",
        max_supply=500,
        policy=GIFT,
        hold=HOLD_SECONDS,
        base_uri="ipfs://x/c.json",
    )

    info = nft.series(1)

    assert info.name == "Greeting Card"
    assert info.baseURI == "ipfs://x/c.json"
    assert info.merkleRoot == ZERO_BYTES32
    assert info.maxSupply == 500
    assert info.minted == 0
    assert info.burned == 0
    assert info.policy == GIFT
    assert info.holdSeconds == HOLD_SECONDS
    assert info.closed is False
    assert info.metadataFrozen is False


@pytest.mark.parametrize(
    ("policy", "hold"),
    [
        pytest.param(FREE, 0, id="free"),
        pytest.param(GIFT, HOLD_SECONDS, id="gift"),
        pytest.param(SOULBOUND, 0, id="soulbound"),
    ],
)
def test_create_series__each_policy__emits_series_created(nft, admin, policy, hold):
    tx = create(
        nft,
        admin,
        name="Spring",
        max_supply=42,
        policy=policy,
        hold=hold,
        base_uri="ipfs://spring/",
    )

    assert event_args(tx, nft.SeriesCreated) == [
        {
            "seriesId": 1,
            "name": "Spring",
            "maxSupply": 42,
            "policy": int(policy),
            "holdSeconds": hold,
            "baseURI": "ipfs://spring/",
        }
    ]
    assert nft.series(1).policy == policy
    assert nft.series(1).holdSeconds == hold


def test_create_series__empty_base_uri__accepted(nft, admin):
    create(nft, admin, base_uri="")

    assert nft.series(1).baseURI == ""


def test_create_series__largest_cap__accepted(nft, admin):
    create(nft, admin, max_supply=999_999)

    assert nft.series(1).maxSupply == 999_999


def test_create_series__cap_of_one__accepted(nft, admin):
    create(nft, admin, max_supply=1)

    assert nft.series(1).maxSupply == 1


def test_create_series__gift_with_uint32_max_hold__accepted(nft, admin):
    create(nft, admin, policy=GIFT, hold=UINT32_MAX)

    assert nft.series(1).holdSeconds == UINT32_MAX


def test_create_series__empty_name__reverts(nft, admin):
    with reverts(nft.CollectibleEmptySeriesName):
        create(nft, admin, name="")

    assert nft.seriesCount() == 0


@pytest.mark.parametrize(
    "max_supply", [0, 1_000_000, 2**32], ids=["zero", "stride", "uint32_overflow"]
)
def test_create_series__cap_out_of_range__reverts_invalid_max_supply(nft, admin, max_supply):
    with reverts(nft.CollectibleInvalidMaxSupply, maxSupply=max_supply):
        create(nft, admin, max_supply=max_supply)

    assert nft.seriesCount() == 0


@pytest.mark.parametrize(
    "policy", [pytest.param(FREE, id="free"), pytest.param(SOULBOUND, id="soulbound")]
)
@pytest.mark.parametrize("hold", [1, HOLD_SECONDS])
def test_create_series__hold_on_policy_without_hold__reverts_invalid_hold(nft, admin, policy, hold):
    with reverts(nft.CollectibleInvalidHold, policy=int(policy), holdSeconds=hold):
        create(nft, admin, policy=policy, hold=hold)

    assert nft.seriesCount() == 0


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(FREE, id="free"),
        pytest.param(GIFT, id="gift"),
        pytest.param(SOULBOUND, id="soulbound"),
    ],
)
def test_create_series__hold_above_uint32__reverts_invalid_hold(nft, admin, policy):
    with reverts(nft.CollectibleInvalidHold, policy=int(policy), holdSeconds=UINT32_MAX + 1):
        create(nft, admin, policy=policy, hold=UINT32_MAX + 1)


@pytest.mark.parametrize("caller", ["minter", "curator", "fan", "stranger"])
def test_create_series__without_admin_role__reverts_unauthorized(nft, admin, caller, request):
    account = request.getfixturevalue(caller)

    with reverts(
        nft.AccessControlUnauthorizedAccount, account=account.address, neededRole=ZERO_BYTES32
    ):
        create(nft, account)

    assert nft.seriesCount() == 0


def test_create_series__second_series__token_ids_start_at_its_stride(
    collectible, create_series, mint_to, fan
):
    first = create_series(name="One", max_supply=3)
    second = create_series(name="Two", max_supply=3)

    assert second == first + 1
    assert mint_to(second, fan) == token_id(second, 1)
    assert mint_to(first, fan) == token_id(first, 1)


# ------------------------------------------------------------------ closeSeries


def test_close_series__open_series__closed_and_emits_series_closed(collectible, admin, free_series):
    tx = collectible.closeSeries(free_series, sender=admin)

    assert event_args(tx, collectible.SeriesClosed) == [{"seriesId": free_series}]
    assert collectible.series(free_series).closed is True


def test_close_series__closed_series__mint_reverts_series_closed(
    collectible, admin, minter, free_series, fan
):
    collectible.closeSeries(free_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.mint(free_series, fan, sender=minter)
    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.mintBatch(free_series, fan, 2, sender=minter)
    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.airdrop(free_series, b"\x01" * 32, 0, [fan], sender=minter)

    assert collectible.series(free_series).minted == 0
    assert collectible.balanceOf(fan) == 0


def test_close_series__minted_tokens__unaffected(
    collectible, admin, free_series, mint_to, fan, friend
):
    token = mint_to(free_series, fan)

    collectible.closeSeries(free_series, sender=admin)

    assert collectible.ownerOf(token) == fan.address
    collectible.transferFrom(fan, friend, token, sender=fan)
    assert collectible.ownerOf(token) == friend.address
    assert collectible.series(free_series).minted == 1


def test_close_series__other_series__still_mintable(
    collectible, admin, free_series, badge_series, mint_to, fan
):
    collectible.closeSeries(free_series, sender=admin)

    assert mint_to(badge_series, fan) == token_id(badge_series, 1)
    assert collectible.series(badge_series).closed is False


@pytest.mark.parametrize("caller", ["minter", "curator", "stranger"])
def test_close_series__without_admin_role__reverts_unauthorized(
    collectible, free_series, caller, request
):
    account = request.getfixturevalue(caller)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=account.address,
        neededRole=ZERO_BYTES32,
    ):
        collectible.closeSeries(free_series, sender=account)

    assert collectible.series(free_series).closed is False


def test_close_series__unknown_series__reverts_unknown_series(nft, admin):
    create(nft, admin)

    with reverts(nft.CollectibleUnknownSeries, seriesId=2):
        nft.closeSeries(2, sender=admin)
    with reverts(nft.CollectibleUnknownSeries, seriesId=0):
        nft.closeSeries(0, sender=admin)


# ------------------------------------------------------------------ unknown series


@pytest.mark.parametrize("series_id", [0, 2, 999])
def test_series__unknown_id__reverts_unknown_series(nft, admin, series_id):
    create(nft, admin)

    with reverts(nft.CollectibleUnknownSeries, seriesId=series_id):
        nft.series(series_id)


def test_mint__unknown_series__reverts_unknown_series(nft, admin, minter, fan):
    create(nft, admin)

    with reverts(nft.CollectibleUnknownSeries, seriesId=2):
        nft.mint(2, fan, sender=minter)
    with reverts(nft.CollectibleUnknownSeries, seriesId=2):
        nft.mintBatch(2, fan, 3, sender=minter)
    with reverts(nft.CollectibleUnknownSeries, seriesId=0):
        nft.airdrop(0, b"\x01" * 32, 0, [fan], sender=minter)


# ------------------------------------------------------------------ seriesCount, totalSupply


def test_total_supply__fresh_collection__zero(nft, admin):
    assert nft.totalSupply() == 0
    create(nft, admin)
    assert nft.totalSupply() == 0


def test_total_supply__mints_across_series__sums_minted_minus_burned(
    nft, admin, minter, fan, friend
):
    create(nft, admin, name="Court", policy=FREE)
    create(nft, admin, name="Badge", policy=SOULBOUND)

    nft.mint(1, fan, sender=minter)
    nft.mintBatch(1, friend, 4, sender=minter)
    nft.airdrop(2, b"\x07" * 32, 0, [fan, friend, fan], sender=minter)
    assert nft.totalSupply() == 8

    nft.burn(token_id(1, 3), sender=friend)
    nft.burn(token_id(2, 1), sender=fan)

    assert nft.totalSupply() == 6
    assert (nft.series(1).minted, nft.series(1).burned) == (5, 1)
    assert (nft.series(2).minted, nft.series(2).burned) == (3, 1)
    assert nft.balanceOf(fan) + nft.balanceOf(friend) == 6
