"""Deployment registry: where each contract lives, per chain, in a JSON file (``deployments.json``).

A chain is keyed by its chain id AND the hash of its genesis block. Local chains all share chain id 31337,
and a restarted anvil or ganache (without its state file) has a new genesis block: keying on both means an
address recorded on an earlier chain is never handed out for a new one. :meth:`Registry.lookup` also asks the
caller whether the address still has code, for chains that kept their genesis but lost their state.

The genesis hash alone says too little the other way: Anvil restarted from its ``--state`` file (``make
chain``) sometimes makes a new block 0 while it keeps every account, contract and receipt. The caller's
:func:`~collectibles.chain.deployment.chain_identity` reads the genesis through block 1's parent hash, which
such a restart keeps; and when this genesis has no record all the same, a deployment recorded under another genesis with the same chain id is still this
chain's if the caller's ``same_deployment`` check holds (the deployment transaction's receipt created that
address, and the code there has the recorded hash): it is then recorded under the new genesis too
(:meth:`Registry.adopt`). A chain that was really reset has no such receipt and no code, and is still told
apart.

File format (``collectibles-deployments-v1``)::

    {
      "format": "collectibles-deployments-v1",
      "chains": {
        "31337:0xabc…": {
          "chain_id": 31337,
          "genesis_hash": "0xabc…",
          "kept_from": "31337:0xdef…",   (only on a chain restarted from its state: the key it had)
          "contracts": {
            "Collectible": {"address": "0x…", "tx_hash": "0x…", "block_number": 1, "deployer": "0x…",
                            "deployed_at": "2026-01-01T00:00:00+00:00", "args": {…},
                            "previous": ["0x…"], "code_hash": "0x…"}
          }
        }
      }
    }

Pure logic: nothing here talks to a chain (the checks that do are the caller's, see
:mod:`collectibles.chain.deployment`).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectibles.domain.errors import InvalidRegistry, NoDeployment, StaleDeployment

FORMAT = "collectibles-deployments-v1"


def chain_key(chain_id: int, genesis_hash: str) -> str:
    """The registry key of a chain: ``"<chain id>:<genesis hash, lower-case 0x hex>"``."""
    return f"{int(chain_id)}:{normalize_hash(genesis_hash)}"


def normalize_hash(value: str | bytes) -> str:
    """A block hash as lower-case ``0x`` hex."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value).lower()
    return text if text.startswith("0x") else "0x" + text


