from __future__ import annotations

from datetime import date

import pytest

from cafta.core.errors import InvalidInput, NotFound
from cafta.core.provenance import Status
from cafta.tariff.lookup import AmbiguousLine, lookup
from cafta.tariff.measure import MeasureType, Proof
from cafta.tariff.schedule import COLUMNS, Schedule, bundled_schedule, parse_schedule

ON = date(2026, 6, 1)
FORM_E = frozenset({Proof.FORM_E})


def test_durian_from_thailand_best_rates_with_and_without_form_e() -> None:
    result = lookup(bundled_schedule(), "0810.60", "TH", "CN", ON)
    assert result.line == "08106000"  # the one national line under 0810.60
    assert result.description == "Durians, fresh"
    assert str(result.option(frozenset()).best) == "20%"
    assert result.option(frozenset()).regime is MeasureType.MFN
    assert str(result.option(FORM_E).best) == "0%"
    assert result.option(FORM_E).regime is MeasureType.ACFTA
    assert [str(t.duty) for t in result.taxes] == ["9%"]
    assert result.status is Status.OFFICIAL


def test_the_same_line_in_any_spelling_gives_the_same_answer() -> None:
    answers = {
        lookup(bundled_schedule(), spelling, "TH", "CN", ON).line
        for spelling in ("0810.60.00", "08106000", "0810 60 00")
    }
    assert answers == {"08106000"}
    ten_digits = lookup(bundled_schedule(), "0810600000", "TH", "CN", ON)
    assert ten_digits.line == "0810600000"  # a finer line inherits its 8-digit line's rates
    assert [str(m.duty) for m in ten_digits.duties] == ["20%", "0%"]


def test_timor_leste_is_in_asean_but_gets_no_acfta_rate() -> None:
    result = lookup(bundled_schedule(), "0810.60", "TL", "CN", ON)
    assert result.option(FORM_E).regime is MeasureType.MFN


def test_form_e_does_nothing_for_a_korean_origin() -> None:
    result = lookup(bundled_schedule(), "0810.60", "KR", "CN", ON)
    assert all(m.measure_type is not MeasureType.ACFTA for m in result.duties)
    assert result.option(FORM_E).regime is MeasureType.MFN


def test_a_code_splitting_into_lines_with_different_rates_is_ambiguous() -> None:
    with pytest.raises(AmbiguousLine) as error:
        lookup(bundled_schedule(), "8507.60", "VN", "CN", ON)
    assert error.value.code == "tariff.ambiguous_line"
    assert [line for line, _, _ in error.value.lines] == ["8507600030", "8507600090"]
    assert "8507.60.00.30" in error.value.message and "PROVISIONAL 1%" in error.value.message


def test_provisional_rate_and_the_lower_of_rule() -> None:
    result = lookup(bundled_schedule(), "8507.60.00.30", "VN", "CN", ON)
    assert result.option(frozenset()).regime is MeasureType.PROVISIONAL
    assert str(result.option(frozenset()).best) == "1%"
    # the illustrative ACFTA 0% wins with a Form E, and the answer says it is illustrative
    assert result.option(FORM_E).regime is MeasureType.ACFTA
    assert result.option(FORM_E).status is Status.ILLUSTRATIVE


def test_rates_that_depend_on_value_are_given_as_lower_of() -> None:
    result = lookup(bundled_schedule(), "4001.21", "TH", "CN", ON)
    option = result.option(frozenset())
    assert option.regime is None
    assert str(option.best).startswith("min(")


def test_vat_follows_its_dates() -> None:
    before = lookup(bundled_schedule(), "4001.21", "TH", "CN", date(2025, 12, 31))
    after = lookup(bundled_schedule(), "4001.21", "TH", "CN", date(2026, 1, 1))
    assert [str(m.duty) for m in before.taxes] == ["13%"]
    assert [str(m.duty) for m in after.taxes] == ["9%"]


def test_general_rate_applies_only_to_non_mfn_origins() -> None:
    result = lookup(bundled_schedule(), "0810.60", "US", "CN", ON)
    assert MeasureType.GENERAL not in {m.measure_type for m in result.duties}


def test_unknown_and_malformed_lines() -> None:
    with pytest.raises(NotFound) as unknown:
        lookup(bundled_schedule(), "0810.99", "TH", "CN", ON)
    assert unknown.value.code == "hs.unknown"
    with pytest.raises(InvalidInput) as malformed:
        lookup(bundled_schedule(), "0810.6", "TH", "CN", ON)
    assert malformed.value.code == "hs.invalid_length"


def test_no_schedule_and_no_measures_are_explained() -> None:
    with pytest.raises(NotFound) as no_schedule:
        lookup(bundled_schedule(), "0810.60", "TH", "KR", ON)
    assert no_schedule.value.code == "tariff.no_schedule"
    assert "cafta tariff import" in str(no_schedule.value)
    with pytest.raises(NotFound) as vat_only:  # Singapore: GST shipped, duties not
        lookup(bundled_schedule(), "0810.60", "TH", "SG", ON)
    assert vat_only.value.code == "tariff.no_measures"
    with pytest.raises(NotFound) as too_early:
        lookup(bundled_schedule(), "0810.60", "TH", "CN", date(2020, 1, 1))
    assert too_early.value.code == "tariff.no_measures"
    assert "2024-01-01" in str(too_early.value)


