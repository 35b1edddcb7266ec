"""State-machine test: roster and normal airdrops, batch mints, transfers, approvals, burns and gifts against a
model.

A plain Python model keeps every live token's owner, acquisition time, policy and approved address. Random
sequences of ``airdropRoster``, ``airdrop``, ``mintBatch``, transfers (free tokens at once, gifts when their
hold is over, badges never), approvals (free tokens only) and transfers by the approved address, burns and
waits run on a fresh collection (a chain snapshot, restored afterwards); after each sequence every token's
``ownerOf``, ``getApproved``, ``locked`` and ``isTransferable`` and every holder's ``balanceOf`` must be exactly
the model's, which is what makes roster and run tokens indistinguishable from normal ones.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from utils.logs import ZERO_ADDRESS
from utils.properties import chain_settings
from utils.reverts import reverts

from collectibles.domain.tokens import TransferPolicy, token_id

HOLD = 1_000
CAPS = {"free": 24, "gift": 16, "badge": 10}
POLICIES = {
    "free": TransferPolicy.FREE,
    "gift": TransferPolicy.GIFT_AFTER_HOLD,
    "badge": TransferPolicy.SOULBOUND,
}
HOLDERS = 4
CAMPAIGNS = [bytes([index + 1]) * 32 for index in range(2)]

series_key = st.sampled_from(list(CAPS))
holder = st.integers(0, HOLDERS - 1)
pick = st.integers(0, 2**16)
recipients = st.lists(holder, min_size=1, max_size=5)
campaign = st.integers(0, len(CAMPAIGNS) - 1)
first_index = st.integers(0, 6)
operation = st.one_of(
    st.tuples(st.just("roster"), series_key, campaign, first_index, recipients),
    st.tuples(st.just("roster"), series_key, campaign, first_index, recipients),
    st.tuples(st.just("airdrop"), series_key, campaign, first_index, recipients),
    st.tuples(st.just("batch"), series_key, holder, st.integers(1, 4)),
    st.tuples(st.just("transfer"), pick, holder),
    st.tuples(st.just("transfer"), pick, holder),
    st.tuples(st.just("burn"), pick),
    st.tuples(st.just("approve"), pick, holder),
    st.tuples(st.just("moved_by"), pick, holder, holder),
    st.tuples(st.just("wait"), st.sampled_from([HOLD // 2, HOLD])),
)
COVERING_SEQUENCE = [
    ("batch", "free", 0, 3),  # free 1..3: a lazy run
    ("roster", "free", 0, 0, [1, 2, 0]),  # free 4..6 right after the run
    ("transfer", 2, 3),  # the run's last token: the roster's first slot stays unwritten
    ("roster", "gift", 0, 0, [0, 1]),  # gifts 1, 2
    ("transfer", 6, 2),  # a gift before its hold: refused
    ("wait", HOLD),
    ("transfer", 6, 2),  # the same gift after its hold
    ("roster", "free", 0, 1, [2, 3, 3]),  # members 1, 2 served: one new token (member 3)
    ("airdrop", "badge", 1, 0, [3, 0]),
    ("roster", "badge", 1, 1, [0, 1]),  # member 1 served by the normal airdrop: one badge
    ("transfer", 9, 0),  # a badge: refused
    ("burn", 4),  # a roster token burned
    ("approve", 0, 1),  # free 1, a run token: approved without an ownership slot of its own
    ("moved_by", 0, 1, 2),  # moved by its approved address: the approval is spent
    ("approve", 4, 2),  # free 6, a roster token
    ("moved_by", 4, 3, 0),  # by neither its owner nor its approved address: refused
    ("approve", 2, 0),  # free 3, moved earlier: its own slot, written by the transfer
    ("burn", 2),  # burned while approved
]
SETTINGS = chain_settings(10)  # x8 under `make drill`


@pytest.fixture
def nft(deploy_collectible):
    return deploy_collectible()


@pytest.fixture
def series_ids(nft, admin):
    ids = {}
    for key, cap in CAPS.items():
        hold = HOLD if key == "gift" else 0
        tx = nft.createSeries(key, cap, int(POLICIES[key]), hold, "", sender=admin)
        ids[key] = tx.events.filter(nft.SeriesCreated)[0].seriesId
    return ids


@pytest.fixture
def holders(fan, friend, operator, stranger):
    return [fan, friend, operator, stranger]


def number(account) -> int:
    return int(account.address, 16)


class Model:
    """Live tokens (owner, acquisition time, series key), counts per series, campaign members served."""

    def __init__(self, series_ids):
        self.series_ids = series_ids
        self.tokens = {}
        self.approved = {}
        self.minted = dict.fromkeys(CAPS, 0)
        self.served = {}

    def add(self, key, owners, at):
        first = self.minted[key] + 1
        for offset, owner in enumerate(owners):
            self.tokens[token_id(self.series_ids[key], first + offset)] = (owner, at, key)
        self.minted[key] += len(owners)
        return token_id(self.series_ids[key], first)


class Runner:
    """Sends one operation at a chosen timestamp, checks its immediate effect and updates the model."""

    def __init__(self, chain, nft, minter, holders, model):
        self.chain, self.nft, self.minter, self.holders, self.model = (
            chain,
            nft,
            minter,
            holders,
            model,
        )

    def next_time(self):
        """Fixes the next block's timestamp, so the model knows the hold clock of what it sends."""
        at = self.chain.blocks.head.timestamp + 1
        self.chain.pending_timestamp = at
        return at

    def _drop(self, send, key, index, first_index, wallets):
        nft, model = self.nft, self.model
        served = model.served.setdefault((key, index), set())
        fresh = [w for i, w in enumerate(wallets) if first_index + i not in served]
        sid = model.series_ids[key]
        if fresh and len(fresh) > CAPS[key] - model.minted[key]:
            with reverts(nft.CollectibleMaxSupplyReached, seriesId=sid, maxSupply=CAPS[key]):
                send(sid, CAMPAIGNS[index], first_index, wallets)
            return
        at = self.next_time()
        tx = send(sid, CAMPAIGNS[index], first_index, wallets)
        served.update(range(first_index, first_index + len(wallets)))
        minted = [log.tokenId for log in tx.events.filter(nft.Transfer)]
        if not fresh:
            assert minted == []
            return
        first = model.add(key, fresh, at)
        assert minted == list(range(first, first + len(fresh)))

    def roster(self, key, index, first_index, picks):
        # The planner's numbering: consecutive members are sorted by address.
        wallets = sorted((self.holders[p] for p in picks), key=number)
        data = b"".join(number(w).to_bytes(20, "big") for w in wallets)
        self._drop(
            lambda s, c, f, _w: self.nft.airdropRoster(s, c, f, data, sender=self.minter),
            key,
            index,
            first_index,
            wallets,
        )

    def airdrop(self, key, index, first_index, picks):
        wallets = [self.holders[p] for p in picks]
        self._drop(
            lambda s, c, f, w: self.nft.airdrop(s, c, f, w, sender=self.minter),
            key,
            index,
            first_index,
            wallets,
        )

    def batch(self, key, to, quantity):
        nft, model, sid = self.nft, self.model, self.model.series_ids[key]
        if quantity > CAPS[key] - model.minted[key]:
            with reverts(nft.CollectibleMaxSupplyReached, seriesId=sid, maxSupply=CAPS[key]):
                nft.mintBatch(sid, self.holders[to], quantity, sender=self.minter)
            return
        at = self.next_time()
        nft.mintBatch(sid, self.holders[to], quantity, sender=self.minter)
        model.add(key, [self.holders[to]] * quantity, at)

    def transfer(self, choice, to):
        nft, model = self.nft, self.model
        if not model.tokens:
            return
        token = sorted(model.tokens)[choice % len(model.tokens)]
        owner, acquired, key = model.tokens[token]
        target = self.holders[to]
        at = self.next_time()
        if key == "badge":
            with reverts(nft.CollectibleSoulbound, tokenId=token):
                nft.transferFrom(owner, target, token, sender=owner)
        elif key == "gift" and at < acquired + HOLD:
            with reverts(nft.CollectibleHoldNotOver, tokenId=token, transferableAt=acquired + HOLD):
                nft.transferFrom(owner, target, token, sender=owner)
        else:
            nft.transferFrom(owner, target, token, sender=owner)
            model.tokens[token] = (target, at, key)
            model.approved.pop(token, None)

    def approve(self, choice, to):
        nft, model = self.nft, self.model
        if not model.tokens:
            return
        token = sorted(model.tokens)[choice % len(model.tokens)]
        owner, _, key = model.tokens[token]
        if key != "free":
            with reverts(nft.CollectibleApprovalNotAllowed, tokenId=token):
                nft.approve(self.holders[to], token, sender=owner)
            return
        nft.approve(self.holders[to], token, sender=owner)
        model.approved[token] = self.holders[to]

    def moved_by(self, choice, caller, to):
        """A free token moved by ``caller``: allowed for its owner or approved address, refused otherwise."""
        nft, model = self.nft, self.model
        free = sorted(t for t, (_, _, key) in model.tokens.items() if key == "free")
        if not free:
            return
        token = free[choice % len(free)]
        owner, _, key = model.tokens[token]
        sender, target = self.holders[caller], self.holders[to]
        if sender != owner and model.approved.get(token) != sender:
            with reverts(nft.ERC721InsufficientApproval, operator=sender.address, tokenId=token):
                nft.transferFrom(owner, target, token, sender=sender)
            return
        at = self.next_time()
        nft.transferFrom(owner, target, token, sender=sender)
        model.tokens[token] = (target, at, key)
        model.approved.pop(token, None)

    def burn(self, choice):
        model = self.model
        if not model.tokens:
            return
        token = sorted(model.tokens)[choice % len(model.tokens)]
        self.nft.burn(token, sender=model.tokens[token][0])
        del model.tokens[token]
        model.approved.pop(token, None)

    def wait(self, seconds):
        self.chain.mine(deltatime=seconds)


