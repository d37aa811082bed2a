"""The declaration view: shapes are checked and normalised, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from cafta.core.errors import InvalidInput
from cafta.risk.subject import CertificateOutcome, RiskItem, RiskSubject

MakeSubject = Callable[..., RiskSubject]
MakeItem = Callable[..., RiskItem]


def test_items_are_normalised(make_item: MakeItem) -> None:
    it = make_item(
        line="0810 60 00",
        origin=" th ",
        currency="cny",
        certificate_outcome="Accepted-With-Discrepancies",
    )
    assert (it.line, it.origin, it.currency) == ("08106000", "TH", "CNY")
    assert it.certificate_outcome is CertificateOutcome.ACCEPTED_WITH_DISCREPANCIES


def test_subject_is_normalised(make_subject: MakeSubject, make_item: MakeItem) -> None:
    s = make_subject(
        make_item(origin="VN"),
        make_item(origin="TH"),
        office="cn-pxg",
        importer="  Guangxi   Fruit ",
        declarant="  ",
        vehicle_plate=" 29C-123.45 ",
        origin_countries=("th",),
    )
    assert s.office == "CNPXG"
    assert s.importer == "Guangxi Fruit"
    assert s.declarant is None
    assert s.vehicle_plate == "29C-123.45"
    assert s.origins == ("TH", "VN")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"origin": "THA"}, "origin 'THA' is not an ISO 3166 alpha-2 code"),
        ({"value": Decimal(-1)}, "item value Decimal('-1') must be a Decimal of at least 0"),
        ({"value": 12.5}, "item value 12.5 must be a Decimal of at least 0"),
        ({"net_mass_kg": Decimal("-0.1")}, "net mass Decimal('-0.1') must be a Decimal"),
        ({"certificate_outcome": "lost"}, "unknown certificate outcome 'lost'"),
    ],
)
def test_bad_items_are_refused(
    make_item: MakeItem, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(
        InvalidInput, match="^" + message.replace("(", r"\(").replace(")", r"\)")
    ) as info:
        make_item(**changes)
    assert info.value.code == "risk.invalid_subject"


def test_bad_hs_line_keeps_the_hs_error(make_item: MakeItem) -> None:
    with pytest.raises(InvalidInput) as info:
        make_item(line="81060")
    assert info.value.code == "hs.invalid_length"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"office": "Pingxiang"},
            "office 'Pingxiang' is not a UN/LOCODE (UN/LOCODE 'Pingxiang' has 9 characters, not 5)",
        ),
        (
            {"office": "CNPX1"},
            "office 'CNPX1' is not a UN/LOCODE (UN/LOCODE 'CNPX1': '1' cannot be part of a "
            "place code)",
        ),
        ({"importer": " "}, "declaration D-1: importer is empty"),
        ({"items": ()}, "declaration D-1 has no items"),
        ({"declaration_id": ""}, "declaration_id is empty"),
    ],
)
def test_bad_subjects_are_refused(
    make_subject: MakeSubject, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        make_subject(**changes)
    assert info.value.message == message
    assert info.value.code == "risk.invalid_subject"


class _Text(str):
    """Text of another type (an enum member, say): the view stores plain text instead."""


def test_values_already_normal_are_kept_and_other_text_types_replaced(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    it = make_item(
        line="08106000",
        origin=_Text("TH"),
        currency=_Text("CNY"),
        certificate_outcome=CertificateOutcome.REJECTED,
    )
    assert (it.line, it.origin, it.currency) == ("08106000", "TH", "CNY")
    assert type(it.origin) is str and type(it.currency) is str
    assert it.certificate_outcome is CertificateOutcome.REJECTED
    s = make_subject(it, office=_Text("CNPXG"), container=_Text("CSQU3054383"))
    assert type(s.office) is str and type(s.container) is str
    assert (s.office, s.container) == ("CNPXG", "CSQU3054383")
