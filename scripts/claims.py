"""Merkle claims: build the tree of a member list, set its root on a series, and claim with a proof.

ape run claims build --members members.csv --out claims/court
ape run claims setup --series 2 --members members.csv --out claims/court --account TEST::0
ape run claims claim --series 2 --member 0x… --out claims/court --account TEST::3
"""

from pathlib import Path

import click

from scripts._cli import (
    CollectiblesContext,
    Command,
    Group,
    collectibles_cli_context,
    json_option,
    sender_options,
)
from scripts._params import ADDRESS

out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="COLLECTIBLES_CLAIMS_DIR",
    show_envvar=True,
    help="Claims folder: tree.json, claims.json, nodes/accounts/places.bin, root.txt [default: claims/].",
)
members_option = click.option(
    "--members",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV with an 'address' column (setup, claim: the file the folder was built from, checked by "
    "SHA-256; default: the path `build` recorded).",
)
series_option = click.option(
    "--series", "series_id", type=click.IntRange(min=1), required=True, help="Series id."
)


@click.group(cls=Group)
def cli() -> None:
    """Merkle claims of a series: build, setup (set the root), claim."""


@cli.command()
@collectibles_cli_context()
@members_option
@out_option
@json_option()
def build(cli_ctx: CollectiblesContext, members: Path | None, out_dir: Path | None) -> None:
    """Build the claim tree of --members and write it to --out (no chain needed)."""
    if not members:
        raise click.UsageError("--members is required")
    out_dir = out_dir or cli_ctx.settings.claims_dir
    with cli_ctx.reported_errors():
        root, count = _build(members, out_dir)
    cli_ctx.logger.success(f"Tree of {count} members, root {root}, written to {out_dir}")
    cli_ctx.emit({"root": root, "members": count, "out": str(out_dir)})


@cli.command(cls=Command)
@collectibles_cli_context()
@sender_options
@series_option
@members_option
@out_option
def setup(
    cli_ctx: CollectiblesContext, series_id: int, members: Path | None, out_dir: Path | None
) -> None:
    """Set the claim root and member count of --series from --out (building it first from --members if --out
    has no tree yet; a tree of another version of the member file is refused)."""
    from collectibles.chain.claims import root_is_set, set_claim_root
    from collectibles.domain.claim_tree import MANIFEST_FILE, load_claims

    out_dir = out_dir or cli_ctx.settings.claims_dir
    with cli_ctx.reported_errors():
        if members and not (out_dir / MANIFEST_FILE).is_file():
            _build(members, out_dir)
        claims = load_claims(out_dir, members)
        nft = cli_ctx.collectible
        signer = cli_ctx.account
        if not root_is_set(nft, series_id, claims):
            signer = cli_ctx.ready_to_send("MINTER_ROLE", "set a claim root")
        change = set_claim_root(nft, series_id, claims, signer)
    root = "0x" + change.root.hex()
    verb = "Set" if change.changed else "Already set:"
    cli_ctx.logger.success(f"{verb} claim root of series {series_id} to {root}")
    cli_ctx.emit(
        {
            "contract": nft.address,
            "series_id": series_id,
            "root": root,
            "changed": change.changed,
            "tx_hash": change.tx_hash,
            "members": claims.members,
        }
    )


@cli.command(cls=Command)
@collectibles_cli_context()
@sender_options
@series_option
@click.option(
    "--member", type=ADDRESS, required=True, help="Address to claim for (the token goes there)."
)
@members_option
@out_option
def claim(
    cli_ctx: CollectiblesContext,
    series_id: int,
    member: str,
    members: Path | None,
    out_dir: Path | None,
) -> None:
    """Claim the token of --member from --series with its proof (the sender pays the gas)."""
    from collectibles.chain import claims as on_chain
    from collectibles.domain.claim_tree import load_claims

    out_dir = out_dir or cli_ctx.settings.claims_dir
    with cli_ctx.reported_errors():
        claims = load_claims(out_dir, members)
        index, _ = claims.member(
            member
        )  # a member without a proof is refused before the chain is asked
        nft = cli_ctx.collectible
        on_chain.check_claims_match(nft, series_id, claims)
        signer = cli_ctx.account
        if not on_chain.is_claimed(nft, series_id, index):
            signer = cli_ctx.ready_to_send()  # anyone may claim for a member: no role
        outcome = on_chain.claim(nft, series_id, claims, member, signer)
    if outcome.claimed:
        cli_ctx.logger.success(
            f"Claimed token {outcome.token_id} of series {series_id} for {member}"
        )
    else:
        cli_ctx.logger.success(f"{member} already claimed from series {series_id}")
    cli_ctx.emit(
        {
            "contract": nft.address,
            "series_id": series_id,
            "member": member,
            "index": outcome.index,
            "claimed": outcome.claimed,
            "token_id": outcome.token_id,
            "tx_hash": outcome.tx_hash,
        }
    )


def _build(members: Path, out_dir: Path) -> tuple[str, int]:
    """Write the claim tree of the member file to ``out_dir``; ``(root as 0x hex, members)``."""
    from collectibles.domain.claim_tree import build_tree, write_claims
    from collectibles.domain.members import load_members

    member_file = load_members(members)
    # Two passes over the compact member list rather than one list of a million address strings.
    tree = build_tree(m.address for m in member_file.members)
    write_claims(
        tree,
        (m.address for m in member_file.members),
        out_dir,
        members.resolve(),
        member_file.sha256,
    )
    return "0x" + tree.root.hex(), tree.members
