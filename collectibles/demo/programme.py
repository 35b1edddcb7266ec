"""The programme chapter of the demo's story: badges → snapshot → a provable raffle → the limited edition to its
winners → a craft of five Fortunes into a Fortune Tiger → a benefit redeemed and its fulfilment reconciled.

Every step calls the library functions the commands call (``ape run snapshot``, ``raffle commit|draw|verify``,
``airdrop``, ``redemptions fulfil|verify``), with the files they write kept under ``<demo>/programme/``, so the
gallery can name the exact command that re-checks each result. A step's gas is that of the blocks it mined:
on the demo's local chain only the story sends, and some library calls (the programme's deployment and role
grants) return no receipts.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils import keccak

from collectibles.chain.airdrop import Airdropper
from collectibles.chain.programme import COLLECTIBLE_ROLES, CRAFTING, REDEMPTION, deploy_programme
from collectibles.chain.raffle import commit_raffle, draw_raffle, raffle_at, verify_on_chain
from collectibles.chain.redemptions import RpcRedemptions, chain_of, deployment_block
from collectibles.chain.redemptions import verify as reconcile_chain
from collectibles.chain.registry import Registry
from collectibles.chain.reverts import simulate_revert
from collectibles.chain.snapshot import take_snapshot
from collectibles.demo.actions import first_minted_to, send_as
from collectibles.demo.samples import SampleMember, sample_member
from collectibles.domain.members import load_members
from collectibles.domain.raffle import WeightRule
from collectibles.domain.redemptions_fulfil import Fulfiller
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity
from collectibles.domain.snapshot import read_snapshot
from collectibles.domain.tokens import token_id

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from ape.managers.project import ProjectManager

BADGE = "All-Star Badge"
LIMITED, FORTUNE, TIGER = "Lantern Night Limited", "Fortune", "Fortune Tiger"
PROGRAMME_SERIES = (LIMITED, FORTUNE, TIGER)
"""The catalogue's series that only the programme mints."""
MEMBER_SEED = "spring-festival-member"
WINNERS = 10
WEIGHT = "per-badge"
DRAW_WINDOW = 20
"""Blocks from the commit to its draw deadline: the demo draws three blocks after its commit."""
RECIPE_INPUTS = 5
FORTUNES = {1: 6, 2: 4, 3: 3, 4: 5}
"""Fortune cards per sample member (by index): member 1 crafts five into a Tiger and keeps one."""
CRAFTER = 1
MARK, CAMPAIGN_DAYS = 1, 30
"""A ``Mark`` campaign (the token stays with its holder), open 30 days, one redemption per token."""
BENEFITS = {LIMITED: "priority buying at the Lantern Night sale", TIGER: "a Fortune Tiger plush"}

StepOpener = Callable[[str], AbstractContextManager[Any]]
"""The story's ``step(title)``: yields the step to fill in (``detail``, ``gas_used``), times it."""


@dataclass
class Chapter:
    """What the programme's steps share; ``facts`` becomes the summary's ``programme``."""

    project: ProjectManager
    provider: ProviderAPI
    admin: AccountAPI
    nft: ContractInstance
    ids: dict[str, int]
    folder: Path
    contracts: dict[str, ContractInstance] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    gas_per_token: dict[str, float] = field(default_factory=dict)
    """Per series the programme mints: what one token cost (the airdrops' share, the craft)."""

    @property
    def web3(self) -> Any:
        return self.provider.web3

    def path(self, name: str) -> Path:
        return self.folder / name


def run_programme(chapter: Chapter, step: StepOpener) -> dict[str, Any]:
    """The programme's steps in story order; returns the facts the gallery shows."""
    chapter.folder.mkdir(parents=True, exist_ok=True)
    for title, action in (
        ("programme", _deploy),
        ("snapshot", _snapshot),
        ("raffle", _raffle),
        ("limited", _limited),
        ("craft", _craft),
        ("redeem", _redeem),
    ):
        with step(title) as s, _gas_of_blocks(chapter, s):
            s.detail = action(chapter)
    return chapter.facts


