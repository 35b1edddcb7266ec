"""Property tests: random sequences of mint, mintBatch, airdrop, transfer and burn against a Python model.

Each example runs on a fresh collection with two small series (a free one and a soulbound one, so caps are
reached), starts from a chain snapshot and is rolled back afterwards. After every sequence:

- the sum of ``balanceOf`` over the accounts equals ``totalSupply`` and the model's count;
- every serial minted is unique, within 1..cap, and ``ownerOf`` matches the model (or reverts if burned);
- soulbound tokens never moved (every attempted transfer reverted);
- re-sending every executed airdrop call (same campaign, same member numbers) mints nothing;
- no campaign member ever receives two tokens, whatever the splits and overlaps of its calls.

``chain.isolate()`` is not used: in Ape 0.8 it swallows every exception raised in its body, failed
assertions included, so a broken invariant would pass. ``chain.snapshot()``/``chain.restore()`` it is.
"""

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from utils.logs import ZERO_ADDRESS
from utils.properties import chain_settings
from utils.reverts import reverts

from collectibles.domain.tokens import TransferPolicy, split_token_id, token_id

FREE_CAP = 10
BADGE_CAP = 5
SERIES = ("free", "badge")
HOLDERS = 4
CAMPAIGN_IDS = [bytes([index + 1]) * 32 for index in range(3)]

holder = st.integers(0, HOLDERS - 1)
series_key = st.sampled_from(SERIES)
pick = st.integers(0, 2**16)
mint_op = st.tuples(st.just("mint"), series_key, holder)
batch_op = st.tuples(st.just("batch"), series_key, holder, st.integers(1, 5))
airdrop_op = st.tuples(
    st.just("airdrop"),
    series_key,
    st.integers(0, len(CAMPAIGN_IDS) - 1),
    st.integers(0, 5),
    st.lists(holder, min_size=1, max_size=4),
)
transfer_op = st.tuples(st.just("transfer"), pick, holder)
burn_op = st.tuples(st.just("burn"), pick)
# Runs and moves are where lazily owned slots go wrong, so they are drawn twice as often.
operation = st.one_of(mint_op, batch_op, batch_op, airdrop_op, transfer_op, transfer_op, burn_op)
COVERING_SEQUENCE = [
    ("batch", "free", 0, 5),  # free serials 1..5, one run to fan
    ("transfer", 2, 1),  # the run's middle token (serial 3) to friend
    ("burn", 0),  # the run's first token
    ("transfer", 3, 2),  # its last token (serial 5)
    ("airdrop", "free", 0, 0, [1, 2, 3]),  # serials 6..8, members 0..2 of campaign 0
    ("airdrop", "free", 0, 1, [2, 3]),  # members 1, 2 served: nothing
    ("batch", "free", 3, 3),  # two left: reverts at the cap
    ("mint", "free", 3),  # serial 9
    ("mint", "free", 2),  # serial 10: full
    ("mint", "free", 2),  # reverts at the cap
    ("airdrop", "badge", 0, 0, [0, 1]),  # campaign 0 in another series: badges 1, 2
    ("transfer", 9, 3),  # a badge: refused
    ("burn", 10),  # the other badge: burned
]
SETTINGS = chain_settings(12)  # x8 under `make drill`


@pytest.fixture
def nft(deploy_collectible):
    return deploy_collectible()


@pytest.fixture
def series_ids(nft, admin):
    """Series 1: free, cap 10. Series 2: soulbound, cap 5."""
    nft.createSeries("Court", FREE_CAP, int(TransferPolicy.FREE), 0, "", sender=admin)
    nft.createSeries("Badge", BADGE_CAP, int(TransferPolicy.SOULBOUND), 0, "", sender=admin)
    return {"free": 1, "badge": 2}


@pytest.fixture
def holders(fan, friend, operator, stranger):
    return [fan, friend, operator, stranger]


