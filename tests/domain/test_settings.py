"""collectibles/domain/settings.py: the environment wins over ape-config.yaml, which wins over the defaults."""

from pathlib import Path

from collectibles.domain.settings import load_settings, resolve


def test_load_settings__env_over_config_over_default():
    settings = load_settings(
        env={"COLLECTIBLES_ROYALTY_BPS": "250", "COLLECTIBLES_ACCOUNT": ""},
        config={"royalty_bps": 700, "symbol": "CARD", "account": "deployer", "unrelated": 1},
    )
    assert settings.royalty_bps == 250
    assert settings.symbol == "CARD"
    assert settings.account == "deployer"  # an empty variable does not override
    assert settings.name == "Spring Festival"
    assert settings.deployments == Path("deployments.json")


def test_resolve__flag_wins_when_given():
    assert resolve(100, 250) == 100
    assert resolve(0, 250) == 0
    assert resolve(None, 250) == 250
