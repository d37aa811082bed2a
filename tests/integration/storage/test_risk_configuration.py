"""A node's risk set-up comes from the files its settings name: rules, quotas, trusted traders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cafta import bootstrap
from cafta.clearance.declaration import Declaration
from cafta.clearance.lifecycle import Lane, Status
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.core.errors import CaftaError
from cafta.services.clearance import Lodge
from cafta.services.dashboard import quotas_of
from cafta.services.ports import Principal, Role

NOW = datetime(2026, 6, 1, 2, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]

RULES = """
watch_lists:
  - id: W9
    reference: office instruction 7/2026 (test)
    status: official
    entries:
      - kind: importer
        value: LOTUS trading co
        reason: undervaluation in 2025
"""
QUOTAS = {"offices": [{"office": "CNYYG", "blue": "0.02"}]}
TRADERS = """
traders:
  - name: Guangxi Fresh Fruit Trading Co.
    programme: China Customs AEO advanced certification (test entry)
    reference: certificate 0001 (test)
    status: illustrative
    valid_from: 2026-01-01
"""


def _durian(importer: str = "Guangxi Fresh Fruit Trading Co.", plate: str = "GX-A-12345") -> Any:
    document = json.loads((ROOT / "examples/declarations/durian-youyiguan.json").read_text())
    document["importer"]["name"] = importer
    document["transport"]["vehicle_plate"] = plate
    del document["items"][0]["preference"]  # no claim: no certificate to check
    return document


def _files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "quotas.json").write_text(json.dumps(QUOTAS), encoding="utf-8")
    (tmp_path / "traders.yml").write_text(TRADERS, encoding="utf-8")
    return {
        "CAFTA_HOME": str(tmp_path / "home"),
        "CAFTA_RISK_RULES": str(tmp_path / "rules.yaml"),
        "CAFTA_RISK_QUOTAS": str(tmp_path / "quotas.json"),
        "CAFTA_TRUSTED_TRADERS": str(tmp_path / "traders.yml"),
    }


def _lodge(node: bootstrap.Node, document: Any) -> Declaration:
    """Lodged by the importer itself: the risk set-up, not brokers' authorities, is tested."""
    importer = Principal(Role.TRADER, document["importer"]["name"])
    return node.clearance.lodge(Lodge(document, importer)).declaration


def test_the_node_decides_with_the_configured_rules_quotas_and_register(
    database_url: str, tmp_path: Path
) -> None:
    services = bootstrap.build(Settings.from_env(_files(tmp_path)), clock=FixedClock(NOW))
    node = bootstrap.open_node(services, database_url, risk_seed=3)
    try:
        watched = _lodge(node, _durian("Lotus Trading Co"))
        assert watched.lane is not None and watched.lane.lane is Lane.RED
        assert watched.lane.selected_by == "rule"
        assert watched.status is Status.HELD_FOR_INSPECTION
        assert any("watch-list W9" in r for r in watched.lane.reasons), watched.lane.reasons

        # The file replaces the illustrative rules shipped: their watched plate is not on it.
        plate = _lodge(node, _durian("Nanning Grain Imports", plate="ZZ-0000"))
        assert plate.lane is not None and plate.lane.lane is Lane.GREEN

        trusted = _lodge(node, _durian())
        assert trusted.lane is not None and trusted.lane.lane is Lane.BLUE
        assert trusted.status is Status.RELEASED and trusted.post_clearance_audit
        reasons = trusted.lane.reasons
        assert reasons[0].startswith("blue: trusted trader (AEO) released for post-clearance")
        assert reasons[1].startswith("importer 'Guangxi Fresh Fruit Trading Co.' is a trusted")
        assert reasons[1].endswith("reference: certificate 0001 (test) (illustrative)")

        # The dashboard's targets are the configured quotas.
        quotas = quotas_of(node.clearance.lanes)
        assert str(quotas.for_office("CNYYG", NOW.date()).blue) == "0.02"
        assert str(quotas.for_office("CNPXG", NOW.date()).blue) == "0"
    finally:
        node.close()


def test_without_the_settings_the_node_runs_the_shipped_defaults(database_url: str) -> None:
    services = bootstrap.build(Settings.from_env({}), clock=FixedClock(NOW))
    node = bootstrap.open_node(services, database_url, risk_seed=3)
    try:
        plate = _lodge(node, _durian(plate="ZZ-0000"))  # on the illustrative watch-list
        assert plate.lane is not None and plate.lane.lane is Lane.RED
        plain = _lodge(node, _durian())
        assert plain.lane is not None and plain.lane.lane is Lane.GREEN
        assert not any("trusted" in r for r in plain.lane.reasons)
    finally:
        node.close()


@pytest.mark.parametrize(
    ("variable", "name", "content", "expected"),
    [
        (
            "CAFTA_RISK_QUOTAS",
            "quotas.yaml",
            "offices:\n  - office: CNPXG\n    red: 0.2\n",
            "offices[0].red: 0.2 is above red_cap 0.10",
        ),
        (
            "CAFTA_RISK_RULES",
            "rules.json",
            '{"watch_lists": [{"id": "W1", "reference": "r", "status": "official",\n'
            ' "entries": [{"kind": "importer", "value": "X", "reason": "y", "lane": "purple"}]}]}',
            "watch_lists[0].entries[0].lane: unknown lane 'purple'",
        ),
        (
            "CAFTA_TRUSTED_TRADERS",
            "traders.yaml",
            "traders:\n  - name: X\n    programme: P\n    reference: R\n    status: official\n"
            "    valid_to: 2026-12-31\n",
            "traders[0].valid_from: missing (valid_to is given)",
        ),
        (
            "CAFTA_TRUSTED_TRADERS",
            "traders.yaml",
            "traders:\n  - name: X\n    level: 2\n",
            "traders[0].level: unknown field",
        ),
        (
            "CAFTA_RISK_RULES",
            "rules.yaml",
            "watch_lists: [\n",
            "not valid YAML (line 2, column 1",
        ),
    ],
)
def test_a_broken_file_stops_the_node_naming_the_file_and_the_field(
    tmp_path: Path, variable: str, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    settings = Settings.from_env({"CAFTA_HOME": str(tmp_path / "home"), variable: str(path)})
    database = tmp_path / "cafta.db"
    with pytest.raises(CaftaError) as info:
        bootstrap.open_node(bootstrap.build(settings), f"sqlite:///{database}")
    error = info.value
    assert error.code == "config.invalid"
    assert error.message.startswith(f"{variable}: {path}: ")
    assert expected in error.message
    assert error.details["file"] == str(path) and error.details["variable"] == variable
    assert not database.exists()  # stopped before it connected


def test_a_missing_file_is_named_with_its_variable(tmp_path: Path) -> None:
    missing = tmp_path / "traders.yaml"
    settings = Settings.from_env(
        {"CAFTA_HOME": str(tmp_path), "CAFTA_TRUSTED_TRADERS": str(missing)}
    )
    with pytest.raises(CaftaError) as info:
        bootstrap.open_node(bootstrap.build(settings), f"sqlite:///{tmp_path / 'cafta.db'}")
    assert info.value.code == "config.file_not_found"
    assert info.value.message == f"CAFTA_TRUSTED_TRADERS names {missing}, which is not a file"