@contextmanager
def _gas_of_blocks(chapter: Chapter, step: Any) -> Iterator[None]:
    """Sets ``step.gas_used`` to the gas of the blocks mined inside the ``with``."""
    eth = chapter.web3.eth
    first = int(eth.block_number) + 1
    yield
    step.gas_used = sum(
        int(eth.get_block(n)["gasUsed"]) for n in range(first, eth.block_number + 1)
    )


# ------------------------------------------------------------------------------------------------ steps


def _deploy(ch: Chapter) -> str:
    registry = Registry.load(ch.path("deployments.json"))
    deployed = deploy_programme(
        ch.project, ch.provider, registry, ch.admin, ch.nft, [ch.admin.address]
    )
    ch.contracts = {
        "raffle": raffle_at(ch.project, deployed.raffle),
        "crafting": ch.project.CollectibleCrafting.at(deployed.crafting),
        "redemption": ch.project.CollectibleRedemption.at(deployed.redemption),
    }
    roles = {
        name: [r for r in COLLECTIBLE_ROLES[contract] if _holds(ch.nft, r, address)]
        for name, contract, address in (
            ("crafting", CRAFTING, deployed.crafting),
            ("redemption", REDEMPTION, deployed.redemption),
        )
    }
    ch.facts["contracts"] = {name: c.address for name, c in ch.contracts.items()}
    ch.facts["roles"] = roles
    return (
        f"raffle {deployed.raffle}, crafting {deployed.crafting} ({' and '.join(roles['crafting'])} "
        f"on the Collectible), redemption {deployed.redemption} ({' and '.join(roles['redemption'])}); "
        "the admin operates all three"
    )


def _snapshot(ch: Chapter) -> str:
    taken = take_snapshot(ch.nft, ch.ids[BADGE], ch.path("badge-holders.jsonl"))
    header = taken.header
    ch.facts["snapshot"] = {
        "series_id": ch.ids[BADGE],
        "block": header.block,
        "block_hash": header.block_hash,
        "holders": header.holders,
        "tokens": header.tokens,
        "file": "programme/badge-holders.jsonl",
    }
    return (
        f"{BADGE} holders at block {header.block}: {header.holders} holders of {header.tokens} badges, "
        "replayed from the Transfer logs and checked against ownerOf"
    )


def _raffle(ch: Chapter) -> str:
    raffle = ch.contracts["raffle"]
    snapshot, entries = ch.path("badge-holders.jsonl"), ch.path("raffle-entries.jsonl")
    seed, winners = ch.path("raffle-seed.json"), ch.path("raffle-winners.csv")
    committed = commit_raffle(
        raffle, snapshot, WeightRule.parse(WEIGHT), WINNERS, entries, seed, ch.admin, DRAW_WINDOW
    )
    terms = committed.terms
    # The draw needs blockhash(commitBlock + 1): on an automining chain no block comes by itself.
    for _ in range(max(0, terms.first_draw_block - int(ch.web3.eth.block_number))):
        ch.web3.provider.make_request("evm_mine", [])
    drawn = draw_raffle(raffle, entries, seed, winners, ch.admin)
    _, verification = verify_on_chain(raffle, terms.raffle_id, entries, winners, snapshot)
    command = [
        "ape", "run", "raffle", "verify", "--raffle", str(terms.raffle_id),
        "--entries", _shown(entries), "--winners", _shown(winners), "--snapshot", _shown(snapshot),
        "--raffle-contract", raffle.address, *_network(ch.provider),
    ]  # fmt: skip
    ch.facts["raffle"] = {
        "raffle_id": terms.raffle_id,
        "contract": raffle.address,
        "weight": WEIGHT,
        "entries": committed.header.entries,
        "tickets": terms.entry_count,
        "winner_count": terms.winner_count,
        "entries_root": "0x" + terms.entries_root.hex(),
        "seed_hash": "0x" + terms.seed_hash.hex(),
        "seed": "0x" + drawn.draw.seed.hex(),
        "commit_block": terms.commit_block,
        "draw_deadline_block": terms.draw_deadline_block,
        "randomness": "0x" + drawn.draw.randomness.hex(),
        "winners_root": "0x" + drawn.draw.winners_root.hex(),
        "winners": [
            {"rank": w.rank, "account": w.account, "entry_index": w.index, "ticket": w.ticket}
            for w in drawn.winners
        ],
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in verification.checks],
        "verified": verification.ok,
        "command": shlex.join(command),
        "files": {
            "entries": "programme/raffle-entries.jsonl",
            "winners": "programme/raffle-winners.csv",
        },
    }
    verdict = "match" if verification.ok else "MISMATCH"
    return (
        f"raffle {terms.raffle_id}: {committed.header.entries} entries ({WEIGHT}), seed hash "
        f"0x{terms.seed_hash.hex()[:12]}… committed at block {terms.commit_block}; drawn "
        f"{len(drawn.winners)} winners, randomness 0x{drawn.draw.randomness.hex()[:12]}…; verify: "
        f"{verdict} ({len(verification.checks)} checks)"
    )


