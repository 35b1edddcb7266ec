"""Series specifications and the catalogue file that lists them, validated by pydantic (creating them on
chain: ``chain.series``).

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

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

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
    def _theme(cls, value: Any) -> Theme:
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return Theme()
        if isinstance(value, str):
            return Theme(value.strip())
        if not isinstance(value, dict):
            raise ValueError("theme must be a name or a mapping of colours")  # noqa: TRY004 (as above)
        if unknown := set(value) - {"name", "background", "accent", "text"}:
            raise ValueError(f"unknown theme keys {', '.join(sorted(unknown))}")
        theme = Theme(**{k: str(v) for k, v in value.items()})
        try:
            theme.rgb()
        except InvalidArtwork as err:
            raise ValueError(err.reason) from None
        return theme

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
