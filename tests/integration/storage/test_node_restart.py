"""A node that restarts keeps its lane quotas: the risk engine recalls the lanes it stored."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from cafta import bootstrap
from cafta.cli.demo_seed import seed_node
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.risk.engine import daily_period
from cafta.risk.rules import Lane
from cafta.services.clearance import Lodge
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.risk_lanes import RiskLanes

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def _allocator(node: bootstrap.Node) -> RiskLanes:
    lanes = node.clearance.lanes
    assert isinstance(lanes, RiskLanes)
    return lanes


def test_a_restarted_node_counts_the_lanes_it_decided_before(database_url: str) -> None:
    services = bootstrap.build(Settings.from_env({}), clock=FixedClock(NOW))
    first = bootstrap.open_node(services, database_url, risk_seed=1)
    try:
        seed_node(first, services, seed=7)
        with first.uow(read_only=True) as uow:
            records = uow.declarations.list(DeclarationFilter(limit=10_000))
    finally:
        first.close()
    stored: Counter[tuple[str, str, str]] = Counter()
    for record in records:
        on = datetime.fromisoformat(record.document["lodged_at"]).date()
        stored[(record.office, daily_period(on), record.document["lane"]["lane"])] += 1
    assert len(stored) > 4  # two offices, two days, several lanes

    again = bootstrap.open_node(services, database_url, risk_seed=1)
    try:
        allocator = _allocator(again).engine.allocator
        recalled: Counter[tuple[str, str, str]] = Counter()
        for office, period, _ in stored:
            stats = allocator.stats(office, period)
            for lane, count in stats.counts.items():
                if count:
                    recalled[(office, period, lane.value)] = count
        assert recalled == stored
        # The ranking has its history: the window holds every score ranked before the restart.
        ranked = sum(
            r.office == "CNYYG" and r.document["lane"]["selected_by"] not in ("rule", "random")
            for r in records
        )
        assert ranked > 20
        latest = next(r for r in records if r.office == "CNYYG")
        document = {**latest.document["filed"]}
        document["transport"] = {"mode": "road", "vehicle_plate": "GX-A-12345"}
        # Its Form E is the stored declaration's: citing it again would be refused (and ruled).
        document["items"] = [
            {k: v for k, v in item.items() if k != "preference"} for item in document["items"]
        ]
        lodged = again.clearance.lodge(Lodge(document, Principal(Role.ADMIN, "test")))
        assert lodged.declaration.lane is not None
        reasons = " ".join(lodged.declaration.lane.reasons)
        assert f"({ranked} of 100 recent scores at CNYYG)" in reasons or "threshold" in reasons
        assert allocator.stats("CNYYG", daily_period(NOW.date())).counts[Lane.GREEN] > 0
    finally:
        again.close()
