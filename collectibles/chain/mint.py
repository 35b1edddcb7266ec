"""Minting editions of a series: one token, or many to one address in ``mintBatch`` calls of at most 128."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from collectibles.domain.errors import SupplyExceeded, UnknownSeries
from collectibles.domain.tokens import MAX_MINT_BATCH

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance


def batch_sizes(quantity: int, size: int = MAX_MINT_BATCH) -> list[int]:
    """Split ``quantity`` into call sizes of at most ``size``: ``batch_sizes(300) == [128, 128, 44]``."""
    if quantity < 1:
        raise ValueError(f"quantity must be at least 1, not {quantity}")
    full, rest = divmod(quantity, size)
    return [size] * full + ([rest] if rest else [])


@dataclass
class MintResult:
    """Tokens minted and the transactions that minted them."""

    token_ids: list[int] = field(default_factory=list)
    tx_hashes: list[str] = field(default_factory=list)


def remaining_supply(nft: ContractInstance, series_id: int) -> int:
    """Editions of ``series_id`` still mintable; :class:`UnknownSeries` if there is no such series."""
    if not 1 <= series_id <= (count := int(nft.seriesCount())):
        raise UnknownSeries(series_id, count)
    info = nft.series(series_id)
    return int(info.maxSupply) - int(info.minted)


def mint_tokens(
    nft: ContractInstance, series_id: int, to: str, quantity: int, sender: AccountAPI
) -> MintResult:
    """Mint ``quantity`` tokens of ``series_id`` to ``to``; checks the remaining supply before sending."""
    if (left := remaining_supply(nft, series_id)) < quantity:
        raise SupplyExceeded(series_id, quantity, left)
    result = MintResult()
    for size in batch_sizes(quantity):
        tx = (
            nft.mint(series_id, to, sender=sender)
            if size == 1
            else nft.mintBatch(series_id, to, size, sender=sender)
        )
        result.token_ids += [e.tokenId for e in tx.events.filter(nft.Transfer)]
        result.tx_hashes.append(str(tx.txn_hash))
    return result
