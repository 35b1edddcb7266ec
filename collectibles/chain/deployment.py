"""Deploying the Collectible and finding it again: the chain-facing side of :mod:`collectibles.chain.registry`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectibles.chain.registry import Deployment, Registry, normalize_hash

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from ape.managers.project import ProjectManager

CONTRACT = "Collectible"
MAX_ROYALTY_BPS = 1_000
"""``Collectible.MAX_ROYALTY_BPS``: checked before deploying, so a refused deployment costs nothing."""


@dataclass(frozen=True)
class ChainId:
    """What identifies the connected chain in the registry."""

    chain_id: int
    genesis_hash: str


def chain_identity(provider: ProviderAPI) -> ChainId:
    """The chain id and genesis block hash of the connected chain."""
    genesis = provider.web3.eth.get_block(0)
    return ChainId(int(provider.chain_id), normalize_hash(bytes(genesis["hash"])))


def has_code(provider: ProviderAPI) -> Callable[[str], bool]:
    """A ``has_code(address)`` check for :meth:`Registry.lookup`, using ``provider``."""
    return lambda address: len(provider.get_code(address)) > 0


def find_collectible(
    project: ProjectManager,
    provider: ProviderAPI,
    registry: Registry | None,
    address: str | None = None,
) -> ContractInstance:
    """The Collectible at ``address`` if given (it must have code), else the registry's for this chain."""
    from collectibles.domain.errors import NotAContract

    if address:
        if not has_code(provider)(address):
            raise NotAContract(address, provider.chain_id)
        return project.Collectible.at(address)
    if registry is None:
        raise ValueError("find_collectible needs a registry or an address")
    ident = chain_identity(provider)
    deployment = registry.lookup(ident.chain_id, ident.genesis_hash, CONTRACT, has_code(provider))
    return project.Collectible.at(deployment.address)


def live_deployment(registry: Registry, provider: ProviderAPI) -> Deployment | None:
    """The registry's deployment on the connected chain if its code is still there, else ``None``."""
    ident = chain_identity(provider)
    return registry.find(ident.chain_id, ident.genesis_hash, CONTRACT, has_code(provider))


@dataclass
class DeployResult:
    """What ``deploy`` did."""

    address: str
    deployed: bool
    """False when the registry already had a live deployment and nothing was sent."""
    deployment: Deployment
    chain: ChainId
    reset_detected: bool = False
    """The registry had records for an earlier chain with the same id (a restarted or reset chain)."""


def deploy_collectible(
    project: ProjectManager,
    provider: ProviderAPI,
    registry: Registry,
    sender: AccountAPI,
    *,
    name: str,
    symbol: str,
    admin: str,
    admin_delay: int,
    royalty_receiver: str,
    royalty_bps: int,
    minters: list[str],
    curators: list[str],
    new: bool = False,
) -> DeployResult:
    """Deploy a Collectible, grant MINTER_ROLE and METADATA_ROLE, record it; reuse a live one unless ``new``.

    The roles are granted by ``sender``, so ``sender`` must be ``admin`` when any are given.
    """
    from collectibles.domain.errors import RoyaltyTooHigh

    if not 0 <= royalty_bps <= MAX_ROYALTY_BPS:
        raise RoyaltyTooHigh(royalty_bps, MAX_ROYALTY_BPS)
    ident = chain_identity(provider)
    reset = bool(registry.other_chains(ident.chain_id, ident.genesis_hash))
    if not new and (found := live_deployment(registry, provider)):
        return DeployResult(found.address, False, found, ident, reset)

    nft = sender.deploy(
        project.Collectible, name, symbol, admin, admin_delay, royalty_receiver, royalty_bps
    )
    receipt = provider.get_receipt(nft.txn_hash) if nft.txn_hash else None
    for role, holders in (("MINTER_ROLE", minters), ("METADATA_ROLE", curators)):
        role_id = getattr(nft, role)()
        for holder in holders:
            if not nft.hasRole(role_id, holder):
                nft.grantRole(role_id, holder, sender=sender)
    deployment = Deployment(
        address=nft.address,
        tx_hash=str(nft.txn_hash or ""),
        block_number=getattr(receipt, "block_number", None),
        deployer=sender.address,
        args={
            "name": name,
            "symbol": symbol,
            "admin": admin,
            "admin_delay": admin_delay,
            "royalty_receiver": royalty_receiver,
            "royalty_bps": royalty_bps,
            "minters": minters,
            "curators": curators,
        },
    )
    registry.record(ident.chain_id, ident.genesis_hash, CONTRACT, deployment)
    registry.save()
    return DeployResult(nft.address, True, deployment, ident, reset)


def require_role(nft: ContractInstance, role: str, account: AccountAPI, action: str) -> None:
    """Raise :class:`MissingRole` unless ``account`` holds ``role`` (``DEFAULT_ADMIN_ROLE``, ``MINTER_ROLE``…)."""
    from collectibles.domain.errors import MissingRole

    role_id = b"\0" * 32 if role == "DEFAULT_ADMIN_ROLE" else getattr(nft, role)()
    if not nft.hasRole(role_id, account.address):
        raise MissingRole(account.address, role, action)
