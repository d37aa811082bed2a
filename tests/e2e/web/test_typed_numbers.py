"""Amounts typed into the tariff and origin forms as the page's language writes numbers
(``612.000,50`` in Vietnamese, ``612,000.50`` in English and Chinese), read strictly: what the
page cannot read its way is refused next to the field, in the page's language, never misread
(``612.000`` was read as 612 on a Vietnamese page, ``18000,5`` as 180005 on an English one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from litestar import Litestar
from litestar.testing import TestClient

from .test_origin import BATTERY_PACK, _as_posted
from .test_tariff import DURIAN

Parse = Callable[[Any], Any]
Token = Callable[[TestClient[Litestar], str], str]


def test_a_vietnamese_value_is_read_the_vietnamese_way_on_the_tariff_page(
    client: TestClient[Litestar], page: Parse
) -> None:
    english = page(client.get("/tariff", params={**DURIAN, "value": "100000"}))
    assert "Total duty and taxes 30,800.00 CNY 9,000.00 CNY" in english.text
    params = {**DURIAN, "value": "100.000,00", "go": "1", "lang": "vi"}
    response = client.get("/tariff", params=params)
    assert response.status_code == 200, response.text[:300]
    parsed = page(response)
    assert "30.800,00 CNY" in parsed.text and "9.000,00 CNY" in parsed.text
    assert parsed.all("input", name="value")[0]["value"] == "100.000,00"
    assert parsed.all("input", name="numbers")[0]["value"] == "vi"
    # "100.000" is a hundred thousand on a Vietnamese page, never a hundred.
    short = page(client.get("/tariff", params={**params, "value": "100.000"}))
    assert "30.800,00 CNY" in short.text


def test_the_language_switch_keeps_the_amounts_of_a_duty(
    client: TestClient[Litestar], page: Parse
) -> None:
    vietnamese = page(client.get("/tariff", params={**DURIAN, "value": "100.000", "lang": "vi",
                                                    "numbers": "vi", "go": "1"}))  # fmt: skip
    switch = next(a["href"] for a in vietnamese.all("a") if a.get("hreflang") == "en"
                  or a.get("href", "").endswith("lang=en"))  # fmt: skip
    query = dict(parse_qsl(urlsplit(switch).query))
    assert query["numbers"] == "vi" and query["value"] == "100.000"
    english = page(client.get(switch))
    assert english.lang() == "en"
    assert "Total duty and taxes 30,800.00 CNY 9,000.00 CNY" in english.text
    # shown the English way, with the way it is now written
    assert english.all("input", name="value")[0]["value"] == "100000"
    assert english.all("input", name="numbers")[0]["value"] == "en"


def test_a_number_the_page_cannot_read_its_way_is_refused_next_to_the_field(
    client: TestClient[Litestar], page: Parse
) -> None:
    refused = client.get("/tariff", params={**DURIAN, "value": "100000.50", "quantity": "18000.5",
                                            "lang": "vi", "go": "1"})  # fmt: skip
    assert refused.status_code == 400
    parsed = page(refused)
    for name in ("value", "quantity"):
        field = parsed.all("input", name=name)[0]
        assert field["aria-invalid"] == "true"
        assert set(field["aria-describedby"].split()) >= {"h-numbers", f"e-{name}"}
    assert "Viết số như 612.000,50 hoặc 612000,50." in parsed.text
    english = page(client.get("/tariff", params={**DURIAN, "value": "612.000,50", "go": "1",
                                                 "lang": "en"}))  # fmt: skip
    assert english.all("input", name="value")[0]["aria-invalid"] == "true"
    assert "Write it like 612,000.50 or 612000.50." in english.text
    negative = page(client.get("/tariff", params={**DURIAN, "value": "-5", "go": "1"}))
    assert "The amount must not be negative." in negative.text


def test_every_amount_field_says_how_to_write_numbers(
    client: TestClient[Litestar], page: Parse
) -> None:
    for language, help_text in (("en", "Write numbers like 612,000.50 or 612000.50."),
                                ("zh", "数字写法如 612,000.50 或 612000.50。"),
                                ("vi", "Viết số như 612.000,50 hoặc 612000,50.")):  # fmt: skip
        tariff = page(client.get("/tariff", params={"lang": language}))
        assert help_text in tariff.text
        for name in ("value", "freight", "insurance", "quantity"):
            assert "h-numbers" in tariff.all("input", name=name)[0]["aria-describedby"]
        origin = page(client.get("/origin", params={"lang": language}))
        assert help_text in origin.text
        for name in ("fob", "m-0-value", "m-4-value"):
            assert "h-numbers" in origin.all("input", name=name)[0]["aria-describedby"]


def test_an_origin_check_reads_vietnamese_values(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    client.get("/", params={"lang": "vi"})
    token = form_token(client, "/origin")
    data = _as_posted({**BATTERY_PACK, "fob": "1.000,00", "m-0-value": "300,00",
                       "csrf_token": token, "action": "assess", "numbers": "vi"})  # fmt: skip
    response = client.post("/origin", data=data)
    assert response.status_code == 200, response.text[:500]
    # The working, too, is written the page's way (it was English: 1000.00 beside 1.000,00).
    assert "(1.000,00 − 300,00) / 1.000,00 × 100 = 70%" in page(response).text
    # "1.000" is a thousand here; on an English page it would be refused, not read as 1.
    english = _as_posted({**BATTERY_PACK, "fob": "1.000,00", "csrf_token": token,
                          "action": "assess", "numbers": "en"})  # fmt: skip
    refused = client.post("/origin", data=english)
    assert refused.status_code == 400
    assert page(refused).all("input", name="fob")[0]["aria-invalid"] == "true"


def test_every_mistake_in_the_materials_is_shown_at_once(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    data = _as_posted({**BATTERY_PACK, "fob": "abc", "m-0-value": "-300",
                       "m-1-description": "casing", "m-1-value": "5,0",
                       "m-2-description": "x" * 501, "m-2-value": "1",
                       "csrf_token": token, "action": "assess"})  # fmt: skip
    response = client.post("/origin", data=data)
    assert response.status_code == 400
    parsed = page(response)
    invalid = {a["name"] for a in parsed.all("input") if a.get("aria-invalid") == "true"}
    assert invalid == {"fob", "m-0-value", "m-1-value", "m-2-description"}
    assert "This is too long: at most 500 characters." in parsed.text
    assert parsed.all("input", name="m-2-description")[0]["value"] == "x" * 501  # kept whole


def test_a_number_that_reads_two_ways_is_refused_on_the_tariff_page(
    client: TestClient[Litestar], page: Parse
) -> None:
    # 18.000 from a Vietnamese invoice, typed on a Chinese page: was read as 18.
    refused = client.get("/tariff", params={**DURIAN, "value": "18.000", "go": "1", "lang": "zh"})
    assert refused.status_code == 400
    parsed = page(refused)
    assert parsed.all("input", name="value")[0]["aria-invalid"] == "true"
    assert "18.000 可能表示 18，也可能表示 18000：请写成 18 或 18000。" in parsed.text
    # A superscript or a circled digit is no digit (NFKC read "100000²" as 1000002).
    for typed in ("100000\u00b2", "\u2460\u2461"):
        odd = page(client.get("/tariff", params={**DURIAN, "value": typed, "go": "1",
                                                 "lang": "en"}))  # fmt: skip
        assert odd.all("input", name="value")[0]["aria-invalid"] == "true"
    # More decimals than the currency has; a quantity may have them.
    precise = page(client.get("/tariff", params={**DURIAN, "value": "100000.505",
                                                 "quantity": "18000.125", "go": "1"}))  # fmt: skip
    assert "An amount in CNY has at most 2 decimal places." in precise.text
    assert precise.all("input", name="quantity")[0].get("aria-invalid") is None
    negative = page(client.get("/tariff", params={**DURIAN, "quantity": "-5", "go": "1"}))
    assert "This number must not be negative." in negative.text


def test_the_origin_form_refuses_more_decimals_than_its_currency_has(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    data = _as_posted({**BATTERY_PACK, "fob": "1000.005", "m-0-value": "300.0000",
                       "csrf_token": token, "action": "assess"})  # fmt: skip
    refused = client.post("/origin", data=data)
    assert refused.status_code == 400
    parsed = page(refused)
    invalid = {a["name"] for a in parsed.all("input") if a.get("aria-invalid") == "true"}
    assert invalid == {"fob"}  # 300.0000 is 300.00
    assert "An amount in USD has at most 2 decimal places." in parsed.text
