"""The PSR table: the shipped rows, the most specific row wins, bad tables are refused."""

from __future__ import annotations

from datetime import date

import pytest

from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.origin.psr import PsrTable, bundled_psr

HEADER = "scheme,lines,description,rule,text,valid_from,valid_to,status,reference\n"


def test_shipped_rows_are_labelled_illustrative_and_sourced() -> None:
    table = bundled_psr()
    assert len(table) >= 10
    assert all(row.status is Status.ILLUSTRATIVE and row.reference for row in table)


def test_rows_cover_chapters_headings_and_ranges() -> None:
    on = date(2026, 1, 1)
    table = bundled_psr()
    apparel = table.rule_for("ACFTA", "61091000", on)
    assert apparel is not None and apparel.rule.text() == "CC"
    footwear = table.rule_for("ACFTA", "640399", on)
    assert footwear is not None and footwear.rule.text() == "RVC(40) OR CTH except 6406"
    assert table.rule_for("ACFTA", "850760", on) is None
    assert table.rule_for("ACFTA", "61091000", date(2019, 8, 19)) is None  # before 2019 rules


def test_the_most_specific_row_wins() -> None:
    table = PsrTable.from_csv_text(
        HEADER
        + "ACFTA,15,Fats,CC,,2019-08-20,,official,ref A\n"
        + "ACFTA,1511,Palm oil,CTH,,2019-08-20,,official,ref B\n"
        + "ACFTA,1511.10,Crude palm oil,WO,,2019-08-20,,official,ref C\n",
        "test.csv",
    )
    on = date(2026, 1, 1)
    assert table.rule_for("ACFTA", "15119000", on).reference == "ref B"  # type: ignore[union-attr]
    assert table.rule_for("ACFTA", "151110", on).reference == "ref C"  # type: ignore[union-attr]
    assert table.rule_for("ACFTA", "150100", on).reference == "ref A"  # type: ignore[union-attr]


def test_overlapping_rows_in_force_together_are_refused() -> None:
    with pytest.raises(InvalidInput, match="overlapping rows: 1501-1510 and 1505"):
        PsrTable.from_csv_text(
            HEADER
            + "ACFTA,1501-1510,Fats,CC,,2019-08-20,,official,ref\n"
            + "ACFTA,1505,Wool grease,CTH,,2020-01-01,,official,ref\n",
            "test.csv",
        )


def test_successive_rows_for_the_same_range_are_fine() -> None:
    table = PsrTable.from_csv_text(
        HEADER
        + "ACFTA,1505,Wool grease,CC,,2019-08-20,2025-12-31,official,old\n"
        + "ACFTA,1505,Wool grease,CTH,,2026-01-01,,official,new\n",
        "test.csv",
    )
    assert table.rule_for("ACFTA", "150500", date(2025, 6, 1)).reference == "old"  # type: ignore[union-attr]
    assert table.rule_for("ACFTA", "150500", date(2026, 6, 1)).reference == "new"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("ACFTA,151,Palm,CC,,2019-08-20,,official,ref", "row 2: lines '151'"),
        ("ACFTA,1511,Palm,CTX,,2019-08-20,,official,ref", "row 2: rule 'CTX'"),
        ("ACFTA,1511,Palm,CC,,2019-13-20,,official,ref", "row 2: valid_from '2019-13-20'"),
        ("ACFTA,1511,Palm,CC,,2019-08-20,,draft,ref", "row 2: unknown status 'draft'"),
        ("ACFTA,1511,Palm,CC,,2019-08-20,,official,", "row 2: missing reference"),
    ],
)
def test_bad_rows_are_reported_with_their_number(row: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=r"test\.csv") as caught:
        PsrTable.from_csv_text(HEADER + row + "\n", "test.csv")
    assert problem in caught.value.message


def test_a_table_without_the_columns() -> None:
    with pytest.raises(InvalidInput, match="lacks column"):
        PsrTable.from_csv_text("code,rule\n1511,CC\n", "test.csv")
