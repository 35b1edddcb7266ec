"""Deploying the programme contracts (raffle, crafting, redemption) beside a Collectible, granting the roles they
need on it and the roles that run them, and finding them again through the deployment registry.

Each contract is recorded in the registry under its own name, next to the Collectible, so the raffle, crafting
and redemption commands find them the way every other command finds the Collectible. Deploying again reuses a
recorded contract that still has its code and is bound to the same Collectible; granting skips roles already held,
so a re-run after a crash sends only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectibles.chain.deployment import (
    chain_identity,
    code_hash,
    has_code,
    require_role,
    same_deployment,
)
from collectibles.chain.registry import Deployment, Registry

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractInstance
    from ape.managers.project import ProjectManager

RAFFLE = "CollectibleRaffle"
CRAFTING = "CollectibleCrafting"
REDEMPTION = "CollectibleRedemption"

OPERATOR_ROLES = {RAFFLE: "RAFFLE_ROLE", CRAFTING: "RECIPE_ROLE", REDEMPTION: "CAMPAIGN_ROLE"}
"""The role that runs each contract: commits and draws raffles, creates recipes, creates campaigns."""

COLLECTIBLE_ROLES = {CRAFTING: ("BURNER_ROLE", "MINTER_ROLE"), REDEMPTION: ("BURNER_ROLE",)}
"""The roles each contract needs on the Collectible: crafting burns inputs and mints the output, burn-mode
redemption burns; the raffle touches no token."""


@dataclass(frozen=True)
class ProgrammeDeployment:
    """The programme contracts of one Collectible, and which of them this run deployed."""

    raffle: str
    crafting: str
    redemption: str
    deployed: tuple[str, ...]
    """The names of the contracts sent now; the others were found in the registry."""

    def address(self, name: str) -> str:
        return {RAFFLE: self.raffle, CRAFTING: self.crafting, REDEMPTION: self.redemption}[name]


def deploy_programme(
    project: ProjectManager,
    provider: ProviderAPI,
    registry: Registry,
    sender: AccountAPI,
    nft: ContractInstance,
    operators: list[str],
    *,
    new: bool = False,
) -> ProgrammeDeployment:
    """Deploy (or find) the three contracts for ``nft`` with ``sender`` as their default admin, give them their
    roles on ``nft`` and give ``operators`` the role that runs each; record them in ``registry``.

    ``sender`` must hold ``nft``'s ``DEFAULT_ADMIN_ROLE`` (checked first, so nothing is sent otherwise).
    """
    require_role(nft, "DEFAULT_ADMIN_ROLE", sender, "grant the programme contracts their roles")
    ident = chain_identity(provider)
    addresses: dict[str, str] = {}
    deployed: list[str] = []
    for name in (RAFFLE, CRAFTING, REDEMPTION):
        found = None if new else _recorded(project, provider, registry, name, nft.address)
        if found is None:
            args = (sender,) if name == RAFFLE else (nft, sender)
            contract = sender.deploy(getattr(project, name), *args)
            receipt = provider.get_receipt(contract.txn_hash) if contract.txn_hash else None
            deployment = Deployment(
                address=contract.address,
                tx_hash=str(contract.txn_hash or ""),
                block_number=getattr(receipt, "block_number", None),
                code_hash=code_hash(provider, contract.address),
                deployer=sender.address,
                args={"collectible": nft.address, "admin": sender.address},
            )
            registry.record(ident.chain_id, ident.genesis_hash, name, deployment)
            registry.save()
            found = contract
            deployed.append(name)
        addresses[name] = found.address
        grant_roles(nft, found, name, sender, operators)
    return ProgrammeDeployment(
        raffle=addresses[RAFFLE],
        crafting=addresses[CRAFTING],
        redemption=addresses[REDEMPTION],
        deployed=tuple(deployed),
    )


def grant_roles(
    nft: ContractInstance,
    contract: ContractInstance,
    name: str,
    sender: AccountAPI,
    operators: list[str],
) -> list[str]:
    """Grant programme contract ``name`` its roles on ``nft`` and ``operators`` its operating role; returns what
    was granted (``ROLE to address``), skipping what is already held."""
    granted = []
    for role in COLLECTIBLE_ROLES.get(name, ()):
        granted += _grant(nft, role, contract.address, sender)
    for operator in operators:
        granted += _grant(contract, OPERATOR_ROLES[name], operator, sender)
    return granted


def programme_contract(
    project: ProjectManager, provider: ProviderAPI, registry: Registry, name: str
) -> ContractInstance:
    """The registry's programme contract ``name`` on the connected chain (raises when none has code)."""
    ident = chain_identity(provider)
    deployment = registry.lookup(
        ident.chain_id, ident.genesis_hash, name, has_code(provider), same_deployment(provider)
    )
    return getattr(project, name).at(deployment.address)


def _recorded(
    project: ProjectManager, provider: ProviderAPI, registry: Registry, name: str, collectible: str
) -> ContractInstance | None:
    """The recorded ``name`` if it still has code and belongs to ``collectible`` (the raffle belongs to any)."""
    ident = chain_identity(provider)
    deployment = registry.find(
        ident.chain_id, ident.genesis_hash, name, has_code(provider), same_deployment(provider)
    )
    if deployment is None:
        return None
    contract = getattr(project, name).at(deployment.address)
    if name != RAFFLE and contract.collectible().lower() != collectible.lower():
        return None
    return contract


def _grant(contract: ContractInstance, role: str, holder: str, sender: AccountAPI) -> list[str]:
    role_id = getattr(contract, role)()
    if contract.hasRole(role_id, holder):
        return []
    contract.grantRole(role_id, holder, sender=sender)
    return [f"{role} to {holder}"]
