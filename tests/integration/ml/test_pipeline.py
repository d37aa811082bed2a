"""The clearance pipeline scores with the active learned model when CAFTA_RISK_MODEL names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.ml.conftest import needs_data
from tests.integration.ml.test_model import CLOCK

from cafta import bootstrap
from cafta.adapters.ml.store import ModelStore
from cafta.adapters.ml.training import TrainedModel
from cafta.config import Settings
from cafta.services.clearance import Lodge
from cafta.services.ports import Principal, Role

pytestmark = needs_data

EXAMPLE = (
    Path(__file__).resolve().parents[3] / "examples" / "declarations" / "durian-youyiguan.json"
)


def test_the_node_uses_the_active_model(
    trained: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ModelStore(tmp_path / "models", CLOCK)
    store.activate(store.add(trained, {"train": {"file": "sample.csv", "sha256": "0" * 64}}))
    monkeypatch.setenv("CAFTA_RISK_MODEL", str(tmp_path / "models"))
    services = bootstrap.build(Settings.from_env())
    node = bootstrap.open_node(services, f"sqlite:///{tmp_path / 'cafta.db'}", upgrade=True)
    try:
        document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        document["items"][0].pop("preference")
        broker = Principal(Role.BROKER, "Pingxiang Border Brokers Co.")
        node.representations.grant(Principal(Role.ADMIN, "test"), broker.party,
                                   importer=document["importer"]["name"])  # fmt: skip
        declaration = node.clearance.lodge(Lodge(document, broker)).declaration
    finally:
        node.close()
    assert declaration.lane is not None
    assert any(r.startswith("score: model v0001: fraud probability") for r in
               declaration.lane.reasons), declaration.lane.reasons  # fmt: skip
