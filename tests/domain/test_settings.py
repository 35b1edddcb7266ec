"""collectibles/domain/settings.py: the environment wins over .env and ape-config.yaml, which win over the defaults."""

from pathlib import Path

import pytest

from collectibles.domain.settings import ENV_PREFIX, Settings, load_settings, resolve


@pytest.fixture
def clean_env(monkeypatch):
    """No ``COLLECTIBLES_*`` variable of the shell leaks into a test; returns monkeypatch to set some."""
    for field in Settings.model_fields:
        monkeypatch.delenv(ENV_PREFIX + field.upper(), raising=False)
    return monkeypatch


def test_load_settings__env_over_config_over_default(clean_env):
    clean_env.setenv("COLLECTIBLES_ROYALTY_BPS", "250")
    clean_env.setenv("COLLECTIBLES_ACCOUNT", "")
    settings = load_settings(
        config={"royalty_bps": 700, "symbol": "CARD", "account": "deployer", "unrelated": 1},
    )
    assert settings.royalty_bps == 250
    assert settings.symbol == "CARD"
    assert settings.account == "deployer"  # an empty variable does not override
    assert settings.name == "Spring Festival"
    assert settings.deployments == Path("deployments.json")


def test_load_settings__env_file_over_config__shell_over_env_file(clean_env, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "COLLECTIBLES_SYMBOL=FROMFILE\nCOLLECTIBLES_NAME=From File\nCOLLECTIBLES_ADMIN_DELAY=60\n"
    )
    clean_env.setenv("COLLECTIBLES_NAME", "From Shell")

    settings = load_settings(
        config={"symbol": "FROMCONFIG", "admin_delay": 5, "royalty_bps": 300}, env_file=env_file
    )

    assert (settings.name, settings.symbol) == ("From Shell", "FROMFILE")
    assert settings.admin_delay == 60
    assert settings.royalty_bps == 300  # only the config names it
    assert settings.claims_dir == Path("claims")  # nobody names it: the default


def test_load_settings__no_env_file__file_ignored(clean_env, tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("COLLECTIBLES_SYMBOL=STRAY\n")
    monkeypatch.chdir(tmp_path)

    assert load_settings().symbol == "SPRING"


def test_load_settings__bad_number_in_env__names_the_setting(clean_env):
    clean_env.setenv("COLLECTIBLES_ROYALTY_BPS", "five hundred")

    with pytest.raises(ValueError, match="royalty_bps"):
        load_settings()


def test_resolve__flag_wins_when_given():
    assert resolve(100, 250) == 100
    assert resolve(0, 250) == 0
    assert resolve(None, 250) == 250
