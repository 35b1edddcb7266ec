"""Publishing a series' metadata folder: pure file work, no chain and no network.

The folder holds ``<serial>.json`` for every serial ``1..max_supply`` (all editions, not just the minted
ones, so tokens minted later resolve at once and a reveal needs no republish), the series image, and
``collection.json`` (ERC-7572). With the series' base URI set to ``ipfs://<directory CID>/`` the contract's
``tokenURI`` (``<baseURI><serial>.json``) resolves to each token's JSON.

Order: the image's CID first, then every JSON filled in and validated, and only then the directory CID;
nothing is written until all of it is valid. The folder (``<out>/<directory CID>/``) and its CAR
(``<out>/<directory CID>.car``, CARv1) are written under temporary names and renamed into place, so a
crash leaves either nothing or the complete pair; publishing the same content again rewrites nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.content.artwork import Artwork, series_artwork
from collectibles.content.metadata import (
    SeriesProfile,
    TokenMetadata,
    canonical_json,
    collection_metadata,
    validate_collection,
    validate_token,
)
from collectibles.domain.errors import InvalidMetadata
from collectibles.ipfs.car import write_car
from collectibles.ipfs.unixfs import Node, add_bytes, add_directory

if TYPE_CHECKING:
    from collectibles.domain.catalogue import SeriesSpec

COLLECTION_FILE = "collection.json"


@dataclass(frozen=True)
class SeriesBundle:
    """A series folder in memory: its files and DAG, validated, not yet written."""

    files: dict[str, bytes]
    """File name to content: ``<serial>.json``, the image, ``collection.json``."""
    root: Node
    image_cid: str
    tokens: int

    @property
    def directory_cid(self) -> str:
        return str(self.root.cid)

    @property
    def base_uri(self) -> str:
        """The series' base URI: ``tokenURI`` appends ``<serial>.json``."""
        return f"ipfs://{self.directory_cid}/"


@dataclass(frozen=True)
class PublishResult:
    """Where a series was published and under which CIDs."""

    series: str
    directory_cid: str
    image_cid: str
    base_uri: str
    """``ipfs://<directory CID>/``: set it as the series' base URI."""
    collection_uri: str
    """``ipfs://<directory CID>/collection.json``: usable as an ERC-7572 ``contractURI``."""
    folder: Path
    car: Path
    tokens: int
    """Token JSON files in the folder (every serial up to the max supply)."""
    files: int
    written: bool
    """False when an identical folder and CAR were already there."""


def token_documents(series: SeriesProfile, image_uri: str) -> dict[int, dict[str, Any]]:
    """The metadata document of every serial ``1..max_supply``."""
    return {
        serial: TokenMetadata.for_token(series, serial, image_uri).as_dict()
        for serial in range(1, series.max_supply + 1)
    }


def build_series(
    series: SeriesProfile,
    artwork: Artwork,
    cid_version: int = 1,
    documents: Mapping[int, dict[str, Any]] | None = None,
    external_link: str | None = None,
) -> SeriesBundle:
    """Every file of the series folder and its DAG; :class:`InvalidMetadata` if any JSON is wrong.

    ``documents`` replaces the generated token documents (serial to document), e.g. edited ones.
    """
    image = add_bytes(artwork.data, cid_version)
    image_uri = f"ipfs://{image.cid}"
    if documents is None:
        documents = token_documents(series, image_uri)
    for serial in documents:
        if not 1 <= serial <= series.max_supply:
            raise InvalidMetadata(
                f"{series.name} #{serial}",
                f"serial {serial} is over the cap of {series.max_supply} (max supply)"
                if serial > 0
                else f"serial {serial} is not a serial (1, 2, …)",
            )
    files = {}
    for serial, doc in sorted(documents.items()):
        try:
            files[f"{serial}.json"] = canonical_json(doc)
        except (TypeError, ValueError) as err:
            raise InvalidMetadata(f"{series.name} #{serial}", f"not JSON ({err})") from None
    nodes = {name: add_bytes(data, cid_version) for name, data in files.items()}
    json_uris = frozenset(f"ipfs://{node.cid}" for node in nodes.values())
    for serial, doc in documents.items():
        validate_token(doc, series, serial, image_uri, json_uris)
    collection = collection_metadata(series, image_uri, external_link)
    validate_collection(collection, series, image_uri)
    if artwork.filename in files or artwork.filename == COLLECTION_FILE:
        raise InvalidMetadata(series.name, f"image file name {artwork.filename} is taken")
    files[artwork.filename] = artwork.data
    nodes[artwork.filename] = image
    files[COLLECTION_FILE] = canonical_json(collection)
    nodes[COLLECTION_FILE] = add_bytes(files[COLLECTION_FILE], cid_version)
    root = add_directory(nodes, cid_version, shard=True)
    return SeriesBundle(files, root, str(image.cid), len(documents))


