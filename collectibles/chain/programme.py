"""Deploying the programme contracts (raffle, crafting, redemption) beside a Collectible, granting the roles they
need on it and the roles that run them, and finding them again through the deployment registry.

Each contract is recorded in the registry under its own name, next to the Collectible, so the raffle, crafting
and redemption commands find them the way every other command finds the Collectible. Deploying again reuses a
recorded contract that still has its code and is bound to the same Collectible; granting skips roles already held,
so a re-run after a crash sends only what is missing.

A command finds the contract it works on in one way (:func:`resolve_programme_contract`): the address its option
gives, checked to have code, else the registry's on this chain; each command says in its own words (and with its
own error type) what to do when neither is there.
"""

from __future__ import annotations

from collections.abc import Callable
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
from collectibles.domain.errors import CollectiblesError, NoDeployment, StaleDeployment

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI
    from ape.contracts import ContractContainer, ContractInstance
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


def programme_deployment(provider: ProviderAPI, registry: Registry, name: str) -> Deployment:
    """The registry's record of programme contract ``name`` on the connected chain, checked to have code.

    A record made under an earlier genesis of this chain id is taken when :func:`same_deployment` says it is
    this chain's (restarted from its state), as for the Collectible. Raises :class:`NoDeployment` or
    :class:`StaleDeployment` otherwise.
    """
    ident = chain_identity(provider)
    return registry.lookup(
        ident.chain_id, ident.genesis_hash, name, has_code(provider), same_deployment(provider)
    )


def programme_contract(
    project: ProjectManager, provider: ProviderAPI, registry: Registry, name: str
) -> ContractInstance:
    """The registry's programme contract ``name`` on the connected chain (raises when none has code)."""
    return _instance(project, name, programme_deployment(provider, registry, name).address)


def programme_at(
    project: ProjectManager,
    provider: ProviderAPI,
    name: str,
    address: str,
    *,
    refused: type[CollectiblesError],
) -> ContractInstance:
    """The project's programme contract ``name`` at ``address``; ``refused`` when the address has no code."""
    if not has_code(provider)(address):
        raise refused(f"no contract at {address} on chain {provider.chain_id}")
    return _instance(project, name, address)


def resolve_programme_contract(
    project: ProjectManager,
    provider: ProviderAPI,
    registry: Callable[[], Registry],
    name: str,
    address: str | None,
    *,
    refused: type[CollectiblesError],
    missing: str,
) -> ContractInstance:
    """The programme contract ``name`` a command works on: ``address`` (its option) when given, else the
    registry's on this chain (:func:`programme_contract`; ``registry()`` is loaded only then).

    Raises ``refused`` (the command's own error type): ``no contract at …`` when ``address`` has no code, and
    ``missing`` (a message with ``{chain_id}`` to fill in) when the registry records no live ``name``.
    """
    if address is not None:
        return programme_at(project, provider, name, address, refused=refused)
    try:
        return programme_contract(project, provider, registry(), name)
    except (NoDeployment, StaleDeployment):
        raise refused(missing.format(chain_id=provider.chain_id)) from None


def _instance(project: ProjectManager, name: str, address: str) -> ContractInstance:
    """``name`` at ``address`` with this build's ABI only: the cached type of an address that a reset local
    chain handed out before is replaced, not merged (as :func:`collectibles.chain.deployment.collectible_at`)."""
    from ape.utils.basemodel import ManagerAccessMixin

    container: ContractContainer = getattr(project, name)
    instance: ContractInstance = ManagerAccessMixin.chain_manager.contracts.instance_at(
        address, contract_type=container.contract_type, fetch_from_explorer=False, replace=True
    )
    return instance


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
