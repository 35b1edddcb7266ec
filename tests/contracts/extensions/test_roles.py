"""Role boundaries: who may call each privileged function, pausing, and the two-step default admin transfer."""

import pytest
from eth_utils import keccak
from utils.chain_time import DAY, block_timestamp, set_next_block_time
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import SERIES_STRIDE

ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = keccak(text="MINTER_ROLE")
METADATA_ROLE = keccak(text="METADATA_ROLE")
ADMIN_DELAY = 3 * DAY

# Every privileged function, the role it needs, and a call that the role holder can make.
PRIVILEGED = {
    "createSeries": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.createSeries("New", 10, 0, 0, "", sender=who),
    ),
    "closeSeries": (ADMIN_ROLE, lambda nft, s, a, who: nft.closeSeries(s, sender=who)),
    "setDefaultRoyalty": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.setDefaultRoyalty(a, 100, sender=who),
    ),
    "pause": (ADMIN_ROLE, lambda nft, s, a, who: nft.pause(sender=who)),
    "unpause": (ADMIN_ROLE, lambda nft, s, a, who: nft.unpause(sender=who)),
    "grantRole": (ADMIN_ROLE, lambda nft, s, a, who: nft.grantRole(MINTER_ROLE, a, sender=who)),
    "revokeRole": (ADMIN_ROLE, lambda nft, s, a, who: nft.revokeRole(MINTER_ROLE, a, sender=who)),
    "beginDefaultAdminTransfer": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.beginDefaultAdminTransfer(a, sender=who),
    ),
    "cancelDefaultAdminTransfer": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.cancelDefaultAdminTransfer(sender=who),
    ),
    "changeDefaultAdminDelay": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.changeDefaultAdminDelay(DAY, sender=who),
    ),
    "rollbackDefaultAdminDelay": (
        ADMIN_ROLE,
        lambda nft, s, a, who: nft.rollbackDefaultAdminDelay(sender=who),
    ),
    "mint": (MINTER_ROLE, lambda nft, s, a, who: nft.mint(s, a, sender=who)),
    "mintBatch": (MINTER_ROLE, lambda nft, s, a, who: nft.mintBatch(s, a, 2, sender=who)),
    "airdrop": (
        MINTER_ROLE,
        lambda nft, s, a, who: nft.airdrop(s, b"\x01" * 32, 0, [a], sender=who),
    ),
    "setMerkleRoot": (
        MINTER_ROLE,
        lambda nft, s, a, who: nft.setMerkleRoot(s, b"\x02" * 32, 2, sender=who),
    ),
    "setSeriesBaseURI": (
        METADATA_ROLE,
        lambda nft, s, a, who: nft.setSeriesBaseURI(s, "ipfs://x/", sender=who),
    ),
    "freezeSeriesMetadata": (
        METADATA_ROLE,
        lambda nft, s, a, who: nft.freezeSeriesMetadata(s, sender=who),
    ),
    "setContractURI": (
        METADATA_ROLE,
        lambda nft, s, a, who: nft.setContractURI("ipfs://c", sender=who),
    ),
}
HOLDER = {ADMIN_ROLE: "admin", MINTER_ROLE: "minter", METADATA_ROLE: "curator"}
CALLERS = ["admin", "minter", "curator", "stranger"]
UNAUTHORIZED_CELLS = [
    pytest.param(function, caller, id=f"{function}-{caller}")
    for function, (role, _) in PRIVILEGED.items()
    for caller in CALLERS
    if caller != HOLDER[role]
]


# ------------------------------------------------------------------ role constants and initial holders


def test_role_constants__are_keccak_of_their_names(collectible):
    assert collectible.DEFAULT_ADMIN_ROLE() == ADMIN_ROLE
    assert collectible.MINTER_ROLE() == MINTER_ROLE
    assert collectible.METADATA_ROLE() == METADATA_ROLE