def _limited(ch: Chapter) -> str:
    winners = ch.path("raffle-winners.csv")
    members = load_members(winners)
    journal = ch.path("limited.sqlite")
    dropper = Airdropper(ch.nft, ch.admin)
    sent = dropper.run(ch.ids[LIMITED], members, members_path=_shown(winners), journal_path=journal)
    again = dropper.run(
        ch.ids[LIMITED], members, members_path=_shown(winners), journal_path=journal
    )
    ch.gas_per_token[LIMITED] = sent.gas_used / sent.members
    ch.facts["limited"] = {
        "series_id": ch.ids[LIMITED],
        "members": sent.members,
        "batches": sent.batches,
        "rerun": again.status,
        "rerun_sent": len(again.tx_hashes) if again.status != "already_done" else 0,
    }
    return (
        f"{LIMITED} to the {sent.members} winners through the exactly-once airdrop ({sent.batches} tx, "
        f"journal {journal.name}); run again: {again.status.replace('_', ' ')}, nothing sent"
    )


def _craft(ch: Chapter) -> str:
    fortune, tiger = ch.ids[FORTUNE], ch.ids[TIGER]
    rows = [sample_member(i, MEMBER_SEED) for i, n in FORTUNES.items() for _ in range(n)]
    fortunes = ch.path("fortunes.csv")
    fortunes.write_text(
        "address,member_id\n" + "".join(f"{m.address},{m.member_id}\n" for m in rows)
    )
    dropped = Airdropper(ch.nft, ch.admin).run(
        fortune,
        load_members(fortunes, keep_duplicates=True),
        members_path=_shown(fortunes),
        journal_path=ch.path("fortunes.sqlite"),
    )
    crafting = ch.contracts["crafting"]
    receipt = crafting.createRecipe(
        [([fortune], 1, 999_999, RECIPE_INPUTS)], tiger, False, True, sender=ch.admin
    )
    recipe_id = int(next(iter(receipt.events.filter(crafting.RecipeCreated))).recipeId)
    crafter = sample_member(CRAFTER, MEMBER_SEED)
    held = _holdings(ch, fortune, "fortunes-before.jsonl")[crafter.address.lower()]
    inputs = sorted(held)[:RECIPE_INPUTS]
    ch.admin.transfer(crafter.address, 10**17)  # gas money: a member pays for their own craft
    gas = send_as(
        ch.web3,
        crafter.private_key,
        crafting.address,
        crafting.craft.encode_input(recipe_id, inputs),
    )
    output = token_id(tiger, int(ch.nft.series(tiger).minted))
    ch.gas_per_token[FORTUNE] = dropped.gas_used / dropped.members
    ch.gas_per_token[TIGER] = gas
    ch.facts["crafting"] = {
        "recipe_id": recipe_id,
        "contract": crafting.address,
        "input_series_id": fortune,
        "output_series_id": tiger,
        "inputs": RECIPE_INPUTS,
        "crafts": [{"member": crafter.address, "burned": inputs, "output": output, "gas": gas}],
        "members": _progress(ch, crafter.address, output),
    }
    return (
        f"{crafter.member_id} crafted {RECIPE_INPUTS} {FORTUNE} cards {', '.join(map(str, inputs))} into "
        f"{TIGER} {output} (recipe {recipe_id}, {gas:,} gas, paid by the member); {len(rows)} {FORTUNE} "
        f"cards airdropped to {len(FORTUNES)} members first"
    )


