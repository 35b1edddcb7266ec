"""Deploying the Collectible and finding it again: the chain-facing side of :mod:`collectibles.chain.registry`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from collectibles.chain.registry import Deployment, Registry, chain_key, normalize_hash

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractContainer, ContractInstance
    from ape.managers.project import ProjectManager
    from eth_typing import HexStr

CONTRACT = "Collectible"
MAX_ROYALTY_BPS = 1_000
"""``Collectible.MAX_ROYALTY_BPS``: checked before deploying, so a refused deployment costs nothing."""


@dataclass(frozen=True)
class ChainId:
    """What identifies the connected chain in the registry."""

    chain_id: int
    genesis_hash: str


def chain_identity(provider: ProviderAPI) -> ChainId:
    """The chain id and genesis block hash of the connected chain, stable across a restart from its state.

    The genesis is read as block 1's parent hash when there is a block 1, else as block 0's hash: on any
    consistent chain they are the same block, but Anvil restarted from its ``--state`` file (``make chain``)
    sometimes makes a new block 0 under the blocks it kept, whose parent link still names the first one. So
    the registry key, the airdrop journal's name and the airdrop plan ids stay those of the first start, and
    a chain that was really reset (no block 1 of the old chain) still gets a new identity.
    """
    from web3.exceptions import BlockNotFound

    web3 = provider.web3
    try:
        genesis = bytes(web3.eth.get_block(1)["parentHash"])
    except BlockNotFound:
        genesis = bytes(web3.eth.get_block(0)["hash"])
    return ChainId(int(provider.chain_id), normalize_hash(genesis))


def has_code(provider: ProviderAPI) -> Callable[[str], bool]:
    """A ``has_code(address)`` check for :meth:`Registry.lookup`, using ``provider``."""
    return lambda address: len(provider.get_code(address)) > 0


def code_hash(provider: ProviderAPI, address: str) -> str:
    """keccak-256 of the runtime code at ``address``, ``0x`` hex (the hash of empty code when none)."""
    from eth_utils import keccak

    return "0x" + keccak(bytes(provider.get_code(address))).hex()


def same_deployment(provider: ProviderAPI) -> Callable[[Deployment], bool]:
    """Whether a recorded deployment is on the connected chain, whatever its genesis block says now.

    The recorded deployment transaction must have a receipt here that created the recorded address, and the
    code at that address must have the recorded hash (when one was recorded). A restarted-from-state chain
    passes; a reset chain (no receipt, no code) does not.
    """
    from web3.exceptions import TransactionNotFound

    def check(deployment: Deployment) -> bool:
        if not has_code(provider)(deployment.address):
            return False
        if deployment.code_hash and code_hash(provider, deployment.address) != deployment.code_hash:
            return False
        if not deployment.tx_hash:
            return bool(deployment.code_hash)
        try:
            receipt = provider.web3.eth.get_transaction_receipt(cast("HexStr", deployment.tx_hash))
        except TransactionNotFound:
            return False
        created = receipt.get("contractAddress") or ""
        return str(created).lower() == deployment.address.lower()

    return check


def lookup_deployment(registry: Registry, provider: ProviderAPI) -> Deployment:
    """The registry's Collectible on the connected chain (raises when there is none or it lost its code).

    A chain that kept its deployment under a new genesis block is adopted and the registry saved, so the
    next lookup is a plain one.
    """
    ident = chain_identity(provider)
    known = registry.get(ident.chain_id, ident.genesis_hash, CONTRACT) is not None
    deployment = registry.lookup(
        ident.chain_id, ident.genesis_hash, CONTRACT, has_code(provider), same_deployment(provider)
    )
    if not known:
        registry.save()
    return deployment


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
        return collectible_at(project, address)
    if registry is None:
        raise ValueError("find_collectible needs a registry or an address")
    return collectible_at(project, lookup_deployment(registry, provider).address)


def collectible_at(project: ProjectManager, address: str) -> ContractInstance:
    """The project's Collectible at ``address``, with this build's ABI and nothing else.

    Ape keeps a contract type per address on disk for a chain reached by URL and merges it with the one
    given. Local chains hand out the same addresses after every reset, so an older build deployed there once
    would mix its ABI in (two ``AirdropExecuted`` events, say): the cached type is replaced instead.
    """
    from ape.utils.basemodel import ManagerAccessMixin

    container: ContractContainer = project.Collectible
    return ManagerAccessMixin.chain_manager.contracts.instance_at(
        address, contract_type=container.contract_type, fetch_from_explorer=False, replace=True
    )


def live_deployment(registry: Registry, provider: ProviderAPI) -> Deployment | None:
    """The registry's deployment on the connected chain if its code is still there, else ``None``."""
    from collectibles.domain.errors import NoDeployment, StaleDeployment

    try:
        return lookup_deployment(registry, provider)
    except (NoDeployment, StaleDeployment):
        return None


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
    found = live_deployment(registry, provider)
    kept = registry.chains.get(chain_key(ident.chain_id, ident.genesis_hash), {}).get("kept_from")
    reset = not kept and bool(registry.other_chains(ident.chain_id, ident.genesis_hash))
    if not new and found:
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
        code_hash=code_hash(provider, nft.address),
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