class Model:
    """What the collection should hold: owners of live tokens, counts per series, campaign members served."""

    def __init__(self, series_ids):
        self.series_ids = series_ids
        self.cap = {series_ids["free"]: FREE_CAP, series_ids["badge"]: BADGE_CAP}
        self.owners = {}
        self.first_owner = {}
        self.minted = dict.fromkeys(self.cap, 0)
        self.burned = dict.fromkeys(self.cap, 0)
        self.served = {}
        """(series id, campaign id) -> member numbers served."""
        self.calls = []
        """Every airdrop call that was executed: (series id, campaign id, first index, recipients)."""
        self.mint_log = []
        self.lazy = set()
        """Tokens after the first of a mintBatch run: their ownership slot starts unwritten."""

    def room(self, sid):
        return self.cap[sid] - self.minted[sid]

    def add(self, sid, recipients):
        first = token_id(sid, self.minted[sid] + 1)
        for offset, account in enumerate(recipients):
            self.owners[first + offset] = account
            self.first_owner[first + offset] = account
        self.minted[sid] += len(recipients)
        return first

    def live(self):
        return sorted(self.owners)


class Runner:
    """Sends one operation, checks its immediate effect (or its exact revert) and updates the model."""

    def __init__(self, nft, minter, holders, model):
        self.nft, self.minter, self.holders, self.model = nft, minter, holders, model

    def minted_ids(self, tx):
        logs = tx.events.filter(self.nft.Transfer)
        ids = [log.tokenId for log in logs if log.event_arguments["from"] == ZERO_ADDRESS]
        self.model.mint_log.extend(ids)
        return ids

    def mint(self, key, to):
        nft, model, sid = self.nft, self.model, self.model.series_ids[key]
        if model.room(sid) == 0:
            event("cap reached")
            with reverts(nft.CollectibleMaxSupplyReached, seriesId=sid, maxSupply=model.cap[sid]):
                nft.mint(sid, self.holders[to], sender=self.minter)
            return
        tx = nft.mint(sid, self.holders[to], sender=self.minter)
        first = model.add(sid, [self.holders[to]])
        assert self.minted_ids(tx) == [first]

    def batch(self, key, to, quantity):
        nft, model, sid = self.nft, self.model, self.model.series_ids[key]
        if model.room(sid) < quantity:
            event("cap reached")
            with reverts(nft.CollectibleMaxSupplyReached, seriesId=sid, maxSupply=model.cap[sid]):
                nft.mintBatch(sid, self.holders[to], quantity, sender=self.minter)
            return
        tx = nft.mintBatch(sid, self.holders[to], quantity, sender=self.minter)
        first = model.add(sid, [self.holders[to]] * quantity)
        model.lazy.update(range(first + 1, first + quantity))
        assert self.minted_ids(tx) == list(range(first, first + quantity))

    def airdrop(self, key, campaign_index, first_index, recipients):
        nft, model, sid = self.nft, self.model, self.model.series_ids[key]
        campaign = CAMPAIGN_IDS[campaign_index]
        accounts = [self.holders[r] for r in recipients]
        served = model.served.setdefault((sid, campaign), set())
        fresh = [
            account for offset, account in enumerate(accounts) if first_index + offset not in served
        ]
        if not fresh:
            event("airdrop replayed")
            tx = nft.airdrop(sid, campaign, first_index, accounts, sender=self.minter)
            assert self.minted_ids(tx) == []
            assert len(tx.events.filter(nft.AirdropExecuted)) == 0
            return
        if model.room(sid) < len(fresh):
            event("cap reached")
            with reverts(nft.CollectibleMaxSupplyReached, seriesId=sid, maxSupply=model.cap[sid]):
                nft.airdrop(sid, campaign, first_index, accounts, sender=self.minter)
            return
        if len(fresh) < len(accounts):
            event("airdrop overlapped")
        tx = nft.airdrop(sid, campaign, first_index, accounts, sender=self.minter)
        first = model.add(sid, fresh)
        served.update(range(first_index, first_index + len(accounts)))
        model.calls.append((sid, campaign, first_index, accounts))
        assert self.minted_ids(tx) == list(range(first, first + len(fresh)))
        for offset in range(len(accounts)):
            assert nft.isAirdropped(self.minter, sid, campaign, first_index + offset)

    def transfer(self, choice, to):
        nft, model = self.nft, self.model
        live = model.live()
        if not live:
            return
        token = live[choice % len(live)]
        owner, target = model.owners[token], self.holders[to]
        if split_token_id(token)[0] == model.series_ids["badge"]:
            event("soulbound transfer refused")
            with reverts(nft.CollectibleSoulbound, tokenId=token):
                nft.transferFrom(owner, target, token, sender=owner)
            with reverts(nft.CollectibleSoulbound, tokenId=token):
                nft.safeTransferFrom(owner, target, token, sender=owner)
            return
        if token in model.lazy:
            event("lazily owned token transferred")
        nft.transferFrom(owner, target, token, sender=owner)
        model.owners[token] = target

    def burn(self, choice):
        nft, model = self.nft, self.model
        live = model.live()
        if not live:
            return
        token = live[choice % len(live)]
        if token in model.lazy:
            event("lazily owned token burned")
        nft.burn(token, sender=model.owners[token])
        del model.owners[token]
        model.burned[split_token_id(token)[0]] += 1