def check(chain, nft, holders, model):
    """Every token's owner, lock and transferability, every holder's balance: exactly the model's."""
    now = chain.blocks.head.timestamp
    assert [nft.balanceOf(h) for h in holders] == [
        sum(owner == h for owner, _, _ in model.tokens.values()) for h in holders
    ]
    assert nft.totalSupply() == len(model.tokens)
    for key, minted in model.minted.items():
        for serial in range(1, minted + 1):
            token = token_id(model.series_ids[key], serial)
            if token not in model.tokens:
                with reverts(nft.ERC721NonexistentToken, tokenId=token):
                    nft.ownerOf(token)
                continue
            owner, acquired, _ = model.tokens[token]
            other = holders[(holders.index(owner) + 1) % len(holders)]
            movable = key == "free" or (key == "gift" and now >= acquired + HOLD)
            assert nft.ownerOf(token) == owner.address, f"owner of {token}"
            approved = model.approved.get(token)
            assert nft.getApproved(token) == (approved.address if approved else ZERO_ADDRESS)
            assert nft.acquiredAt(token) == acquired
            assert nft.locked(token) is (key == "badge")
            assert nft.isTransferable(token, owner, other) is movable


@SETTINGS
@given(operations=st.lists(operation, min_size=6, max_size=12))
@example(operations=COVERING_SEQUENCE)
def test_roster_and_normal_airdrops__any_sequence__chain_matches_model(
    chain, nft, series_ids, minter, holders, operations
):
    snapshot = chain.snapshot()
    try:
        model = Model(series_ids)
        runner = Runner(chain, nft, minter, holders, model)
        for name, *args in operations:
            getattr(runner, name)(*args)
        check(chain, nft, holders, model)
    finally:
        chain.restore(snapshot)
