"""Settings from the environment: the risk configuration files."""

from __future__ import annotations

from pathlib import Path

from cafta.config import Settings


def test_the_risk_files_are_read_from_the_environment() -> None:
    settings = Settings.from_env({
        "CAFTA_HOME": "/srv/cafta",
        "CAFTA_RISK_RULES": "/etc/cafta/rules.yaml",
        "CAFTA_RISK_QUOTAS": " ~/quotas.json ",
        "CAFTA_TRUSTED_TRADERS": "traders.yaml",
        "CAFTA_RISK_MODEL": "/srv/models",
    })  # fmt: skip
    assert settings.risk_rules == Path("/etc/cafta/rules.yaml")
    assert settings.risk_quotas == Path("~/quotas.json").expanduser()
    assert settings.trusted_traders == Path("traders.yaml")
    assert settings.risk_model == Path("/srv/models")


def test_unset_or_blank_risk_files_mean_the_defaults() -> None:
    settings = Settings.from_env({"CAFTA_HOME": "/srv/cafta", "CAFTA_RISK_RULES": " "})
    assert (settings.risk_rules, settings.risk_quotas, settings.trusted_traders) == (None,) * 3
    assert settings.risk_model is None
