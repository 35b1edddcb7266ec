"""Claim vouchers: a ``VOUCHER_SIGNER_ROLE`` holder signs ``Voucher(seriesId, to, voucherId, deadline)`` and
anyone submits it; ``to`` gets one token of the series.

The bounds held on chain, each refused with its typed error: the deadline, the role (a revoked signer's
unused vouchers die with it), the series the signer may issue for, its cap there (a counter), each voucher id
once (a bitmap). A signature that is not a role holder's (another key, a changed field, another domain, a
high-s twin) recovers to another address, which the error names. The relayer is always ``stranger``.
"""

import dataclasses

import pytest
from utils.logs import event_args
from utils.reverts import reverts

from collectibles.chain.intents import sign_intent
from collectibles.domain.intents import SECP256K1_N, Voucher, recover_signer, typed_data

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def allowed(collectible, admin, voucher_signer, gift_series):
    """``voucher_signer`` holds the role and may issue 3 vouchers of the gift series."""
    collectible.grantRole(collectible.VOUCHER_SIGNER_ROLE(), voucher_signer, sender=admin)
    collectible.setVoucherAllowance(voucher_signer, gift_series, 3, sender=admin)
    return gift_series


@pytest.fixture
def voucher_of(chain, allowed):
    def build(to, voucher_id=0, series_id=None, deadline=None):
        deadline = chain.pending_timestamp + 3600 if deadline is None else deadline
        return Voucher(
            allowed if series_id is None else series_id, to.address, voucher_id, deadline
        )

    return build


def submit(nft, voucher, signature, relayer):
    return nft.claimVoucher(
        voucher.series_id,
        voucher.to,
        voucher.voucher_id,
        voucher.deadline,
        signature,
        sender=relayer,
    )


# ------------------------------------------------------------------ allowances


def test_set_voucher_allowance__by_admin__sets_and_emits(
    collectible, admin, voucher_signer, gift_series
):
    tx = collectible.setVoucherAllowance(voucher_signer, gift_series, 7, sender=admin)

    assert collectible.voucherAllowance(voucher_signer, gift_series) == (7, 0)
    assert event_args(tx, collectible.VoucherAllowanceSet) == [
        {"signer": voucher_signer.address, "seriesId": gift_series, "cap": 7}
    ]


def test_set_voucher_allowance__not_admin__reverts(
    collectible, minter, voucher_signer, gift_series
):
    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=minter.address,
        neededRole=collectible.DEFAULT_ADMIN_ROLE(),
    ):
        collectible.setVoucherAllowance(voucher_signer, gift_series, 7, sender=minter)


def test_set_voucher_allowance__unknown_series__reverts(collectible, admin, voucher_signer):
    with reverts(collectible.CollectibleUnknownSeries, seriesId=99):
        collectible.setVoucherAllowance(voucher_signer, 99, 7, sender=admin)


# ------------------------------------------------------------------ claims


def test_claim_voucher__valid__mints_counts_marks_emits(
    collectible, voucher_of, domain, voucher_signer, fan, stranger, allowed
):
    voucher = voucher_of(fan, voucher_id=300)

    tx = submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)

    token = event_args(tx, collectible.Transfer)[0]["tokenId"]
    assert collectible.ownerOf(token) == fan.address
    assert collectible.tokenSeries(token) == (allowed, 1)
    assert event_args(tx, collectible.VoucherClaimed) == [
        {"signer": voucher_signer.address, "voucherId": 300, "tokenId": token}
    ]
    assert collectible.voucherAllowance(voucher_signer, allowed) == (3, 1)
    assert collectible.isVoucherUsed(voucher_signer, 300) is True
    assert collectible.isVoucherUsed(voucher_signer, 301) is False


def test_claim_voucher__soulbound_series__mints_locked(
    collectible, admin, voucher_signer, badge_series, domain, fan, stranger, chain
):
    collectible.grantRole(collectible.VOUCHER_SIGNER_ROLE(), voucher_signer, sender=admin)
    collectible.setVoucherAllowance(voucher_signer, badge_series, 1, sender=admin)
    voucher = Voucher(badge_series, fan.address, 0, chain.pending_timestamp + 60)

    tx = submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)

    token = event_args(tx, collectible.Transfer)[0]["tokenId"]
    assert event_args(tx, collectible.Locked) == [{"tokenId": token}]


def test_claim_voucher__replayed__reverts(
    collectible, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan, voucher_id=5)
    signature = sign_intent(voucher_signer, domain, voucher)
    submit(collectible, voucher, signature, stranger)

    with reverts(collectible.CollectibleVoucherUsed, signer=voucher_signer.address, voucherId=5):
        submit(collectible, voucher, signature, stranger)


def test_claim_voucher__same_id_other_recipient__reverts(
    collectible, voucher_of, domain, voucher_signer, fan, friend, stranger
):
    first = voucher_of(fan, voucher_id=5)
    submit(collectible, first, sign_intent(voucher_signer, domain, first), stranger)
    second = voucher_of(friend, voucher_id=5)

    with reverts(collectible.CollectibleVoucherUsed, signer=voucher_signer.address, voucherId=5):
        submit(collectible, second, sign_intent(voucher_signer, domain, second), stranger)


