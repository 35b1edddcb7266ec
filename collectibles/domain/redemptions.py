"""Benefit redemptions as the fulfilment side sees them: the chain's ``Redeemed`` events, the source they are
read from, and the reconciliation of the chain with the fulfilment ledger.

A redemption is one ``Redeemed(campaignId, tokenId, holder, orderRef, count)`` event of
``CollectibleRedemption``; ``count`` is that token's redemptions in the campaign including this one, so
``(campaignId, tokenId, count)`` names one redemption on a consistent chain, wherever its transaction lands.
The ledger (:mod:`~collectibles.domain.redemptions_ledger`) keys its fulfilments by it. Nothing here talks to a
node: :class:`RedemptionSource` is what the fulfilment loop needs of one (``collectibles.chain.redemptions``
reads it over JSON-RPC; the unit tests use a chain in memory that can be reorganised at will).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from collectibles.domain.errors import CollectiblesError

RedemptionKey = tuple[int, int, int]
"""``(campaign id, token id, count)``: one redemption, unique on a consistent chain."""


@dataclass(frozen=True)
class Redemption:
    """One ``Redeemed`` event: what was redeemed (the key and its content) and where the chain holds it."""

    campaign_id: int
    token_id: int
    holder: str
    """The token's owner who redeemed, ``0x`` hex as the ledger stores it (lower case)."""
    order_ref: str
    """The hash of the off-chain order, ``0x`` and 64 hex digits."""
    count: int
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int

    @property
    def key(self) -> RedemptionKey:
        return (self.campaign_id, self.token_id, self.count)

    @property
    def content(self) -> tuple[int, int, int, str, str]:
        """What a fulfilment is of: the key, the holder and the order (not where the chain holds it)."""
        return (*self.key, self.holder.lower(), self.order_ref.lower())

    @property
    def location(self) -> tuple[int, str, str, int]:
        return (self.block_number, self.block_hash, self.tx_hash, self.log_index)

    def describe(self) -> str:
        return (
            f"campaign {self.campaign_id} token {self.token_id} redemption #{self.count} "
            f"(holder {self.holder}, order {self.order_ref[:18]}…, block {self.block_number}, "
            f"tx {self.tx_hash[:18]}…)"
        )


def fulfilment_id(chain_id: int, contract: str, redemption: Redemption) -> str:
    """The fulfilment's id: the same for the same redemption on the same contract, whoever computes it.

    Derived from the chain, the contract and the redemption's content, never from a counter, so an order
    system that is handed it can use it as its idempotency key: a redemption has one id for ever.
    """
    text = ":".join(map(str, (chain_id, contract.lower(), *redemption.content)))
    return "F-" + hashlib.sha256(text.encode()).hexdigest()[:20]


class RedemptionSource(Protocol):
    """What the fulfilment loop reads from a chain."""

    def head(self) -> int:
        """The latest block number."""
        ...

    def block_hash(self, number: int) -> str | None:
        """The hash of block ``number`` on the chain as it is now (``None`` beyond the head)."""
        ...

    def redemptions(self, first: int, last: int) -> list[Redemption]:
        """Every ``Redeemed`` event in blocks ``first..last``, in chain order."""
        ...


class LedgerError(CollectiblesError):
    """The fulfilment ledger cannot be used as asked."""


class LedgerBusy(LedgerError):
    def __init__(self, path: object):
        self.path = path
        super().__init__(
            f"another fulfilment process (a watcher?) holds the ledger {path}; stop it or wait for it"
        )


