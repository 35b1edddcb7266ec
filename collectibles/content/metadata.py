"""Token metadata (OpenSea metadata standard) and the collection JSON (ERC-7572): models, canonical JSON
bytes, and validation against the JSON Schemas in ``collectibles/schemas`` plus the rules a schema cannot
express (the image is the series image's ``ipfs://`` CID, never a JSON; the serial is within the cap; the
name is ``<series> #<serial>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.domain.catalogue import Theme
from collectibles.domain.errors import InvalidMetadata
from collectibles.domain.tokens import TransferPolicy

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from collectibles.domain.catalogue import SeriesSpec

SCHEMAS = Path(__file__).parent / "schemas"


@dataclass(frozen=True)
class SeriesProfile:
    """What the metadata of a series says: the catalogue's facts plus presentation."""

    name: str
    max_supply: int
    policy: TransferPolicy = TransferPolicy.FREE
    description: str = ""
    """Shared by every token; a default naming the series is used when empty."""
    theme: Theme = field(default_factory=Theme)
    tier: str | None = None
    """An optional rarity tier (``Common``, ``Rare``…), added as the ``Tier`` attribute."""
    external_url: str | None = None
    """A page for each token; ``{serial}`` in it is replaced by the serial."""

    @classmethod
    def from_spec(cls, spec: SeriesSpec) -> SeriesProfile:
        """The profile of a catalogue entry: its facts plus description, theme, tier and external_url."""
        return cls(
            spec.name,
            spec.max_supply,
            spec.policy,
            spec.description,
            spec.theme,
            spec.tier or None,
            spec.external_url or None,
        )

    def token_description(self) -> str:
        return self.description or f"{self.name}: an edition of {self.max_supply:,}."


@dataclass(frozen=True)
class TokenMetadata:
    """One token's JSON document."""

    name: str
    description: str
    image: str
    """``ipfs://<image CID>``: the series image, never a JSON document."""
    attributes: tuple[dict[str, Any], ...]
    external_url: str | None = None

    @classmethod
    def for_token(cls, series: SeriesProfile, serial: int, image_uri: str) -> TokenMetadata:
        """The metadata of ``serial`` in ``series``, with ``image_uri`` as its image."""
        attributes: list[dict[str, Any]] = [
            {"trait_type": "Series", "value": series.name},
            {"trait_type": "Theme", "value": series.theme.name},
        ]
        if series.tier:
            attributes.append({"trait_type": "Tier", "value": series.tier})
        attributes += [
            {"trait_type": "Transfer Policy", "value": series.policy.terms.trait},
            {
                "trait_type": "Serial",
                "value": serial,
                "max_value": series.max_supply,
                "display_type": "number",
            },
        ]
        url = series.external_url.replace("{serial}", str(serial)) if series.external_url else None
        return cls(
            f"{series.name} #{serial}",
            series.token_description(),
            image_uri,
            tuple(attributes),
            url,
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "image": self.image,
            "attributes": [dict(a) for a in self.attributes],
        }
        if self.external_url:
            out["external_url"] = self.external_url
        return out

    def to_json(self) -> bytes:
        return canonical_json(self.as_dict())


def collection_metadata(
    series: SeriesProfile, image_uri: str, external_link: str | None = None
) -> dict[str, Any]:
    """The ERC-7572 collection JSON of a series (what ``contractURI`` may point at)."""
    out: dict[str, Any] = {
        "name": series.name,
        "description": series.token_description(),
        "image": image_uri,
    }
    if external_link:
        out["external_link"] = external_link
    return out


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same document always gives the same bytes (and CID)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def validate_token(
    document: dict[str, Any],
    series: SeriesProfile,
    serial: int,
    image_uri: str,
    json_uris: frozenset[str] = frozenset(),
) -> None:
    """Check one token's document; :class:`InvalidMetadata` naming the token and the first problem.

    ``image_uri`` is the series image's URI; ``json_uris`` are URIs known to name JSON documents (the
    metadata files themselves), which an image must never point at.
    """
    subject = f"{series.name} #{serial}"
    _check_schema(_validator("token-metadata.json"), document, subject)
    image = document["image"]
    if image in json_uris or re.search(r"\.json$", image, re.IGNORECASE):
        raise InvalidMetadata(subject, f"image {image} points at a JSON document, not the image")
    if image != image_uri:
        raise InvalidMetadata(subject, f"image {image} is not the series image {image_uri}")
    if document["name"] != f"{series.name} #{serial}":
        raise InvalidMetadata(
            subject, f"name {document['name']!r} is not '{series.name} #{serial}'"
        )
    trait = next(a for a in document["attributes"] if a["trait_type"] == "Serial")
    value, cap = trait["value"], trait["max_value"]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidMetadata(subject, f"Serial value {value!r} is not a serial (1, 2, …)")
    if value > cap:
        raise InvalidMetadata(subject, f"serial {value} is over the cap of {cap} (max_value)")
    if value != serial:
        raise InvalidMetadata(subject, f"Serial value {value} is not the token's serial {serial}")
    if cap != series.max_supply:
        raise InvalidMetadata(
            subject, f"Serial max_value {cap} is not the series' max supply {series.max_supply}"
        )


def validate_collection(document: dict[str, Any], series: SeriesProfile, image_uri: str) -> None:
    """Check the collection JSON of a series against the ERC-7572 schema and its image."""
    subject = f"the collection of {series.name}"
    _check_schema(_validator("collection-metadata.json"), document, subject)
    if document["image"] != image_uri:
        raise InvalidMetadata(
            subject, f"image {document['image']} is not the series image {image_uri}"
        )


@cache
def _validator(schema: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    document = json.loads((SCHEMAS / schema).read_text())
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def _check_schema(validator: Draft202012Validator, document: Any, subject: str) -> None:
    if validator.is_valid(document):
        return
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(document))
    where = "/".join(str(p) for p in error.absolute_path) or "the document"
    raise InvalidMetadata(subject, f"{where}: {error.message}")