def test_claim_voucher__over_cap__reverts(
    collectible, voucher_of, domain, voucher_signer, fan, stranger, allowed
):
    for voucher_id in range(3):
        voucher = voucher_of(fan, voucher_id=voucher_id)
        submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)
    fourth = voucher_of(fan, voucher_id=3)

    with reverts(
        collectible.CollectibleVoucherCapReached,
        signer=voucher_signer.address,
        seriesId=allowed,
        cap=3,
    ):
        submit(collectible, fourth, sign_intent(voucher_signer, domain, fourth), stranger)


def test_claim_voucher__cap_lowered_below_claimed__reverts(
    collectible, admin, voucher_of, domain, voucher_signer, fan, stranger, allowed
):
    first = voucher_of(fan, voucher_id=0)
    submit(collectible, first, sign_intent(voucher_signer, domain, first), stranger)
    collectible.setVoucherAllowance(voucher_signer, allowed, 1, sender=admin)
    second = voucher_of(fan, voucher_id=1)

    with reverts(
        collectible.CollectibleVoucherCapReached,
        signer=voucher_signer.address,
        seriesId=allowed,
        cap=1,
    ):
        submit(collectible, second, sign_intent(voucher_signer, domain, second), stranger)


def test_claim_voucher__series_not_allowed__reverts(
    collectible, voucher_of, domain, voucher_signer, free_series, fan, stranger
):
    voucher = voucher_of(fan, series_id=free_series)

    with reverts(
        collectible.CollectibleVoucherSeriesNotAllowed,
        signer=voucher_signer.address,
        seriesId=free_series,
    ):
        submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)


def test_claim_voucher__signer_revoked__reverts(
    collectible, admin, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan)
    signature = sign_intent(voucher_signer, domain, voucher)
    collectible.revokeRole(collectible.VOUCHER_SIGNER_ROLE(), voucher_signer, sender=admin)

    with reverts(collectible.CollectibleUnauthorizedVoucherSigner, signer=voucher_signer.address):
        submit(collectible, voucher, signature, stranger)


def test_claim_voucher__signed_by_non_signer__reverts(
    collectible, voucher_of, domain, fan, stranger
):
    voucher = voucher_of(fan)

    with reverts(collectible.CollectibleUnauthorizedVoucherSigner, signer=fan.address):
        submit(collectible, voucher, sign_intent(fan, domain, voucher), stranger)


def test_claim_voucher__expired__reverts(
    chain, collectible, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan, deadline=chain.pending_timestamp + 5)
    signature = sign_intent(voucher_signer, domain, voucher)
    chain.pending_timestamp = voucher.deadline + 1

    with reverts(collectible.CollectibleIntentExpired, deadline=voucher.deadline):
        submit(collectible, voucher, signature, stranger)


@pytest.mark.parametrize("field", ["to", "voucher_id", "deadline", "series_id"])
def test_claim_voucher__field_changed_after_signing__reverts_naming_recovered(
    collectible, voucher_of, domain, voucher_signer, fan, friend, stranger, free_series, field
):
    voucher = voucher_of(fan, voucher_id=9)
    signature = sign_intent(voucher_signer, domain, voucher)
    changed = dataclasses.replace(
        voucher,
        **{
            "to": {"to": friend.address},
            "voucher_id": {"voucher_id": 10},
            "deadline": {"deadline": voucher.deadline + 1},
            "series_id": {"series_id": free_series},
        }[field],
    )
    # The changed message recovers to some other address: the one the contract names.
    recovered = recover_signer(typed_data(domain, changed), signature)
    assert recovered != voucher_signer.address

    with reverts(collectible.CollectibleUnauthorizedVoucherSigner, signer=recovered):
        submit(collectible, changed, signature, stranger)


def test_claim_voucher__wrong_chain_id__reverts(
    collectible, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan)
    other = dataclasses.replace(domain, chain_id=domain.chain_id + 1)
    signature = sign_intent(voucher_signer, other, voucher)
    recovered = recover_signer(typed_data(domain, voucher), signature)

    with reverts(collectible.CollectibleUnauthorizedVoucherSigner, signer=recovered):
        submit(collectible, voucher, signature, stranger)


def test_claim_voucher__high_s_twin__reverts_as_no_signer(
    collectible, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan)
    signature = sign_intent(voucher_signer, domain, voucher)
    s = int.from_bytes(signature[32:64], "big")
    twin = signature[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - signature[64]])

    with reverts(collectible.CollectibleUnauthorizedVoucherSigner, signer=ZERO):
        submit(collectible, voucher, twin, stranger)


def test_claim_voucher__paused__reverts(
    collectible, admin, voucher_of, domain, voucher_signer, fan, stranger
):
    voucher = voucher_of(fan)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)


def test_claim_voucher__series_closed__reverts(
    collectible, admin, voucher_of, domain, voucher_signer, fan, stranger, allowed
):
    voucher = voucher_of(fan)
    collectible.closeSeries(allowed, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=allowed):
        submit(collectible, voucher, sign_intent(voucher_signer, domain, voucher), stranger)
