"""Where the scripts' settings come from: ``.env``, the environment and the ``collectibles:`` section of ape-config.yaml.

The domain layer (:mod:`collectibles.domain.settings`) never imports Ape, so the config section is read here,
through Ape, and handed in. ``.env`` is loaded when a command starts parsing its options (see ``scripts._cli``),
never at import: click's ``envvar=`` and Ape's ``APE_ACCOUNTS_<alias>_PASSPHRASE`` read the process
environment, so the file goes there (python-dotenv), without overriding what the shell exports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from collectibles.domain.settings import CONFIG_SECTION, Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE_VARIABLE = "COLLECTIBLES_ENV_FILE"


def env_file() -> Path:
    """The ``.env`` the scripts read: ``COLLECTIBLES_ENV_FILE``, else the project's ``.env``."""
    return Path(os.environ.get(ENV_FILE_VARIABLE) or PROJECT_ROOT / ".env")


def load_env(path: Path | str | None = None) -> bool:
    """Load ``path`` (default :func:`env_file`) into the environment; the shell's own variables win.

    Returns whether the file set anything (python-dotenv's answer).
    """
    from dotenv import load_dotenv

    return load_dotenv(path or env_file(), override=False)


def ape_config_section() -> Mapping[str, Any]:
    """The ``collectibles:`` section of the project's ape-config.yaml; empty without a project."""
    from ape import config as ape_config
    from ape.exceptions import ApeException

    try:
        section = ape_config.get_config(CONFIG_SECTION)
    except ApeException:  # no project: defaults
        return {}
    return section.model_dump(by_alias=True)


def cli_settings() -> Settings:
    """The settings a command sees: environment and ``.env`` over ape-config.yaml over the defaults."""
    return load_settings(ape_config_section(), env_file=env_file())


def project_path(path: Path) -> Path:
    """``path`` as given if absolute, else relative to the project root (as the settings document it)."""
    return path if path.is_absolute() else PROJECT_ROOT / path