def test_roles__after_setup__each_account_holds_only_its_role(
    collectible, admin, minter, curator, stranger
):
    holdings = {
        name: [
            collectible.hasRole(role, account) for role in (ADMIN_ROLE, MINTER_ROLE, METADATA_ROLE)
        ]
        for name, account in [
            ("admin", admin),
            ("minter", minter),
            ("curator", curator),
            ("stranger", stranger),
        ]
    }

    assert holdings == {
        "admin": [True, False, False],
        "minter": [False, True, False],
        "curator": [False, False, True],
        "stranger": [False, False, False],
    }
    assert collectible.defaultAdmin() == admin.address


def test_get_role_admin__minter_and_metadata__default_admin_role(collectible):
    assert collectible.getRoleAdmin(MINTER_ROLE) == ADMIN_ROLE
    assert collectible.getRoleAdmin(METADATA_ROLE) == ADMIN_ROLE


# ------------------------------------------------------------------ every privileged function


@pytest.mark.parametrize(("function", "caller_name"), UNAUTHORIZED_CELLS)
def test_privileged_function__caller_without_role__reverts_unauthorized(
    request, collectible, free_series, friend, function, caller_name
):
    role, call = PRIVILEGED[function]
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount, account=caller.address, neededRole=role
    ):
        call(collectible, free_series, friend, caller)


@pytest.mark.parametrize("function", list(PRIVILEGED))
def test_privileged_function__role_holder__succeeds(
    request, collectible, free_series, friend, admin, function
):
    role, call = PRIVILEGED[function]
    if function == "unpause":
        collectible.pause(sender=admin)
    if function == "revokeRole":
        collectible.grantRole(MINTER_ROLE, friend, sender=admin)

    tx = call(collectible, free_series, friend, request.getfixturevalue(HOLDER[role]))

    assert not tx.failed


# ------------------------------------------------------------------ grant and revoke


def test_grant_role__minter__new_minter_can_mint_and_event_emitted(
    collectible, free_series, admin, friend, fan
):
    tx = collectible.grantRole(MINTER_ROLE, friend, sender=admin)

    assert collectible.hasRole(MINTER_ROLE, friend) is True
    assert event_args(tx, collectible.RoleGranted) == [
        {"role": MINTER_ROLE, "account": friend.address, "sender": admin.address}
    ]
    collectible.mint(free_series, fan, sender=friend)
    assert collectible.ownerOf(free_series * SERIES_STRIDE + 1) == fan.address


def test_revoke_role__minter__former_minter_reverts_unauthorized(
    collectible, free_series, admin, minter, fan
):
    tx = collectible.revokeRole(MINTER_ROLE, minter, sender=admin)

    assert collectible.hasRole(MINTER_ROLE, minter) is False
    assert event_args(tx, collectible.RoleRevoked) == [
        {"role": MINTER_ROLE, "account": minter.address, "sender": admin.address}
    ]
    with reverts(
        collectible.AccessControlUnauthorizedAccount, account=minter.address, neededRole=MINTER_ROLE
    ):
        collectible.mint(free_series, fan, sender=minter)


def test_grant_role__minter_granting_minter__reverts_unauthorized(collectible, minter, friend):
    with reverts(
        collectible.AccessControlUnauthorizedAccount, account=minter.address, neededRole=ADMIN_ROLE
    ):
        collectible.grantRole(MINTER_ROLE, friend, sender=minter)


def test_renounce_role__minter__can_no_longer_mint(collectible, free_series, minter, fan):
    collectible.renounceRole(MINTER_ROLE, minter, sender=minter)

    assert collectible.hasRole(MINTER_ROLE, minter) is False
    with reverts(
        collectible.AccessControlUnauthorizedAccount, account=minter.address, neededRole=MINTER_ROLE
    ):
        collectible.mint(free_series, fan, sender=minter)


def test_grant_role__default_admin_role__reverts_enforced_default_admin_rules(
    collectible, admin, friend
):
    with reverts(collectible.AccessControlEnforcedDefaultAdminRules):
        collectible.grantRole(ADMIN_ROLE, friend, sender=admin)

    assert collectible.hasRole(ADMIN_ROLE, friend) is False


