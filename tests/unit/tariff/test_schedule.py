from __future__ import annotations

from datetime import date

import pytest

from cafta.core.provenance import Status
from cafta.tariff.measure import MeasureType, Proof
from cafta.tariff.schedule import COLUMNS, Schedule, ScheduleError, bundled_schedule, parse_schedule

HEADER = ",".join(COLUMNS)


def rows(*lines: str) -> list[str]:
    return [HEADER, *lines]


def test_bundled_schedule_loads_and_every_measure_is_sourced() -> None:
    schedule = bundled_schedule()
    assert len(schedule) > 40
    assert "CN" in schedule.parties
    for m in schedule:
        assert m.reference, m
        assert m.status in (Status.OFFICIAL, Status.ILLUSTRATIVE)
        if m.measure_type.is_preferential:
            assert m.proof is not None


def test_bundled_schedule_has_the_confirmed_china_rates() -> None:
    schedule = bundled_schedule()
    by_key = {(m.line, m.measure_type): m for m in schedule if m.importing_party == "CN"}
    assert str(by_key["08106000", MeasureType.MFN].duty) == "20%"
    assert str(by_key["08106000", MeasureType.GENERAL].duty) == "80%"
    assert str(by_key["8507600030", MeasureType.PROVISIONAL].duty) == "1%"
    assert str(by_key["1511902001", MeasureType.PROVISIONAL].duty) == "2%"
    assert str(by_key["30044900", MeasureType.ACFTA].duty) == "0%"
    assert by_key["40012100", MeasureType.PROVISIONAL].status is Status.OFFICIAL
    assert (by_key["87032429", MeasureType.MFN].line, MeasureType.ACFTA) not in by_key


def test_a_good_row_becomes_a_measure() -> None:
    [m] = parse_schedule(
        rows("TH,0810.60,ACFTA,CN,0%,form-e,2020-01-01,2030-12-31,illustrative,ref,durian,note"),
        "test",
    )
    assert m.importing_party == "TH" and m.line == "081060" and m.area == "CN"
    assert m.proof is Proof.FORM_E and m.status is Status.ILLUSTRATIVE
    assert m.validity.contains(date(2030, 12, 31)) and not m.validity.contains(date(2031, 1, 1))


def test_every_bad_row_is_reported_with_its_row_number() -> None:
    with pytest.raises(ScheduleError) as error:
        parse_schedule(
            rows(
                "CN,0810.60,MFN,*,20%,,2024-01-01,,official,ref,,",
                "CN,0810.6,MFN,*,20%,,2024-01-01,,official,ref,,",
                "XX,0810.60,MFN,*,20%,,2024-01-01,,official,ref,,",
                "CN,0810.60,MFN,*,20 percent,,2024-01-01,,official,ref,,",
                "CN,0810.60,ACFTA,ASEAN,0%,,2024-01-01,,official,ref,,",
                "CN,0810.60,MFN,*,1 USD/kg,,2024-01-01,,official,ref,,",
                "CN,0810.60,MFN,*,5%,,2024-02-30,,official,ref,,",
                "CN,0810.60,MFN,*,5%,,2024-01-01,,maybe,ref,,",
                "CN,0810.60,VAT,*,1 CNY/kg,,2024-01-01,,official,ref,,",
                "CN,0810.60,MFN,NOWHERE,5%,,2024-01-01,,official,ref,,",
                "CN,0810.60,MFN,*,5%,,2024-01-01,,official,,,",
            ),
            "bad.csv",
        )
    problems = error.value.problems
    assert [p.split(":")[0] for p in problems] == [f"row {n}" for n in range(3, 13)]
    assert error.value.code == "tariff.invalid_schedule"
    assert "bad.csv" in error.value.message


def test_overlapping_rows_for_the_same_measure_are_refused() -> None:
    with pytest.raises(ScheduleError) as error:
        parse_schedule(
            rows(
                "VN,,VAT,*,10%,,2025-07-01,,official,ref,,",
                "VN,,VAT,*,8%,,2025-07-01,2026-12-31,official,ref,,",
                "VN,72,VAT,*,10%,,2025-07-01,2026-12-31,official,ref,,",
            ),
            "vat.csv",
        )
    assert error.value.problems == [
        "row 3: overlaps row 2 (same party, line, type, origin and proof in force on 2025-07-01)"
    ]


def test_missing_columns_and_empty_files_are_refused() -> None:
    with pytest.raises(ScheduleError, match="lacks column"):
        parse_schedule(["importing_party,line", "CN,0810"], "x")
    with pytest.raises(ScheduleError, match="no measures"):
        parse_schedule([HEADER], "x")


def test_comments_and_blank_rows_are_skipped() -> None:
    measures = parse_schedule(
        ["# a comment", HEADER, "", "CN,,VAT,*,13%,,2019-04-01,,official,ref,,"], "x"
    )
    assert len(measures) == 1 and measures[0].line == ""


def test_a_newer_measure_replaces_the_same_measure_for_overlapping_dates() -> None:
    base = Schedule(
        parse_schedule(
            rows(
                "CN,08106000,MFN,*,20%,,2024-01-01,,official,old,,",
                "CN,08106000,ACFTA,ASEAN,0%,form-e,2006-01-01,,official,old,,",
            ),
            "base",
        )
    )
    newer = parse_schedule(rows("CN,08106000,MFN,*,15%,,2025-01-01,,official,new,,"), "new")
    merged = base.merged(newer)
    mfn = [m for m in merged if m.measure_type is MeasureType.MFN]
    assert [str(m.duty) for m in mfn] == ["15%"]
    assert any(m.measure_type is MeasureType.ACFTA for m in merged)


def test_lookups_visit_only_the_prefixes_of_the_line() -> None:
    schedule = bundled_schedule()
    found = schedule.at_prefixes("CN", "0810600000")
    assert {m.line for m in found} == {"", "0810", "08106000"}
    assert schedule.lines_under("CN", "850760") == ["8507600030", "8507600090"]
    assert schedule.lines_under("CN", "0810600000") == []
