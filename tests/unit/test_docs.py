"""Docs that tests keep honest: the shipped rates and the README's commands."""

from __future__ import annotations

from pathlib import Path

from cafta.identifiers import hs
from cafta.tariff.schedule import bundled_schedule

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_measure_is_listed_in_data_sources() -> None:
    table = (ROOT / "docs" / "data-sources.md").read_text(encoding="utf-8")
    missing = []
    for m in bundled_schedule():
        line = hs.format(m.line) if m.line else "all lines"
        duty = str(m.duty).replace("|", "\\|")
        row = f"| {m.importing_party} | {line} | {m.measure_type.value} | {m.area} | {duty} |"
        if row not in table or m.reference not in table:
            missing.append(row)
    assert not missing, "run 'make docs' to regenerate docs/data-sources.md: " + "; ".join(missing)


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("\n## ")] if "\n## " in readme else readme
    assert "make run" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