def _redeem(ch: Chapter) -> str:
    redemption = ch.contracts["redemption"]
    now = int(ch.provider.get_block("latest").timestamp)
    eligible = [ch.ids[LIMITED], ch.ids[TIGER]]
    receipt = redemption.createCampaign(
        eligible, now, now + CAMPAIGN_DAYS * 86_400, MARK, 1, sender=ch.admin
    )
    campaign = int(next(iter(receipt.events.filter(redemption.CampaignCreated))).campaignId)
    winner = _a_winner(ch)
    ch.admin.transfer(winner.address, 10**17)
    tiger = ch.facts["crafting"]["crafts"][0]["output"]
    crafter = sample_member(CRAFTER, MEMBER_SEED)
    redeemed = [
        _redeem_one(
            ch,
            campaign,
            winner,
            first_minted_to(ch.web3, ch.nft, ch.ids[LIMITED], winner.address),
            LIMITED,
        ),
        _redeem_one(ch, campaign, crafter, tiger, TIGER),
    ]
    again = redeemed[0]
    refused = simulate_revert(
        redemption, "redeem", campaign, again["token_id"], again["order_ref"], sender=winner.address
    )
    check, ledger = _fulfil_and_verify(ch)
    by_key = {(f.redemption.campaign_id, f.redemption.token_id): f.fulfilment_id for f in ledger}
    for row in redeemed:
        row["fulfilment_id"] = by_key.get((campaign, row["token_id"]))
    ch.facts["redemptions"] = {
        "campaign": {
            "id": campaign,
            "series_ids": eligible,
            "start": now,
            "end": now + CAMPAIGN_DAYS * 86_400,
            "mode": "mark",
            "limit": 1,
        },
        "contract": redemption.address,
        "rows": redeemed,
        "second_redemption_refused": refused or "",
        "reconciliation": check,
        "ledger": "programme/redemptions.sqlite",
        "command": _redemptions_command(ch),
    }
    verdict = "clean" if check["clean"] else f"{len(check['lines'])} mismatch(es)"
    return (
        f"campaign {campaign} ({' or '.join(BENEFITS.values())}): {len(redeemed)} redeemed; a second "
        f"redemption refused: {refused}; fulfilled {check['fulfilments']} in the ledger, reconciled "
        f"with {check['redemptions']} on chain: {verdict}"
    )


# ---------------------------------------------------------------------------------------------- helpers