def test_revoke_role__default_admin_role__reverts_enforced_default_admin_rules(collectible, admin):
    with reverts(collectible.AccessControlEnforcedDefaultAdminRules):
        collectible.revokeRole(ADMIN_ROLE, admin, sender=admin)

    assert collectible.hasRole(ADMIN_ROLE, admin) is True


# ------------------------------------------------------------------ pause and unpause


def test_pause__by_admin__pauses_and_emits_paused(collectible, admin):
    tx = collectible.pause(sender=admin)

    assert collectible.paused() is True
    assert event_args(tx, collectible.Paused) == [{"account": admin.address}]


def test_unpause__by_admin__unpauses_and_emits_unpaused(collectible, admin):
    collectible.pause(sender=admin)

    tx = collectible.unpause(sender=admin)

    assert collectible.paused() is False
    assert event_args(tx, collectible.Unpaused) == [{"account": admin.address}]


def test_pause__already_paused__reverts_enforced_pause(collectible, admin):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.pause(sender=admin)


def test_unpause__not_paused__reverts_expected_pause(collectible, admin):
    with reverts(collectible.ExpectedPause):
        collectible.unpause(sender=admin)


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(lambda nft, s, minter, fan, token: nft.mint(s, fan, sender=minter), id="mint"),
        pytest.param(
            lambda nft, s, minter, fan, token: nft.mintBatch(s, fan, 2, sender=minter),
            id="mintBatch",
        ),
        pytest.param(
            lambda nft, s, minter, fan, token: nft.airdrop(
                s, b"\x03" * 32, 0, [fan], sender=minter
            ),
            id="airdrop",
        ),
        pytest.param(lambda nft, s, minter, fan, token: nft.burn(token, sender=fan), id="burn"),
    ],
)
def test_pause__minting_and_burning__revert_enforced_pause(
    collectible, free_series, mint_to, admin, minter, fan, action
):
    token = mint_to(free_series, fan)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        action(collectible, free_series, minter, fan, token)

    assert collectible.series(free_series).minted == 1
    assert collectible.balanceOf(fan) == 1


def test_pause__series_admin_and_metadata__still_work(collectible, free_series, admin, curator):
    collectible.pause(sender=admin)

    collectible.createSeries("While Paused", 5, 0, 0, "", sender=admin)
    collectible.setSeriesBaseURI(free_series, "ipfs://paused/", sender=curator)

    assert collectible.series(free_series).baseURI == "ipfs://paused/"


# ------------------------------------------------------------------ two-step default admin transfer


@pytest.fixture
def slow_collectible(deploy_collectible):
    """A collection whose default admin moves only ADMIN_DELAY seconds after the transfer begins."""
    return deploy_collectible(admin_delay=ADMIN_DELAY)


def test_default_admin_delay__from_deployment(collectible, slow_collectible):
    assert collectible.defaultAdminDelay() == 0
    assert slow_collectible.defaultAdminDelay() == ADMIN_DELAY


def test_begin_default_admin_transfer__by_admin__schedules_pending_admin(
    chain, slow_collectible, admin, friend
):
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)

    schedule = block_timestamp(chain, tx) + ADMIN_DELAY
    assert slow_collectible.pendingDefaultAdmin() == (friend.address, schedule)
    assert event_args(tx, slow_collectible.DefaultAdminTransferScheduled) == [
        {"newAdmin": friend.address, "acceptSchedule": schedule}
    ]
    assert slow_collectible.defaultAdmin() == admin.address


@pytest.mark.parametrize("caller_name", ["stranger", "admin", "minter"])
def test_accept_default_admin_transfer__not_pending_admin__reverts_invalid_default_admin(
    request, chain, slow_collectible, admin, friend, caller_name
):
    caller = request.getfixturevalue(caller_name)
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)
    set_next_block_time(chain, block_timestamp(chain, tx) + ADMIN_DELAY + 1)

    with reverts(slow_collectible.AccessControlInvalidDefaultAdmin, defaultAdmin=caller.address):
        slow_collectible.acceptDefaultAdminTransfer(sender=caller)