@dataclass
class Deployment:
    """One recorded deployment of a contract."""

    address: str
    tx_hash: str = ""
    block_number: int | None = None
    deployer: str = ""
    deployed_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )
    args: dict[str, Any] = field(default_factory=dict)
    """Constructor arguments and roles granted, for the record."""
    previous: list[str] = field(default_factory=list)
    """Addresses this deployment replaced on the same chain (``deploy --new``), oldest first."""
    code_hash: str = ""
    """keccak-256 of the runtime code at :attr:`address` once deployed (empty in older records)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deployment:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class Registry:
    """The deployments of every chain, read from and written to one JSON file."""

    def __init__(self, path: Path, chains: dict[str, Any] | None = None):
        self.path = Path(path)
        self.chains: dict[str, Any] = chains if chains is not None else {}

    @classmethod
    def load(cls, path: Path | str) -> Registry:
        """Read the registry at ``path``; a missing file is an empty registry."""
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text() or "{}")
        except json.JSONDecodeError as err:
            raise InvalidRegistry(path, f"not JSON ({err})") from None
        if not isinstance(data, dict) or data.get("format", FORMAT) != FORMAT:
            raise InvalidRegistry(path, f"expected format {FORMAT!r}")
        chains = data.get("chains", {})
        if not isinstance(chains, dict):
            raise InvalidRegistry(path, "'chains' must be an object")
        return cls(path, chains)

    def save(self) -> None:
        """Write the file atomically (a temporary file renamed over it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            json.dumps({"format": FORMAT, "chains": self.chains}, indent=2, sort_keys=True) + "\n"
        )
        fd, tmp = tempfile.mkstemp(prefix=".deployments-", dir=self.path.parent)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, self.path)

    def get(self, chain_id: int, genesis_hash: str, contract: str) -> Deployment | None:
        """The recorded deployment of ``contract`` on this exact chain, unchecked."""
        entry = (
            self.chains.get(chain_key(chain_id, genesis_hash), {})
            .get("contracts", {})
            .get(contract)
        )
        return Deployment.from_dict(entry) if entry else None

    def lookup(
        self,
        chain_id: int,
        genesis_hash: str,
        contract: str,
        has_code: Callable[[str], bool],
        same_deployment: Callable[[Deployment], bool] | None = None,
    ) -> Deployment:
        """The deployment of ``contract`` on this chain, checked to still have code.

        With ``same_deployment``, a deployment recorded under another genesis of this chain id that passes
        it is this chain's (a chain restarted from its state) and is adopted (:meth:`adopt`; call
        :meth:`save` to keep it). Raises :class:`NoDeployment` when this chain has none (saying so when only
        an earlier chain with the same id does), and :class:`StaleDeployment` when the address is empty.
        """
        deployment = self.get(chain_id, genesis_hash, contract)
        if deployment is None and same_deployment is not None:
            deployment = self.adopt(chain_id, genesis_hash, contract, same_deployment)
        if deployment is None:
            raise NoDeployment(
                contract,
                chain_id,
                normalize_hash(genesis_hash),
                reset=bool(self.other_chains(chain_id, genesis_hash)),
            )
        if not has_code(deployment.address):
            raise StaleDeployment(contract, deployment.address, chain_id)
        return deployment

    def find(
        self,
        chain_id: int,
        genesis_hash: str,
        contract: str,
        has_code: Callable[[str], bool],
        same_deployment: Callable[[Deployment], bool] | None = None,
    ) -> Deployment | None:
        """Like :meth:`lookup`, but ``None`` instead of an error when there is nothing usable."""
        try:
            return self.lookup(chain_id, genesis_hash, contract, has_code, same_deployment)
        except (NoDeployment, StaleDeployment):
            return None

    def record(
        self, chain_id: int, genesis_hash: str, contract: str, deployment: Deployment
    ) -> Deployment:
        """Record ``deployment`` as the current ``contract`` of this chain, keeping the replaced address."""
        key = chain_key(chain_id, genesis_hash)
        entry = self.chains.setdefault(
            key,
            {
                "chain_id": int(chain_id),
                "genesis_hash": normalize_hash(genesis_hash),
                "contracts": {},
            },
        )
        old = entry["contracts"].get(contract)
        if old and old.get("address") and old["address"] != deployment.address:
            deployment.previous = [*old.get("previous", []), old["address"]]
        entry["contracts"][contract] = asdict(deployment)
        return deployment

    def adopt(
        self,
        chain_id: int,
        genesis_hash: str,
        contract: str,
        same_deployment: Callable[[Deployment], bool],
    ) -> Deployment | None:
        """Find this chain under an earlier genesis of its chain id, by its deployment; record it anew.

        The newest record of ``contract`` that ``same_deployment`` accepts is copied (with every contract of
        that chain) under this genesis, remembering the key it came from; ``None`` when none is accepted.
        """
        for key in reversed(self.other_chains(chain_id, genesis_hash)):
            entry = self.chains[key]
            recorded = entry.get("contracts", {}).get(contract)
            if not recorded or not same_deployment(Deployment.from_dict(recorded)):
                continue
            self.chains[chain_key(chain_id, genesis_hash)] = {
                **copy.deepcopy(entry),
                "genesis_hash": normalize_hash(genesis_hash),
                "kept_from": key,
            }
            return Deployment.from_dict(recorded)
        return None

    def other_chains(self, chain_id: int, genesis_hash: str) -> list[str]:
        """Keys of recorded chains with this chain id but another genesis (earlier runs of a local chain)."""
        this = chain_key(chain_id, genesis_hash)
        return [
            k
            for k, v in self.chains.items()
            if k != this and int(v.get("chain_id", -1)) == int(chain_id)
        ]