def _redeem_one(
    ch: Chapter, campaign: int, member: SampleMember, token: int, series: str
) -> dict[str, Any]:
    """``member`` redeems ``token`` for its series' benefit; the order is written beside the ledger."""
    order = {
        "order": f"ORDER-{campaign}-{token}",
        "member": member.member_id,
        "address": member.address,
        "benefit": BENEFITS[series],
    }
    text = json.dumps(order, sort_keys=True, separators=(",", ":"))
    order_ref = "0x" + keccak(text=text).hex()
    with ch.path("orders.jsonl").open("a") as orders:
        orders.write(text + "\n")
    redemption = ch.contracts["redemption"]
    gas = send_as(
        ch.web3,
        member.private_key,
        redemption.address,
        redemption.redeem.encode_input(campaign, token, order_ref),
    )
    return {
        "campaign_id": campaign,
        "token_id": token,
        "series": series,
        "holder": member.address,
        "member_id": member.member_id,
        "benefit": BENEFITS[series],
        "order": order["order"],
        "order_ref": order_ref,
        "count": int(redemption.redemptions(campaign, token)),
        "gas": gas,
    }


def _fulfil_and_verify(ch: Chapter) -> tuple[dict[str, Any], list[Any]]:
    """``redemptions fulfil`` then ``redemptions verify``, as the commands run them (one confirmation)."""
    source = RpcRedemptions(ch.web3.provider, ch.contracts["redemption"].address)
    chain_id, genesis = chain_of(source)
    path = ch.path("redemptions.sqlite")
    start = LedgerIdentity(chain_id, genesis, source.address, deployment_block(source))
    with RedemptionLedger.open(path, start) as ledger:
        Fulfiller(ledger, source, confirmations=1).run_once()
    with RedemptionLedger.read(
        path, LedgerIdentity(chain_id, genesis, source.address, 0)
    ) as ledger:
        check = reconcile_chain(ledger, source, 1)
        fulfilments = ledger.fulfilments()
    return {
        "clean": check.clean,
        "redemptions": check.redemptions,
        "fulfilments": check.fulfilments,
        "checked_to": check.checked_to,
        "lines": check.lines(),
    }, fulfilments


def _holdings(ch: Chapter, series_id: int, name: str) -> dict[str, list[int]]:
    """Who holds which tokens of ``series_id`` now (a snapshot, as ``ape run snapshot`` takes it)."""
    path = ch.path(name)
    take_snapshot(ch.nft, series_id, path)
    return {h.address.lower(): list(h.token_ids) for h in read_snapshot(path).holdings()}


def _progress(ch: Chapter, crafter: str, output: int) -> list[dict[str, Any]]:
    """Each Fortune holder's progress towards the recipe, and the Tigers they hold, from the chain."""
    held = _holdings(ch, ch.ids[FORTUNE], "fortunes-after.jsonl")
    tigers = _holdings(ch, ch.ids[TIGER], "tigers.jsonl")
    rows = []
    for index in FORTUNES:
        member = sample_member(index, MEMBER_SEED)
        key = member.address.lower()
        rows.append(
            {
                "member": member.address,
                "member_id": member.member_id,
                "held": len(held.get(key, [])),
                "needed": RECIPE_INPUTS,
                "crafted": len(tigers.get(key, [])),
            }
        )
    return rows


def _a_winner(ch: Chapter) -> SampleMember:
    """The first sample member (by index) among the raffle's winners: the story knows their key."""
    winners = {w["account"].lower() for w in ch.facts["raffle"]["winners"]}
    for index in range(1, 1_001):
        member = sample_member(index, MEMBER_SEED)
        if member.address.lower() in winners:
            return member
    raise LookupError("no raffle winner is a sample member")


def _holds(contract: ContractInstance, role: str, address: str) -> bool:
    return bool(contract.hasRole(getattr(contract, role)(), address))


def _redemptions_command(ch: Chapter) -> str:
    """The command that reconciles the ledger with the chain again."""
    address = ch.contracts["redemption"].address
    ledger = _shown(ch.path("redemptions.sqlite"))
    command = ["ape", "run", "redemptions", "verify", "--redemption", address, "--ledger", ledger]
    return shlex.join([*command, *_network(ch.provider)])


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it (as a person would type it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _network(provider: ProviderAPI) -> Iterator[str]:
    uri = getattr(provider, "http_uri", None)
    if uri:
        yield from ("--network", str(uri))