@pytest.mark.parametrize("early", [ADMIN_DELAY // 2, ADMIN_DELAY], ids=["halfway", "at_schedule"])
def test_accept_default_admin_transfer__before_schedule_passed__reverts_enforced_delay(
    chain, slow_collectible, admin, friend, early
):
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)
    schedule = block_timestamp(chain, tx) + ADMIN_DELAY
    set_next_block_time(chain, block_timestamp(chain, tx) + early)

    with reverts(slow_collectible.AccessControlEnforcedDefaultAdminDelay, schedule=schedule):
        slow_collectible.acceptDefaultAdminTransfer(sender=friend)

    assert slow_collectible.defaultAdmin() == admin.address


def test_accept_default_admin_transfer__after_schedule__moves_role(
    chain, slow_collectible, admin, friend
):
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)
    set_next_block_time(chain, block_timestamp(chain, tx) + ADMIN_DELAY + 1)

    tx = slow_collectible.acceptDefaultAdminTransfer(sender=friend)

    assert slow_collectible.defaultAdmin() == friend.address
    assert slow_collectible.hasRole(ADMIN_ROLE, friend) is True
    assert slow_collectible.hasRole(ADMIN_ROLE, admin) is False
    assert slow_collectible.pendingDefaultAdmin() == (ZERO_ADDRESS, 0)
    assert event_args(tx, slow_collectible.RoleRevoked) == [
        {"role": ADMIN_ROLE, "account": admin.address, "sender": friend.address}
    ]
    assert event_args(tx, slow_collectible.RoleGranted) == [
        {"role": ADMIN_ROLE, "account": friend.address, "sender": friend.address}
    ]


def test_accept_default_admin_transfer__old_admin__loses_every_admin_power(
    chain, slow_collectible, admin, friend, stranger
):
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)
    set_next_block_time(chain, block_timestamp(chain, tx) + ADMIN_DELAY + 1)
    slow_collectible.acceptDefaultAdminTransfer(sender=friend)

    with reverts(
        slow_collectible.AccessControlUnauthorizedAccount,
        account=admin.address,
        neededRole=ADMIN_ROLE,
    ):
        slow_collectible.pause(sender=admin)
    with reverts(
        slow_collectible.AccessControlUnauthorizedAccount,
        account=admin.address,
        neededRole=ADMIN_ROLE,
    ):
        slow_collectible.grantRole(MINTER_ROLE, stranger, sender=admin)
    slow_collectible.pause(sender=friend)
    assert slow_collectible.paused() is True


def test_accept_default_admin_transfer__no_delay__next_block_works(
    chain, collectible, admin, friend
):
    tx = collectible.beginDefaultAdminTransfer(friend, sender=admin)
    set_next_block_time(chain, block_timestamp(chain, tx) + 1)

    collectible.acceptDefaultAdminTransfer(sender=friend)

    assert collectible.defaultAdmin() == friend.address
    assert collectible.hasRole(ADMIN_ROLE, admin) is False


def test_cancel_default_admin_transfer__then_accept__reverts_invalid_default_admin(
    chain, slow_collectible, admin, friend
):
    tx = slow_collectible.beginDefaultAdminTransfer(friend, sender=admin)
    begun_at = block_timestamp(chain, tx)

    tx = slow_collectible.cancelDefaultAdminTransfer(sender=admin)

    assert event_args(tx, slow_collectible.DefaultAdminTransferCanceled) == [{}]
    assert slow_collectible.pendingDefaultAdmin() == (ZERO_ADDRESS, 0)
    set_next_block_time(chain, begun_at + ADMIN_DELAY + 1)
    with reverts(slow_collectible.AccessControlInvalidDefaultAdmin, defaultAdmin=friend.address):
        slow_collectible.acceptDefaultAdminTransfer(sender=friend)
    assert slow_collectible.defaultAdmin() == admin.address
