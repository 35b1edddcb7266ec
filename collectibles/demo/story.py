"""The main job's story: a Spring Festival collection, end to end, on a local chain.

Deploy; create the catalogue's three series (placeholders); airdrop the greeting card and the All-Star
badge to the sample members; open a claimable drop of the court series and make one claim; publish art and
metadata and reveal; show the transfer rules (a gift refused during the hold and accepted after it, a badge
that never moves); a member with no ETH gifts a card by signature and the operator relays it; the membership
programme (:mod:`collectibles.demo.programme`: snapshot, raffle, limited edition, craft, redemption); verify every
token from the chain outward; and write the summary and the HTML gallery with its programme page.
Kept apart from ``scripts/demo.py`` so a test runs it with Ape's own chain and accounts.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from eth_account import Account

from collectibles.chain.airdrop import Airdropper
from collectibles.chain.audit import audit_series
from collectibles.chain.intents import contract_domain, gift_for
from collectibles.chain.relay import Relayer, signed_intent_json
from collectibles.chain.reveal import reveal
from collectibles.chain.reverts import simulate_revert
from collectibles.chain.series import ensure_series, spec_for_series
from collectibles.content.publish import publish_spec
from collectibles.demo.actions import first_minted_to, send_as
from collectibles.demo.gallery import write_gallery
from collectibles.demo.programme import Chapter, run_programme
from collectibles.demo.samples import sample_members
from collectibles.domain.catalogue import load_catalogue
from collectibles.domain.claim_tree import build_tree
from collectibles.domain.intents import signable, signature_bytes, typed_data
from collectibles.domain.members import load_members, parse_members
from collectibles.domain.tokens import TransferPolicy, token_id
from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.fetch import store_fetcher

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from ape.managers.project import ProjectManager

GREETING, COURT, BADGE = "Spring Festival Greeting Card", "Court", "All-Star Badge"
RELAY_FRIEND = "spring-festival-friend"
"""The seed of the newcomer who receives the card a member gives by signature in the relay step."""


@dataclass
class Step:
    """One step of the story: what happened, the gas it used and how long it took."""

    title: str
    detail: str = ""
    gas_used: int = 0
    seconds: float = 0.0


@dataclass
class DemoResult:
    """What the demo did: the steps, the facts the gallery shows, and the rule checks."""

    contract: str = ""
    chain_id: int = 0
    series_ids: dict[str, int] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    """The gallery's input: chain, contract, series (with samples), steps, verify."""
    cap_refusal: str = ""
    """Why the chain refuses the greeting card to all 1,000 members (its cap is 500)."""
    gift_refused: str = ""
    gift_accepted: bool = False
    relayed_gift: int = 0
    """The card a member gave by signature, relayed by the operator (0 if it did not move)."""
    badge_refused: str = ""
    mismatched: list[int] = field(default_factory=list)
    gallery: Path | None = None
    """The HTML gallery (``index.html``), beside ``summary.json``."""


