"""Series specifications and the catalogue file that lists them (creating them on chain: ``chain.series``).

A catalogue is YAML or JSON: either a list of series or ``{"series": [...]}``; each entry has ``name``,
``max_supply``, ``policy`` (``free``, ``gift`` or ``soulbound``), optional ``hold_days`` (gift only) and
``base_uri``, and for the metadata optional ``description``, ``image`` (a file, relative to the catalogue),
``theme`` (a name, or a mapping of ``name``, ``background``, ``accent``, ``text`` colours), ``tier`` and
``external_url`` (``{serial}`` is replaced per token). Series are matched by name on chain, so creating a catalogue twice creates nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from collectibles.domain.errors import InvalidArtwork, InvalidCatalogue
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

DAY = 24 * 60 * 60
MAX_HOLD_SECONDS = 2**32 - 1


@dataclass(frozen=True)
class Theme:
    """A series' look: a name shown on the card and in metadata, and three colours (any CSS colour)."""

    name: str = "Classic"
    """The theme's name; also the ``Theme`` attribute of every token."""
    background: str = "#1d3557"
    """Card background."""
    accent: str = "#e9c46a"
    """Frame and rule colour."""
    text: str = "#f1faee"
    """Colour of the lettering."""

    def rgb(self) -> tuple[tuple[int, int, int], ...]:
        """The three colours as RGB triples; :class:`InvalidArtwork` if one is not a colour."""
        from PIL import ImageColor

        out = []
        for label, value in (
            ("background", self.background),
            ("accent", self.accent),
            ("text", self.text),
        ):
            try:
                out.append(ImageColor.getrgb(value)[:3])
            except ValueError:
                raise InvalidArtwork(
                    f"theme {self.name!r}", f"{label} {value!r} is not a colour"
                ) from None
        return tuple(out)


@dataclass(frozen=True)
class SeriesSpec:
    """A series to create; checked against the contract's rules before anything is sent."""

    name: str
    max_supply: int
    policy: TransferPolicy = TransferPolicy.FREE
    hold_seconds: int = 0
    base_uri: str = ""
    description: str = ""
    """Token and collection description (metadata only)."""
    image: str = ""
    """The series image file; a themed card is drawn when empty (metadata only)."""
    theme: Theme = field(default_factory=Theme)
    """Name and colours of the drawn card; the ``Theme`` attribute (metadata only)."""
    tier: str = ""
    """Optional ``Tier`` attribute (metadata only)."""
    external_url: str = ""
    """Optional per-token page, ``{serial}`` replaced (metadata only)."""

    @classmethod
    def build(
        cls,
        name: Any,
        max_supply: Any,
        policy: Any = "free",
        hold_days: Any = None,
        base_uri: Any = "",
        source: object = "the command-line options",
        **presentation: Any,
    ) -> SeriesSpec:
        """Validate raw values (flags or a catalogue entry) into a spec; :class:`InvalidCatalogue` if wrong."""
        label = f"series {name!r}" if name else "a series"
        if not isinstance(name, str) or not name.strip():
            raise InvalidCatalogue(source, "every series needs a non-empty name")
        try:
            supply = int(max_supply)
        except (TypeError, ValueError):
            raise InvalidCatalogue(
                source, f"{label}: max_supply {max_supply!r} is not a whole number"
            ) from None
        if not 1 <= supply < SERIES_STRIDE:
            raise InvalidCatalogue(
                source, f"{label}: max_supply {supply} is outside 1..{SERIES_STRIDE - 1}"
            )
        try:
            parsed = (
                policy if isinstance(policy, TransferPolicy) else TransferPolicy.parse(str(policy))
            )
        except ValueError as err:
            raise InvalidCatalogue(source, f"{label}: {err}") from None
        hold = 0
        if hold_days not in (None, ""):
            try:
                hold = round(float(hold_days) * DAY)
            except (TypeError, ValueError):
                raise InvalidCatalogue(
                    source, f"{label}: hold_days {hold_days!r} is not a number"
                ) from None
            if hold and parsed != TransferPolicy.GIFT_AFTER_HOLD:
                raise InvalidCatalogue(
                    source, f"{label}: hold_days only applies to the gift policy"
                )
            if not 0 <= hold <= MAX_HOLD_SECONDS:
                raise InvalidCatalogue(source, f"{label}: hold_days {hold_days} is out of range")
        extra = _presentation(label, presentation, source)
        return cls(name.strip(), supply, parsed, hold, str(base_uri or ""), **extra)