def check(nft, holders, model):
    """Compares the chain with the model; see the module docstring."""
    balances = [nft.balanceOf(account) for account in holders]
    assert sum(balances) == nft.totalSupply() == len(model.owners)
    assert balances == [
        sum(1 for o in model.owners.values() if o == account) for account in holders
    ]

    assert len(model.mint_log) == len(set(model.mint_log)), "a token id was minted twice"
    for sid, cap in model.cap.items():
        serials = sorted(serial for s, serial in map(split_token_id, model.mint_log) if s == sid)
        assert serials == list(range(1, model.minted[sid] + 1))
        assert all(1 <= serial <= cap for serial in serials)
        info = nft.series(sid)
        assert (info.minted, info.burned) == (model.minted[sid], model.burned[sid])
        for serial in serials:
            token = token_id(sid, serial)
            if token in model.owners:
                assert nft.ownerOf(token) == model.owners[token].address, f"owner of {token}"
                assert nft.tokenSeries(token) == (sid, serial)
            else:
                with reverts(nft.ERC721NonexistentToken, tokenId=token):
                    nft.ownerOf(token)

    badge = model.series_ids["badge"]
    for token, owner in model.owners.items():
        if split_token_id(token)[0] == badge:
            assert owner == model.first_owner[token]


def resend_calls(nft, minter, model):
    """Re-sends every executed airdrop call as it was: nothing is minted."""
    supply = nft.totalSupply()
    for sid, campaign, first_index, accounts in model.calls:
        tx = nft.airdrop(sid, campaign, first_index, accounts, sender=minter)
        assert len(tx.events.filter(nft.Transfer)) == 0
    assert nft.totalSupply() == supply


@SETTINGS
@given(operations=st.lists(operation, min_size=8, max_size=16))
@example(operations=COVERING_SEQUENCE)
def test_random_operations__any_sequence__chain_matches_model(
    chain, nft, series_ids, minter, holders, operations
):
    snapshot = chain.snapshot()
    try:
        model = Model(series_ids)
        runner = Runner(nft, minter, holders, model)
        for name, *args in operations:
            getattr(runner, name)(*args)
        check(nft, holders, model)
        resend_calls(nft, minter, model)
        check(nft, holders, model)
    finally:
        chain.restore(snapshot)


@SETTINGS
@given(
    recipients=st.lists(holder, min_size=1, max_size=BADGE_CAP),
    use_batch=st.booleans(),
    attempts=st.lists(
        st.tuples(pick, holder, st.sampled_from(["owner", "operator"])), min_size=1, max_size=6
    ),
)
def test_soulbound__any_transfer_attempt__reverts_and_token_stays(
    chain, nft, series_ids, minter, holders, operator, recipients, use_batch, attempts
):
    snapshot = chain.snapshot()
    try:
        badge = series_ids["badge"]
        owners = [holders[r] for r in recipients]
        if use_batch:
            nft.mintBatch(badge, owners[0], len(owners), sender=minter)
            owners = [owners[0]] * len(owners)
        else:
            nft.airdrop(badge, CAMPAIGN_IDS[0], 0, owners, sender=minter)
        tokens = [token_id(badge, serial) for serial in range(1, len(owners) + 1)]

        for choice, to, caller_kind in attempts:
            index = choice % len(tokens)
            token, owner = tokens[index], owners[index]
            caller = owner
            if caller_kind == "operator":
                nft.setApprovalForAll(operator, True, sender=owner)
                caller = operator
            with reverts(nft.CollectibleSoulbound, tokenId=token):
                nft.transferFrom(owner, holders[to], token, sender=caller)

        assert [nft.ownerOf(t) for t in tokens] == [o.address for o in owners]
        assert [nft.locked(t) for t in tokens] == [True] * len(tokens)
    finally:
        chain.restore(snapshot)
