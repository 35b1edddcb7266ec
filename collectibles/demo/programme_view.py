"""The gallery's programme page (``programme.html``): the raffle, crafting, redemptions and the series as charts.

Drawn from the summary's ``programme`` (what the demo read from the chain and the files it wrote) and its
``series``: a strip of the story's figures, the raffle (entries, seed commitment, randomness, winners on a strip
of the entries, the verify checks and the command that re-checks it), each member's progress towards the recipe
("3 of 5 Fortunes"), the redemptions with their fulfilment, and inline SVG bar charts of holders and supply per
series. Like the index page: no scripts, no external resources, every figure also in a ``data-*`` attribute.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from collectibles.demo.charts import Bar, bar_chart, entries_strip, progress_pips
from collectibles.demo.markup import attrs as _attrs
from collectibles.demo.markup import escape as _e
from collectibles.demo.markup import fact as _fact

PROGRAMME_FILE = "programme.html"

PROGRAMME_CSS = """
nav a { margin-right: 16px; }
.story { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  list-style: none; padding: 0; margin: 16px 0; }
.story li { background: var(--card); border-radius: 12px; padding: 12px 14px;
  box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
.story b { display: block; font-size: 26px; color: var(--accent); }
.story span { color: var(--muted); font-size: 14px; }
.panel { background: var(--card); border-radius: 12px; padding: 20px; margin: 16px 0;
  box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
.panel h2 { margin: 0 0 12px; }
.split { display: grid; grid-template-columns: 160px minmax(0, 1fr); gap: 20px; }
.split img, .recipe img { width: 100%; height: auto; border-radius: 6px; display: block; }
.recipe { display: flex; align-items: center; gap: 6px; margin: 8px 0 16px; }
.recipe img { width: 64px; } .recipe img.out { width: 120px; }
.recipe .arrow { font-size: 32px; color: var(--muted); margin: 0 8px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; }
.pill.ok { background: #e3f1e6; } .pill.bad { background: #f8e1df; }
pre.command { background: #1d1b19; color: #f6f3ee; padding: 10px 12px; border-radius: 8px;
  white-space: pre-wrap; word-break: break-all; font-size: 13px; }
svg { max-width: 100%; height: auto; }
.charts { display: grid; gap: 16px; }
.winners td, .winners th { font-size: 13px; }
"""


def render_programme(
    summary: Mapping[str, Any], sources: Mapping[int, str], base_css: str = ""
) -> str:
    """The programme page's HTML; ``sources`` maps a series id to its image relative to the page."""
    programme = summary.get("programme") or {}
    series = {int(s["id"]): s for s in summary.get("series") or []}
    chain = summary.get("chain") or {}
    contracts = programme.get("contracts") or {}
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Collectibles gallery: the membership programme</title>",
        f"<style>{base_css}{PROGRAMME_CSS}</style></head><body>",
        "<header>",
        '<nav><a href="index.html">← The collection</a></nav>',
        "<h1>The membership programme</h1>",
        (
            f'<dl class="facts" id="programme" data-chain-id="{_e(chain.get("chain_id", ""))}"'
            f' data-contract="{_e(summary.get("contract", ""))}"'
            + "".join(f' data-{_e(k)}="{_e(v)}"' for k, v in contracts.items())
            + ">"
        ),
        _fact("Chain", f"{_e(chain.get('name', '?'))} (id {_e(chain.get('chain_id', '?'))})"),
        *(_fact(k.capitalize(), f"<code>{_e(v)}</code>") for k, v in contracts.items()),
        "</dl>",
        "</header>",
        "<main>",
        _story(programme, series),
        _raffle(programme, sources),
        _crafting(programme.get("crafting"), series, sources),
        _redemptions(programme.get("redemptions"), series),
        _charts(list(series.values())),
        "</main>",
        "<footer><p>Figures read from the chain by the demo, and from the files it wrote beside this page; "
        'the same data is in <a href="summary.json">summary.json</a>.</p></footer>',
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def _story(programme: Mapping[str, Any], series: Mapping[int, Any]) -> str:
    snapshot = programme.get("snapshot") or {}
    raffle = programme.get("raffle") or {}
    crafting = programme.get("crafting") or {}
    redemptions = programme.get("redemptions") or {}
    limited = series.get(int((programme.get("limited") or {}).get("series_id", 0)), {})
    fulfilled = sum(1 for r in redemptions.get("rows") or [] if r.get("fulfilment_id"))
    items = [
        ("holders", snapshot.get("holders", 0), "badge holders in the snapshot"),
        ("entries", raffle.get("entries", 0), "raffle entries, one per badge"),
        ("winners", len(raffle.get("winners") or []), "winners, re-checked by verify"),
        ("limited", limited.get("minted", 0), f"{limited.get('name', 'limited')} airdropped"),
        ("crafted", len(crafting.get("crafts") or []), "Fortune Tiger crafted from five"),
        ("fulfilled", fulfilled, "benefits redeemed and fulfilled"),
    ]
    rows = "".join(
        f'<li data-figure="{_e(key)}" data-value="{_e(value)}"><b>{_e(f"{int(value):,}")}</b>'
        f"<span>{_e(text)}</span></li>"
        for key, value, text in items
    )
    return f'<ol class="story" id="story">{rows}</ol>'


# ------------------------------------------------------------------------------------------------ raffle


def _raffle(programme: Mapping[str, Any], sources: Mapping[int, str]) -> str:
    raffle = programme.get("raffle")
    if not raffle:
        return ""
    snapshot = programme.get("snapshot") or {}
    winners = raffle.get("winners") or []
    entries = int(raffle.get("entries", 0))
    limited_id = int((programme.get("limited") or {}).get("series_id", 0))
    attrs = {
        "id": "raffle",
        "class": "panel",
        "data-raffle-id": raffle.get("raffle_id", ""),
        "data-contract": raffle.get("contract", ""),
        "data-entries": raffle.get("entries", 0),
        "data-tickets": raffle.get("tickets", 0),
        "data-winner-count": raffle.get("winner_count", 0),
        "data-entries-root": raffle.get("entries_root", ""),
        "data-seed-hash": raffle.get("seed_hash", ""),
        "data-seed": raffle.get("seed", ""),
        "data-randomness": raffle.get("randomness", ""),
        "data-winners-root": raffle.get("winners_root", ""),
        "data-commit-block": raffle.get("commit_block", ""),
        "data-verified": str(bool(raffle.get("verified"))).lower(),
    }
    facts = [
        _fact("Entries", _e(f"{entries:,} ({raffle.get('weight', '')})")),
        _fact(
            "Snapshot",
            _e(f"block {snapshot.get('block', '?')}, series {snapshot.get('series_id', '?')}"),
        ),
        _fact(
            "Committed",
            _e(
                f"block {raffle.get('commit_block', '?')}, deadline block "
                f"{raffle.get('draw_deadline_block', '?')}"
            ),
        ),
        _fact("Seed commitment", f"<code>{_e(raffle.get('seed_hash', ''))}</code>"),
        _fact("Seed revealed", f"<code>{_e(raffle.get('seed', ''))}</code>"),
        _fact("Randomness", f"<code>{_e(raffle.get('randomness', ''))}</code>"),
        _fact("Winners root", f"<code>{_e(raffle.get('winners_root', ''))}</code>"),
    ]
    art = _image(sources.get(limited_id), "the limited edition")
    return "\n".join(
        [
            f"<section {_attrs(attrs)}>",
            f"<h2>Raffle {_e(raffle.get('raffle_id', ''))}: {len(winners)} winners among "
            f"{entries:,} badge holders</h2>",
            f'<div class="split"><div>{art}</div><div><dl class="facts">{"".join(facts)}</dl></div></div>',
            "<h3>The winners on the entries</h3>",
            entries_strip(entries, winners),
            _winners_table(winners),
            "<h3>Verify</h3>",
            _checks(raffle.get("checks") or []),
            "<p>Anyone re-checks it from the chain and the published files:</p>",
            f'<pre class="command" id="raffle-command">{_e(raffle.get("command", ""))}</pre>',
            "</section>",
        ]
    )


def _winners_table(winners: list[Mapping[str, Any]]) -> str:
    rows = "".join(
        f'<tr class="winner" data-rank="{_e(w["rank"])}" data-account="{_e(w["account"])}" '
        f'data-entry-index="{_e(w["entry_index"])}" data-ticket="{_e(w["ticket"])}">'
        f"<td>{int(w['rank']) + 1}</td><td><code>{_e(w['account'])}</code></td>"
        f"<td>{_e(w['entry_index'])}</td><td>{_e(w['ticket'])}</td></tr>"
        for w in winners
    )
    return (
        '<table class="winners"><thead><tr><th>Rank</th><th>Winner</th><th>Entry</th><th>Ticket</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _checks(checks: list[Mapping[str, Any]]) -> str:
    items = "".join(
        f'<li class="check" data-name="{_e(c["name"])}" data-ok="{str(bool(c["ok"])).lower()}">'
        f'<span class="pill {"ok" if c["ok"] else "bad"}">{"match" if c["ok"] else "MISMATCH"}</span> '
        f"{_e(c['name'])}: <small>{_e(c['detail'])}</small></li>"
        for c in checks
    )
    return f'<ul class="checks">{items}</ul>'


# ---------------------------------------------------------------------------------------------- crafting


def _crafting(
    crafting: Mapping[str, Any] | None, series: Mapping[int, Any], sources: Mapping[int, str]
) -> str:
    if not crafting:
        return ""
    needed = int(crafting.get("inputs", 0))
    source_id, output_id = int(crafting["input_series_id"]), int(crafting["output_series_id"])
    source_name = series.get(source_id, {}).get("name", "input")
    output_name = series.get(output_id, {}).get("name", "output")
    recipe = (
        '<div class="recipe" id="recipe">'
        + _image(sources.get(source_id), source_name) * needed
        + '<span class="arrow">→</span>'
        + _image(sources.get(output_id), output_name, "out")
        + "</div>"
    )
    rows = "".join(
        _crafter(m, needed, source_name, output_name) for m in crafting.get("members") or []
    )
    crafts = "".join(
        f'<li class="craft" data-member="{_e(c["member"])}" data-output="{_e(c["output"])}" '
        f'data-burned="{_e(" ".join(map(str, c["burned"])))}"><code>{_e(c["member"])}</code> burned '
        f"{_e(', '.join(map(str, c['burned'])))} and received {_e(output_name)} {_e(c['output'])} "
        f"({int(c['gas']):,} gas)</li>"
        for c in crafting.get("crafts") or []
    )
    return "\n".join(
        [
            f'<section id="crafting" class="panel" data-recipe-id="{_e(crafting.get("recipe_id", ""))}" '
            f'data-inputs="{needed}" data-input-series-id="{source_id}" data-output-series-id="{output_id}">',
            f"<h2>Crafting: {needed} {_e(source_name)} cards make one {_e(output_name)}</h2>",
            recipe,
            '<table class="progress"><thead><tr><th>Member</th><th>Progress</th><th></th>'
            f"<th>{_e(output_name)}</th></tr></thead><tbody>{rows}</tbody></table>",
            f"<h3>Crafts</h3><ul>{crafts}</ul>",
            "</section>",
        ]
    )


def _crafter(member: Mapping[str, Any], needed: int, source: str, output: str) -> str:
    held, crafted = int(member.get("held", 0)), int(member.get("crafted", 0))
    attrs = {
        "class": "crafter",
        "data-member": member.get("member", ""),
        "data-held": held,
        "data-needed": needed,
        "data-crafted": crafted,
    }
    ready = " · ready to craft" if held >= needed else ""
    return (
        f"<tr {_attrs(attrs)}><td>{_e(member.get('member_id', ''))}<br><code>{_e(member.get('member', ''))}"
        f"</code></td><td>{progress_pips(min(held, needed), needed)}</td>"
        f"<td>{held} of {needed} {_e(source)}s{ready}</td>"
        f"<td>{crafted} {_e(output)}{'' if crafted == 1 else 's'}</td></tr>"
    )


# ------------------------------------------------------------------------------------------- redemptions


def _redemptions(redemptions: Mapping[str, Any] | None, series: Mapping[int, Any]) -> str:
    if not redemptions:
        return ""
    campaign = redemptions.get("campaign") or {}
    check = redemptions.get("reconciliation") or {}
    eligible = ", ".join(
        str(series.get(int(i), {}).get("name", i)) for i in campaign.get("series_ids") or []
    )
    clean = bool(check.get("clean"))
    verdict = (
        f'<span class="pill {"ok" if clean else "bad"}">{"clean" if clean else "MISMATCH"}</span> '
        f"{_e(check.get('redemptions', 0))} redemption(s) on chain up to block "
        f"{_e(check.get('checked_to', '?'))}, {_e(check.get('fulfilments', 0))} fulfilment(s) in the ledger"
    )
    problems = "".join(f"<li>{_e(line)}</li>" for line in check.get("lines") or [])
    rows = "".join(_redemption(r) for r in redemptions.get("rows") or [])
    return "\n".join(
        [
            f'<section id="redemptions" class="panel" data-campaign-id="{_e(campaign.get("id", ""))}" '
            f'data-clean="{str(clean).lower()}" data-redemptions="{_e(check.get("redemptions", 0))}" '
            f'data-fulfilments="{_e(check.get("fulfilments", 0))}">',
            f"<h2>Benefits: campaign {_e(campaign.get('id', ''))}</h2>",
            '<dl class="facts">',
            _fact("Eligible", _e(eligible)),
            _fact("Window", _e(f"{_day(campaign.get('start'))} to {_day(campaign.get('end'))}")),
            _fact("Mode", _e(f"{campaign.get('mode', '')}, {campaign.get('limit', '')} per token")),
            "</dl>",
            "<table><thead><tr><th>Token</th><th>Holder</th><th>Benefit</th><th>Order</th>"
            f"<th>Fulfilment</th></tr></thead><tbody>{rows}</tbody></table>",
            f"<p>A second redemption of the same token is refused: "
            f"<code>{_e(redemptions.get('second_redemption_refused', ''))}</code></p>",
            f'<p id="reconciliation">{verdict}</p>',
            f"<ul>{problems}</ul>" if problems else "",
            "<p>The ledger is reconciled with the chain again by:</p>",
            f'<pre class="command" id="redemptions-command">{_e(redemptions.get("command", ""))}</pre>',
            "</section>",
        ]
    )


def _redemption(r: Mapping[str, Any]) -> str:
    fulfilment = r.get("fulfilment_id") or ""
    attrs = {
        "class": "redemption",
        "data-campaign-id": r.get("campaign_id", ""),
        "data-token-id": r.get("token_id", ""),
        "data-holder": r.get("holder", ""),
        "data-order-ref": r.get("order_ref", ""),
        "data-count": r.get("count", ""),
        "data-fulfilment-id": fulfilment,
    }
    status = (
        f'<span class="pill ok">fulfilled</span> <code>{_e(fulfilment)}</code>'
        if fulfilment
        else '<span class="pill bad">not fulfilled</span>'
    )
    return (
        f"<tr {_attrs(attrs)}><td>{_e(r.get('series', ''))} {_e(r.get('token_id', ''))}</td>"
        f"<td>{_e(r.get('member_id', ''))}<br><code>{_e(r.get('holder', ''))}</code></td>"
        f"<td>{_e(r.get('benefit', ''))}</td><td>{_e(r.get('order', ''))}<br>"
        f"<code>{_e(str(r.get('order_ref', ''))[:18])}…</code></td><td>{status}</td></tr>"
    )


# ------------------------------------------------------------------------------------------------ charts


def _charts(series: list[Mapping[str, Any]]) -> str:
    if not series:
        return ""
    holders = [Bar(str(s["name"]), int(s.get("holders") or 0), key=str(s["id"])) for s in series]
    supply = [
        Bar(
            str(s["name"]),
            int(s.get("minted", 0)),
            total=int(s.get("max_supply", 0)) or None,
            part=int(s.get("burned", 0)),
            key=str(s["id"]),
            note=f"{int(s.get('minted', 0)):,} of {int(s.get('max_supply', 0)):,}"
            + (f", {int(s['burned'])} burned" if s.get("burned") else ""),
        )
        for s in series
    ]
    return "\n".join(
        [
            '<section id="charts" class="panel charts">',
            "<h2>Holders per series</h2>",
            bar_chart("holders", "Holders per series", holders),
            "<h2>Supply per series</h2>",
            "<p>Minted of each series' cap; burned tokens hatched.</p>",
            bar_chart("supply", "Minted of the cap per series", supply),
            "</section>",
        ]
    )


# ------------------------------------------------------------------------------------------------ helpers


def _image(source: str | None, name: str, css: str = "") -> str:
    if not source:
        return f'<div class="noart">{_e(name)}</div>'
    cls = f' class="{css}"' if css else ""
    return f'<img{cls} src="{_e(source)}" alt="{_e(name)} artwork">'


def _day(timestamp: Any) -> str:
    if timestamp in (None, ""):
        return "?"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(timestamp)))
