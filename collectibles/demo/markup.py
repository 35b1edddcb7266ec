"""The few HTML helpers the demo's pages and charts share: escaping, attributes, a definition-list pair.

The pages are written as strings (no template engine in the project's dependencies for two static files);
every value that comes from the chain or a file goes through :func:`escape` first.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any


def escape(value: Any) -> str:
    """``value`` as text safe in an element or a quoted attribute."""
    return html.escape(str(value), quote=True)


def attrs(attributes: Mapping[str, Any]) -> str:
    """``name="value"`` pairs, each value escaped."""
    return " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())


def fact(term: str, html_value: str) -> str:
    """A ``<dt>``/``<dd>`` pair; ``html_value`` must already be escaped."""
    return f"<div><dt>{escape(term)}</dt><dd>{html_value}</dd></div>"
