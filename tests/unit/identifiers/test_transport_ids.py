"""UN/LOCODE, vehicle plates and container numbers: the stdnum-style API and its errors."""

from __future__ import annotations

import doctest

import pytest

from cafta.core.errors import InvalidInput
from cafta.identifiers import container, locode, plate


@pytest.mark.parametrize("module", [locode, plate, container])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("code", "problem"),
    [("CNYY", "has 4 characters"), ("C1YYG", "two-letter country"), ("CNYY0", "'0' cannot")],
)
def test_bad_locodes(code: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        locode.validate(code)


def test_locode_country_and_spellings() -> None:
    assert locode.country("vn lsn") == "VN"
    assert {locode.validate(c) for c in ("CN YYG", "cn-yyg", "CNYYG")} == {"CNYYG"}


def test_plates_of_china_and_viet_nam_compare_equal_however_written() -> None:
    assert plate.validate("桂A·12345") == plate.validate("桂a 12345") == "桂A12345"
    assert plate.validate("12C-345.67") == "12C34567"
    with pytest.raises(InvalidInput, match="contains '/'"):
        plate.validate("12C/34567")


def test_container_check_digit() -> None:
    assert container.format("csqu3054383") == "CSQU 305438 3"
    with pytest.raises(InvalidInput) as caught:
        container.validate("CSQU3054384")
    assert caught.value.code == "container.check_digit"
    with pytest.raises(InvalidInput, match="not an ISO 6346 number"):
        container.validate("12345")
    assert not container.is_valid(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("module", "good", "compact", "bad", "not_text"),
    [
        (locode, "cn yyg", "CNYYG", "CN1AB", AttributeError),
        (plate, "12C-345.67", "12C34567", "AB", AttributeError),
        (container, "csqu 305438 3", "CSQU3054383", "CSQU3054384", InvalidInput),
    ],
)
def test_valid_identifiers_are_remembered_and_errors_raised_every_time(
    module: object, good: str, compact: str, bad: str, not_text: type[Exception]
) -> None:
    validate = module.validate  # type: ignore[attr-defined]
    assert validate(good) == validate(good) == compact
    messages = set()
    for _ in range(2):
        with pytest.raises(InvalidInput) as error:
            validate(bad)
        messages.add((error.value.code, str(error.value)))
    assert len(messages) == 1
    assert not module.is_valid(None)  # type: ignore[attr-defined]
    with pytest.raises(not_text):
        validate(["not", "text"])  # not through the cache: fails as it always did
