"""Benefit redemption: ``createCampaign`` (stored fields, event, every refusal), ``redeem`` in both modes (count,
event, burn through the collection), every error of a redemption, the views, and a property: a redemption is
counted once per call and never past the campaign's limit."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

BURN, MARK = 0, 1
ORDER = b"\x11" * 32
DAY = 86_400


@pytest.fixture
def now(chain):
    return chain.pending_timestamp


@pytest.fixture
def create_campaign(redemption, admin, now):
    """Returns a builder: creates a campaign open now, for a day, and returns its id."""

    def create(series_ids, mode=MARK, limit=1, start=None, end=None):
        start = now - 10 if start is None else start
        end = now + DAY if end is None else end
        tx = redemption.createCampaign(series_ids, start, end, mode, limit, sender=admin)
        return tx.events.filter(redemption.CampaignCreated)[0].campaignId

    return create


# -------------------------------------------------------------- createCampaign


def test_create_campaign__valid__stores_fields_and_emits(
    redemption, admin, free_series, gift_series, now
):
    count = redemption.campaignCount()

    tx = redemption.createCampaign(
        [free_series, gift_series], now, now + DAY, MARK, 3, sender=admin
    )

    campaign_id = count + 1
    assert event_args(tx, redemption.CampaignCreated) == [
        {
            "campaignId": campaign_id,
            "seriesIds": [free_series, gift_series],
            "start": now,
            "end": now + DAY,
            "mode": MARK,
            "limit": 3,
        }
    ]
    stored = redemption.campaign(campaign_id)
    assert (stored.start, stored.end, stored.mode, stored.limit) == (now, now + DAY, MARK, 3)
    assert redemption.isEligible(campaign_id, free_series) is True
    assert redemption.isEligible(campaign_id, gift_series) is True
    assert redemption.campaignCount() == campaign_id


def test_create_campaign__series_not_listed__not_eligible(
    create_campaign, redemption, free_series, badge_series
):
    campaign_id = create_campaign([free_series])

    assert redemption.isEligible(campaign_id, badge_series) is False


def test_create_campaign__without_role__reverts(redemption, stranger, free_series, now):
    with reverts(
        redemption.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=redemption.CAMPAIGN_ROLE(),
    ):
        redemption.createCampaign([free_series], now, now + DAY, MARK, 1, sender=stranger)


@pytest.mark.parametrize("series", [[], "twice"], ids=["none", "twice"])
def test_create_campaign__empty_or_repeated_series__reverts(
    redemption, admin, free_series, now, series
):
    series_ids = [free_series, free_series] if series == "twice" else []

    with reverts(redemption.CollectibleRedemptionInvalidSeries):
        redemption.createCampaign(series_ids, now, now + DAY, MARK, 1, sender=admin)


def test_create_campaign__unknown_series__reverts(redemption, collectible, admin, now):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        redemption.createCampaign([unknown], now, now + DAY, MARK, 1, sender=admin)


@pytest.mark.parametrize("length", [0, -1], ids=["empty", "reversed"])
def test_create_campaign__window_not_after_start__reverts(
    redemption, admin, free_series, now, length
):
    with reverts(redemption.CollectibleRedemptionInvalidWindow, start=now, end=now + length):
        redemption.createCampaign([free_series], now, now + length, MARK, 1, sender=admin)


@pytest.mark.parametrize(
    ("mode", "limit"), [(MARK, 0), (BURN, 0), (BURN, 2)], ids=["mark-0", "burn-0", "burn-2"]
)
def test_create_campaign__bad_limit__reverts(redemption, admin, free_series, now, mode, limit):
    with reverts(redemption.CollectibleRedemptionInvalidLimit, mode=mode, limit=limit):
        redemption.createCampaign([free_series], now, now + DAY, mode, limit, sender=admin)


# ----------------------------------------------------------------------- redeem


def test_redeem__mark_mode__counts_emits_and_keeps_the_token(
    create_campaign, redemption, collectible, free_series, mint_to, fan
):
    campaign_id = create_campaign([free_series], MARK, 2)
    token = mint_to(free_series, fan)

    first = redemption.redeem(campaign_id, token, ORDER, sender=fan)
    second = redemption.redeem(campaign_id, token, b"\x22" * 32, sender=fan)

    assert event_args(first, redemption.Redeemed) == [
        {
            "campaignId": campaign_id,
            "tokenId": token,
            "holder": fan.address,
            "orderRef": ORDER,
            "count": 1,
        }
    ]
    assert [log.count for log in second.events.filter(redemption.Redeemed)] == [2]
    assert redemption.redemptions(campaign_id, token) == 2
    assert collectible.ownerOf(token) == fan.address


def test_redeem__burn_mode__burns_the_token_then_emits(
    create_campaign, redemption, collectible, badge_series, mint_to, fan
):
    campaign_id = create_campaign([badge_series], BURN, 1)
    token = mint_to(badge_series, fan)
    burned_before = collectible.series(badge_series).burned

    tx = redemption.redeem(campaign_id, token, ORDER, sender=fan)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": token}
    ]
    assert [log.count for log in tx.events.filter(redemption.Redeemed)] == [1]
    assert redemption.redemptions(campaign_id, token) == 1
    assert collectible.series(badge_series).burned == burned_before + 1
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)


def test_redeem__burn_mode_twice__token_gone(
    create_campaign, redemption, collectible, free_series, mint_to, fan
):
    campaign_id = create_campaign([free_series], BURN, 1)
    token = mint_to(free_series, fan)
    redemption.redeem(campaign_id, token, ORDER, sender=fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        redemption.redeem(campaign_id, token, ORDER, sender=fan)


def test_redeem__over_limit__reverts(create_campaign, redemption, free_series, mint_to, fan):
    campaign_id = create_campaign([free_series], MARK, 1)
    token = mint_to(free_series, fan)
    redemption.redeem(campaign_id, token, ORDER, sender=fan)

    with reverts(
        redemption.CollectibleRedemptionLimitReached, campaignId=campaign_id, tokenId=token, limit=1
    ):
        redemption.redeem(campaign_id, token, ORDER, sender=fan)


def test_redeem__unknown_campaign__reverts(redemption, free_series, mint_to, fan):
    unknown = redemption.campaignCount() + 1
    token = mint_to(free_series, fan)

    with reverts(redemption.CollectibleRedemptionUnknownCampaign, campaignId=unknown):
        redemption.redeem(unknown, token, ORDER, sender=fan)
    with reverts(redemption.CollectibleRedemptionUnknownCampaign, campaignId=unknown):
        redemption.campaign(unknown)


@pytest.mark.parametrize("when", ["before", "at-end"])
def test_redeem__outside_window__reverts(
    create_campaign, redemption, chain, free_series, mint_to, fan, now, when
):
    start, end = now + 1_000, now + 2_000
    campaign_id = create_campaign([free_series], MARK, 1, start=start, end=end)
    token = mint_to(free_series, fan)
    chain.pending_timestamp = start - 1 if when == "before" else end

    with reverts(
        redemption.CollectibleRedemptionOutsideWindow, campaignId=campaign_id, start=start, end=end
    ):
        redemption.redeem(campaign_id, token, ORDER, sender=fan)


def test_redeem__first_and_last_second_of_window__accepted(
    create_campaign, redemption, chain, free_series, mint_to, fan, now
):
    start, end = now + 1_000, now + 2_000
    campaign_id = create_campaign([free_series], MARK, 2, start=start, end=end)
    token = mint_to(free_series, fan)

    chain.pending_timestamp = start
    redemption.redeem(campaign_id, token, ORDER, sender=fan)
    chain.pending_timestamp = end - 1
    redemption.redeem(campaign_id, token, ORDER, sender=fan)

    assert redemption.redemptions(campaign_id, token) == 2


def test_redeem__not_the_owner__reverts(
    create_campaign, redemption, free_series, mint_to, fan, stranger
):
    campaign_id = create_campaign([free_series])
    token = mint_to(free_series, fan)

    with reverts(
        redemption.CollectibleRedemptionNotOwner,
        tokenId=token,
        caller=stranger.address,
        owner=fan.address,
    ):
        redemption.redeem(campaign_id, token, ORDER, sender=stranger)


def test_redeem__series_not_eligible__reverts(
    create_campaign, redemption, free_series, gift_series, mint_to, fan
):
    campaign_id = create_campaign([free_series])
    token = mint_to(gift_series, fan)

    with reverts(
        redemption.CollectibleRedemptionSeriesNotEligible,
        campaignId=campaign_id,
        seriesId=gift_series,
    ):
        redemption.redeem(campaign_id, token, ORDER, sender=fan)


def test_redeem__burn_mode_without_burner_role__reverts(
    create_campaign, redemption, collectible, admin, free_series, mint_to, fan
):
    campaign_id = create_campaign([free_series], BURN, 1)
    token = mint_to(free_series, fan)
    collectible.revokeRole(collectible.BURNER_ROLE(), redemption, sender=admin)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=redemption.address,
        neededRole=collectible.BURNER_ROLE(),
    ):
        redemption.redeem(campaign_id, token, ORDER, sender=fan)


def test_redeem__two_campaigns__counted_apart(
    create_campaign, redemption, free_series, mint_to, fan
):
    first, second = create_campaign([free_series]), create_campaign([free_series])
    token = mint_to(free_series, fan)

    redemption.redeem(first, token, ORDER, sender=fan)

    assert (redemption.redemptions(first, token), redemption.redemptions(second, token)) == (1, 0)


def test_collectible__deployed_for__the_collection(redemption, collectible):
    assert redemption.collectible() == collectible.address


# --------------------------------------------------------------------- property


@given(limit=st.integers(1, 4), calls=st.lists(st.integers(0, 1), min_size=1, max_size=7))
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_redeem__any_sequence__counted_once_per_call_never_past_limit(
    create_campaign, redemption, chain, free_series, mint_to, fan, limit, calls
):
    snapshot = chain.snapshot()
    try:
        campaign_id = create_campaign([free_series], MARK, limit)
        tokens = mint_to(free_series, fan), mint_to(free_series, fan)
        expected = [0, 0]
        for which in calls:
            token = tokens[which]
            if expected[which] < limit:
                tx = redemption.redeem(campaign_id, token, ORDER, sender=fan)
                expected[which] += 1
                assert [log.count for log in tx.events.filter(redemption.Redeemed)] == [
                    expected[which]
                ]
            else:
                with reverts(
                    redemption.CollectibleRedemptionLimitReached,
                    campaignId=campaign_id,
                    tokenId=token,
                    limit=limit,
                ):
                    redemption.redeem(campaign_id, token, ORDER, sender=fan)
            assert [redemption.redemptions(campaign_id, t) for t in tokens] == expected
    finally:
        chain.restore(snapshot)
