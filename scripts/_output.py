"""What the scripts print for machines: one JSON object on the last line of stdout (``--json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click


def emit_json(results: Mapping[str, Any]) -> None:
    """Print ``results`` as one JSON object on one line (the last line the script prints)."""
    click.echo(json.dumps(results, sort_keys=True, default=str))