def load_catalogue(path: Path | str) -> list[SeriesSpec]:
    """Read the series of a YAML (``.yaml``/``.yml``) or JSON catalogue; names must be unique."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InvalidCatalogue(path, f"cannot read it ({err.strerror})") from None
    import yaml

    try:
        data = (
            yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
        )
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise InvalidCatalogue(path, f"cannot parse it: {err}") from None
    specs = parse_catalogue(data, path)
    # An image path is relative to the catalogue's folder.
    return [
        replace(s, image=str(path.parent / s.image))
        if s.image and not Path(s.image).is_absolute()
        else s
        for s in specs
    ]


def parse_catalogue(data: Any, source: object = "catalogue") -> list[SeriesSpec]:
    """The specs of parsed catalogue data (a list, or a mapping with a ``series`` list)."""
    entries = data.get("series") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise InvalidCatalogue(source, "expected a non-empty list of series (or a 'series:' list)")
    specs = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise InvalidCatalogue(source, f"entry {i} is not a mapping")
        unknown = set(entry) - {
            "name",
            "max_supply",
            "policy",
            "hold_days",
            "base_uri",
            "description",
            "image",
            "theme",
            "tier",
            "external_url",
        }
        if unknown:
            raise InvalidCatalogue(source, f"entry {i}: unknown keys {', '.join(sorted(unknown))}")
        specs.append(
            SeriesSpec.build(
                entry.get("name"),
                entry.get("max_supply"),
                entry.get("policy", "free"),
                entry.get("hold_days"),
                entry.get("base_uri", ""),
                source,
                **{k: entry[k] for k in PRESENTATION_KEYS if k in entry},
            )
        )
    names = [s.name for s in specs]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise InvalidCatalogue(source, f"duplicate series names: {', '.join(dupes)}")
    return specs


PRESENTATION_KEYS = ("description", "image", "theme", "tier", "external_url")
"""Catalogue keys that only shape the metadata and artwork, never the chain."""


def _presentation(label: str, values: dict[str, Any], source: object) -> dict[str, Any]:
    """Checked metadata-only fields of a series (see :data:`PRESENTATION_KEYS`)."""
    if unknown := set(values) - set(PRESENTATION_KEYS):
        raise InvalidCatalogue(source, f"{label}: unknown keys {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in ("description", "image", "tier", "external_url"):
        value = values.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InvalidCatalogue(source, f"{label}: {key} must be text, not {value!r}")
        out[key] = value.strip()
    url = out.get("external_url", "")
    if url and not url.startswith(("https://", "http://")):
        raise InvalidCatalogue(source, f"{label}: external_url {url!r} is not an http(s) URL")
    if (theme := _theme(label, values.get("theme"), source)) is not None:
        out["theme"] = theme
    return out


def _theme(label: str, theme: Any, source: object) -> Theme | None:
    """A catalogue's ``theme``: a name, or a mapping of name and colours (each checked); None when absent."""
    if theme in (None, ""):
        return None
    if isinstance(theme, str):
        return Theme(theme.strip()) if theme.strip() else None
    if not isinstance(theme, dict):
        raise InvalidCatalogue(source, f"{label}: theme must be a name or a mapping of colours")
    if unknown := set(theme) - {"name", "background", "accent", "text"}:
        raise InvalidCatalogue(source, f"{label}: unknown theme keys {', '.join(sorted(unknown))}")
    built = Theme(**{k: str(v) for k, v in theme.items()})
    try:
        built.rgb()
    except InvalidArtwork as err:
        raise InvalidCatalogue(source, f"{label}: {err.reason}") from None
    return built
