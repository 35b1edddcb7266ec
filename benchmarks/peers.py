"""Gas figures of three peer ERC-721 libraries doing our operations, on one Anvil, printed as a table.

Run with ``make bench``. Solady's ERC721, ERC721A and OpenZeppelin's ERC721 come from npm (the versions
``node_modules`` holds), each behind a minimal harness of ours (``benchmarks/peers/*.sol``: a push airdrop,
a batch mint, a single mint, no access control, the library's plain ``_mint``), compiled here with solc-js
(``tools/solc.js``) under ape-config.yaml's settings (EVM target, optimizer runs), so nothing is vendored
and the bytecode is what our own contracts are compiled to.

The figures are comparable with each other and with ``benchmarks/gas.py``'s:

- the same chain: one fresh Anvil with the hardfork of ape-config.yaml, every peer deployed on it;
- the same inputs: every peer receives the same recipient lists (fresh, random-looking addresses from
  ``_chain.Fresh``, so the calldata is byte for byte the same) and every peer has minted one token before
  the measured operations, so no figure carries a token counter's first write;
- the whole transaction: a figure is the receipt's ``gasUsed`` (21,000 base, calldata, execution, less
  refunds) divided by the tokens the transaction minted or moved. An airdrop too large for one transaction
  is split into the fewest equal transactions under the per-transaction gas cap (by default the chain's
  block gas limit), and its figure is their total over all their tokens.

The harnesses mint with ``_mint`` (no receiver check) and check nobody's role, so a peer's figure is the
library's own cost; ours include our role check and series bookkeeping. A measurement, not a test: it
prints what it measures and never fails on gas.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from _chain import Fresh
from ape import accounts, chain, networks
from ape.contracts import ContractContainer
from ape.exceptions import TransactionError
from ethpm_types import ContractType

if TYPE_CHECKING:
    from ape.api import ReceiptAPI
    from ape.api.accounts import AccountAPI
    from ape.contracts import ContractInstance

ROOT = Path(__file__).resolve().parent.parent
HARNESSES = Path(__file__).resolve().parent / "peers"

PEERS = {
    "Solady": ("SoladyPeer", "solady"),
    "ERC721A": ("ERC721APeer", "erc721a"),
    "OpenZeppelin": ("OpenZeppelinPeer", "@openzeppelin/contracts"),
}
"""Column name: (harness contract, npm package it builds on)."""

AIRDROP_SIZES = (500, 1_000)
BATCH = 100

AIRDROP = "push airdrop {size:,} fresh recipients"
BATCH_MINT = f"batch mint {BATCH} to one fresh address"
SINGLE_MINT = "single mint to a fresh address"
TRANSFER = "transfer to a fresh address (the sender's only token)"
TRANSFER_IN_BATCH = f"transfer token {BATCH - 1} of a batch of {BATCH} to a fresh address"


@dataclass(frozen=True)
class Figure:
    """One measured operation: its transactions' total gas and the tokens they minted or moved."""

    gas: int
    tokens: int
    transactions: int = 1

    @property
    def per_token(self) -> float:
        return self.gas / self.tokens