def test_the_most_specific_line_wins_per_measure_type() -> None:
    header = ",".join(COLUMNS)
    schedule = Schedule(
        parse_schedule(
            [
                header,
                "CN,,VAT,*,13%,,2019-04-01,,official,r,,",
                "CN,08,MFN,*,10%,,2019-04-01,,official,r,,",
                "CN,0810,MFN,*,12%,,2019-04-01,,official,r,,",
                "CN,08106000,VAT,*,9%,,2019-04-01,,official,r,,",
            ],
            "t",
        )
    )
    result = lookup(schedule, "0810.60.00", "TH", "CN", ON)
    assert [str(m.duty) for m in result.duties] == ["12%"]
    assert [str(m.duty) for m in result.taxes] == ["9%"]


def test_answers_are_memoised_per_schedule_and_failures_are_not() -> None:
    schedule = Schedule(bundled_schedule())
    first = lookup(schedule, "0810.60", "TH", "CN", ON)
    assert lookup(schedule, "0810.60", "TH", "CN", ON) is first
    assert lookup(Schedule(bundled_schedule()), "0810.60", "TH", "CN", ON) is not first
    for _ in range(2):  # a failure is raised again, not answered from a memo
        with pytest.raises(AmbiguousLine):
            lookup(schedule, "8507.60", "VN", "CN", ON)


@pytest.mark.parametrize(("code", "kind", "count"), [("08", "chapter", 70), ("0810", "heading", 8)])
def test_a_chapter_or_heading_of_several_subheadings_is_too_short(
    code: str, kind: str, count: int
) -> None:
    """Only durian is loaded under 0810, and its rate used to be quoted for the whole heading
    (strawberries and kiwi included)."""
    with pytest.raises(InvalidInput) as caught:
        lookup(bundled_schedule(), code, "TH", "CN", date(2026, 6, 1))
    assert caught.value.code == "tariff.code_too_short"
    assert caught.value.message.startswith(f"{code} is a {kind} of {count} HS subheadings")
    assert len(caught.value.details["subheadings"]) == count
    # A subheading, or a heading with a single subheading, still resolves.
    assert lookup(bundled_schedule(), "0810.60", "TH", "CN", date(2026, 6, 1)).line == "08106000"


def test_goods_of_the_importing_partys_own_origin_get_no_preference() -> None:
    """Chinese durians imported into China: the ACFTA rate is for goods originating in an ASEAN
    member (ACFTA TIG Annex 3 Rule 2), so a Form E unlocks nothing, and a note says why."""
    result = lookup(bundled_schedule(), "0810.60", "CN", "CN", ON)
    assert [m.measure_type for m in result.duties] == [MeasureType.MFN]
    assert [opt.proofs for opt in result.options] == [frozenset()]
    assert result.option(FORM_E).regime is MeasureType.MFN
    assert str(result.option(FORM_E).best) == "20%"
    assert result.notes[0].startswith("Origin CN is the importing party: no ACFTA preference.")
    assert not any("Early Harvest" in n for n in result.notes)  # the ACFTA measure's own note
    from_thailand = lookup(bundled_schedule(), "0810.60", "TH", "CN", ON)
    assert not any("importing party" in n for n in from_thailand.notes)


def _vietnam_schedule() -> Schedule:
    """A user's Viet Nam schedule with regimes whose areas take in Viet Nam itself."""
    return Schedule(
        parse_schedule(
            [
                ",".join(COLUMNS),
                "VN,08106000,MFN,*,20%,,2024-01-01,,official,r,Durians,",
                "VN,0810600010,ACFTA,ACFTA,5%,form-e,2024-01-01,,official,r,Durians A,",
                "VN,0810600090,ACFTA,ACFTA,0%,form-e,2024-01-01,,official,r,Durians B,",
                "VN,08106000,RCEP,RCEP,3%,rcep,2024-01-01,,official,r,,",
                "VN,08106000,RCEP,CN,2%,rcep,2024-01-01,,official,r,,",
            ],
            "vn",
        )
    )


def test_every_preference_is_refused_for_own_origin_and_kept_for_another_party() -> None:
    schedule = _vietnam_schedule()
    home = lookup(schedule, "0810.60", "VN", "VN", ON)
    # The two lines differ only in their ACFTA rate, which Vietnamese goods cannot have: one answer.
    assert home.line == "08106000"
    assert [m.measure_type for m in home.duties] == [MeasureType.MFN]
    assert home.notes[0].startswith("Origin VN is the importing party: no ACFTA or RCEP preference")
    from_china = lookup(schedule, "0810.60.00.90", "CN", "VN", ON)
    assert from_china.option(FORM_E).regime is MeasureType.ACFTA
    assert str(from_china.option(frozenset({Proof.RCEP})).best) == "2%"
    assert not from_china.notes


def test_national_lines_that_agree_answer_for_the_code() -> None:
    """Two lines under one subheading with the same rates: the subheading is answered with them
    (it used to find no rate at all, since the rates are on the lines, not the subheading)."""
    rows = [
        ",".join(COLUMNS),
        "VN,08106010,MFN,*,20%,,2024-01-01,,official,r,Durians A,",
        "VN,08106090,MFN,*,20%,,2024-01-01,,official,r,Durians B,",
    ]
    result = lookup(Schedule(parse_schedule(rows, "vn")), "0810.60", "TH", "VN", ON)
    assert (result.line, [str(m.duty) for m in result.duties]) == ("081060", ["20%"])
    assert result.description == "Fruit, edible; durians, fresh"  # the HS text, not line A's
    # The same rates, one of them illustrative: the lines do not answer as one.
    rows[2] = rows[2].replace("official", "illustrative")
    with pytest.raises(AmbiguousLine):
        lookup(Schedule(parse_schedule(rows, "vn")), "0810.60", "TH", "VN", ON)
