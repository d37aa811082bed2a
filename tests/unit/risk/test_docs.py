"""docs/risk-rules.md, kept honest: its configuration examples build, its worked example holds."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from cafta.cli.demo_seed import DEMO_AEO, IMPORTERS
from cafta.core.provenance import Status
from cafta.identifiers import hs
from cafta.risk.defaults import DEFAULT_RULES_DOCUMENT
from cafta.risk.engine import RiskEngine
from cafta.risk.lanes import LaneAllocator
from cafta.risk.quotas import LaneQuota, QuotaTable
from cafta.risk.rules import Lane
from cafta.risk.ruleset import RuleSet, default_rules
from cafta.risk.scoring import RuleScorer, Score
from cafta.risk.subject import RiskItem, RiskSubject
from cafta.risk.traders import TrustedTraders

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "risk-rules.md").read_text(encoding="utf-8")
DAY = date(2026, 11, 30)


def _block(marker: str, language: str) -> str:
    found = re.search(rf"<!-- {marker}.*?-->\n```{language}\n(.*?)\n```", DOC, re.DOTALL)
    assert found, f"no {language} block after '{marker}'"
    return found.group(1)


def _subject(importer: str = "Guangxi Fresh Fruit Import Co.") -> RiskSubject:
    item = RiskItem(
        line="0810.60.00", origin="TH", value=Decimal(1200), currency="CNY", net_mass_kg=Decimal(40)
    )
    return RiskSubject(
        declaration_id="D-1", office="CNPXG", on=DAY, importer=importer, items=(item,)
    )


def test_the_rule_set_example_builds_and_hits() -> None:
    rules = RuleSet.from_document(json.loads(_block("rule-set example", "json")))
    assert rules.ids == ("R1", "R2", "R3", "R4", "R5")
    hits = rules.evaluate(_subject("Lotus Trading Co"))
    assert [(h.rule_id, h.lane) for h in hits] == [("R1", Lane.RED)]
    assert hits[0].reason in DOC


def test_the_rule_set_example_reads_the_same_from_yaml() -> None:
    text = _block("rule-set example", "json")
    assert RuleSet.from_document(yaml.safe_load(text)) == RuleSet.from_document(json.loads(text))


def test_the_quota_example_builds() -> None:
    table = QuotaTable.from_document(yaml.safe_load(_block("quota example", "yaml")))
    assert table.default == LaneQuota()
    assert table.for_office("VNHPH", date(2027, 2, 1)).yellow == Decimal("0.15")
    assert table.for_office("VNHPH", date(2027, 3, 1)) == LaneQuota()
    assert table.for_office("CNPXG", DAY).blue == Decimal("0.02")


def test_the_worked_example_gives_what_the_page_shows() -> None:
    allocator = LaneAllocator(QuotaTable(), random.Random(2026))
    allocator.warm("CNPXG", (i / 1000 for i in range(1000)))
    for _ in range(20):
        assert allocator.decide(_subject(), Score(0.0), (), DAY.isoformat()).lane is Lane.GREEN
    shown: list[str] = []
    for value in (0.99, 0.995, 0.04):
        shown.extend(allocator.decide(_subject(), Score(value), (), DAY.isoformat()).reasons)
    engine = RiskEngine(default_rules(), RuleScorer(), allocator)
    listed = engine.assess(_subject("Example Undervaluation Trading Co."))
    assert listed.score == 0.902
    shown.extend(listed.reasons[:2])
    for reason in shown:
        assert f"`{reason}`" in DOC, reason
    stats = allocator.stats("CNPXG", DAY.isoformat())
    assert (stats.total, stats.counts[Lane.GREEN], stats.counts[Lane.YELLOW]) == (24, 21, 1)
    assert stats.counts[Lane.RED] == 2


def test_every_illustrative_default_is_listed_on_the_page() -> None:
    for ref in DEFAULT_RULES_DOCUMENT["unit_values"]["references"]:
        assert ref["line"] in DOC and ref["status"] == "illustrative"
    for entry in DEFAULT_RULES_DOCUMENT["restricted_goods"]:
        assert f"{hs.format(entry['prefix'])} " in DOC
    for watch_list in DEFAULT_RULES_DOCUMENT["watch_lists"]:
        for entry in watch_list["entries"]:
            assert f"`{entry['value']}`" in DOC or entry["value"] in DOC


def test_the_trusted_trader_example_builds_and_its_reasons_are_shown() -> None:
    register = TrustedTraders.from_document(
        yaml.safe_load(_block("trusted-trader example", "yaml"))
    )
    assert len(register) == 2
    entry = register.is_trusted("PINGXIANG  rubber industry co.", DAY)
    assert entry is not None and entry.validity is not None
    assert register.is_trusted("Pingxiang Rubber Industry Co", DAY) is None
    assert register.is_trusted("Pingxiang Rubber Industry Co.", date(2029, 1, 1)) is None
    allocator = LaneAllocator(QuotaTable(LaneQuota(blue=Decimal("0.02"))), random.Random(1))
    subject = replace(_subject(entry.name), trusted_trader=True)
    decision = allocator.decide(subject, Score(0.01), (), DAY.isoformat())
    assert decision.lane is Lane.BLUE
    for reason in (decision.reasons[0], f"importer {entry.describe()}"):
        assert f"`{reason}`" in DOC, reason


def test_the_demo_risk_files_build_and_open_the_blue_lane_to_a_demo_importer() -> None:
    folder = ROOT / "examples" / "risk"
    quotas = QuotaTable.from_document(yaml.safe_load((folder / "quotas-demo.yaml").read_text()))
    assert quotas.default == LaneQuota()
    for office in ("CNYYG", "CNPXG"):
        assert quotas.for_office(office, DAY) == LaneQuota(blue=Decimal("0.02"))
    text = (folder / "trusted-traders-demo.yaml").read_text()
    register = TrustedTraders.from_document(yaml.safe_load(text))
    (entry,) = register.traders
    assert entry.status is Status.ILLUSTRATIVE and "(demo)" in entry.name
    assert entry.name == DEMO_AEO and DEMO_AEO in IMPORTERS
    assert register.is_trusted(DEMO_AEO, DAY) is entry
