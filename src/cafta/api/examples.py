"""Example request bodies for the OpenAPI document: the docs UI pre-fills them, and generated
tests start from them."""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import Example

__all__ = [
    "AMENDMENT_EXAMPLE",
    "BOM_EXAMPLE",
    "CANCELLATION_EXAMPLE",
    "DECISION_EXAMPLE",
    "DECLARATION_EXAMPLE",
    "DUTY_EXAMPLE",
    "VERIFICATION_EXAMPLE",
]

DUTY_EXAMPLE = Example(
    summary="Fresh durian from Thailand into China, with a Form E",
    value={
        "line": "0810.60",
        "origin": "TH",
        "destination": "CN",
        "value": {"amount": "100000.00", "currency": "CNY"},
        "on": "2026-06-01",
        "incoterm": "CIF",
        "proofs": ["form-e"],
    },
)

_BATTERY_PACK: dict[str, Any] = {
    "scheme": "ACFTA",
    "exporting_party": "VN",
    "importing_party": "CN",
    "product": {
        "line": "8507.60",
        "description": "Li-ion battery pack",
        "fob": {"amount": "1000.00", "currency": "USD"},
    },
    "materials": [
        {
            "description": "cells",
            "line": "8507.90",
            "origin": "KR",
            "value": {"amount": "300.00", "currency": "USD"},
            "originating": False,
        }
    ],
    "on": "2026-05-01",
}
BOM_EXAMPLE = Example(
    summary="A battery pack from Viet Nam (docs/examples/bom-battery-pack.json)",
    value=_BATTERY_PACK,
)

VERIFICATION_EXAMPLE = Example(
    summary="A Form E checked against the declaration that claims it",
    description="Put the signed certificate (one line of text, three parts separated by '.') "
    "in `certificate`, and its reference in the declaration's `preference.certificate`.",
    value={
        "certificate": "eyJhbGciOiJFZERTQSJ9.e30.c2lnbmF0dXJl",
        "on": "2026-03-10",
        "declaration": {
            "office": "CNQIN",
            "importer": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
            "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
            "items": [
                {
                    "line": "0713.31.90",
                    "description": "Black gram (Vigna mungo), dried",
                    "origin": "MM",
                    "quantity": {"amount": "25000", "unit": "kg"},
                    "value": {"amount": "171000.00", "currency": "CNY"},
                    "incoterm": "CIF",
                    "preference": {"scheme": "ACFTA", "certificate": "E2026MM-BMR4FEZZNG"},
                }
            ],
        },
    },
)

_DURIAN_TRUCK: dict[str, Any] = {
    "type": "import",
    "office": "CNYYG",
    "declarant": {"name": "Pingxiang Border Brokers Co.", "country": "CN"},
    "importer": {"name": "Guangxi Fresh Fruit Trading Co.", "country": "CN"},
    "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
    "transport": {"mode": "road", "vehicle_plate": "桂F·A1234", "container": "CSQU3054383"},
    "items": [
        {
            "line": "0810.60.00",
            "description": "Fresh durian (Monthong)",
            "origin": "TH",
            "quantity": {"amount": "18000", "unit": "kg"},
            "net_mass": {"amount": "18000", "unit": "kg"},
            "value": {"amount": "612000.00", "currency": "CNY"},
            "incoterm": "CIF",
            "preference": {"scheme": "ACFTA", "certificate": "E2026TH-7WACPJX52Z"},
        }
    ],
}

DECLARATION_EXAMPLE = Example(
    summary="A truck of durian at Youyiguan (examples/declarations/durian-youyiguan.json)",
    description="Lodged by the broker named as declarant (or by the importer). The claim cites "
    "the Form E by reference: the node must have received it, or put the signed Form E itself "
    "in `certificate`.",
    value=_DURIAN_TRUCK,
)

AMENDMENT_EXAMPLE = Example(
    summary="The durian truck held for documents, its Form E claim withdrawn",
    description="The whole corrected declaration, as it would be lodged. The customs office and "
    "the importer must stay the same; the declaration is assessed again from the start.",
    value={
        **_DURIAN_TRUCK,
        "items": [
            {k: v for k, v in item.items() if k != "preference"} for item in _DURIAN_TRUCK["items"]
        ],
    },
)

CANCELLATION_EXAMPLE = Example(
    summary="Withdrawn before release",
    value={"note": "sold to another buyer; the truck turns back"},
)

DECISION_EXAMPLE = Example(
    summary="An inspection's outcome: nothing irregular found",
    value={
        "action": "inspect",
        "note": "seals intact, 1200 cartons counted",
        "outcome": {"found": False, "what": "nothing irregular"},
    },
)
