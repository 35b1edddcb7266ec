"""Point a series at its published metadata on chain: set the base URI (a reveal), freeze, contract URI.

Every step first reads the chain and sends nothing when the chain already says the same, so publishing
unchanged content again is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from collectibles.domain.errors import SeriesMetadataFrozen

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance


@dataclass
class RevealResult:
    series_id: int
    base_uri: str
    revealed: bool
    """Whether this call changed the base URI (the contract emitted ERC-4906 BatchMetadataUpdate)."""
    frozen: bool
    """Whether the series' metadata is frozen now."""
    contract_uri_changed: bool = False
    tx_hashes: list[str] = field(default_factory=list)
    gas_used: int = 0


def reveal(
    nft: ContractInstance,
    series_id: int,
    base_uri: str,
    sender: AccountAPI,
    *,
    freeze: bool = False,
    contract_uri: str | None = None,
) -> RevealResult:
    """Set series ``series_id`` of ``nft`` to ``base_uri`` (``ipfs://<dirCID>/``), then the rest."""
    info = nft.series(series_id)
    result = RevealResult(series_id, base_uri, False, bool(info.metadataFrozen))
    receipts = []
    if str(info.baseURI) != base_uri:
        if info.metadataFrozen:
            raise SeriesMetadataFrozen(series_id, str(info.baseURI), base_uri)
        receipts.append(nft.setSeriesBaseURI(series_id, base_uri, sender=sender))
        result.revealed = True
    if freeze and not info.metadataFrozen:
        receipts.append(nft.freezeSeriesMetadata(series_id, sender=sender))
        result.frozen = True
    if contract_uri is not None and str(nft.contractURI()) != contract_uri:
        receipts.append(nft.setContractURI(contract_uri, sender=sender))
        result.contract_uri_changed = True
    result.tx_hashes = [str(r.txn_hash) for r in receipts]
    result.gas_used = sum(int(r.gas_used) for r in receipts)
    return result
