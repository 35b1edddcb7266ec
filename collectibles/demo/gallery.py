"""The demo's report: a static HTML gallery of the collection and a JSON summary, no chain needed.

``write_gallery`` turns the demo's summary (chain, contract, series with samples, steps, verify) into
``<out>/index.html``, ``<out>/summary.json`` and ``<out>/img/series-<id>.<ext>``, and, when the summary has a
``programme``, ``<out>/programme.html`` (:mod:`collectibles.demo.programme_view`). The page is
self-contained: inline CSS, no scripts, no external resources, and the artwork copied beside it, so it
opens from disk with or without a gateway running. When the summary names a gateway, each series links
its image (``{gateway}/ipfs/{image_cid}``) and each sample its metadata
(``{gateway}/ipfs/{directory_cid}/{serial}.json``).

Every figure is also in a ``data-*`` attribute (``section.series[data-minted]``, ``tr.sample[data-owner]``,
``#chain[data-chain-id]``…) so that a browser test can read the page and compare it with the chain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from collectibles.demo.markup import attrs as _attrs
from collectibles.demo.markup import escape as _e
from collectibles.demo.markup import fact as _fact
from collectibles.demo.programme_view import PROGRAMME_FILE, render_programme
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

INDEX_FILE = "index.html"
SUMMARY_FILE = "summary.json"
IMAGE_DIR = "img"

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


_CSS = """
:root { --bg: #f6f3ee; --card: #fff; --ink: #1d1b19; --muted: #6b645c; --accent: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--ink); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
header h1 { margin: 8px 0 4px; font-size: 28px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 0; color: var(--muted); }
.facts dt { font-weight: 600; color: var(--ink); }
.facts div { display: flex; gap: 6px; }
.facts dd { margin: 0; }
code { font: 13px/1.4 ui-monospace, monospace; word-break: break-all; }
.series { display: grid; grid-template-columns: 240px minmax(0, 1fr); gap: 24px; background: var(--card);
  border-radius: 12px; padding: 20px; margin: 16px 0; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
.series img { width: 240px; height: auto; border-radius: 8px; display: block; }
.series h2 { margin: 0 0 8px; font-size: 22px; }
.noart { width: 240px; height: 320px; border-radius: 8px; background: #ddd; display: grid;
  place-items: center; color: var(--muted); }
.bar { height: 10px; background: #e7e1d8; border-radius: 5px; overflow: hidden; margin: 4px 0 12px; }
.bar span { display: block; height: 100%; background: var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
.samples { table-layout: fixed; }
.samples col.serial { width: 56px; } .samples col.token { width: 88px; }
.samples col.owner { width: 350px; }
td.owner code { white-space: nowrap; word-break: normal; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.ok { color: #1b6e2e; font-weight: 600; } .bad { color: var(--accent); font-weight: 600; }
a { color: var(--accent); }
"""


def write_gallery(
    summary: Mapping[str, Any], out_dir: Path, images: Mapping[int, Path | bytes]
) -> Path:
    """Write the gallery (page, summary JSON, artwork) into ``out_dir``; returns the page's path.

    ``images`` maps a series id to its artwork, as a file or as bytes (PNG, JPEG, GIF or WebP;
    :class:`InvalidArtwork` otherwise); a series without one gets a placeholder.
    """
    out_dir = Path(out_dir)
    img_dir = out_dir / IMAGE_DIR
    img_dir.mkdir(parents=True, exist_ok=True)
    sources: dict[int, str] = {}
    for series_id, image in images.items():
        data = image if isinstance(image, bytes) else Path(image).read_bytes()
        name = f"series-{int(series_id)}.{_image_ext(data, image)}"
        (img_dir / name).write_bytes(data)
        sources[int(series_id)] = f"{IMAGE_DIR}/{name}"
    (out_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    page = out_dir / INDEX_FILE
    page.write_text(render_page(summary, sources))
    if summary.get("programme"):
        (out_dir / PROGRAMME_FILE).write_text(render_programme(summary, sources, _CSS))
    return page


def render_page(summary: Mapping[str, Any], sources: Mapping[int, str]) -> str:
    """The gallery's HTML; ``sources`` maps a series id to its image's path relative to the page."""
    chain = summary.get("chain") or {}
    gateway = (summary.get("gateway") or "").rstrip("/")
    series = summary.get("series") or []
    minted = sum(int(s.get("minted", 0)) for s in series)
    title = f"{len(series)} series, {minted:,} minted on {chain.get('name', '?')}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Collectibles gallery: {_e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header>",
        "<h1>Collectibles gallery</h1>",
        (
            f'<nav><a href="{PROGRAMME_FILE}">The membership programme: raffle, crafting, '
            "benefits, charts →</a></nav>"
            if summary.get("programme")
            else ""
        ),
        (
            f'<dl class="facts" id="chain" data-chain-name="{_e(chain.get("name", ""))}"'
            f' data-chain-id="{_e(chain.get("chain_id", ""))}"'
            f' data-contract="{_e(summary.get("contract", ""))}"'
            f' data-gateway="{_e(gateway)}">'
        ),
        _fact("Chain", f"{_e(chain.get('name', '?'))} (id {_e(chain.get('chain_id', '?'))})"),
        _fact("Contract", f"<code>{_e(summary.get('contract', ''))}</code>"),
        _fact("Series", _e(len(series))),
        _fact("Minted", _e(f"{minted:,}")),
        _fact(
            "Gateway",
            f'<a href="{_e(gateway)}/">{_e(gateway)}</a>'
            if gateway
            else "none (artwork copied beside the page)",
        ),
        "</dl>",
        "</header>",
        "<main>",
    ]
    parts += [_series(s, sources.get(int(s["id"])), gateway) for s in series]
    parts += [_steps(summary.get("steps") or []), _verify(summary.get("verify")), "</main>"]
    parts += [
        (
            "<footer><p>Figures read from the chain by the demo; "
            f'the same data is in <a href="{SUMMARY_FILE}">{SUMMARY_FILE}</a>.</p></footer>'
        ),
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def _series(s: Mapping[str, Any], source: str | None, gateway: str) -> str:
    sid = int(s["id"])
    max_supply = int(s.get("max_supply", 0))
    minted = int(s.get("minted", 0))
    policy = str(s.get("policy", ""))
    hold_days = s.get("hold_days") or 0
    label = _policy_description(policy)
    if policy == "gift" and hold_days:
        label = f"Gift only, after a {hold_days}-day hold"
    directory_cid = str(s.get("directory_cid") or "")
    image_cid = str(s.get("image_cid") or "")
    percent = 100 * minted / max_supply if max_supply else 0
    attrs = {
        "id": f"series-{sid}",
        "class": "series",
        "data-series-id": sid,
        "data-name": s.get("name", ""),
        "data-policy": policy,
        "data-hold-days": hold_days,
        "data-max-supply": max_supply,
        "data-minted": minted,
        "data-holders": s.get("holders", ""),
        "data-burned": s.get("burned", 0),
        "data-directory-cid": directory_cid,
        "data-image-cid": image_cid,
        "data-gas-per-token": s.get("gas_per_token", ""),
    }
    if source:
        art = f'<img src="{_e(source)}" alt="{_e(s.get("name", ""))} artwork">'
        if gateway and image_cid:
            art = f'<a href="{_e(gateway)}/ipfs/{_e(image_cid)}">{art}</a>'
    else:
        art = '<div class="noart">no artwork</div>'
    rows = "\n".join(_sample(t, directory_cid, gateway) for t in s.get("samples") or [])
    facts = [
        _fact("Supply", f"{minted:,} of {max_supply:,} minted"),
        _fact("Holders", _e(s.get("holders", "?"))),
        _fact("Burned", _e(s.get("burned", 0))),
        _fact("Policy", _e(label)),
        _fact("Gas per token", _e(f"{int(s['gas_per_token']):,}"))
        if s.get("gas_per_token") is not None
        else "",
        _fact("Metadata", _cid_link(directory_cid, gateway)),
        _fact("Image", _cid_link(image_cid, gateway)),
    ]
    return "\n".join(
        [
            f"<section {_attrs(attrs)}>",
            f"<div>{art}</div>",
            "<div>",
            f"<h2>#{sid} {_e(s.get('name', ''))}</h2>",
            f'<div class="bar" title="{percent:.1f}% minted">'
            + f'<span style="width:{percent:.1f}%"></span></div>',
            '<dl class="facts">',
            *[f for f in facts if f],
            "</dl>",
            "<h3>Sample tokens</h3>",
            '<table class="samples"><colgroup><col class="serial"><col class="token">'
            + '<col class="owner"><col></colgroup>',
            "<thead><tr><th>Serial</th><th>Token id</th><th>Owner</th><th>Metadata</th></tr></thead>",
            f"<tbody>\n{rows}\n</tbody></table>",
            "</div>",
            "</section>",
        ]
    )


def _sample(t: Mapping[str, Any], directory_cid: str, gateway: str) -> str:
    serial = t.get("serial", "")
    uri = str(t.get("token_uri") or "")
    attrs = {
        "class": "sample",
        "data-token-id": t.get("token_id", ""),
        "data-serial": serial,
        "data-owner": t.get("owner", ""),
        "data-token-uri": uri,
    }
    if gateway and directory_cid:
        meta = (
            f'<a href="{_e(gateway)}/ipfs/{_e(directory_cid)}/{_e(serial)}.json">'
            f"<code>{_e(uri)}</code></a>"
        )
    else:
        meta = f"<code>{_e(uri)}</code>"
    return (
        f"<tr {_attrs(attrs)}><td>#{_e(serial)}</td><td>{_e(t.get('token_id', ''))}</td>"
        f'<td class="owner"><code>{_e(t.get("owner", ""))}</code></td><td>{meta}</td></tr>'
    )


def _steps(steps: list[Mapping[str, Any]]) -> str:
    rows = "\n".join(
        f'<tr class="step" data-title="{_e(s.get("title", ""))}" data-gas="{_e(s.get("gas", 0))}"'
        f' data-seconds="{_e(s.get("seconds", 0))}"><td>{_e(s.get("title", ""))}</td>'
        f"<td>{float(s.get('seconds', 0)):.2f} s</td><td>{int(s.get('gas', 0)):,}</td>"
        f"<td>{_e(s.get('detail', ''))}</td></tr>"
        for s in steps
    )
    return (
        '<section id="steps"><h2>Steps</h2><table><thead><tr><th>Step</th><th>Time</th>'
        f"<th>Gas</th><th>Detail</th></tr></thead><tbody>\n{rows}\n</tbody></table></section>"
    )


def _verify(verify: Mapping[str, Any] | None) -> str:
    if not verify:
        return ""
    bad = list(verify.get("mismatched") or [])
    tokens = verify.get("tokens", 0)
    verdict = (
        f'<span class="ok">all {_e(tokens)} tokens match their metadata</span>'
        if not bad
        else f'<span class="bad">{len(bad)} of {_e(tokens)} tokens mismatched: '
        f"{_e(', '.join(map(str, bad)))}</span>"
    )
    return (
        f'<section id="verify" data-tokens="{_e(tokens)}" data-mismatched="{len(bad)}">'
        f"<h2>Verify</h2><p>{verdict}</p></section>"
    )


def _cid_link(cid: str, gateway: str) -> str:
    if not cid:
        return "—"
    if gateway:
        return f'<a href="{_e(gateway)}/ipfs/{_e(cid)}"><code>{_e(cid)}</code></a>'
    return f"<code>ipfs://{_e(cid)}</code>"


def _image_ext(data: bytes, source: object) -> str:
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    label = source if isinstance(source, Path) else f"of {len(data)} bytes"
    raise InvalidArtwork(label, "not a PNG, JPEG, GIF or WebP image")


def _policy_description(slug: str) -> str:
    """The gallery's wording of a policy given by its slug (the summary's ``policy``); the slug if unknown."""
    try:
        return TransferPolicy.parse(slug).terms.description
    except ValueError:
        return slug
