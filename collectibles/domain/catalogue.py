"""Series specifications and the catalogue file that lists them, validated by pydantic (creating them on
chain: ``chain.series``).

A catalogue is YAML or JSON: either a list of series or ``{"series": [...]}``; each entry has ``name``,
``max_supply``, ``policy`` (``free``, ``gift`` or ``soulbound``), optional ``hold_days`` (gift only) and
``base_uri``, and for the metadata optional ``description``, ``image`` (a file, relative to the catalogue),
``theme`` (a built-in theme's name, any other name for the classic look, or a mapping: see
:func:`parse_theme`), ``tier`` and ``external_url`` (``{serial}`` is replaced per token). Series are
matched by name on chain, so creating a catalogue twice creates nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from collectibles.domain.errors import InvalidArtwork, InvalidCatalogue
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

DAY = 24 * 60 * 60
MAX_HOLD_SECONDS = 2**32 - 1


MOTIFS = ("initials", "lantern", "plum-blossom", "court", "star", "tiger")
"""What a drawn card shows (``collectibles.content.motifs`` draws each): the series' initials in a ring,
red lanterns, a plum branch in blossom, a basketball court and ball, a star, a tiger's face on stripes."""
LAYOUTS = ("framed", "full-bleed", "medal", "portrait")
"""How a drawn card is composed (``collectibles.content.layouts`` composes each): a frame over a rule with the
motif between title and facts; the motif across the whole card under a title panel and a facts panel; a
round medal on a ribbon; a framed picture window over a name plate."""

THEME_KEYS = ("name", "base", "background", "accent", "highlight", "text", "motif", "layout")
"""Keys of a ``theme`` mapping in a catalogue."""


@dataclass(frozen=True)
class Theme:
    """A series' look: a name shown on the card and in metadata, four colours (any CSS colour), a motif and a
    layout. ``Theme()`` is the classic card; :func:`theme_named` gives a built-in one."""

    name: str = "Classic"
    """The theme's name; also the ``Theme`` attribute of every token."""
    background: str = "#1d3557"
    """Card background, and the ground the motif is drawn on."""
    accent: str = "#e9c46a"
    """Frame and rule colour, and the motif's main colour (lines, stripes, caps, the star)."""
    text: str = "#f1faee"
    """Colour of the lettering."""
    highlight: str = "#457b9d"
    """The second accent: the motif's fill (lantern bodies, the key of the court, the medal's disc) and panels."""
    motif: str = "initials"
    """One of :data:`MOTIFS`."""
    layout: str = "framed"
    """One of :data:`LAYOUTS`."""

    def rgb(self) -> tuple[tuple[int, int, int], ...]:
        """Background, accent, text and highlight as RGB triples; :class:`InvalidArtwork` if one is not a
        colour."""
        from PIL import ImageColor

        out = []
        for label in ("background", "accent", "text", "highlight"):
            value = getattr(self, label)
            try:
                out.append(ImageColor.getrgb(value)[:3])
            except ValueError:
                raise InvalidArtwork(
                    f"theme {self.name!r}", f"{label} {value!r} is not a colour"
                ) from None
        return tuple(out)

    def check(self) -> Theme:
        """This theme if it can be drawn: colours, motif and layout; else :class:`InvalidArtwork`."""
        for label, value, known in (
            ("motif", self.motif, MOTIFS),
            ("layout", self.layout, LAYOUTS),
        ):
            if value not in known:
                raise InvalidArtwork(
                    f"theme {self.name!r}",
                    f"{label} {value!r} is unknown; use one of {', '.join(known)}",
                )
        self.rgb()
        return self


BUILTIN_THEMES = (
    Theme(),
    Theme("Spring Festival", "#8d0f14", "#f2c14e", "#fff2cc", "#e3262e", "lantern", "portrait"),
    Theme("Plum Blossom", "#fbe9ec", "#5b3a29", "#5a1a2b", "#e0607e", "plum-blossom", "portrait"),
    Theme("Court", "#d4924a", "#ffffff", "#ffffff", "#1d428a", "court", "full-bleed"),
    Theme("All-Star", "#e8ecf1", "#f2b705", "#0d1b2a", "#1d428a", "star", "medal"),
    Theme("Tiger", "#e8761c", "#161616", "#161616", "#fff1d6", "tiger", "full-bleed"),
)
"""The themes a catalogue can name in one word (case, spaces and hyphens do not matter)."""


def builtin_theme(name: str) -> Theme | None:
    """The built-in theme called ``name``, if there is one."""
    return next((t for t in BUILTIN_THEMES if _key(t.name) == _key(name)), None)


def theme_named(name: str) -> Theme:
    """The built-in theme called ``name``, or, for any other name, the classic look under that name (a
    theme's name is also a metadata attribute, so any label is allowed)."""
    return builtin_theme(name) or Theme(name.strip())


