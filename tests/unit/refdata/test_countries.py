"""Countries, the eleven CAFTA parties, and dated country groups."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest

from cafta.core.errors import NotFound
from cafta.refdata.countries import (
    CAFTA_PARTIES,
    Country,
    area_contains,
    country,
    group,
    groups_of,
)

PARTIES = {
    "CN": ("CHN", "中国", "CNY"),
    "BN": ("BRN", "文莱", "BND"),
    "KH": ("KHM", "柬埔寨", "KHR"),
    "ID": ("IDN", "印度尼西亚", "IDR"),
    "LA": ("LAO", "老挝", "LAK"),
    "MY": ("MYS", "马来西亚", "MYR"),
    "MM": ("MMR", "缅甸", "MMK"),
    "PH": ("PHL", "菲律宾", "PHP"),
    "SG": ("SGP", "新加坡", "SGD"),
    "TH": ("THA", "泰国", "THB"),
    "VN": ("VNM", "越南", "VND"),
}


def test_parties_china_first_then_asean() -> None:
    assert len(CAFTA_PARTIES) == 11 == len(set(CAFTA_PARTIES))
    assert CAFTA_PARTIES[0] == "CN"
    assert set(CAFTA_PARTIES) == set(PARTIES)
    names = [country(code).name_en for code in CAFTA_PARTIES[1:]]
    assert names == sorted(names)


@pytest.mark.parametrize(("alpha2", "expected"), PARTIES.items())
def test_every_party(alpha2: str, expected: tuple[str, str, str]) -> None:
    alpha3, name_zh, currency = expected
    found = country(alpha2)
    assert (found.alpha2, found.alpha3, found.name_zh, found.currency) == (
        alpha2,
        alpha3,
        name_zh,
        currency,
    )
    assert found.is_cafta_party
    assert country(alpha3.lower()) == found
    assert country(name_zh) == found


def test_cambodia_is_not_spelled_as_in_pycountry() -> None:
    assert country("KH").name_zh == "柬埔寨"
    assert "柬埔塞" not in {country(code).name_zh for code in CAFTA_PARTIES}


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [
        ("vnm", "VN"),
        ("Vnm", "VN"),
        ("th", "TH"),
        ("Vietnam", "VN"),
        ("viet nam", "VN"),
        ("Laos", "LA"),
        ("Lao People's Democratic Republic", "LA"),
        ("  Thailand ", "TH"),
        ("Burma", "MM"),
        ("JPN", "JP"),
        ("South Korea", "KR"),
        ("Germany", "DE"),
    ],
)
def test_lookup_by_code_or_name(text: str, alpha2: str) -> None:
    assert country(text).alpha2 == alpha2


def test_english_names() -> None:
    vietnam = country("VN")
    assert vietnam.name_en == "Vietnam"
    assert vietnam.iso_name == "Viet Nam"
    assert country("LA").name_en == "Laos"
    assert country("TH").name_en == country("TH").iso_name == "Thailand"


def test_non_party() -> None:
    japan = country("jp")
    assert japan.name_zh == "日本"
    assert japan.currency is None
    assert not japan.is_cafta_party


@pytest.mark.parametrize("text", ["Narnia", "XX", "", "   ", "ZZZ"])
def test_unknown_country(text: str) -> None:
    with pytest.raises(NotFound) as caught:
        country(text)
    assert caught.value.code == "country.unknown"
    assert caught.value.hint == "Use an ISO 3166 code such as TH or VN."


def test_country_is_a_frozen_value() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        country("TH").alpha2 = "VN"  # type: ignore[misc]
    assert isinstance(country("TH"), Country)


# --- groups ---------------------------------------------------------------------------------


def test_rcep_indonesia_from_2_january_2023() -> None:
    rcep = group("RCEP")
    assert not rcep.contains("ID", date(2023, 1, 1))
    assert rcep.contains("ID", date(2023, 1, 2))
    assert not rcep.contains("PH", date(2023, 6, 1))
    assert rcep.contains("PH", date(2023, 6, 2))
    assert not rcep.contains("KR", date(2022, 1, 31))
    assert rcep.contains("kr", date(2022, 2, 1))
    assert not rcep.contains("MY", date(2022, 3, 17))
    assert rcep.contains("MY", date(2022, 3, 18))


def test_rcep_first_ten_and_all_fifteen() -> None:
    rcep = group("rcep")
    first = {"BN", "KH", "LA", "SG", "TH", "VN", "CN", "JP", "NZ", "AU"}
    assert rcep.members_on(date(2022, 1, 1)) == first
    assert rcep.members_on(date(2021, 12, 31)) == frozenset()
    assert len(rcep.members_on(date(2024, 1, 1))) == 15


def test_rcep_myanmar_is_marked_contested() -> None:
    (myanmar,) = [m for m in group("RCEP").members if m.alpha2 == "MM"]
    assert myanmar.validity.valid_from == date(2022, 5, 1)
    assert "contested" in myanmar.reference.lower()


def test_laos_is_an_ldc_until_graduation() -> None:
    ldc = group("LDC")
    assert ldc.contains("LA", date(2026, 11, 23))
    assert not ldc.contains("LA", date(2026, 11, 24))
    assert ldc.members_on(date(2026, 1, 1)) == {"KH", "LA", "MM"}
    assert ldc.members_on(date(2027, 1, 1)) == {"KH", "MM"}
    (laos,) = [m for m in ldc.members if m.alpha2 == "LA"]
    assert "A/RES/76/8" in laos.reference


def test_acfta_and_asean() -> None:
    acfta = group("ACFTA")
    assert acfta.members_on(date(2006, 1, 1)) == set(CAFTA_PARTIES)
    assert acfta.members_on(date(2005, 7, 19)) == frozenset()
    asean = group("ASEAN")
    assert asean.members_on(date(2024, 1, 1)) == set(CAFTA_PARTIES) - {"CN"}
    assert not asean.contains("VN", date(1995, 7, 27))
    assert asean.contains("VN", date(1995, 7, 28))
    assert not asean.contains("CN", date(2024, 1, 1))


def test_non_mfn_is_empty_by_default() -> None:
    non_mfn = group("NON_MFN")
    assert non_mfn.members == ()
    assert not area_contains("NON_MFN", "TH", date(2024, 1, 1))
    assert "general" in (group.__doc__ or "")


def test_unknown_group() -> None:
    with pytest.raises(NotFound) as caught:
        group("EU")
    assert caught.value.code == "country.unknown_group"


def test_groups_of() -> None:
    assert groups_of("TH", date(2024, 1, 1)) == ["ASEAN", "ACFTA", "RCEP"]
    assert groups_of("LA", date(2024, 1, 1)) == ["ASEAN", "ACFTA", "RCEP", "LDC"]
    assert groups_of("JP", date(2024, 1, 1)) == ["RCEP"]
    assert groups_of("US", date(2024, 1, 1)) == []


@pytest.mark.parametrize(
    ("area", "alpha2", "on", "expected"),
    [
        ("*", "US", date(2024, 1, 1), True),
        ("TH", "TH", date(2024, 1, 1), True),
        ("th", "VN", date(2024, 1, 1), False),
        ("ASEAN", "VN", date(2024, 1, 1), True),
        ("ACFTA", "CN", date(2005, 7, 19), False),
        ("RCEP", "ID", date(2022, 6, 1), False),
        ("LDC", "LA", date(2027, 1, 1), False),
    ],
)
def test_area_contains(area: str, alpha2: str, on: date, expected: bool) -> None:
    assert area_contains(area, alpha2, on) is expected


@pytest.mark.parametrize(
    ("area", "code"), [("QQ", "country.unknown"), ("EU27", "country.unknown_group")]
)
def test_unknown_area(area: str, code: str) -> None:
    with pytest.raises(NotFound) as caught:
        area_contains(area, "TH", date(2024, 1, 1))
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("name", "alpha2"),
    [("Việt Nam", "VN"), ("viet nam", "VN"), ("Thái Lan", "TH"), ("Trung Quốc", "CN"),
     ("Lào", "LA"), ("Campuchia", "KH"), ("Mi-an-ma", "MM"), ("In-đô-nê-xi-a", "ID"),
     (unicodedata.normalize("NFD", "Việt Nam"), "VN")],
)  # fmt: skip
def test_the_parties_can_be_named_in_vietnamese(name: str, alpha2: str) -> None:
    """A Vietnamese broker typing "Việt Nam" used to be told no such country is known."""
    assert country(name).alpha2 == alpha2