class LedgerUnwritable(LedgerError):
    def __init__(self, path: object, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(
            f"cannot write the redemption ledger {path}: {reason}; nothing was recorded "
            "(make the folder writable or pass --ledger PATH, then rerun)"
        )


class LedgerUnreadable(LedgerError):
    def __init__(self, path: object, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path} is not a redemption ledger ({reason}): point --ledger elsewhere")


class LedgerMissing(LedgerError):
    def __init__(self, path: object):
        self.path = path
        super().__init__(
            f"no redemption ledger at {path}: run `ape run redemptions fulfil` first, or pass --ledger PATH"
        )


class LedgerSchemaUnsupported(LedgerError):
    """The ledger was written by a newer version of this program, with a schema this one cannot read."""

    def __init__(self, path: object, version: int, supported: int):
        self.path = path
        self.version = version
        self.supported = supported
        super().__init__(
            f"the ledger {path} has schema version {version}, newer than this program reads "
            f"({supported}): nothing was changed; use the version of collectibles that wrote it"
        )


class LedgerMismatch(LedgerError):
    """The ledger belongs to another chain or contract: using it would mix two programmes' fulfilments."""

    def __init__(self, path: object, what: str, recorded: object, given: object):
        self.path = path
        self.what = what
        self.recorded = recorded
        self.given = given
        super().__init__(
            f"the ledger {path} records fulfilments of {what} {recorded}, not {given}: "
            "pass the --ledger of this chain and contract (or omit --ledger for its default)"
        )


class SettlementRefused(LedgerError):
    """``settle`` was refused: only an orphaned fulfilment, not settled yet, can be settled, with a reason.
    Nothing was changed."""


class SettlementReasonEmpty(SettlementRefused):
    def __init__(self) -> None:
        super().__init__(
            "a settlement needs a reason: say how its order was dealt with (--reason, e.g. "
            '"order cancelled, refund 123"); nothing was changed'
        )


def settlement_reason(text: str) -> str:
    """``text`` as a settlement records it (stripped); :class:`SettlementReasonEmpty` when nothing is left.

    The ledger checks it when it settles; ``settle`` checks it before it opens the ledger too, so a blank
    reason is refused before an older ledger would be migrated for nothing."""
    reason = text.strip()
    if not reason:
        raise SettlementReasonEmpty
    return reason


class FulfilmentUnknown(SettlementRefused):
    def __init__(self, fulfilment_id: str, path: object):
        self.fulfilment_id = fulfilment_id
        self.path = path
        super().__init__(
            f"no fulfilment {fulfilment_id} in the ledger {path} (verify names the orphaned ones); "
            "nothing was changed"
        )


class FulfilmentLive(SettlementRefused):
    def __init__(self, fulfilment: Fulfilment):
        self.fulfilment = fulfilment
        r = fulfilment.redemption
        super().__init__(
            f"{fulfilment.fulfilment_id} is not orphaned (campaign {r.campaign_id} token {r.token_id} "
            f"#{r.count}, block {r.block_number}): only an orphaned fulfilment can be settled (if its "
            "block left the chain, run fulfil first); nothing was changed"
        )


class FulfilmentSettled(SettlementRefused):
    def __init__(self, fulfilment_id: str, settlement: Settlement):
        self.fulfilment_id = fulfilment_id
        self.settlement = settlement
        super().__init__(
            f"{fulfilment_id} was already settled on {settlement.when()}: {settlement.reason}; "
            "nothing was changed"
        )


# ---------------------------------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class Settlement:
    """A person's record that an orphaned fulfilment was dealt with off chain (``ape run redemptions
    settle``): after it, ``verify`` reports the fulfilment as settled instead of as a mismatch."""

    reason: str
    """What was done with its order, as the person wrote it (e.g. "order cancelled, refund 123")."""
    settled_at: float
    """When it was recorded (seconds since the epoch)."""

    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.settled_at))

    def as_dict(self) -> dict[str, Any]:
        """The settlement as JSON-ready values (the commands' ``--json``): the reason and an ISO 8601 time."""
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.settled_at))
        return {"reason": self.reason, "settled_at": at}


@dataclass(frozen=True)
class Fulfilment:
    """A ledger row: a redemption that was fulfilled, once, with its fulfilment id."""

    redemption: Redemption
    fulfilment_id: str
    fulfilled_at: float
    orphaned: str | None = None
    """Why the chain no longer holds the redemption (its block left in a reorganisation), else ``None``."""
    settled: Settlement | None = None
    """The open settlement of an orphaned fulfilment, else ``None``."""

    def as_dict(self) -> dict[str, Any]:
        """The fulfilment as JSON-ready values (the commands' ``--json``): its id, its redemption and where
        the chain held it, why it is orphaned and its settlement (``None`` when not)."""
        r = self.redemption
        return {
            "fulfilment_id": self.fulfilment_id,
            "campaign_id": r.campaign_id,
            "token_id": r.token_id,
            "count": r.count,
            "holder": r.holder,
            "order_ref": r.order_ref,
            "block": r.block_number,
            "tx_hash": r.tx_hash,
            "orphaned": self.orphaned,
            "settled": None if self.settled is None else self.settled.as_dict(),
        }