def parse_theme(value: Any) -> Theme:
    """A catalogue's ``theme``: empty (the classic card), a name (:func:`theme_named`), or a mapping of
    :data:`THEME_KEYS` that overrides the built-in theme it names (``base``, else ``name``, else the classic
    one). ``ValueError`` with the sentence a user reads if it cannot be drawn."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Theme()
    if isinstance(value, str):
        return theme_named(value)
    if not isinstance(value, dict):
        # pydantic reports only ValueError (and AssertionError) as a validation error
        raise ValueError("theme must be a name or a mapping of colours, motif and layout")  # noqa: TRY004
    if unknown := set(value) - set(THEME_KEYS):
        raise ValueError(f"unknown theme keys {', '.join(sorted(map(str, unknown)))}")
    fields = {k: str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}
    base = builtin_theme(fields.pop("base", "") or fields.get("name", ""))
    if base is None and value.get("base"):
        known = ", ".join(t.name for t in BUILTIN_THEMES)
        raise ValueError(
            f"theme base {value['base']!r} is not a built-in theme; use one of {known}"
        )
    for key in ("motif", "layout"):
        if key in fields:
            fields[key] = "-".join(fields[key].lower().replace("_", " ").split())
    theme = replace(base or Theme(), **fields)
    try:
        return theme.check()
    except InvalidArtwork as err:
        raise ValueError(err.reason) from None


def _key(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


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
    """Name, colours, motif and layout of the drawn card; the ``Theme`` attribute (metadata only)."""
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
        raw = {"name": name, "max_supply": max_supply, "policy": policy, "hold_days": hold_days}
        raw |= {"base_uri": base_uri, **presentation}
        return _validated(raw, f"series {name!r}" if name else "a series", source)


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
        specs.append(_validated(entry, f"entry {i}", source))
    names = [s.name for s in specs]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise InvalidCatalogue(source, f"duplicate series names: {', '.join(dupes)}")
    return specs


PRESENTATION_KEYS = ("description", "image", "theme", "tier", "external_url")
"""Catalogue keys that only shape the metadata and artwork, never the chain."""


class _Entry(BaseModel):
    """One catalogue entry (or the flags of ``ape run series``) as pydantic validates it.

    Validators raise ``ValueError`` with the sentence a user reads; :func:`_validated` turns the first into an
    :class:`InvalidCatalogue` naming the series.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    max_supply: int
    policy: TransferPolicy = TransferPolicy.FREE
    hold_days: float | None = None
    base_uri: str = ""
    description: str = ""
    image: str = ""
    theme: Theme = Theme()
    tier: str = ""
    external_url: str = ""

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("every series needs a non-empty name")
        return value.strip()

    @field_validator("max_supply", mode="before")
    @classmethod
    def _max_supply(cls, value: Any) -> int:
        try:
            supply = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"max_supply {value!r} is not a whole number") from None
        if not 1 <= supply < SERIES_STRIDE:
            raise ValueError(f"max_supply {supply} is outside 1..{SERIES_STRIDE - 1}")
        return supply

    @field_validator("policy", mode="before")
    @classmethod
    def _policy(cls, value: Any) -> TransferPolicy:
        return value if isinstance(value, TransferPolicy) else TransferPolicy.parse(str(value))

    @field_validator("hold_days", mode="before")
    @classmethod
    def _hold_days(cls, value: Any) -> float | None:
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"hold_days {value!r} is not a number") from None

    @field_validator("base_uri", mode="before")
    @classmethod
    def _base_uri(cls, value: Any) -> str:
        return str(value or "")

    @field_validator("description", "image", "tier", "external_url", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> str:
        if value in (None, ""):
            return ""
        if not isinstance(value, str):
            # pydantic reports only ValueError (and AssertionError) as a validation error
            raise ValueError(f"{info.field_name} must be text, not {value!r}")  # noqa: TRY004
        return value.strip()

    @field_validator("external_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"external_url {value!r} is not an http(s) URL")
        return value

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, value: Any, info: ValidationInfo) -> Theme:
        try:
            return parse_theme(value)
        except ValueError as err:
            # name is validated first (field order), so a bad theme names its series
            series = info.data.get("name")
            raise ValueError(f"theme of {series!r}: {err}" if series else str(err)) from None

    def hold_seconds(self) -> int:
        """The hold in whole seconds, checked against the policy and the contract's uint32."""
        if self.hold_days is None:
            return 0
        hold = round(self.hold_days * DAY)
        if hold and self.policy != TransferPolicy.GIFT_AFTER_HOLD:
            raise ValueError("hold_days only applies to the gift policy")
        if not 0 <= hold <= MAX_HOLD_SECONDS:
            raise ValueError(f"hold_days {self.hold_days:g} is out of range")
        return hold


def _validated(raw: dict[str, Any], label: str, source: object) -> SeriesSpec:
    """A spec from raw values, or :class:`InvalidCatalogue` with the first problem pydantic found."""
    try:
        entry = _Entry.model_validate(raw)
        hold = entry.hold_seconds()
    except ValidationError as err:
        raise InvalidCatalogue(source, f"{label}: {_first_problem(err)}") from None
    except ValueError as err:
        raise InvalidCatalogue(source, f"{label}: {err}") from None
    return SeriesSpec(
        entry.name,
        entry.max_supply,
        entry.policy,
        hold,
        entry.base_uri,
        description=entry.description,
        image=entry.image,
        theme=entry.theme,
        tier=entry.tier,
        external_url=entry.external_url,
    )


def _first_problem(err: ValidationError) -> str:
    """Our sentence for the first error: unknown keys all together, else the validator's own words."""
    errors = err.errors()
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        return f"unknown keys {', '.join(unknown)}"
    first = errors[0]
    cause = first.get("ctx", {}).get("error")
    return str(cause) if cause is not None else f"{first['loc'][0]}: {first['msg']}"
