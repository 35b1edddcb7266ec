"""Metadata publishing throughput: a 10,000-token series through metadata, CIDs and CAR, offline.

Run with ``make bench``. Prints the wall time of ``collectibles.content.publish.build_series`` (every token's
JSON built, schema-validated and content-addressed, the image CID, the HAMT-sharded directory CID) plus
``write_car``, for CIDv1 and CIDv0, then the time to write the folder and CAR to disk. The target is
3 s for metadata, CIDs and CAR. A measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from collectibles.content.artwork import render_card
from collectibles.content.metadata import SeriesProfile
from collectibles.content.publish import build_series, write_bundle
from collectibles.domain.tokens import TransferPolicy
from collectibles.ipfs.car import write_car

TOKENS = 10_000
TARGET_SECONDS = 3.0


def main() -> int:
    series = SeriesProfile("Bench Series", TOKENS, TransferPolicy.FREE, tier="Common")
    artwork = render_card(series.name, series.max_supply, series.policy, series.theme)
    for version in (1, 0):
        start = time.perf_counter()
        bundle = build_series(series, artwork, cid_version=version)
        car = write_car(bundle.root)
        seconds = time.perf_counter() - start
        verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
        print(
            f"metadata + CIDs + CAR, {TOKENS:,} tokens, CIDv{version}: {seconds:.2f} s "
            f"({verdict} the {TARGET_SECONDS:.0f} s target); directory {bundle.directory_cid}, "
            f"CAR {len(car) / 1e6:.1f} MB"
        )
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_bundle(bundle, Path(out))
        print(f"writing the folder and CAR to disk: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