@dataclass
class Reconciliation:
    """The chain against the ledger: empty lists when every redemption was fulfilled exactly once."""

    checked_to: int
    """The last block read from the chain."""
    cursor: int | None
    """The ledger's last fully processed block."""
    unfulfilled: list[Redemption] = field(default_factory=list)
    """Redeemed on chain, no fulfilment in the ledger."""
    unredeemed: list[Fulfilment] = field(default_factory=list)
    """Fulfilled in the ledger, no such redemption on chain (e.g. its block left the chain)."""
    settled: list[Fulfilment] = field(default_factory=list)
    """Orphaned fulfilments, not on chain, that a person settled off chain: not a mismatch."""
    redemptions: int = 0
    fulfilments: int = 0

    @property
    def clean(self) -> bool:
        return not self.unfulfilled and not self.unredeemed

    def lines(self) -> list[str]:
        """One line per mismatch, naming it."""
        out = []
        for r in self.unfulfilled:
            late = self.cursor is None or r.block_number > self.cursor
            why = "after the ledger's cursor: run fulfil" if late else "missed by the ledger"
            out.append(f"redeemed but not fulfilled ({why}): {r.describe()}")
        for f in self.unredeemed:
            why = f"; {f.orphaned}" if f.orphaned else ""
            out.append(
                f"fulfilled but not redeemed: {f.fulfilment_id} for {f.redemption.describe()}{why}"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        """The reconciliation as JSON-ready values (``verify --json``): the counts, each redemption not
        fulfilled by its key (``campaign/token/count``), each fulfilment not redeemed by its id, and the
        settled orphans with their settlements."""
        return {
            "clean": self.clean,
            "redemptions": self.redemptions,
            "fulfilments": self.fulfilments,
            "checked_to": self.checked_to,
            "unfulfilled": [f"{r.campaign_id}/{r.token_id}/{r.count}" for r in self.unfulfilled],
            "unredeemed": [f.fulfilment_id for f in self.unredeemed],
            "settled": [
                {"fulfilment_id": f.fulfilment_id, **f.settled.as_dict()}
                for f in self.settled
                if f.settled is not None
            ],
        }

    def settled_lines(self) -> list[str]:
        """One line per settled orphan: its id, when and why (not mismatches)."""
        return [
            f"settled off chain: {f.fulfilment_id} for {f.redemption.describe()}, on "
            f"{f.settled.when()}: {f.settled.reason}"
            for f in self.settled
            if f.settled is not None
        ]


def reconcile(
    chain: Iterable[Redemption],
    ledger: Iterable[Fulfilment],
    *,
    checked_to: int,
    cursor: int | None,
    block_gone: Callable[[Redemption], bool] = lambda r: False,
) -> Reconciliation:
    """Compare the chain's redemptions (blocks up to ``checked_to``) with the ledger's fulfilments.

    A redemption and a fulfilment match when their content (key, holder, order) is the same: a transaction
    that moved to another block in a reorganisation is still the redemption that was fulfilled. Each side's
    leftovers are the two kinds of mismatch, except an orphaned fulfilment a person settled, which is listed
    apart. A fulfilment of a block after ``checked_to`` is judged only if ``block_gone`` says the chain does
    not have its block (a ledger ahead of a chain that lost blocks).
    """
    on_chain: dict[tuple[int, int, int, str, str], Redemption] = {}
    for redemption in chain:
        on_chain.setdefault(redemption.content, redemption)
    result = Reconciliation(checked_to, cursor, redemptions=len(on_chain))
    matched = set()
    for fulfilment in ledger:
        result.fulfilments += 1
        content = fulfilment.redemption.content
        if content in on_chain and content not in matched:
            matched.add(content)
        elif (
            fulfilment.orphaned
            or fulfilment.redemption.block_number <= checked_to
            or block_gone(fulfilment.redemption)
        ):
            settled = fulfilment.orphaned is not None and fulfilment.settled is not None
            (result.settled if settled else result.unredeemed).append(fulfilment)
    result.unfulfilled = [r for c, r in on_chain.items() if c not in matched]
    return result
