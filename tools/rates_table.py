"""Rewrite the table of shipped measures at the end of docs/data-sources.md (``make docs``)."""

from __future__ import annotations

from pathlib import Path

from cafta.identifiers import hs
from cafta.tariff.schedule import bundled_schedule

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-sources.md"
HEADER = "| party | line | type | origin | rate | proof | valid | status | source |"


def table() -> str:
    rows = [HEADER, "|---|---|---|---|---|---|---|---|---|"]
    for m in bundled_schedule():
        line = hs.format(m.line) if m.line else "all lines"
        rate = str(m.duty).replace("|", "\\|")
        proof = m.proof.value if m.proof else ""
        rows.append(
            f"| {m.importing_party} | {line} | {m.measure_type.value} | {m.area} | {rate} | "
            f"{proof} | {m.validity} | {m.status.value} | {m.reference} |"
        )
    return "\n".join(rows) + "\n"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(text[: text.index(HEADER)] + table(), encoding="utf-8")


if __name__ == "__main__":
    main()
