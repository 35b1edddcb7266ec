"""The airdrop's fee policy: EIP-1559 fees under an operator cap, and the bump that replaces a stuck send.

Pure arithmetic on wei, so every rule is unit-tested without a chain.

- **First fees**: the priority fee (tip) is the operator's ``--priority-fee-gwei``, else the node's
  suggestion; the max fee is ``2 x base fee + tip``, the usual wallet rule (it survives six full blocks of
  12.5% base-fee rises), never above the operator's ``--max-fee-gwei``, and the tip never above the max fee.
- **Replacement**: a transaction with the same nonce replaces a pending one only if *both* its max fee and its
  tip are at least 10% higher. That is geth's ``txpool.pricebump`` default (legacypool compares each fee with
  ``old * (100 + 10) / 100``) and reth's ``DEFAULT_PRICE_BUMP = 10`` (its pool refuses a replacement as
  underpriced when either fee is below that threshold). We round up and add at least one wei, so the bump
  also passes a pool that demands strictly higher fees (Anvil). The bumped max fee also follows the base fee
  (``2 x base + tip`` when that is higher), and is refused (``None``) when it would pass the cap.
- **Which base fee**: a transaction sent now can be in the *next* block at the earliest, so fees are judged
  against the next block's base fee (EIP-1559: the latest one moved by up to 1/8 towards the gas target, see
  :func:`next_base_fee`), not the latest block's: a pool refuses a max fee below the next block's base fee.
- **Refusals that mean "pay more"**: :func:`is_underpriced_refusal` recognises the pools' answers for fees
  too low (Anvil's and geth's "max fee per gas less than block base fee", geth's and reth's "transaction
  underpriced" and "replacement transaction underpriced", "fee cap less than block base fee"): such a batch
  is replaced with bumped fees, never sent again with the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectibles.domain.errors import CollectiblesError

GWEI = 10**9
PRICE_BUMP_PERCENT = 10
"""Minimum raise of each fee for a same-nonce replacement: geth's and reth's default price bump."""
BASE_FEE_MULTIPLIER = 2
"""Max fee = ``BASE_FEE_MULTIPLIER x base fee + tip``."""
ELASTICITY_MULTIPLIER = 2
"""EIP-1559: the gas target is the block gas limit over this."""
BASE_FEE_CHANGE_DENOMINATOR = 8
"""EIP-1559: the base fee moves by at most 1/8 from one block to the next."""
UNDERPRICED_REFUSALS = (
    "less than block base fee",  # Anvil, geth: "max fee per gas less than block base fee"; "fee cap less than ..."
    "transaction underpriced",  # geth, reth: "transaction underpriced", "replacement transaction underpriced"
    "max fee per gas too low",
    "fee too low",
)
"""Pieces of the pools' refusals of a transaction whose fees are too low (matched in lower case)."""


class FeeCapTooLow(CollectiblesError):
    """The operator's fee cap is below what the chain charges now, so a send would wait for nothing."""

    def __init__(self, cap: int, base_fee: int):
        self.cap = cap
        self.base_fee = base_fee
        super().__init__(
            f"the fee cap of {cap / GWEI:g} gwei (--max-fee-gwei) is below the current base fee of "
            f"{base_fee / GWEI:g} gwei; raise the cap or wait for a lower base fee, then rerun the same command"
        )


class OutOfFunds(CollectiblesError):
    """The sender cannot pay for the batches left at the current fees; nothing more was sent."""

    def __init__(self, sender: str, needed: int, balance: int):
        self.sender = sender
        self.needed = needed
        self.balance = balance
        super().__init__(
            f"{sender} has {balance / 10**18:.6f} ETH, the batches left may cost up to "
            f"{needed / 10**18:.6f} ETH: send it at least {(needed - balance) / 10**18:.6f} ETH more, "
            "then rerun the same command"
        )


