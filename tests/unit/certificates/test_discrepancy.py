"""The discrepancy classifier: names, descriptions, HS codes and quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cafta.certificates.discrepancy import (
    compare_descriptions,
    compare_names,
    compare_quantities,
    description_words,
    hs_agreement,
    normalise_name,
)
from cafta.certificates.verdict import Severity
from cafta.core.quantity import Quantity

MINOR, SUBSTANTIVE, INFO = Severity.MINOR, Severity.SUBSTANTIVE, Severity.INFO


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Qingdao Harvest Foods Co., Ltd.", "qingdao harvest foods company limited"),
        ("QINGDAO HARVEST FOODS COMPANY LIMITED", "qingdao harvest foods company limited"),
        ("Qingdao  Harvest-Foods Co Ltd", "qingdao harvest foods company limited"),
        ("Lotus Trading Pte. Ltd.", "lotus trading private limited"),
        ("Ａｎｇ ＆ Sons", "ang and sons"),  # full-width forms, as pasted from Chinese documents
    ],
)
def test_names_are_normalised(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


@pytest.mark.parametrize(
    ("certified", "declared", "severity"),
    [
        ("Qingdao Harvest Foods Co., Ltd.", "Qingdao Harvest Foods Company Limited", None),
        ("Qingdao Harvest Foods Co., Ltd.", "Qingdao Harvest Food Co., Ltd", MINOR),
        ("Qingdao Harvest Foods Co., Ltd.", "Qingdoa Harvest Foods Co., Ltd.", MINOR),
        ("Qingdao Harvest Foods Co., Ltd.", "Shandong Grain Import Co., Ltd.", SUBSTANTIVE),
        ("Golden Lotus Pulses Co.", "Silver Lotus Metals Co.", SUBSTANTIVE),
    ],
)
def test_names_are_the_same_a_typo_or_another_party(
    certified: str, declared: str, severity: Severity | None
) -> None:
    assert compare_names(certified, declared, 0.85).severity is severity


def test_the_name_threshold_decides_typos() -> None:
    a, b = "Golden Lotus Pulses Co.", "Golden Lotus Pulse Trading Co."
    assert compare_names(a, b, 0.80).severity is MINOR
    assert compare_names(a, b, 0.95).severity is SUBSTANTIVE


def test_description_words_drop_stop_words_and_plurals() -> None:
    assert description_words("Black gram (Vigna mungo), dried") == {
        "black", "gram", "vigna", "mungo", "dried",
    }  # fmt: skip
    assert description_words("Beans of the kind used for sowing") == {
        "bean", "kind", "used", "sowing",
    }  # fmt: skip
    assert description_words("Glass") == {"glass"}


@pytest.mark.parametrize(
    ("certified", "declared", "severity"),
    [
        ("Black gram (Vigna mungo), dried", "BLACK GRAM (VIGNA MUNGO) - DRIED", None),
        ("H BEAM I BEAM", "H-beam I-beam", None),
        ("Black gram (Vigna mungo), dried", "Black gram, dried", INFO),
        ("Black gram (Vigna mungo), dried", "Black garm (Vigna mungo), dried", MINOR),
        ("Black gram (Vigna mungo), dried, whole", "Black gram (Vigna mungo), dried, split", MINOR),
        ("Black gram (Vigna mungo), dried", "Green peas, dried", SUBSTANTIVE),
        ("Black gram, dried", "Green gram, dried", SUBSTANTIVE),
        ("Black gram (Vigna mungo), dried", "Lithium-ion accumulators", SUBSTANTIVE),
        ("Black gram", "(-)", SUBSTANTIVE),
    ],
)
def test_descriptions_are_the_same_more_detailed_reworded_or_other_goods(
    certified: str, declared: str, severity: Severity | None
) -> None:
    assert compare_descriptions(certified, declared, 0.75).severity is severity


@pytest.mark.parametrize(
    ("certified", "declared", "shared"),
    [
        ("071331", "07133190", None),
        ("07133190", "071331", None),
        ("07133110", "07133190", 6),
        ("071331", "071339", 5),
        ("071331", "850760", 0),
        ("0713", "07133190", None),
    ],
)
def test_hs_codes_agree_at_the_shorter_precision(
    certified: str, declared: str, shared: int | None
) -> None:
    assert hs_agreement(certified, declared) == shared


def q(amount: str, unit: str) -> Quantity:
    return Quantity.of(Decimal(amount), unit)


@pytest.mark.parametrize(
    ("declared", "severity"),
    [
        (q("25000", "kg"), None),
        (q("25", "t"), None),
        (q("26250", "kg"), MINOR),  # exactly 5%
        (q("26251", "kg"), SUBSTANTIVE),
        (q("23750", "kg"), MINOR),
        (q("0", "kg"), SUBSTANTIVE),
    ],
)
def test_quantities_against_the_tolerance(declared: Quantity, severity: Severity | None) -> None:
    assert compare_quantities(q("25000", "kg"), declared, Decimal("0.05")).severity is severity


def test_quantities_in_other_units_use_the_gross_weight_or_ask_for_a_look() -> None:
    certified, gross = q("500", "u"), q("25150", "kg")
    by_weight = compare_quantities(certified, q("25", "t"), Decimal("0.05"), gross)
    assert by_weight.severity is MINOR and "gross weight" in by_weight.detail
    assert by_weight.comparable
    unknown = compare_quantities(certified, q("25", "t"), Decimal("0.05"))
    assert unknown.severity is MINOR and not unknown.comparable
    litres = compare_quantities(certified, q("100", "l"), Decimal("0.05"), gross)
    assert not litres.comparable
