"""Settings of the ops scripts: flags first, then the environment and ``.env``, then ape-config.yaml.

pydantic-settings reads the ``COLLECTIBLES_*`` variables (and a ``.env`` file when asked for one). The
``collectibles:`` section of ape-config.yaml is read by the scripts' side through Ape and handed in here as a
plain mapping, because this layer never imports Ape; it sits below the environment and above the defaults::

    collectibles:
      name: Spring Festival
      symbol: SPRING
      royalty_bps: 500

A flag given on the command line always wins: scripts pass it to :func:`resolve`. Secrets (keyfile passphrases,
API tokens) are never settings here and never printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "COLLECTIBLES_"
CONFIG_SECTION = "collectibles"


class Settings(BaseSettings):
    """What the scripts need to know beyond their flags.

    Keyword arguments are the lowest layer above the defaults (the ape-config.yaml section): a
    ``COLLECTIBLES_*`` variable, from the environment or the ``.env`` file, overrides them.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=None,  # only the file a caller names: tests and imports never read a stray .env
        env_ignore_empty=True,  # an empty `COLLECTIBLES_ACCOUNT=` in .env leaves the setting alone
        extra="ignore",  # the ape-config section may carry keys for other tools
    )

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The keyword arguments are the config file's section, so they rank below the environment
        # (pydantic-settings puts them first by default). No secrets directory: secrets stay out of here.
        return env_settings, dotenv_settings, init_settings


def load_settings(
    config: Mapping[str, Any] | None = None, *, env_file: Path | str | None = None
) -> Settings:
    """The environment (and ``env_file``, where the shell's variables win) over ``config`` over the defaults.

    ``config`` is the ``collectibles:`` section of ape-config.yaml, read by the caller; keys that are not
    settings and ``None`` values are ignored.
    """
    values = {
        k: v for k, v in (config or {}).items() if k in Settings.model_fields and v is not None
    }
    return Settings(_env_file=env_file, **values)


def resolve(flag: Any, setting: Any) -> Any:
    """A flag's value if it was given, else the setting's."""
    return setting if flag is None else flag
