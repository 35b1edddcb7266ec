"""collectibles/chain/redemptions.py on Anvil: Redeemed logs decoded and read in bounded ranges, the contract
found (given or registered) and its ledger named, the fulfilment loop against a real chain (a reorganisation
made with a snapshot; its orphan settled), and SIGKILLs at each crash point of a fulfilment run in another
process: nothing fulfilled twice, nothing missed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from eth_utils import keccak

from collectibles.chain.deployment import chain_identity
from collectibles.chain.redemptions import (
    REDEEMED_TOPIC,
    NodeError,
    NotAContractHere,
    RpcRedemptions,
    chain_of,
    deployment_block,
    ledger_for,
    redemption_source,
    verify,
)
from collectibles.chain.registry import Deployment, Registry
from collectibles.domain.faults import CRASH_ENV
from collectibles.domain.redemptions_fulfil import Fulfiller
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity, default_ledger_path

ROOT = Path(__file__).resolve().parents[2]
MARK = 1
"""``RedemptionMode.Mark``: the token stays, its redemptions are counted."""


@pytest.fixture(scope="module")
def redemption(project, admin, collectible, free_series, chain):
    contract = admin.deploy(project.CollectibleRedemption, collectible, admin)
    contract.grantRole(contract.CAMPAIGN_ROLE(), admin, sender=admin)
    now = chain.pending_timestamp
    contract.createCampaign([free_series], now - 60, now + 10**7, MARK, 1_000, sender=admin)
    return contract


@pytest.fixture(scope="module")
def tokens(collectible, free_series, minter, fan):
    tx = collectible.mint(free_series, fan, sender=minter)
    first = tx.events.filter(collectible.Transfer)[0].tokenId
    collectible.mint(free_series, fan, sender=minter)
    return [first, first + 1]


@pytest.fixture
def redeem(redemption, fan):
    def send(token, n):
        return redemption.redeem(1, token, keccak(text=f"order {token} {n}"), sender=fan)

    return send


@pytest.fixture
def source(chain, redemption):
    return RpcRedemptions(chain.provider.web3.provider, redemption.address)


@pytest.fixture
def identity(source, redemption):
    chain_id, genesis = chain_of(source)
    return LedgerIdentity(chain_id, genesis, redemption.address, deployment_block(source))


def test_redemptions__redeem_events__decoded_with_key_holder_and_order(source, redeem, tokens, fan):
    receipt = redeem(tokens[0], 1)
    redeem(tokens[0], 2)

    first, second = source.redemptions(receipt.block_number, source.head())

    assert (first.campaign_id, first.token_id, first.count) == (1, tokens[0], 1)
    assert first.holder == fan.address.lower()
    assert first.order_ref == "0x" + keccak(text=f"order {tokens[0]} 1").hex()
    assert (first.tx_hash, first.block_number) == (receipt.txn_hash.lower(), receipt.block_number)
    assert second.count == 2


def test_redemptions__range_refused__halved_until_the_node_answers(source, redeem, tokens):
    start = source.head() + 1
    for n in range(1, 5):
        redeem(tokens[1], n)
    asked = []
    real = source.request

    def picky(method, *params):
        if method == "eth_getLogs":
            span = int(params[0]["toBlock"], 16) - int(params[0]["fromBlock"], 16) + 1
            asked.append(span)
            if span > 1:
                raise NodeError(method, {"message": "query returned more than 1 results"})
        return real(method, *params)

    source.request = picky

    found = source.redemptions(start, source.head())

    assert [r.count for r in found] == [1, 2, 3, 4]
    assert asked == [4, 2, 1, 1, 1, 1]


def test_deployment_block__found_by_bisection(source, redemption, chain):
    block = deployment_block(source)

    assert source.code_at(block)
    assert not source.code_at(block - 1)


def unused_registry() -> Registry:
    pytest.fail("the deployment registry was loaded, though an address was given")


def test_redemption_source__address_given__its_events_registry_not_loaded(chain, redemption):
    source = redemption_source(chain.provider, redemption.address, unused_registry)

    assert source is not None
    assert source.address == redemption.address


def test_redemption_source__address_without_code__not_a_contract_here(chain):
    with pytest.raises(NotAContractHere, match="no contract at 0x1212"):
        redemption_source(chain.provider, "0x" + "12" * 20, unused_registry)


def test_redemption_source__no_address__the_registrys_contract_or_none(chain, redemption, tmp_path):
    registry = Registry(tmp_path / "deployments.json")
    before = redemption_source(chain.provider, None, lambda: registry)
    ident = chain_identity(chain.provider)
    registry.record(
        ident.chain_id, ident.genesis_hash, "CollectibleRedemption", Deployment(redemption.address)
    )

    found = redemption_source(chain.provider, None, lambda: registry)

    assert before is None
    assert found is not None
    assert found.address == redemption.address


def test_ledger_for__new_ledger__default_file_read_from_the_deployment_block(
    source, redemption, tmp_path
):
    identity, path = ledger_for(source, tmp_path, from_block=None)

    chain_id, genesis = chain_of(source)
    assert identity == LedgerIdentity(
        chain_id, genesis, redemption.address, deployment_block(source)
    )
    assert path == default_ledger_path(tmp_path, identity)


@pytest.mark.parametrize(("exists", "from_block"), [(True, None), (False, 0), (False, 7)])
def test_ledger_for__existing_file_or_start_given__no_lookup(
    source, tmp_path, monkeypatch, exists, from_block
):
    path = tmp_path / "ledger.sqlite"
    if exists:
        path.write_bytes(b"")
    monkeypatch.setattr(source, "code_at", lambda block: pytest.fail("deployment block looked up"))

    identity, found = ledger_for(source, tmp_path / "elsewhere", path, from_block)

    assert (found, identity.start_block) == (path, from_block or 0)


def test_fulfiller__on_anvil__fulfils_once_then_a_reorg_orphans_the_dropped_one(
    chain, source, identity, redeem, tokens, tmp_path
):
    redeem(tokens[0], 1)
    with RedemptionLedger.open(tmp_path / "ledger.sqlite", identity) as ledger:
        first = Fulfiller(ledger, source).run_once()
        snapshot = chain.snapshot()
        redeem(tokens[0], 2)
        kept = Fulfiller(ledger, source).run_once()
        chain.restore(snapshot)  # the block of redemption #2 leaves the chain
        chain.mine(3)

        after = Fulfiller(ledger, source).run_once()
        check = verify(ledger, source, 1)

    assert [f.redemption.count for f in first.fulfilled] == [1]
    assert [f.redemption.count for f in kept.fulfilled] == [2]
    assert [f.redemption.count for f in after.orphaned] == [2]
    assert [f.redemption.count for f in check.unredeemed] == [2]
    assert check.unfulfilled == []


def test_verify__on_anvil__settled_orphan_listed_apart_and_clean(
    chain, source, identity, redeem, tokens, tmp_path
):
    redeem(tokens[1], 1)
    with RedemptionLedger.open(tmp_path / "ledger.sqlite", identity) as ledger:
        Fulfiller(ledger, source).run_once()
        snapshot = chain.snapshot()
        redeem(tokens[1], 2)
        Fulfiller(ledger, source).run_once()
        chain.restore(snapshot)
        chain.mine(3)
        [gone] = Fulfiller(ledger, source).run_once().orphaned
        before = verify(ledger, source, 1)
        ledger.settle(gone.fulfilment_id, "order cancelled, refund 123")

        check = verify(ledger, source, 1)

    assert [f.fulfilment_id for f in before.unredeemed] == [gone.fulfilment_id]
    assert check.clean, check.lines()
    assert [f.fulfilment_id for f in check.settled] == [gone.fulfilment_id]
    assert check.settled_lines()[0].endswith("UTC: order cancelled, refund 123")


CRASHING_RUN = """
import sys
from web3 import HTTPProvider
from collectibles.chain.redemptions import RpcRedemptions
from collectibles.domain.redemptions_fulfil import Fulfiller
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity

