"""Merkle claims: build the tree of a member list, set its root on a series, and claim with a proof.

ape run claims build --members members.csv --out claims/court
ape run claims setup --series 2 --members members.csv --out claims/court --account TEST::0
ape run claims claim --series 2 --member 0x… --out claims/court --account TEST::3
"""

import click
from ape.cli import ConnectedProviderCommand, ape_cli_context

from scripts._options import (
    ADDRESS,
    common_options,
    confirm_network,
    emit_json,
    json_option,
    load_collectible,
    prepare_signer,
    reported_errors,
)

out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Claims folder: tree.json, root.txt, proofs.json (COLLECTIBLES_CLAIMS_DIR; default claims/).",
)
members_option = click.option(
    "--members", type=click.Path(dir_okay=False, exists=True), help="CSV with an 'address' column."
)
series_option = click.option(
    "--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id."
)


def _out(out_dir):
    from collectibles.domain.settings import load_settings

    return out_dir or str(load_settings().claims_dir)


def _build(members, out_dir):
    from collectibles.domain.claim_tree import build_tree, write_claims
    from collectibles.domain.members import load_members

    member_file = load_members(members)
    tree = build_tree(member_file.addresses)
    write_claims(tree, out_dir)
    return tree, member_file


@click.group()
def cli():
    """Merkle claims of a series: build, setup (set the root), claim."""


@cli.command()
@ape_cli_context()
@members_option
@out_option
@json_option()
def build(cli_ctx, members, out_dir, as_json):
    """Build the claim tree of --members and write it to --out (no chain needed)."""
    if not members:
        raise click.UsageError("--members is required")
    out_dir = _out(out_dir)
    with reported_errors():
        tree, member_file = _build(members, out_dir)
    root = "0x" + tree.root.hex()
    cli_ctx.logger.success(
        f"Tree of {len(member_file.members)} members, root {root}, written to {out_dir}"
    )
    if as_json:
        emit_json({"root": root, "members": len(member_file.members), "out": out_dir})


@cli.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@common_options
@series_option
@members_option
@out_option
def setup(
    cli_ctx, network, provider, account, contract_address, yes, as_json, series_id, members, out_dir
):
    """Set the claim root of --series from --out (building it first from --members if given)."""
    from collectibles.domain.claim_tree import load_claims
    from collectibles.chain.deployment import require_role
    from collectibles.chain.mint import remaining_supply

    out_dir = _out(out_dir)
    with reported_errors():
        if members:
            _build(members, out_dir)
        claims = load_claims(out_dir)
        nft = load_collectible(contract_address)
        remaining_supply(nft, series_id)  # the series must exist
        current = bytes(nft.series(series_id).merkleRoot)
        changed = current != claims.root
        tx_hash = ""
        if changed:
            require_role(nft, "MINTER_ROLE", account, "set a claim root")
            confirm_network(network, yes, provider)
            prepare_signer(account, yes)
            tx_hash = str(nft.setMerkleRoot(series_id, claims.root, sender=account).txn_hash)
    root = "0x" + claims.root.hex()
    verb = "Set" if changed else "Already set:"
    cli_ctx.logger.success(f"{verb} claim root of series {series_id} to {root}")
    if as_json:
        emit_json(
            {
                "contract": nft.address,
                "series_id": series_id,
                "root": root,
                "changed": changed,
                "tx_hash": tx_hash,
                "members": len(claims.tree.values),
            }
        )


@cli.command(cls=ConnectedProviderCommand)
@ape_cli_context()
@common_options
@series_option
@click.option(
    "--member", type=ADDRESS, required=True, help="Address to claim for (the token goes there)."
)
@out_option
def claim(
    cli_ctx, network, provider, account, contract_address, yes, as_json, series_id, member, out_dir
):
    """Claim the token of --member from --series with its proof (the sender pays the gas)."""
    from collectibles.domain.claim_tree import load_claims
    from collectibles.domain.errors import InvalidClaims
    from collectibles.chain.mint import remaining_supply

    out_dir = _out(out_dir)
    token_id = None
    tx_hash = ""
    with reported_errors():
        claims = load_claims(out_dir)
        proof = claims.proof(member)
        nft = load_collectible(contract_address)
        remaining_supply(nft, series_id)
        on_chain = bytes(nft.series(series_id).merkleRoot)
        if on_chain != claims.root:
            raise InvalidClaims(
                out_dir, f"its root is not series {series_id}'s root on chain (0x{on_chain.hex()})"
            )
        already = bool(nft.hasClaimed(series_id, member))
        if not already:
            confirm_network(network, yes, provider)
            prepare_signer(account, yes)
            tx = nft.claim(series_id, member, proof, sender=account)
            token_id = tx.events.filter(nft.Claimed)[0].tokenId
            tx_hash = str(tx.txn_hash)
    if already:
        cli_ctx.logger.success(f"{member} already claimed from series {series_id}")
    else:
        cli_ctx.logger.success(f"Claimed token {token_id} of series {series_id} for {member}")
    if as_json:
        emit_json(
            {
                "contract": nft.address,
                "series_id": series_id,
                "member": member,
                "claimed": not already,
                "token_id": token_id,
                "tx_hash": tx_hash,
            }
        )
