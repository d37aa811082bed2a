"""The language switch of a page that answers a form sent with POST (a form back with its
errors, an origin decision, a certificate's verdict, the sign-in form).

Defect: the switch linked to the POST address with ``?lang=`` (a 405 page) or to the blank
form, losing everything typed. Now it sends the page's form again, in the language chosen, and
the handlers that change something only show the form again; a page whose form cannot be sent
again links to the address where the form is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from .conftest import Page
from .test_origin import BATTERY_PACK, _as_posted

Client = TestClient[Litestar]
Parse = Callable[[Any], Page]
Token = Callable[[Client, str], str]


def switch_of(response: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The switch of a page answering a POST: its buttons' addresses by language tag, and the
    fields its form sends (the form at the end of the page, ``#language-switch``)."""
    html = response.text
    found = re.search(r'<form id="language-switch"[^>]*>(.*?)</form>', html, re.S)
    assert found, "the page has no form for its language switch"
    fields = {a["name"]: a["value"] for a in Page.of(found.group(1)).all("input")}
    assert re.search(r'<form id="language-switch" method="post" action="[^"]+" hidden>', html)
    buttons = {
        a["lang"]: a["formaction"] for a in Page.of(html).all("button", form="language-switch")
    }
    return buttons, fields


def test_an_origin_decision_comes_back_in_the_language_chosen(
    client: Client, page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    data = _as_posted({**BATTERY_PACK, "csrf_token": token, "action": "assess"})
    answer = client.post("/origin", data=data)
    assert answer.status_code == 200
    buttons, fields = switch_of(answer)
    assert buttons == {
        "en": "/origin?lang=en",
        "zh-Hans": "/origin?lang=zh",
        "vi": "/origin?lang=vi",
    }
    assert fields["fob"] == "1000.00" and fields["m-0-description"] == "cells"
    assert fields["switch_language"] == "1" and fields["csrf_token"] == page(answer).csrf()
    assert "action" not in fields  # a button of the form, never sent again
    vietnamese = client.post(buttons["vi"], data=fields)
    assert vietnamese.status_code == 200
    shown = page(vietnamese)
    assert shown.lang() == "vi" and "Có xuất xứ theo ACFTA" in shown.text
    assert shown.all("input", name="fob", value="1000,00")  # what was typed, the Vietnamese way
    assert "lang=vi" in vietnamese.headers["set-cookie"]


def test_a_removed_row_stays_removed_after_the_switch(
    client: Client, page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    data = _as_posted(
        {**BATTERY_PACK, "m-1-description": "case", "csrf_token": token, "remove": "0"}
    )
    answer = client.post("/origin", data=data)
    _, fields = switch_of(answer)
    assert "m-0-description" not in fields and fields["m-1-description"] == "case"
    assert "remove" not in fields


def test_an_uploaded_bom_is_decided_again_in_the_language_chosen(
    client: Client, page: Parse, form_token: Token, example: Callable[[str], Any]
) -> None:
    token = form_token(client, "/origin")
    bom = json.dumps(example("bom-battery-pack.json"))
    answer = client.post(
        "/origin/upload",
        data={"csrf_token": token},
        files={"bom_file": ("pack.json", bom.encode(), "application/json")},
    )
    buttons, fields = switch_of(answer)
    assert buttons["zh-Hans"] == "/origin/upload?lang=zh"
    assert json.loads(fields["bom_text"]) == json.loads(bom) and fields["bom_name"] == "pack.json"
    chinese = client.post(buttons["zh-Hans"], data=fields)
    assert chinese.status_code == 200
    assert page(chinese).lang() == "zh-Hans" and "原产地证据报告" in page(chinese).text


def test_a_certificate_checked_is_checked_again_in_the_language_chosen(
    client: Client, page: Parse, form_token: Token, certificate: tuple[str, str]
) -> None:
    token = form_token(client, "/certificates")
    _, envelope = certificate
    answer = client.post(
        "/certificates",
        data={"csrf_token": token},
        files={"certificate_file": ("form-e.jws", envelope.encode(), "text/plain")},
    )
    assert answer.status_code == 200, answer.text[:300]
    buttons, fields = switch_of(answer)
    assert fields["certificate"] == envelope  # the uploaded file's text
    vietnamese = client.post(buttons["vi"], data=fields)
    assert vietnamese.status_code == 200
    assert page(vietnamese).lang() == "vi"
    assert page(vietnamese).text.count("Chấp nhận") >= 1


def test_the_sign_in_form_never_writes_the_token_into_the_page(
    client: Client, page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/signin")
    answer = client.post(
        "/signin", data={"csrf_token": token, "token": "cafta_not-a-token", "next": "/declarations"}
    )
    assert answer.status_code == 400
    buttons, fields = switch_of(answer)
    assert "cafta_not-a-token" not in answer.text.split("<main")[0]
    assert "token" not in fields and fields["next"] == "/declarations"
    chinese = client.post(buttons["zh-Hans"], data=fields)
    assert chinese.status_code == 200 and page(chinese).lang() == "zh-Hans"
    assert page(chinese).all("input", name="next", value="/declarations")
    assert not page(chinese).all("input", **{"aria-invalid": "true"})  # shown, not signed in


def test_a_form_refused_before_it_was_read_links_to_where_it_is_shown(
    client: Client, page: Parse
) -> None:
    expired = client.post("/origin/upload", data={"csrf_token": "forged"})
    assert expired.status_code == 403
    parsed = page(expired)
    assert [a["href"] for a in parsed.all("a", hreflang="vi")] == ["/origin?lang=vi"]
    assert "language-switch" not in expired.text
