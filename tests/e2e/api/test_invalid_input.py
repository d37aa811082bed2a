"""Invalid input is a 400 problem whose ``errors`` name each field, whoever finds the fault:
the body's types (Litestar and msgspec) or its meaning (the domain parsers)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests.e2e.api.conftest import DURIAN_DUTY, EXAMPLES

Problem = Callable[..., dict[str, Any]]
Example = Callable[[str], Any]
ORIGIN = "/api/v1/origin/assessments"
DUTY = DURIAN_DUTY


def _without(document: dict[str, Any], *path: str | int) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return changed


def _with(document: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _first_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["errors"], body
    first: dict[str, Any] = body["errors"][0]
    assert set(first) == {"field", "message"}
    return first


# --- bills of materials -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda b: _without(b, "materials", 0, "value", "amount"),
         "materials[0].value.amount", "missing"),
        (lambda b: _with(b, 300.5, "materials", 0, "value", "amount"),
         "materials[0].value.amount", "found a number"),
        (lambda b: _with(b, "3e2", "materials", 0, "value", "amount"),
         "materials[0].value.amount", "exact decimal"),
        (lambda b: _with(b, "Atlantis", "materials", 0, "origin"),
         "materials[0].origin", "Atlantis"),
        (lambda b: _with(b, "ZZ", "exporting_party"), "exporting_party", "ZZ"),
        (lambda b: _with(b, "yes", "materials", 0, "originating"),
         "materials[0].originating", "expected true or false"),
        (lambda b: _with(b, 0, "materials", 0, "originating"),
         "materials[0].originating", "expected true or false"),
        (lambda b: _with(b, "85", "product", "line"), "product.line", "digits"),
        (lambda b: _with(b, {"amount": "1", "currency": "USD"}, "materials"),
         "materials", "expected a list"),
        (lambda b: _without(b, "scheme"), "scheme", "missing"),
        (lambda b: _with(b, "2026-02-30", "on"), "on", "date"),
        (lambda b: _with(b, "0", "product", "fob", "amount"), "product.fob", "more than zero"),
        (lambda b: _with(b, "-1", "materials", 0, "value", "amount"),
         "materials[0].value", "negative"),
    ],
)  # fmt: skip
def test_a_bad_bill_of_materials_names_the_field(
    client: TestClient[Litestar],
    auth: dict[str, str],
    example: Example,
    expect_problem: Problem,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    field: str,
    words: str,
) -> None:
    bom = change(example("bom-battery-pack.json"))
    body = expect_problem(client.post(ORIGIN, headers=auth, json=bom), 400)
    first = _first_error(body)
    assert first["field"] == field, body
    assert words in first["message"], body
    assert field in body["detail"] or first["message"] in body["detail"]


def test_malformed_json_is_a_400(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post(
        ORIGIN,
        headers={**auth, "Content-Type": "application/json"},
        content=b'{"scheme": "ACFTA",',
    )
    body = expect_problem(response, 400, "request.malformed_json")
    assert _first_error(body)["field"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "no body"), (b"[1, 2]", "expected an object, found a list"), (b"null", "found null")],
)
def test_a_body_that_is_not_an_object_is_a_400(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    content: bytes,
    message: str,
) -> None:
    response = client.post(
        ORIGIN, headers={**auth, "Content-Type": "application/json"}, content=content
    )
    first = _first_error(expect_problem(response, 400, "request.invalid"))
    assert first["field"] is None and message in first["message"]


def test_every_type_error_is_listed(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DUTY, "line": 810})
    first = _first_error(expect_problem(response, 400, "request.invalid"))
    assert first == {"field": "line", "message": "expected text, found a whole number"}


@pytest.mark.parametrize(
    ("url", "content", "field"),
    [
        ("/api/v1/duty",
         b'{"line": "0810.60", "origin": "TH", "origin": "US", "destination": "CN",'
         b' "value": {"amount": "100000", "currency": "CNY"}}', "origin"),
        ("/api/v1/duty",
         b'{"line": "0810.60", "origin": "TH", "destination": "CN",'
         b' "value": {"amount": "100000", "currency": "CNY", "amount": "1"}}', "value.amount"),
        ("/api/v1/duty",  # the same value twice is still twice
         b'{"line": "0810.60", "line": "0810.60", "origin": "TH", "destination": "CN",'
         b' "value": {"amount": "100000", "currency": "CNY"}}', "line"),
        (ORIGIN, (EXAMPLES / "bom-battery-pack.json").read_bytes().replace(
            b'"origin": "KR"', b'"origin": "KR", "origin": "VN"'), "materials[0].origin"),
        ("/api/v1/certificates/verifications",
         b'{"certificate": "a.b.c", "certificate": "d.e.f"}', "certificate"),
    ],
)  # fmt: skip
def test_a_member_given_twice_is_refused_by_its_path(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    url: str,
    content: bytes,
    field: str,
) -> None:
    """Which of the two was meant is a guess (the last one used to win, silently)."""
    response = client.post(url, headers={**auth, "Content-Type": "application/json"},
                           content=content)  # fmt: skip
    body = expect_problem(response, 400, "request.duplicate_member")
    assert _first_error(body) == {
        "field": field,
        "message": "given more than once (an object names each member once)",
    }
    assert body["detail"].startswith(f"{field}: given more than once")


# --- duty -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"origin": "ZZ"}, "origin", "country.unknown"),
        ({"destination": "Atlantis"}, "destination", "country.unknown"),
        ({"line": "0810.99"}, "line", "hs.unknown"),
        ({"line": "08x"}, "line", None),
        ({"value": {"amount": "1", "currency": "XYZ"}}, "value.currency", "currency.unknown"),
        ({"value": {"amount": "-1", "currency": "CNY"}}, "value", "duty.negative_value"),
        ({"value": {"amount": "1" * 16, "currency": "CNY"}}, "value.amount", "money.too_large"),
        ({"incoterm": "EXW"}, "incoterm", "duty.unknown_incoterm"),
        ({"incoterm": "FOB"}, "freight", "duty.freight_required"),
        ({"freight": {"amount": "10", "currency": "CNY"}}, "freight", "duty.freight_with_cif"),
        ({"incoterm": "FOB", "freight": {"amount": "10", "currency": "USD"}},
         "freight.currency", "duty.currency_mismatch"),
        ({"proofs": ["form-e", "form-x"]}, "proofs[1]", "tariff.unknown_proof"),
        ({"quantity": {"amount": "1", "unit": "parsec"}}, "quantity.unit",
         "quantity.unknown_unit"),
        ({"line": "4001.21"}, "quantity", "duty.quantity_required"),
        ({"line": "8507.60"}, "line", "tariff.ambiguous_line"),
        ({"line": "0810"}, "line", "tariff.code_too_short"),
        ({"line": "08"}, "line", "tariff.code_too_short"),
        ({"on": "01/06/2026"}, "on", "request.invalid"),
    ],
)  # fmt: skip
def test_a_bad_duty_request_names_the_field(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    change: dict[str, Any],
    field: str,
    code: str | None,
) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DUTY, **change})
    body = expect_problem(response, 400, code)
    assert _first_error(body)["field"] == field, body


def test_an_ambiguous_line_lists_the_candidates(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DUTY, "line": "8507.60"})
    body = expect_problem(response, 400, "tariff.ambiguous_line")
    lines = [c["line"] for c in body["details"]["lines"]]
    assert lines == ["8507600030", "8507600090"]
    assert "Choose one of these lines" in body["detail"]


def test_no_rate_for_the_day_is_a_404(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DUTY, "on": "1990-01-01"})
    body = expect_problem(response, 404, "tariff.no_measures")
    assert "errors" not in body


# --- tariff and HS search: parameters -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/tariff/0810.60?origin=ZZ&destination=CN", 400, "origin"),
        ("/api/v1/tariff/0810.60?origin=TH", 400, "destination"),
        ("/api/v1/tariff/0810.60?origin=TH&destination=CN&on=2026-13-01", 400, "on"),
        ("/api/v1/tariff/08x?origin=TH&destination=CN", 400, "line"),
        ("/api/v1/tariff/8507.60?origin=VN&destination=CN", 400, "line"),
        ("/api/v1/tariff/0810?origin=TH&destination=CN", 400, "line"),
        ("/api/v1/hs/search?q=durian&limit=0", 400, "limit"),
        ("/api/v1/hs/search?q=durian&limit=many", 400, "limit"),
        ("/api/v1/hs/search", 400, "q"),
    ],
)
def test_a_bad_parameter_names_it(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    url: str,
    status: int,
    field: str,
) -> None:
    body = expect_problem(client.get(url, headers=auth), status)
    assert _first_error(body)["field"] == field, body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/tariff/%20?origin=TH&destination=CN", "line"),
        ("/api/v1/tariff/0810.60?origin=&destination=CN", "origin"),
        ("/api/v1/tariff/0810.60?origin=TH&destination=%20%20", "destination"),
    ],
)
def test_an_empty_parameter_is_said_to_be_empty(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    url: str,
    field: str,
) -> None:
    """Not a member missing from a document (``document.missing_field``, "missing")."""
    body = expect_problem(client.get(url, headers=auth), 400, "request.empty_parameter")
    assert body["errors"] == [{"field": field, "message": "is empty"}]
    assert body["detail"].startswith(f"{field}: is empty. Give a")


def test_a_parameter_with_a_control_character_has_a_request_code(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    url = "/api/v1/tariff/0810.60?origin=T%0AH&destination=CN"
    body = expect_problem(client.get(url, headers=auth), 400, "request.invalid_field")
    assert _first_error(body)["field"] == "origin"


def test_an_hs_code_that_does_not_exist_is_a_404(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.get(
        "/api/v1/tariff/0810.99", params={"origin": "TH", "destination": "CN"}, headers=auth
    )
    body = expect_problem(response, 404, "hs.unknown")
    assert "0810.99" in body["detail"] and "errors" not in body


# --- certificates -----------------------------------------------------------------------------


def test_a_bad_declaration_names_the_field_under_declaration(
    client: TestClient[Litestar], auth: dict[str, str], example: Example, expect_problem: Problem
) -> None:
    declaration = example("form-e-declaration.json")
    declaration["items"][0]["origin"] = "Atlantis"
    response = client.post(
        "/api/v1/certificates/verifications",
        headers=auth,
        json={"certificate": "a.b.c", "declaration": declaration},
    )
    body = expect_problem(response, 400, "declaration.unknown_country")
    first = _first_error(body)
    assert first["field"] == "declaration.items[0].origin"
    assert first["message"].startswith("no country is known as 'Atlantis'")


def test_a_declaration_without_items_is_refused(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post(
        "/api/v1/certificates/verifications",
        headers=auth,
        json={"certificate": "a.b.c", "declaration": {"importer": {"name": "Q"}, "items": []}},
    )
    body = expect_problem(response, 400, "declaration.no_items")
    assert _first_error(body)["field"] == "declaration.items"


def test_a_certificate_must_be_text(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    response = client.post(
        "/api/v1/certificates/verifications", headers=auth, json={"certificate": 12}
    )
    first = _first_error(expect_problem(response, 400, "request.invalid"))
    assert first["field"] == "certificate"


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/v1/hs/search?q=durian&limit=0", "limit", "must be a whole number of at least 1"),
        ("/api/v1/hs/search?q=durian&limit=101", "limit", "must be a whole number of at most 100"),
        (f"/api/v1/hs/search?q={'a' * 201}", "q", "must be at most 200 characters"),
        ("/api/v1/hs/search?q=", "q", "must be at least 1 character"),
        ("/api/v1/declarations?offset=-1", "offset", "must be a whole number of at least 0"),
        ("/api/v1/declarations?limit=501", "limit", "must be a whole number of at most 500"),
        (f"/api/v1/declarations?office={'X' * 21}", "office", "must be at most 20 characters"),
        ("/api/v1/tariff/0810.60?origin=TH&destination=CN&on=2026-02-30", "on",
         "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        ("/api/v1/tariff/0810.60?origin=TH&destination=CN&on=", "on",
         "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        ("/api/v1/tariff/0810.60?origin=TH&destination=CN&on=01/06/2026", "on",
         "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
    ],
)  # fmt: skip
def test_a_parameter_out_of_bounds_is_told_in_words(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    url: str,
    field: str,
    message: str,
) -> None:
    body = expect_problem(client.get(url, headers=auth), 400, "request.invalid")
    assert body["errors"] == [{"field": field, "message": message}]
    assert body["detail"] == f"The request is not valid: {field}: {message}."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"on": "2026-02-30"}, "on", "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        ({"on": ""}, "on", "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        ({"on": 20260601}, "on", "expected a date (YYYY-MM-DD) or null, found a whole number"),
    ],
)
def test_a_date_in_a_body_that_does_not_exist_is_told_in_words(
    client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: Problem,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DUTY, **change})
    body = expect_problem(response, 400, "request.invalid")
    assert body["errors"] == [{"field": field, "message": message}]