def publish_series(
    series: SeriesProfile,
    artwork: Artwork,
    out_dir: Path | str,
    cid_version: int = 1,
    documents: Mapping[int, dict[str, Any]] | None = None,
    external_link: str | None = None,
) -> PublishResult:
    """Build, validate, then write ``<out>/<dir CID>/`` and ``<out>/<dir CID>.car`` (see module doc)."""
    bundle = build_series(series, artwork, cid_version, documents, external_link)
    written = write_bundle(bundle, Path(out_dir))
    folder, car = _paths(bundle, Path(out_dir))
    return PublishResult(
        series=series.name,
        directory_cid=bundle.directory_cid,
        image_cid=bundle.image_cid,
        base_uri=bundle.base_uri,
        collection_uri=f"{bundle.base_uri}{COLLECTION_FILE}",
        folder=folder,
        car=car,
        tokens=bundle.tokens,
        files=len(bundle.files),
        written=written,
    )


def publish_spec(
    spec: SeriesSpec,
    out_dir: Path | str,
    cid_version: int = 1,
    external_link: str | None = None,
) -> PublishResult:
    """Publish a catalogue series: its ``image`` file, or a card drawn in its theme."""
    artwork = series_artwork(
        spec.name, spec.max_supply, spec.policy, spec.image or None, spec.theme
    )
    profile = SeriesProfile.from_spec(spec)
    return publish_series(profile, artwork, out_dir, cid_version, external_link=external_link)


def write_bundle(bundle: SeriesBundle, out_dir: Path) -> bool:
    """Write the folder and CAR unless identical ones are there; True if anything was written."""
    folder, car = _paths(bundle, out_dir)
    car_bytes = write_car(bundle.root)
    if _same_folder(folder, bundle.files) and car.is_file() and car.read_bytes() == car_bytes:
        return False
    out_dir.mkdir(parents=True, exist_ok=True)
    tag = f".tmp-{os.getpid()}"
    tmp_folder = folder.with_name(folder.name + tag)
    tmp_car = car.with_name(car.name + tag)
    shutil.rmtree(tmp_folder, ignore_errors=True)
    try:
        tmp_folder.mkdir()
        for name, data in bundle.files.items():
            (tmp_folder / name).write_bytes(data)
        tmp_car.write_bytes(car_bytes)
        if folder.exists():  # same CID, different bytes on disk: someone edited it; replace it
            old = folder.with_name(folder.name + tag + ".old")
            folder.rename(old)
            shutil.rmtree(old)
        tmp_folder.rename(folder)
        os.replace(tmp_car, car)
    finally:
        shutil.rmtree(tmp_folder, ignore_errors=True)
        tmp_car.unlink(missing_ok=True)
    return True


def _paths(bundle: SeriesBundle, out_dir: Path) -> tuple[Path, Path]:
    return out_dir / bundle.directory_cid, out_dir / f"{bundle.directory_cid}.car"


def _same_folder(folder: Path, files: dict[str, bytes]) -> bool:
    if not folder.is_dir():
        return False
    if {p.name for p in folder.iterdir()} != set(files):
        return False
    return all((folder / name).read_bytes() == data for name, data in files.items())
