"""Settings of the ops scripts: flags first, then the environment (and ``.env``), then ape-config.yaml.

The scripts load ``.env`` into the environment (python-dotenv, never overriding the shell); this module reads
``COLLECTIBLES_*`` variables and the ``collectibles:`` section of ape-config.yaml, e.g.::

    collectibles:
      name: Spring Festival
      symbol: SPRING
      royalty_bps: 500

A flag given on the command line always wins: scripts pass it to :func:`resolve`. Secrets (keyfile passphrases,
API tokens) are never settings here and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

ENV_PREFIX = "COLLECTIBLES_"
CONFIG_SECTION = "collectibles"


class Settings(BaseModel):
    """What the scripts need to know beyond their flags."""

    account: str | None = None
    """Default signer: an Ape account alias or ``TEST::N`` (``COLLECTIBLES_ACCOUNT``)."""
    contract: str | None = None
    """Collectible address, overriding the deployment registry (``COLLECTIBLES_CONTRACT``)."""
    deployments: Path = Path("deployments.json")
    """Deployment registry file, relative to the project root (``COLLECTIBLES_DEPLOYMENTS``)."""
    name: str = "Spring Festival"
    """ERC-721 name of a new deployment (``COLLECTIBLES_NAME``)."""
    symbol: str = "SPRING"
    """ERC-721 symbol of a new deployment (``COLLECTIBLES_SYMBOL``)."""
    royalty_bps: int = 500
    """Default ERC-2981 royalty in basis points (``COLLECTIBLES_ROYALTY_BPS``)."""
    royalty_receiver: str | None = None
    """Royalty receiver; the deployer when unset (``COLLECTIBLES_ROYALTY_RECEIVER``)."""
    admin: str | None = None
    """DEFAULT_ADMIN_ROLE holder; the deployer when unset (``COLLECTIBLES_ADMIN``)."""
    admin_delay: int = 0
    """Seconds between starting and accepting an admin transfer (``COLLECTIBLES_ADMIN_DELAY``)."""
    claims_dir: Path = Path("claims")
    """Where ``claims build`` writes the tree, root and proofs (``COLLECTIBLES_CLAIMS_DIR``)."""
    publish_backend: str = "car"
    """Where publication puts the CAR: ``car``, ``kubo`` or ``pinata`` (``COLLECTIBLES_PUBLISH_BACKEND``)."""
    kubo_api_url: str = "http://127.0.0.1:5001"
    """Base URL of a kubo RPC API, without ``/api/v0`` (``COLLECTIBLES_KUBO_API_URL``)."""
    pinata_upload_url: str = "https://uploads.pinata.cloud/v3"
    """Pinata's upload API (``COLLECTIBLES_PINATA_UPLOAD_URL``); its JWT is a secret, not a setting: see
    ``collectibles.ipfs.pinning``."""


def load_settings(
    env: Mapping[str, str] | None = None, config: Mapping[str, Any] | None = None
) -> Settings:
    """Merge the environment over the ape-config.yaml section over the defaults.

    ``env`` defaults to ``os.environ``; ``config`` to the ``collectibles:`` section of the project's
    ape-config.yaml (read through Ape, so only when asked for).
    """
    env = os.environ if env is None else env
    if config is None:
        config = _ape_config_section()
    values: dict[str, Any] = {
        k: v for k, v in config.items() if k in Settings.model_fields and v is not None
    }
    for field in Settings.model_fields:
        if (value := env.get(ENV_PREFIX + field.upper())) not in (None, ""):
            values[field] = value
    return Settings(**values)


def resolve(flag: Any, setting: Any) -> Any:
    """A flag's value if it was given, else the setting's."""
    return setting if flag is None else flag


def _ape_config_section() -> Mapping[str, Any]:
    from ape import config as ape_config
    from ape.exceptions import ApeException

    try:
        section = ape_config.get_config(CONFIG_SECTION)
    except ApeException:  # no project: defaults
        return {}
    return section.model_dump(by_alias=True) if hasattr(section, "model_dump") else dict(section)