def run_demo(
    project: ProjectManager, provider: ProviderAPI, admin: AccountAPI, workdir: Path, examples: Path
) -> DemoResult:
    """Tell the story with ``admin`` (a funded account) on the chain behind ``provider``; files under
    ``workdir``, which is emptied first so every run starts clean. ``examples`` holds the catalogue and
    the member files (the project's ``examples/``)."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    web3 = provider.web3
    result = DemoResult(chain_id=int(web3.eth.chain_id))
    catalogue = examples / "catalogue.yaml"
    members = load_members(examples / "members.csv")
    gas_per_token: dict[str, float] = {}

    @contextmanager
    def step(title: str) -> Iterator[Step]:
        current = Step(title)
        started = time.perf_counter()
        yield current
        current.seconds = time.perf_counter() - started
        result.steps.append(current)

    with step("deploy") as s:
        nft = admin.deploy(project.Collectible, "Spring Festival", "SPRING", admin, 0, admin, 500)
        receipts = [provider.get_receipt(nft.txn_hash)]
        receipts.extend(
            nft.grantRole(role, admin, sender=admin)
            for role in (nft.MINTER_ROLE(), nft.METADATA_ROLE())
        )
        s.gas_used = sum(r.gas_used for r in receipts)
        s.detail = f"Collectible at {nft.address}, royalty 5%, admin {admin.address}"
        result.contract = nft.address

    with step("series") as s:
        outcomes = ensure_series(nft, load_catalogue(catalogue), admin)
        result.series_ids = {o.name: o.series_id for o in outcomes}
        s.gas_used = sum(provider.get_receipt(o.tx_hash).gas_used for o in outcomes if o.tx_hash)
        s.detail = ", ".join(f"#{o.series_id} {o.name}" for o in outcomes) + " (placeholders)"
    ids = result.series_ids

    with step("airdrop") as s:
        dropper = Airdropper(nft, admin)
        cap = nft.series(ids[GREETING]).maxSupply
        result.cap_refusal = dropper.dry_run(ids[GREETING], members).refusal or ""
        first = _first_rows(examples / "members.csv", cap)
        journals = workdir / "airdrops"
        card = dropper.run(
            ids[GREETING],
            first,
            members_path="examples/members.csv (first rows)",
            journal_path=journals / "greeting.sqlite",
        )
        badge = dropper.run(
            ids[BADGE],
            members,
            members_path="examples/members.csv",
            journal_path=journals / "badge.sqlite",
        )
        gas_per_token[GREETING] = card.gas_used / card.members
        gas_per_token[BADGE] = badge.gas_used / badge.members
        s.gas_used = card.gas_used + badge.gas_used
        s.detail = (
            f"greeting card to the first {card.members} members ({card.batches} tx; all "
            f"{len(members.members)} refused: {result.cap_refusal}), badge to {badge.members} "
            f"({badge.batches} tx)"
        )

    with step("claims") as s:
        claimers = load_members(examples / "claim-members.csv").addresses
        tree = build_tree(claimers)
        root_tx = nft.setMerkleRoot(ids[COURT], tree.root, tree.members, sender=admin)
        claim_tx = nft.claim(ids[COURT], 0, claimers[0], tree.proof(0), sender=admin)
        gas_per_token[COURT] = claim_tx.gas_used
        s.gas_used = root_tx.gas_used + claim_tx.gas_used
        s.detail = (
            f"court drop for {len(claimers)} members, root 0x{tree.root.hex()[:12]}…; one claimed"
        )

    with step("publish") as s:
        before = nft.tokenURI(token_id(ids[GREETING], 1))
        published = {}
        gas = 0
        for name, series_id in ids.items():
            spec = spec_for_series(nft.series(series_id), catalogue)
            published[name] = publish_spec(spec, workdir / "published")
            # The greeting card's collection.json doubles as the collection's ERC-7572 contractURI.
            contract_uri = published[name].collection_uri if name == GREETING else None
            gas += reveal(
                nft, series_id, published[name].base_uri, admin, contract_uri=contract_uri
            ).gas_used
        s.gas_used = gas
        s.detail = (
            f"{len(published)} folders and CARs; greeting card #1 was {before}, "
            f"now {nft.tokenURI(token_id(ids[GREETING], 1))}"
        )

    with step("rules") as s:
        fan, friend = sample_members(1, "spring-festival-member")[0], admin.address
        # Serials follow the campaign's order (members sorted by address), not the file's.
        card_token = first_minted_to(web3, nft, ids[GREETING], fan.address)
        badge_token = first_minted_to(web3, nft, ids[BADGE], fan.address)
        sender = SimpleNamespace(address=fan.address)
        result.gift_refused = (
            simulate_revert(nft, "transferFrom", fan.address, friend, card_token, sender=sender)
            or ""
        )
        result.badge_refused = (
            simulate_revert(nft, "transferFrom", fan.address, friend, badge_token, sender=sender)
            or ""
        )
        hold = int(nft.series(ids[GREETING]).holdSeconds)
        web3.provider.make_request("evm_increaseTime", [hold + 1])
        web3.provider.make_request("evm_mine", [])
        admin.transfer(fan.address, 10**16)
        s.gas_used = send_as(web3, fan.private_key, nft.address, nft.transferFrom.encode_input(
            fan.address, friend, card_token
        ))  # fmt: skip
        result.gift_accepted = nft.ownerOf(card_token) == friend
        s.detail = (
            f"gift of card {card_token} during the hold: {result.gift_refused}; after 90 days: "
            f"{'accepted' if result.gift_accepted else 'REFUSED'}; badge {badge_token}: "
            f"{result.badge_refused}"
        )

    with step("relay") as s:
        # A member who holds no ETH signs a gift of their card (the hold is over); the operator relays it
        # through the relay's own path (file, checks, journal, batch), as `ape run relay` does.
        giver = sample_members(2, "spring-festival-member")[1]
        newcomer = sample_members(1, RELAY_FRIEND)[
            0
        ].address  # holds no card: one holder in, one out
        gift_card = first_minted_to(web3, nft, ids[GREETING], giver.address)
        relayed = _relay_gift(nft, admin, giver, gift_card, newcomer, workdir)
        result.relayed_gift = (
            gift_card if nft.ownerOf(gift_card) == newcomer and relayed.executed == 1 else 0
        )
        s.gas_used = relayed.gas_used
        s.detail = (
            f"card {gift_card} of {giver.address} (no ETH) to {newcomer} by signature: "
            f"{relayed.executed} executed in {relayed.batches} relay tx paid by the operator"
        )

    chapter = Chapter(project, provider, admin, nft, ids, workdir / "programme")
    programme = run_programme(chapter, step)
    gas_per_token.update(chapter.gas_per_token)

    with step("verify") as s:
        store = BlockStore.from_cars([workdir / "published"])
        audits = {n: audit_series(nft, i, store_fetcher(store)) for n, i in ids.items()}
        result.mismatched = [t.token_id for a in audits.values() for t in a.failures]
        checked = sum(len(a.tokens) for a in audits.values())
        s.detail = (
            f"{checked} tokens checked against the chain, {len(result.mismatched)} mismatched"
        )

    result.summary = {
        "chain": {"name": provider.network.name, "chain_id": result.chain_id},
        "contract": nft.address,
        "gateway": None,
        "series": [
            _series_summary(nft, ids[n], audits[n], published[n], gas_per_token[n]) for n in ids
        ],
        "steps": [
            {
                "title": s.title,
                "seconds": round(s.seconds, 3),
                "gas": s.gas_used,
                "detail": s.detail,
            }
            for s in result.steps
        ],
        "verify": {"tokens": checked, "mismatched": result.mismatched},
        "programme": programme,
    }
    images = {s["id"]: Path(s.pop("image_path")) for s in result.summary["series"]}
    result.gallery = write_gallery(result.summary, workdir, images)
    return result


def describe(result: DemoResult) -> list[str]:
    """The summary table and the steps, for the terminal."""
    lines = [f"{'step':9} {'gas':>12} {'seconds':>8}  what happened"]
    lines += [f"{s.title:9} {s.gas_used:>12,} {s.seconds:>8.2f}  {s.detail}" for s in result.steps]
    lines += ["", f"{'series':32} {'policy':10} {'minted':>9} {'holders':>8} {'gas/token':>10}"]
    for s in result.summary["series"]:
        minted = f"{s['minted']}/{s['max_supply']}"
        lines.append(
            f"{s['name']:32} {s['policy']:10} {minted:>9} {s['holders']:>8} {s['gas_per_token']:>10,.0f}"
        )
    return lines


def _series_summary(
    nft: ContractInstance, series_id: int, audit: Any, published: Any, gas: float
) -> dict:
    info = nft.series(series_id)
    policy = TransferPolicy(int(info.policy))
    return {
        "id": series_id,
        "name": str(info.name),
        "policy": policy.slug,
        "hold_days": int(info.holdSeconds) // 86_400,
        "max_supply": int(info.maxSupply),
        "minted": int(info.minted),
        "holders": len({t.owner for t in audit.tokens}),
        "burned": int(info.burned),
        "directory_cid": published.directory_cid,
        "image_cid": published.image_cid,
        "image_path": str(published.folder / _image_name(published.folder)),
        "gas_per_token": round(gas),
        "samples": [
            {"token_id": t.token_id, "serial": t.serial, "owner": t.owner, "token_uri": t.token_uri}
            for t in audit.tokens[:3]
        ],
    }


def _image_name(folder: Path) -> str:
    return next(p.name for p in sorted(folder.iterdir()) if not p.name.endswith(".json"))


def _relay_gift(
    nft: ContractInstance, operator: AccountAPI, giver: Any, card: int, to: str, workdir: Path
) -> Any:
    """``giver`` signs the gift of ``card`` to ``to`` with their key; ``operator`` relays the one-line file."""
    now = int(nft.provider.get_block("latest").timestamp)
    domain = contract_domain(nft)
    typed = typed_data(domain, gift_for(nft, giver.address, card, to, now + 3600, now))
    signed = Account.from_key(giver.private_key).sign_message(signable(typed))
    signature = signature_bytes(signed.v, signed.r, signed.s)
    intents = workdir / "intents.jsonl"
    intents.write_text(
        json.dumps(signed_intent_json("gift", giver.address, typed, signature)) + "\n"
    )
    return Relayer(nft, operator).run(intents, journal_path=workdir / "airdrops" / "relay.sqlite")


def _first_rows(path: Path, count: int) -> Any:
    """The member file cut to its first ``count`` members (header kept)."""
    lines = path.read_bytes().splitlines(keepends=True)
    return parse_members(b"".join(lines[: count + 1]), f"{path.name} (first {count})")
