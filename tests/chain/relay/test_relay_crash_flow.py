"""Crash flow: ``ape run relay`` killed with SIGKILL at each risky point, then rerun: every intent exactly once.

As the airdrop's crash flow does: the relay runs as a real subprocess against an Anvil started here (Ape's test
chain would hide what a crash leaves behind with its snapshots), and ``COLLECTIBLES_CRASH_AT`` makes it SIGKILL
itself before a broadcast (``after_sign``), after a broadcast before any receipt (``after_send``), and after a
receipt before the journal records it (``after_receipt``). The rerun is the same command.
"""

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ape import accounts
from utils.chains import Chain
from web3 import Web3

from collectibles.chain.intents import sign_intent
from collectibles.chain.relay import signed_intent_json
from collectibles.domain.intents import Domain, Gift, Voucher, typed_data

ROOT = Path(__file__).resolve().parents[3]
APE = Path(sys.executable).parent / "ape"
HOLD = 3600


@pytest.fixture(scope="module")
def node():
    chain = Chain("anvil")
    chain.start()
    yield chain.url, Web3(Web3.HTTPProvider(chain.url))
    chain.stop()


def wait(web3, tx_hash):
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return receipt


@pytest.fixture(scope="module")
def nft(node, project):
    """A Collectible on the node; account 0 is admin and minter, account 2 a voucher signer."""
    _, web3 = node
    contract_type = project.Collectible.contract_type
    abi = [i.model_dump(by_alias=True, mode="json", exclude_none=True) for i in contract_type.abi]
    admin = web3.eth.accounts[0]
    factory = web3.eth.contract(abi=abi, bytecode=contract_type.deployment_bytecode.bytecode)
    tx = factory.constructor("Spring Festival", "SPRING", admin, 0, admin, 500).transact(
        {"from": admin}
    )
    contract = web3.eth.contract(address=wait(web3, tx)["contractAddress"], abi=abi)
    f = contract.functions
    wait(web3, f.grantRole(f.MINTER_ROLE().call(), admin).transact({"from": admin}))
    wait(
        web3,
        f.grantRole(f.VOUCHER_SIGNER_ROLE().call(), web3.eth.accounts[2]).transact({"from": admin}),
    )
    return contract


@pytest.fixture
def intents(node, nft, tmp_path):
    """A fresh gift series and four intents: two gifts of account 3's cards past their hold, two vouchers."""
    _, web3 = node
    f, admin = nft.functions, web3.eth.accounts[0]
    receipt = wait(web3, f.createSeries("Card", 100, 1, HOLD, "").transact({"from": admin}))
    series = nft.events.SeriesCreated().process_receipt(receipt)[0]["args"]["seriesId"]
    wait(web3, f.setVoucherAllowance(web3.eth.accounts[2], series, 10).transact({"from": admin}))
    tokens = []
    for _ in range(2):
        receipt = wait(web3, f.mint(series, web3.eth.accounts[3]).transact({"from": admin}))
        tokens.append(nft.events.Transfer().process_receipt(receipt)[0]["args"]["tokenId"])
    web3.provider.make_request("evm_increaseTime", [HOLD + 1])
    web3.provider.make_request("evm_mine", [])
    domain = Domain("Spring Festival", "1", web3.eth.chain_id, nft.address)
    deadline = web3.eth.get_block("latest")["timestamp"] + 24 * 3600
    to = [Web3.to_checksum_address(f"0x{0xC0FFEE0000 + series * 100 + i:040x}") for i in range(4)]
    owner, signer = accounts.test_accounts[3], accounts.test_accounts[2]
    signed = [
        (owner, "gift", Gift(tokens[0], to[0], deadline, f.acquiredAt(tokens[0]).call())),
        (signer, "voucher", Voucher(series, to[1], series * 10 + 1, deadline)),
        (owner, "gift", Gift(tokens[1], to[2], deadline, f.acquiredAt(tokens[1]).call())),
        (signer, "voucher", Voucher(series, to[3], series * 10 + 2, deadline)),
    ]
    path = tmp_path / "intents.jsonl"
    lines = [
        signed_intent_json(kind, who.address, typed_data(domain, i), sign_intent(who, domain, i))
        for who, kind, i in signed
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path, series, tokens, to, [i for _, _, i in signed]


def run_relay(node, nft, tmp_path, path, crash_at=None):
    url, _ = node
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    if crash_at:
        env["COLLECTIBLES_CRASH_AT"] = crash_at
    argv = [
        *(str(APE), "run", "relay", "--network", url, "--account", "TEST::5"),
        *("--contract", nft.address, "--intents", str(path), "--batch-size", "2"),
        *(
            "--journal",
            str(tmp_path / "relay.sqlite"),
            "--report",
            str(tmp_path / "report.csv"),
            "--json",
        ),
    ]
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("crash_at", ["after_sign:1", "after_send:1", "after_receipt"])
def test_relay__killed_then_rerun__every_intent_exactly_once(
    node, nft, tmp_path, intents, crash_at
):
    path, series, tokens, to, signed = intents
    f = nft.functions
    # Killed before its first broadcast, the relay is down while someone else submits the first gift of
    # its signed, unsent batch: the rerun must see it executed on chain and not send it again.
    elsewhere = 1 if crash_at.startswith("after_sign") else 0

    crashed = run_relay(node, nft, tmp_path, path, crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    if elsewhere:
        _, web3 = node
        gift, line = signed[0], json.loads(path.read_text().splitlines()[0])
        submit = f.giftBySig(gift.token_id, gift.to, gift.deadline, line["signature"])
        wait(web3, submit.transact({"from": web3.eth.accounts[7]}))
    rerun = run_relay(node, nft, tmp_path, path)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    out = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert (out["status"], out["resumed"], out["refused"]) == ("done", True, 0)
    assert (out["executed"], out["not_sent"]) == (4 - elsewhere, elsewhere)
    assert [f.ownerOf(t).call() for t in tokens] == [to[0], to[2]]
    assert f.series(series).call()[4] == 4  # minted: the two cards, and each voucher once
    assert [f.balanceOf(a).call() for a in (to[1], to[3])] == [1, 1]
    signer = accounts.test_accounts[2].address
    assert all(f.isVoucherUsed(signer, v.voucher_id).call() for v in signed[1::2])
    with open(tmp_path / "report.csv", newline="") as handle:
        statuses = [r["status"] for r in csv.DictReader(handle)]
    assert statuses == ["not_sent" if elsewhere else "executed"] + ["executed"] * 3
