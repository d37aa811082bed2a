"""Reading bills of materials: the minimal shape, the extensions, and errors naming the field."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from cafta.core.errors import InvalidInput
from cafta.origin.bom import MaterialRole, RvcMethod, parse_bom
from cafta.origin.scheme import WhollyObtainedCategory

MINIMAL: dict[str, Any] = {
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
}


def test_the_minimal_shape_of_the_issue_is_accepted() -> None:
    bom = parse_bom(MINIMAL)
    assert bom.product.line == "850760"
    assert bom.product.fob.amount == Decimal("1000.00")
    (cells,) = bom.materials
    assert (cells.line, cells.origin, cells.declared_originating) == ("850790", "KR", False)
    assert cells.role is MaterialRole.MATERIAL
    assert bom.rvc_method is RvcMethod.BUILD_DOWN


def test_extensions_are_read() -> None:
    doc = copy.deepcopy(MINIMAL)
    doc["product"]["weight"] = {"amount": "1.2", "unit": "t"}
    doc["product"]["processes"] = ["Cell Assembly", "welding"]
    doc["product"]["wholly_obtained"] = {"category": "e", "evidence": "mining licence"}
    doc["materials"][0].update(role="retail-packing", weight={"amount": "500", "unit": "g"})
    doc["consignment"] = {
        "through_bill_of_lading": True,
        "transit": [{"country": "Lao PDR", "customs_control": True, "operations": ["unloading"]}],
    }
    doc["rvc_method"] = "build-up"
    bom = parse_bom(doc)
    assert bom.product.weight_kg == Decimal(1200)
    assert bom.product.processes == ("cell-assembly", "welding")
    assert bom.product.wholly_obtained is not None
    assert bom.product.wholly_obtained.category is WhollyObtainedCategory.MINERALS
    assert bom.materials[0].weight_kg == Decimal("0.5")
    assert bom.materials[0].role is MaterialRole.RETAIL_PACKING
    assert bom.consignment is not None
    assert bom.consignment.transits[0].country == "LA"
    assert bom.rvc_method is RvcMethod.BUILD_UP


def _with(path: list[str | int], value: object) -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (["product", "fob"], None, "product.fob", "bom.missing_field"),
        (["materials", 0, "value", "amount"], None, "materials[0].value.amount",
         "bom.missing_field"),
        (["materials", 0, "value", "amount"], 300.0, "materials[0].value.amount", "money.inexact"),
        (["materials", 0, "line"], "8507.9", "materials[0].line", "hs.invalid_length"),
        (["materials", 0, "origin"], "Atlantis", "materials[0].origin", "bom.unknown_country"),
        (["materials", 0, "role"], "glue", "materials[0].role", "bom.role"),
        (["materials", 0, "originating"], "no", "materials[0].originating", "bom.invalid_field"),
        (["product", "line"], "85", "product.line", "bom.line_too_short"),
        (["materials"], {"a": 1}, "materials", "bom.invalid_field"),
        (["product", "fob", "currency"], "dollars", "product.fob.currency", "bom.invalid_currency"),
    ],
)  # fmt: skip
def test_errors_name_the_field(path: list[str | int], value: object, field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_bom(_with(path, value))
    assert caught.value.message.startswith(field), caught.value.message
    assert caught.value.code == code


def test_an_unknown_claim_is_refused() -> None:
    doc = {**MINIMAL, "claim": "origin please"}
    with pytest.raises(InvalidInput, match="claim: unknown criterion 'origin please'"):
        parse_bom(doc)
    assert parse_bom({**MINIMAL, "claim": "rvc(40)"}).claim == "RVC"


def test_a_zero_fob_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"product\.fob: must be more than zero"):
        parse_bom(_with(["product", "fob", "amount"], "0"))


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(InvalidInput, match="expected an object, found a list"):
        parse_bom([1, 2])
