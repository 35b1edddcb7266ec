"""The audit's JSON report (``published/verify-report.json`` by default): every series, token and damage found.

Separate from the audit (:mod:`collectibles.chain.audit`) because writing is its own problem: 100,000
tokens make a 40 MB document, so it is streamed a token at a time, yet must read exactly as
``json.dumps(document, indent=2)`` would. Nothing here reads the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collectibles.chain.audit import SeriesAudit, TokenAudit
    from collectibles.ipfs.salvage import ContentProblem


def write_report(
    audits: list[SeriesAudit], path: Path, content_problems: Iterable[ContentProblem] = ()
) -> None:
    """The audit as JSON: one object per series, every token with its CIDs and problems, and the damage
    found in the published CAR files (the same list in each series: the blocks are shared).

    Written a token at a time (100,000 tokens make a 40 MB document, which need not be in memory twice);
    the text is what ``json.dumps(document, indent=2)`` would write."""
    damage = [asdict(p) for p in content_problems]
    skeleton = [
        {
            **{f.name: getattr(a, f.name) for f in fields(a) if f.name != "tokens"},
            "tokens": _TOKENS_HERE,
            "failures": len(a.failures),
            "content_problems": damage,
        }
        for a in audits
    ]
    # Split at the key: inside a JSON string a quote is escaped, so only the key itself matches.
    pieces = json.dumps(skeleton, indent=2).split(f'"tokens": {json.dumps(_TOKENS_HERE)}')
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(pieces[0])
        for audit, after in zip(audits, pieces[1:], strict=True):
            out.write('"tokens": ')
            _write_tokens(out, audit.tokens)
            out.write(after)
        out.write("\n")


_TOKENS_HERE = "\0tokens\0"
"""Where a series' token list goes in the report's skeleton."""


def _write_tokens(out: TextIO, tokens: list[TokenAudit]) -> None:
    """A token list as ``json.dumps(indent=2)`` writes it three levels down (6 spaces per item)."""
    if not tokens:
        out.write("[]")
        return
    indent = "\n" + " " * 6
    out.write("[")
    for i, token in enumerate(tokens):
        out.write(
            ("," if i else "") + indent + json.dumps(asdict(token), indent=2).replace("\n", indent)
        )
    out.write("\n" + " " * 4 + "]")
