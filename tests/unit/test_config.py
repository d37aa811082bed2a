"""Settings from the environment: the risk configuration files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cafta import bootstrap
from cafta.config import Settings
from cafta.core.errors import CaftaError


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


@pytest.mark.parametrize(
    ("variable", "content", "words"),
    [("CAFTA_ECB_FILE", b"garbage\n", "not an ECB reference rate history"),
     ("CAFTA_ECB_FILE", b"PK\x03\x04garbage", "BadZipFile"),
     ("CAFTA_RATES_FILE", b"base,quote\nUSD,CNY\n", "missing column")],
)  # fmt: skip
def test_a_rate_file_the_node_cannot_use_stops_it_at_the_start(
    tmp_path: Path, variable: str, content: bytes, words: str
) -> None:
    """A bad ECB file used to start the node and then answer requests with a 400 blaming the
    client's currency, or a 500."""
    path = tmp_path / "rates.bin"
    path.write_bytes(content)
    settings = Settings.from_env({variable: str(path), "CAFTA_HOME": str(tmp_path)})
    with pytest.raises(CaftaError) as caught:
        bootstrap.build(settings)
    assert caught.value.code == "config.invalid"
    assert caught.value.message.startswith(f"{variable}: ") and words in caught.value.message