url, address, path, chain_id, genesis, start = sys.argv[1:]
source = RpcRedemptions(HTTPProvider(url), address)
identity = LedgerIdentity(int(chain_id), genesis, address, int(start))
with RedemptionLedger.open(path, identity) as ledger:
    Fulfiller(ledger, source, span=2).run_once()
"""


@pytest.mark.parametrize(
    "crash_at",
    [
        "redemption_after_read:2",
        "redemption_in_transaction:1",
        "redemption_in_transaction:3",
        "redemption_after_commit:2",
    ],
)
def test_fulfil__sigkill_at_a_crash_point__rerun_fulfils_each_redemption_exactly_once(
    chain, source, identity, redeem, tokens, tmp_path, crash_at
):
    for n in range(1, 7):
        redeem(tokens[n % 2], n)
    path = tmp_path / "ledger.sqlite"
    argv = [
        sys.executable,
        "-c",
        CRASHING_RUN,
        chain.provider.http_uri,
        identity.contract,
        str(path),
        str(identity.chain_id),
        identity.genesis_hash,
        str(identity.start_block),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    killed = subprocess.run(
        argv, env={**env, CRASH_ENV: crash_at}, capture_output=True, check=False
    )
    rerun = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)

    assert killed.returncode == -signal.SIGKILL
    assert rerun.returncode == 0, rerun.stderr
    with RedemptionLedger.read(path) as ledger:
        check = verify(ledger, source, 1)
        keys = [f.redemption.key for f in ledger.fulfilments()]
    assert check.clean, check.lines()
    assert len(keys) == len(set(keys)) == check.redemptions


def test_topic__matches_the_compiled_contracts_redeemed_event(project):
    [event] = [
        e for e in project.CollectibleRedemption.contract_type.events if e.name == "Redeemed"
    ]

    assert "0x" + keccak(text=event.selector).hex() == REDEEMED_TOPIC