def compile_peers() -> dict[str, ContractType]:
    """The harnesses compiled with solc-js under ape-config.yaml's settings, by peer name."""
    settings = yaml.safe_load((ROOT / "ape-config.yaml").read_text())["solidity"]
    sources = {
        path.relative_to(ROOT).as_posix(): {"content": path.read_text()}
        for path in sorted(HARNESSES.glob("*.sol"))
    }
    standard_json = {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "optimizer": {
                "enabled": bool(settings["optimize"]),
                "runs": settings["optimization_runs"],
            },
            "evmVersion": settings["evm_version"],
            "outputSelection": {
                name: {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
                for name in sources
            },
        },
    }
    # Imports resolve as the packages spell them (`solady/src/...`, `@openzeppelin/contracts/...`) from
    # node_modules, the harnesses' own (`./IPeer.sol`) from the checkout.
    command = ["node", str(ROOT / "tools" / "solc.js"), "--standard-json"]
    command += ["--base-path", str(ROOT), "--include-path", str(ROOT / "node_modules")]
    solc = subprocess.run(
        command,
        input=json.dumps(standard_json),
        capture_output=True,
        text=True,
        check=False,
    )
    if solc.returncode != 0:
        sys.exit(f"peers: solc-js failed: {solc.stderr.strip()}")
    output = json.loads(solc.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        sys.exit("peers: the harnesses do not compile:\n" + "\n".join(errors))
    built = {name: item for unit in output["contracts"].values() for name, item in unit.items()}
    return {
        peer: ContractType.model_validate(
            {
                "contractName": contract,
                "abi": built[contract]["abi"],
                "deploymentBytecode": {
                    "bytecode": "0x" + built[contract]["evm"]["bytecode"]["object"]
                },
                "runtimeBytecode": {
                    "bytecode": "0x" + built[contract]["evm"]["deployedBytecode"]["object"]
                },
            }
        )
        for peer, (contract, _) in PEERS.items()
    }


def versions() -> dict[str, str]:
    """The npm version of each peer's library and of solc-js, as installed in node_modules."""

    def version(package: str) -> str:
        manifest = ROOT / "node_modules" / package / "package.json"
        return str(json.loads(manifest.read_text())["version"])

    found = {peer: version(package) for peer, (_, package) in PEERS.items()}
    found["solc-js"] = version("solc")
    return found


def measure(tx_gas_cap: int | None = None, seed: str = "peers") -> dict[str, dict[str, Figure]]:
    """Every operation's figure for every peer: ``{operation: {peer: Figure}}``, rows in table order.

    Needs a connected Ape network with Ape's test accounts (``main`` opens a fresh Anvil); it deploys
    on whatever chain is connected, so a caller that already measured our contract there gets the
    peers' figures on the same chain. ``tx_gas_cap`` bounds one airdrop transaction (default: the
    block gas limit); ``seed`` names the recipient addresses, the same for every peer.
    """
    admin, holder, batch_holder = accounts.test_accounts[0:3]
    cap = tx_gas_cap or chain.blocks.head.gas_limit
    fresh = Fresh(seed)
    # One set of inputs, drawn once, handed to every peer alike.
    airdrops = {size: fresh.take(size) for size in AIRDROP_SIZES}
    batch_to, single_to, transfer_to, batch_transfer_to = fresh.take(4)

    rows: dict[str, dict[str, Figure]] = {}
    for peer, contract_type in compile_peers().items():
        token = admin.deploy(ContractContainer(contract_type))
        token.mint(admin, sender=admin)  # the counter's first write, outside every figure
        for size, recipients in airdrops.items():
            figure = _airdrop(token, recipients, admin, cap)
            rows.setdefault(AIRDROP.format(size=size), {})[peer] = figure
        rows.setdefault(BATCH_MINT, {})[peer] = _figure(
            token.mintBatch(batch_to, BATCH, sender=admin), BATCH
        )
        rows.setdefault(SINGLE_MINT, {})[peer] = _figure(token.mint(single_to, sender=admin), 1)

        (owned,) = _minted(token.mint(holder, sender=admin))
        rows.setdefault(TRANSFER, {})[peer] = _figure(
            token.transferFrom(holder, transfer_to, owned, sender=holder), 1
        )
        # ERC721A's worst case: the owner is found by reading back to the batch's first slot, and the
        # next token's slot (still unwritten) gets the owner the transfer would otherwise erase.
        in_batch = _minted(token.mintBatch(batch_holder, BATCH, sender=admin))[BATCH - 2]
        rows.setdefault(TRANSFER_IN_BATCH, {})[peer] = _figure(
            token.transferFrom(batch_holder, batch_transfer_to, in_batch, sender=batch_holder), 1
        )
    return rows


def _airdrop(
    token: ContractInstance, recipients: list[str], sender: AccountAPI, cap: int
) -> Figure:
    """Airdrop ``recipients`` in the fewest equal transactions that each fit under ``cap`` gas."""
    for parts in range(1, len(recipients) + 1):
        size = ceil(len(recipients) / parts)
        chunks = [recipients[i : i + size] for i in range(0, len(recipients), size)]
        if _fits(token, chunks[0], sender, cap):
            break
    receipts = [token.airdrop(chunk, sender=sender) for chunk in chunks]
    return Figure(sum(r.gas_used for r in receipts), len(recipients), len(receipts))


def _fits(token: ContractInstance, recipients: list[str], sender: AccountAPI, cap: int) -> bool:
    try:
        needed = token.airdrop.estimate_gas_cost(recipients, sender=sender)
    except TransactionError:  # the chain will not even estimate past its block gas limit
        return False
    return needed <= cap


def _figure(receipt: ReceiptAPI, tokens: int) -> Figure:
    return Figure(receipt.gas_used, tokens)


def _minted(receipt: ReceiptAPI) -> list[int]:
    """The token ids a mint's Transfer logs carry (the third indexed topic of every library's event)."""
    return [int.from_bytes(log["topics"][3], "big") for log in receipt.logs]


def table(rows: dict[str, dict[str, Figure]]) -> str:
    """The figures as the benchmark prints them: gas per token, one column per peer."""
    lines = [
        f"{'operation (gas per token, whole transaction)':60}" + "".join(f"{p:>14}" for p in PEERS)
    ]
    for operation, figures in rows.items():
        cells = "".join(f"{figures[p].per_token:>14,.0f}" for p in PEERS)
        lines.append(f"{operation:60}{cells}")
    split = {
        operation: {p: f.transactions for p, f in figures.items()}
        for operation, figures in rows.items()
        if any(f.transactions > 1 for f in figures.values())
    }
    for operation, counts in split.items():
        each = ", ".join(f"{p} {n}" for p, n in counts.items())
        lines.append(f"{operation}: sent as {each} transactions")
    return "\n".join(lines)


def main() -> int:
    found = versions()
    with networks.parse_network_choice("ethereum:local:foundry"):
        cap = chain.blocks.head.gas_limit
        rows = measure(cap)
    print(
        ", ".join(f"{p} {found[p]}" for p in PEERS)
        + f"; solc-js {found['solc-js']}; one airdrop transaction at most {cap:,} gas\n"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
