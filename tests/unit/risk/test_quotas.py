"""Lane quotas: validation, per-office dated entries, documents with paths in errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.risk.quotas import MAX_RED_CAP, LaneQuota, OfficeQuota, QuotaTable
from cafta.risk.rules import Lane


def test_defaults_follow_the_recommended_targets() -> None:
    quota = LaneQuota()
    assert (quota.red, quota.yellow, quota.blue) == (Decimal("0.03"), Decimal("0.10"), Decimal(0))
    assert quota.random_rate == Decimal("0.0030")
    assert quota.red_cap == MAX_RED_CAP == Decimal("0.10")
    assert quota.green == Decimal("0.87")
    assert quota.target(Lane.YELLOW) == Decimal("0.10")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"red": Decimal("-0.01")}, "red -0.01 is not a share from 0 to 1"),
        ({"yellow": Decimal("1.2")}, "yellow 1.2 is not a share from 0 to 1"),
        ({"random_share": Decimal(2)}, "random_share 2 is not a share from 0 to 1"),
        ({"red": Decimal("0.06"), "red_cap": Decimal("0.05")}, "red 0.06 is above red_cap 0.05"),
        ({"red_cap": Decimal("0.2")}, "red_cap 0.2 is above the highest hard cap 0.10"),
        (
            {"yellow": Decimal("0.9"), "blue": Decimal("0.1")},
            "red + yellow + blue = 1.03 is above 1",
        ),
        ({"red": 0.03}, "red 0.03 is not an exact number (a Decimal)"),
    ],
)
def test_invalid_quotas_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        LaneQuota(**changes)
    assert info.value.message == message
    assert info.value.code == "risk.invalid_quota"


def test_the_quota_of_an_office_is_dated() -> None:
    peak = LaneQuota(red=Decimal("0.05"))
    table = QuotaTable(
        offices=(
            OfficeQuota("vn hph", peak, Validity(date(2026, 1, 20), date(2026, 2, 20))),
            OfficeQuota("CNPXG", LaneQuota(yellow=Decimal("0.15"))),
        )
    )
    assert table.for_office("VNHPH", date(2026, 2, 1)) is peak
    assert table.for_office("VNHPH", date(2026, 3, 1)) == LaneQuota()
    assert table.for_office("cnpxg", date(2026, 3, 1)).yellow == Decimal("0.15")
    assert table.for_office("THBKK", date(2026, 3, 1)) == LaneQuota()


def test_overlapping_quotas_of_one_office_are_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        QuotaTable(offices=(OfficeQuota("VNHPH", LaneQuota()), OfficeQuota("VNHPH", LaneQuota())))
    assert info.value.code == "risk.invalid_quota"


def test_a_quota_table_is_read_from_a_document() -> None:
    table = QuotaTable.from_document(
        {
            "default": {"red": 0.02, "yellow": "0.08", "blue": 0.01},
            "offices": [
                {"office": "VNHPH", "red": "0.05", "random_share": 0.2},
                {"office": "CNPXG", "valid_from": "2026-12-01", "yellow": 0.15},
            ],
        }
    )
    assert table.default == LaneQuota(Decimal("0.02"), Decimal("0.08"), Decimal("0.01"))
    hph = table.for_office("VNHPH", date(2026, 11, 30))
    assert (hph.red, hph.yellow, hph.blue, hph.random_share) == (
        Decimal("0.05"),
        Decimal("0.08"),  # inherited from the default
        Decimal("0.01"),
        Decimal("0.2"),
    )
    assert table.for_office("CNPXG", date(2026, 11, 30)) == table.default
    assert table.for_office("CNPXG", date(2026, 12, 1)).yellow == Decimal("0.15")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"offices": [{"office": "VNHPH", "red": 0.2}]},
            "offices[0].red: 0.2 is above red_cap 0.10",
        ),
        (
            {"default": {"red_cap": "0.3"}},
            "default.red_cap: 0.3 is above the highest hard cap 0.10",
        ),
        ({"default": {"green": 0.9}}, "default.green: unknown field"),
        ({"offices": [{"red": 0.01}]}, "offices[0].office: missing"),
        (
            {"offices": [{"office": "X", "yellow": "lots"}]},
            "offices[0].yellow: 'lots' is not a number",
        ),
        (
            {"offices": [{"office": "X"}, {"office": "x"}]},
            "offices: office X has two quotas in force on the same day",
        ),
    ],
)
def test_quota_document_errors_name_the_path(document: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        QuotaTable.from_document(document)
    assert info.value.message == message
    assert info.value.code.startswith("risk.")