@dataclass(frozen=True)
class Fees:
    """The two EIP-1559 fees of a transaction, in wei per gas."""

    max_fee: int
    priority_fee: int

    def describe(self) -> str:
        return f"max fee {self.max_fee / GWEI:g} gwei, tip {self.priority_fee / GWEI:g} gwei"


@dataclass(frozen=True)
class FeePolicy:
    """The operator's limits: ``max_fee_cap`` (``None``: no cap) and ``priority_fee`` (``None``: the node's)."""

    max_fee_cap: int | None = None
    priority_fee: int | None = None

    @classmethod
    def from_gwei(cls, max_fee_gwei: float | None, priority_fee_gwei: float | None) -> FeePolicy:
        """The policy from the command's ``--max-fee-gwei`` and ``--priority-fee-gwei``."""
        return cls(
            None if max_fee_gwei is None else int(max_fee_gwei * GWEI),
            None if priority_fee_gwei is None else int(priority_fee_gwei * GWEI),
        )

    def initial(self, base_fee: int, suggested_tip: int) -> Fees:
        """The fees of a first send: ``min(cap, 2 x base + tip)``, tip at most the max fee."""
        tip = suggested_tip if self.priority_fee is None else self.priority_fee
        max_fee = BASE_FEE_MULTIPLIER * base_fee + tip
        if self.max_fee_cap is not None:
            max_fee = min(max_fee, self.max_fee_cap)
        return Fees(max_fee, min(tip, max_fee))

    def check_cap(self, base_fee: int) -> None:
        """Refuse up front a cap below the base fee: no transaction under it can be included."""
        if self.max_fee_cap is not None and self.max_fee_cap < base_fee:
            raise FeeCapTooLow(self.max_fee_cap, base_fee)

    def bump(self, old: Fees, base_fee: int) -> Fees | None:
        """Fees that replace ``old`` in geth's, reth's and Anvil's pools, or ``None`` past the cap."""
        tip = max(minimum_replacement(old.priority_fee), self.priority_fee or 0)
        max_fee = max(minimum_replacement(old.max_fee), BASE_FEE_MULTIPLIER * base_fee + tip)
        if self.max_fee_cap is not None and max_fee > self.max_fee_cap:
            if minimum_replacement(old.max_fee) > self.max_fee_cap:
                return None
            max_fee = self.max_fee_cap
        if tip > max_fee:
            return None
        return Fees(max_fee, tip)


def next_base_fee(base_fee: int, gas_used: int, gas_limit: int) -> int:
    """The base fee of the block after one with ``base_fee``, ``gas_used`` and ``gas_limit`` (EIP-1559)."""
    target = gas_limit // ELASTICITY_MULTIPLIER
    if target == 0 or gas_used == target:
        return base_fee
    if gas_used > target:
        delta = base_fee * (gas_used - target) // target // BASE_FEE_CHANGE_DENOMINATOR
        return base_fee + max(delta, 1)
    delta = base_fee * (target - gas_used) // target // BASE_FEE_CHANGE_DENOMINATOR
    return base_fee - delta


def is_underpriced_refusal(answer: str) -> bool:
    """Whether a node's refusal of a broadcast says the transaction's fees are too low."""
    lowered = answer.lower()
    return any(piece in lowered for piece in UNDERPRICED_REFUSALS)


def minimum_replacement(fee: int) -> int:
    """The lowest fee that replaces ``fee``: ``fee x 1.1`` rounded up, and at least one wei more."""
    raised = -(-fee * (100 + PRICE_BUMP_PERCENT) // 100)
    return max(raised, fee + 1)


def is_replacement(old: Fees, new: Fees) -> bool:
    """Whether geth and reth would take ``new`` in place of ``old``: each fee raised by at least 10%."""
    threshold = 100 + PRICE_BUMP_PERCENT
    return (
        new.max_fee * 100 >= old.max_fee * threshold
        and new.priority_fee * 100 >= old.priority_fee * threshold
    )


def includable(fees: Fees, base_fee: int) -> bool:
    """Whether a block with ``base_fee`` can include a transaction with these fees."""
    return fees.max_fee >= base_fee
