"""Property tests of signed gifts: random sequences of signing, submitting (alone or through ``relay``), plain
transfers that bring tokens back, and clock jumps (zero seconds included, so that several blocks share a
timestamp), checked after every step against a model:

- a signature moves a token at most once, however often it is submitted, and only while the owner and the
  acquisition time it was signed for are still the token's;
- no signed gift ever moves a soulbound token, or a ``GiftAfterHold`` token before its hold is over;
- a voucher id is claimed at most once, only while its signer holds the role, and never past the signer's cap
  (which the admin moves up and down in the sequence).

Each example starts from a chain snapshot and is rolled back (``chain.isolate()`` swallows failed assertions in
Ape 0.8, see test_invariants.py).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectibles.chain.intents import contract_domain, intent_call, sign_intent
from collectibles.domain.intents import Gift, Voucher
from collectibles.domain.tokens import TransferPolicy

HOLD = 100
HOLDERS = 3
POLICIES = (TransferPolicy.FREE, TransferPolicy.GIFT_AFTER_HOLD, TransferPolicy.SOULBOUND)
SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

token_index = st.integers(0, len(POLICIES) - 1)
holder = st.integers(0, HOLDERS - 1)
pick = st.integers(0, 2**16)
sign_op = st.tuples(st.just("sign"), token_index, holder)
submit_op = st.tuples(st.just("submit"), pick)
relay_op = st.tuples(st.just("relay"), st.lists(pick, min_size=1, max_size=3))
move_op = st.tuples(st.just("move"), token_index, holder)
wait_op = st.tuples(st.just("wait"), st.sampled_from([0, 1, HOLD - 1, HOLD, 2 * HOLD]))
operation = st.one_of(sign_op, submit_op, submit_op, relay_op, move_op, wait_op)


@pytest.fixture
def world(deploy_collectible, admin, minter, fan, friend, operator):
    """A fresh collection with one token of each policy, all of ``fan``; the three holders."""
    nft = deploy_collectible()
    tokens = []
    for policy in POLICIES:
        hold = HOLD if policy is TransferPolicy.GIFT_AFTER_HOLD else 0
        nft.createSeries(policy.name, 10, int(policy), hold, "", sender=admin)
        tokens.append(
            nft.mint(nft.seriesCount(), fan, sender=minter).events.filter(nft.Transfer)[0].tokenId
        )
    return nft, tokens, [fan, friend, operator]


class Model:
    """What the chain should say: each token's owner and acquisition time, each signature's use."""

    def __init__(self, chain, nft, tokens, holders):
        self.chain, self.nft, self.tokens, self.holders = chain, nft, tokens, holders
        self.domain = contract_domain(nft)
        self.signed: list[tuple[Gift, bytes, str]] = []  # gift, signature, signer
        self.used: list[int] = []

    def owner_of(self, token):
        return self.nft.ownerOf(token)

    def sign(self, index, to):
        token = self.tokens[index]
        owner = next(h for h in self.holders if h.address == self.owner_of(token))
        deadline = self.chain.pending_timestamp + 10 * HOLD
        gift = Gift(token, self.holders[to].address, deadline, self.nft.acquiredAt(token))
        self.signed.append((gift, sign_intent(owner, self.domain, gift), owner.address))

    def could_execute(self, number):
        """Whether the contract must accept signature ``number`` now (checked against the contract's answer)."""
        gift, _, signer = self.signed[number]
        policy = POLICIES[self.tokens.index(gift.token_id)]
        now = self.chain.pending_timestamp
        acquired = self.nft.acquiredAt(gift.token_id)
        return (
            self.owner_of(gift.token_id) == signer
            and acquired == gift.acquired_at
            and acquired < now <= gift.deadline
            and policy is not TransferPolicy.SOULBOUND
            and (policy is not TransferPolicy.GIFT_AFTER_HOLD or now >= acquired + HOLD)
        )

    def record(self, number, moved, before, at):
        """A submit of signature ``number`` moved (or not) its token; check it against the rules."""
        gift = self.signed[number][0]
        policy = POLICIES[self.tokens.index(gift.token_id)]
        if not moved:
            return
        assert number not in self.used, "a gift signature moved a token twice"
        assert policy is not TransferPolicy.SOULBOUND, "a signed gift moved a soulbound token"
        if policy is TransferPolicy.GIFT_AFTER_HOLD:
            assert at >= before + HOLD, "a signed gift moved a token during its hold"
        assert self.owner_of(gift.token_id) == gift.to
        self.used.append(number)


def _pin_clock(chain):
    """Fix the next block's time, so the model and the contract judge the same timestamp."""
    chain.pending_timestamp = chain.provider.get_block("latest").timestamp


def _submit(model, nft, numbers, relayer):
    """Submit the signatures ``numbers`` (one alone, several through relay) and check each outcome."""
    chain = model.chain
    _pin_clock(chain)
    at = chain.pending_timestamp
    expected = [model.could_execute(n) for n in numbers]
    before = [nft.acquiredAt(model.signed[n][0].token_id) for n in numbers]
    owners = [model.owner_of(model.signed[n][0].token_id) for n in numbers]
    if len(numbers) == 1:
        gift, signature, _ = model.signed[numbers[0]]
        try:
            nft.giftBySig(gift.token_id, gift.to, gift.deadline, signature, sender=relayer)
            outcomes = [True]
        except Exception:  # noqa: BLE001 - any revert is a refusal; the model says whether one was due
            outcomes = [False]
    else:
        calls = [intent_call(nft, *model.signed[n][:2]) for n in numbers]
        tx = nft.relay(calls, sender=relayer)
        failed = {log.index for log in tx.events.filter(nft.IntentFailed)}
        outcomes = [i not in failed for i in range(len(numbers))]
    for i, (number, moved) in enumerate(zip(numbers, outcomes, strict=True)):
        # Within a relay an earlier intent may have moved the same token: only the first can match the model.
        first_for_token = all(
            model.signed[numbers[j]][0].token_id != model.signed[number][0].token_id
            for j in range(i)
        )
        if first_for_token:
            assert moved == expected[i], (
                f"signature {number}: moved={moved}, the rules say {expected[i]}"
            )
        model.record(number, moved, before[i], at)
        if not moved and first_for_token:
            assert model.owner_of(model.signed[number][0].token_id) == owners[i]


def _run(chain, world, stranger, operations):
    nft, tokens, holders = world
    model = Model(chain, nft, tokens, holders)
    for op in operations:
        if op[0] == "sign":
            model.sign(op[1], op[2])
        elif op[0] == "wait":
            chain.pending_timestamp = chain.provider.get_block("latest").timestamp + op[1]
            chain.mine()
        elif op[0] == "move":
            token = tokens[op[1]]
            owner = next(h for h in holders if h.address == nft.ownerOf(token))
            if POLICIES[op[1]] is TransferPolicy.FREE:
                nft.transferFrom(owner, holders[op[2]], token, sender=owner)
        elif model.signed:
            picks = [op[1]] if op[0] == "submit" else op[1]
            _submit(model, nft, [p % len(model.signed) for p in picks], stranger)
    badge = tokens[POLICIES.index(TransferPolicy.SOULBOUND)]
    assert nft.ownerOf(badge) == holders[0].address
    return model


@SETTINGS
@given(operations=st.lists(operation, min_size=1, max_size=10))
def test_signed_gifts__random_sequences__each_signature_once_and_policy_kept(
    chain, world, stranger, operations
):
    snapshot = chain.snapshot()
    try:
        _run(chain, world, stranger, operations)
    finally:
        chain.restore(snapshot)


def test_signed_gifts__covering_sequence__each_signature_once_and_policy_kept(
    chain, world, stranger
):
    """A fixed sequence that reaches every rule: replays, a token that comes back, the hold, the badge."""
    operations = [
        ("sign", 0, 1),  # the free token, fan to friend
        ("sign", 1, 1),  # the gift token, during its hold
        ("sign", 2, 1),  # the badge
        ("wait", 1),
        ("relay", [0, 1, 2]),  # free moves; gift held; badge refused
        ("submit", 0),  # replay: refused
        ("move", 0, 0),  # friend gives the free token back to fan
        ("wait", 1),
        ("submit", 0),  # replay after it came back: refused
        ("wait", HOLD),
        ("submit", 1),  # the gift token, hold over: moves
        ("relay", [1, 1]),  # replays: refused
    ]
    snapshot = chain.snapshot()
    try:
        model = _run(chain, world, stranger, operations)
    finally:
        chain.restore(snapshot)
    # Signatures 0 (the free token) and 1 (the gift token, after its hold) moved their tokens, once each.
    assert sorted(model.used) == [0, 1]


# ------------------------------------------------------------------ vouchers

voucher_op = st.one_of(
    st.tuples(st.just("claim"), st.integers(0, 5), holder),  # voucher id, recipient
    st.tuples(st.just("cap"), st.integers(0, 4)),  # the admin sets the signer's cap
    st.tuples(st.just("revoke"), st.booleans()),  # revoke (True) or grant (False) the role
)


@settings(SETTINGS, max_examples=8)
@given(operations=st.lists(voucher_op, min_size=1, max_size=10))
def test_vouchers__random_sequences__each_id_once_within_cap_and_role(
    chain, deploy_collectible, admin, accounts, fan, friend, operator, stranger, operations
):
    nft = deploy_collectible()
    nft.createSeries("Court", 50, int(TransferPolicy.FREE), 0, "", sender=admin)
    signer, holders, role = accounts[8], [fan, friend, operator], nft.VOUCHER_SIGNER_ROLE()
    domain = contract_domain(nft)
    deadline = chain.pending_timestamp + 3600
    snapshot = chain.snapshot()
    try:
        nft.grantRole(role, signer, sender=admin)
        used, cap, authorized = set(), 0, True
        for op in operations:
            if op[0] == "cap":
                cap = op[1]
                nft.setVoucherAllowance(signer, 1, cap, sender=admin)
            elif op[0] == "revoke":
                authorized = not op[1]
                (nft.revokeRole if op[1] else nft.grantRole)(role, signer, sender=admin)
            else:
                voucher = Voucher(1, holders[op[2]].address, op[1], deadline)
                due = authorized and cap > len(used) and op[1] not in used
                supply = nft.totalSupply()
                try:
                    nft.claimVoucher(
                        *_voucher_args(voucher),
                        sign_intent(signer, domain, voucher),
                        sender=stranger,
                    )
                    claimed = True
                except Exception:  # noqa: BLE001 - any revert is a refusal; `due` says whether one was due
                    claimed = False
                assert claimed == due, f"voucher {op[1]}: claimed={claimed}, the rules say {due}"
                assert nft.totalSupply() == supply + claimed
                if claimed:
                    used.add(op[1])
            assert nft.voucherAllowance(signer, 1) == (cap, len(used))
            assert [nft.isVoucherUsed(signer, i) for i in range(6)] == [i in used for i in range(6)]
    finally:
        chain.restore(snapshot)


def _voucher_args(voucher):
    return voucher.series_id, voucher.to, voucher.voucher_id, voucher.deadline
