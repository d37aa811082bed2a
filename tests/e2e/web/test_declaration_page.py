"""Lodging, amending and deciding from the portal, and what a declaration's page shows, over a
node seeded by ``cafta demo seed`` whose clock is in Asia/Shanghai and which also trusts the
tests' Form E issuer (MM-MOC, ``conftest.trust``).

Amounts typed the page's language's way; a signed Form E pasted whole; every mistake of a form
at once; the Back button after lodging; the page's goods, translated timeline with its notes and
times in the node's zone; the officer's decision form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.adapters.storage.trust_source import records_of
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.api.app import create_app
from cafta.certificates.trust import TrustList
from cafta.cli.demo_seed import IMPORTERS, SeedReport, seed_node
from cafta.core.clock import FixedClock
from cafta.services.ports import DeclarationFilter, DeclarationRecord, Role
from cafta.services.tokens import issue_token
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import NOW, SECRET, Page
from .test_declarations import DURIAN_FORM

Client = TestClient[Litestar]
Parse = Callable[[Any], Page]
ZONE = ZoneInfo("Asia/Shanghai")
CONSIGNEE = "Qingdao Harvest Foods Co., Ltd."
"""The consignee of the tests' signed Form E (docs/examples/form-e-request.json)."""


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services, trust: TrustList
) -> Iterator[tuple[bootstrap.Node, SeedReport]]:
    database = tmp_path_factory.mktemp("page") / "cafta.db"
    node = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=7)
    with SqlUnitOfWork(node.engine) as uow:  # before the seed reads (and keeps) the trust list
        uow.trusted_keys.add_many(records_of(trust), NOW)
        uow.commit()
    report = seed_node(node, services, seed=2026)
    yield node, report
    node.close()


@pytest.fixture(scope="module")
def tokens(seeded: tuple[bootstrap.Node, SeedReport]) -> dict[str, str]:
    node, report = seeded
    store = StoredTokens(node.engine)
    return {
        "trader": report.tokens["trader"][2],
        "officer": report.tokens["officer"][2],
        "consignee": issue_token(store, Role.TRADER, CONSIGNEE, NOW),
        "nanning": issue_token(store, Role.TRADER, IMPORTERS[1], NOW),
    }


@pytest.fixture(scope="module")
def zoned_app(services: bootstrap.Services, seeded: tuple[bootstrap.Node, SeedReport]) -> Litestar:
    node, _ = seeded
    clearance = replace(node.clearance, clock=FixedClock(NOW.astimezone(ZONE)))
    tokens = StoredTokens(node.engine)
    portal = portal_router(services, tokens=tokens, trust=node.trust,
                           settings=PortalSettings(secret=SECRET), clearance=clearance)  # fmt: skip
    return create_app(services, tokens=tokens, trust=node.trust, clearance=clearance,
                      extra_routes=[portal])  # fmt: skip


@pytest.fixture
def web(zoned_app: Litestar) -> Iterator[Client]:
    with TestClient(zoned_app) as test_client:
        yield test_client


def _sign_in(web: Client, token: str, lang: str = "en") -> None:
    csrf = Page.of(web.get("/signin", params={"lang": lang}).text).csrf()
    response = web.post("/signin", data={"token": token, "next": "/", "csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def _record(node: bootstrap.Node, declaration_id: str) -> DeclarationRecord:
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None
    return record


def _held(node: bootstrap.Node, status: str, importer: str) -> DeclarationRecord:
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(status=status, limit=500))
    found = sorted((r for r in records if r.document["filed"]["importer"]["name"] == importer),
                   key=lambda r: r.id)  # fmt: skip
    assert found, f"the seeded day has a declaration of {importer} {status}"
    return found[0]


def _blank(web: Client, page: Parse, lang: str = "en") -> Page:
    response = web.get("/declarations/new", params={"lang": lang})
    assert response.status_code == 200, response.text[:300]
    return page(response)


def _typed(blank: Page, **changes: str) -> dict[str, str]:
    key = blank.all("input", name="idempotency_key")[0]["value"]
    numbers = {a["name"]: a["value"] for a in blank.all("input", name="numbers")}
    return {**DURIAN_FORM, "csrf_token": blank.csrf(), "idempotency_key": key,
            **numbers, **changes}  # fmt: skip


def _lodged(response: Any) -> str:
    assert response.status_code == 303, response.text[:800]
    return str(response.headers["location"].split("/")[2].split("?")[0])


# --- amounts as the page writes them (defect: 612.000 read as 612) ---------------------------


def test_a_vietnamese_declaration_keeps_its_amounts(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    _sign_in(web, tokens["trader"], "vi")
    blank = _blank(web, page, "vi")
    typed = {"i-0-value": "612.000,00", "i-0-quantity": "18.000", "i-0-net_mass": "18.000,5"}
    declaration = _lodged(web.post("/declarations/new", data=_typed(blank, **typed),
                                   follow_redirects=False))  # fmt: skip
    item = _record(node, declaration).document["filed"]["items"][0]
    assert item["value"] == {"amount": "612000.00", "currency": "CNY"}  # was 612.00
    assert item["quantity"] == {"amount": "18000", "unit": "kg"}
    assert item["net_mass"] == {"amount": "18000.5", "unit": "kg"}
    # The form says how it reads numbers, next to each number field.
    assert blank.all("input", name="numbers")[0]["value"] == "vi"
    assert "Viết số như 612.000,50 hoặc 612000,50." in blank.text
    for name in ("i-0-quantity", "i-0-net_mass", "i-0-value", "i-0-freight", "i-0-insurance"):
        assert blank.all("input", name=name)[0]["aria-describedby"] == "h-numbers"
    # The page shows the goods declared, the Vietnamese way.
    shown = page(web.get(f"/declarations/{declaration}"))
    goods = shown.text[shown.text.index("Hàng hóa khai báo") :]
    assert "Fresh durian (Monthong)" in goods and "0810.60.00" in goods
    assert "612.000,00 CNY" in goods and "18.000 kg" in goods and "18.000,5" in goods
    assert "Thái Lan" in goods
    assert "桂FA1234" in shown.text and "CSQU3054383" in shown.text  # as the engine keeps them


def test_an_amount_the_page_cannot_read_is_refused_not_misread(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    blank = _blank(web, page)
    typed = {"i-0-value": "612.000,50", "i-0-quantity": "18000,5"}
    response = web.post("/declarations/new", data=_typed(blank, **typed))
    assert response.status_code == 400
    shown = page(response)
    for name in ("i-0-value", "i-0-quantity"):
        field = shown.all("input", name=name)[0]
        assert (
            field["aria-invalid"] == "true" and field["aria-describedby"] == f"h-numbers e-{name}"
        )
    assert "Write it like 612,000.50 or 612000.50." in shown.text
    assert shown.all("input", name="i-0-value")[0]["value"] == "612.000,50"  # kept as typed


# --- long fields kept whole (defect: a pasted Form E cut to 200 characters) -----------------


def test_a_signed_form_e_pasted_into_the_form_is_kept_whole(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str],
    page: Parse, certificate: tuple[str, str],
) -> None:  # fmt: skip
    node, _ = seeded
    reference, envelope = certificate
    assert len(envelope) > 1000
    _sign_in(web, tokens["consignee"])
    blank = _blank(web, page)
    black_gram = {
        "office": "CNQIN", "declarant_name": CONSIGNEE, "importer_name": CONSIGNEE,
        "exporter_name": "Golden Lotus Pulses Co.", "exporter_country": "MM",
        "transport_mode": "sea", "vehicle_plate": "", "container": "MSKU9070323",
        "i-0-description": "Black gram, dried", "i-0-line": "0713.31.90", "i-0-origin": "MM",
        "i-0-quantity": "25,000", "i-0-net_mass": "25,000", "i-0-value": "171,000.00",
        "i-0-certificate": envelope,
    }  # fmt: skip
    declaration = _lodged(web.post("/declarations/new", data=_typed(blank, **black_gram),
                                   follow_redirects=False))  # fmt: skip
    record = _record(node, declaration)
    assert record.document["filed"]["items"][0]["preference"]["certificate"] == envelope
    assert record.document["preference"]["outcome"] in {
        "accepted",
        "accepted_with_discrepancies",
    }, record.document["preference"]
    shown = page(web.get(f"/declarations/{declaration}", params={"lang": "vi"}))
    assert "Signed Form E attached" not in shown.text  # translated
    assert "Đính kèm Giấy chứng nhận mẫu E đã ký" in shown.text
    verdict = shown.text[shown.text.index("Kết luận về Giấy chứng nhận xuất xứ mẫu E") :][:200]
    assert "Chấp nhận" in verdict and reference in verdict  # "accepted (with discrepancies)"
    assert "accepted_with_discrepancies" not in shown.text


def test_amending_keeps_a_signed_form_e_whole(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    held = _held(node, "held_for_documents", IMPORTERS[1])
    filed = held.document["filed"]["items"][0]["preference"]["certificate"]
    assert filed.count(".") == 2 and len(filed) > 1000  # the seed's signed Form E
    _sign_in(web, tokens["nanning"])
    form = page(web.get(f"/declarations/{held.id}/amend"))
    data = {a["name"]: a.get("value", "") for a in form.all("input")
            if a.get("name") and a.get("type") not in ("file", "submit")}  # fmt: skip
    data.update({s["name"]: v for s, v in _selected(form)})
    assert data["i-0-certificate"] == filed
    response = web.post(f"/declarations/{held.id}/amend", data={**data, "action": "lodge"},
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:800]
    record = _record(node, held.id)
    assert record.document["filed"]["items"][0]["preference"]["certificate"] == filed
    assert record.document["preference"]["outcome"] != "rejected"


def _selected(form: Page) -> list[tuple[dict[str, str], str]]:
    """Each drop-down list of the page with the value the browser sends for it."""
    found: list[tuple[dict[str, str], str]] = []
    chosen: dict[str, str] = {}
    for match in re.finditer(r'<select id="[^"]*" name="([^"]+)".*?</select>', form.html, re.S):
        options = re.findall(r'<option value="([^"]*)"( selected)?', match.group(0))
        value = next((v for v, s in options if s), options[0][0] if options else "")
        chosen[match.group(1)] = value
    found.extend(({"name": name}, value) for name, value in chosen.items())
    return found


# --- every mistake at once, engine errors on their fields ------------------------------------


def test_every_mistake_of_the_items_is_shown_at_once(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    blank = _blank(web, page)
    typed = {"i-0-net_mass": "-1", "i-0-quantity": "abc", "i-0-value": "-612000",
             "i-1-description": "Mangosteen", "i-1-line": "0804.50.30", "i-1-origin": "TH",
             "i-1-quantity": "-5", "i-1-unit": "kg", "i-1-value": "1e30"}  # fmt: skip
    response = web.post("/declarations/new", data=_typed(blank, **typed))
    assert response.status_code == 400
    shown = page(response)
    invalid = {a["name"] for a in shown.all("input") if a.get("aria-invalid") == "true"}
    assert invalid == {"i-0-net_mass", "i-0-quantity", "i-0-value", "i-1-quantity", "i-1-value"}
    assert "Item 1: Quantity" in shown.text and "Item 2: Value" in shown.text
    assert "items[" not in shown.text  # no raw path anywhere


def test_an_office_of_no_country_is_marked(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    response = web.post("/declarations/new", data=_typed(_blank(web, page), office="XXXXX"))
    assert response.status_code in (400, 404)
    shown = page(response)
    assert shown.all("input", name="office")[0]["aria-invalid"] == "true"
    summary = shown.text[shown.text.index("Please check the form") :]
    assert summary.startswith("Please check the form Customs office")


# --- the Back button after lodging ----------------------------------------------------------


def test_the_same_content_sent_again_from_a_new_form_asks_first(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    first = _blank(web, page)
    content = {"i-0-value": "598000.00", "vehicle_plate": "桂F·B5678"}
    lodged = _lodged(web.post("/declarations/new", data=_typed(first, **content),
                              follow_redirects=False))  # fmt: skip
    # Back: the form comes again with a new key; typed in again with the same content.
    again = _blank(web, page)
    data = _typed(again, **content)
    assert data["idempotency_key"] != _typed(first)["idempotency_key"]
    response = web.post("/declarations/new", data=data, follow_redirects=False)
    assert response.status_code == 409
    shown = page(response)
    assert f"You lodged a declaration with exactly this content a short while ago: {lodged}" in (
        shown.text
    )
    assert shown.all("a", href=f"/declarations/{lodged}")
    assert shown.all("input", name="again")[0]["value"] == lodged
    # Back shows the form blank rather than some fields restored and others (the key) not.
    assert again.all("form", id="declaration-form")[0]["autocomplete"] == "off"
    # Sent once more: the trader means it, a second declaration is lodged.
    second = _lodged(web.post("/declarations/new", data={**data, "again": lodged},
                              follow_redirects=False))  # fmt: skip
    assert second != lodged
    # The first form sent again (its own key) is the first declaration, as before.
    replay = web.post("/declarations/new", data=_typed(first, **content), follow_redirects=False)
    assert _lodged(replay) == lodged


# --- the declaration's page: timeline, labels, times, the decision form ----------------------


def test_a_trader_reads_which_documents_the_officer_asks_for(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    held = _held(node, "held_for_inspection", IMPORTERS[0])
    path = f"/declarations/{held.id}"
    _sign_in(web, tokens["officer"])
    detail = page(web.get(path))
    note = "Please upload the phytosanitary certificate"
    data = {"action": "request_documents", "note": note, "csrf_token": detail.csrf(),
            "version": detail.all("input", name="version")[0]["value"]}  # fmt: skip
    response = web.post(f"{path}/decision", data=data, follow_redirects=False)
    assert response.headers["location"] == f"{path}?decided=1"
    done = page(web.get(response.headers["location"]))
    assert "Your decision was recorded. The declaration is now held for documents." in done.text
    # The trader, in Vietnamese: the note, the events' names, the times in the node's zone.
    web.cookies.clear()
    _sign_in(web, tokens["trader"], "vi")
    shown = page(web.get(path))
    timeline = shown.text[shown.text.index("Diễn biến") :]
    assert note in timeline and "Yêu cầu bổ sung chứng từ" in timeline
    assert "Tờ khai được nộp" in timeline and "Phân luồng" in timeline
    assert "(Asia/Shanghai)" in shown.text
    lodged_at = held.document["lodged_at"]
    times = shown.all("time")
    assert times[0]["datetime"] == lodged_at
    assert re.search(r"\d\d:\d\d:\d\d \d+ thg \d+, 2026", timeline)
    assert not re.search(r"2026-\d\d-\d\d \d\d:", shown.text)  # no raw ISO times left
    english = page(web.get(path, params={"lang": "en"}))
    assert "Documents requested" in english.text and "Declaration lodged" in english.text


def test_the_decision_form_chooses_nothing_and_sends_the_outcome_with_a_release(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    held = _held(node, "held_for_inspection", IMPORTERS[0])
    path = f"/declarations/{held.id}"
    _sign_in(web, tokens["officer"], "vi")
    detail = page(web.get(path))
    actions = detail.all("input", name="action")
    assert actions and not any("checked" in a for a in actions)
    assert all("required" in a for a in actions)
    data = {"note": "ok", "found": "yes", "what": "two undeclared cartons",
            "revenue_recovered": "1.500,50", "numbers": "vi", "csrf_token": detail.csrf(),
            "version": detail.all("input", name="version")[0]["value"]}  # fmt: skip
    # Enter in the note sends the form without a decision: nothing is released.
    refused = web.post(f"{path}/decision", data=data)
    assert refused.status_code == 400
    again = page(refused)
    assert again.all("fieldset", id="f-action")[0]["aria-describedby"] == "e-action"
    assert _record(node, held.id).status == "held_for_inspection"
    assert again.all("input", name="revenue_recovered")[0]["value"] == "1.500,50"
    released = web.post(f"{path}/decision", data={**data, "action": "release"},
                        follow_redirects=False)  # fmt: skip
    assert released.headers["location"] == f"{path}?decided=1"
    record = _record(node, held.id)
    assert record.status == "released"
    inspection = [e for e in record.document["history"] if e["event"] == "InspectionRecorded"]
    assert inspection[-1]["detail"]["what"] == "two undeclared cartons"
    assert inspection[-1]["detail"]["revenue_recovered"] == "1500.50"
    shown = page(web.get(released.headers["location"]))
    assert "Quyết định của bạn đã được ghi nhận." in shown.text
    timeline = shown.text[shown.text.index("Diễn biến") :]
    assert "two undeclared cartons" in timeline and "1.500,50 CNY" in timeline


def test_an_unknown_filter_of_the_queue_is_said(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["officer"])
    response = web.get("/declarations", params={"status": "bogus"})
    assert response.status_code == 400
    shown = page(response)
    assert shown.all("select", name="status")[0]["aria-invalid"] == "true"
    assert "There is no such choice: pick one from the list." in shown.text
    assert web.get("/declarations", params={"status": "released"}).status_code == 200


# --- the decision form: the language of its amount, the outcome, the actions offered ---------


def _any_held(node: bootstrap.Node, status: str, skip: int = 0) -> DeclarationRecord:
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(status=status, limit=500))
    found = sorted(records, key=lambda r: r.id)
    assert len(found) > skip, f"the seeded day has {skip + 1} declarations {status}"
    return found[skip]


def _decision(detail: Page, **typed: str) -> dict[str, str]:
    return {"csrf_token": detail.csrf(), "version": detail.all("input", name="version")[0]["value"],
            "numbers": detail.all("input", name="numbers")[0]["value"], **typed}  # fmt: skip


def test_an_amount_kept_after_a_language_switch_is_read_as_it_was_typed(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    """Typed on a Vietnamese page ("1.500" is 1,500), refused for another reason after the
    visitor switched another tab to Chinese: the form comes back in Chinese, and sent again it
    records 1,500, not 1.5 (its hidden ``numbers`` said "zh" while the amount stayed as typed)."""
    node, _ = seeded
    held = _any_held(node, "held_for_inspection")
    path = f"/declarations/{held.id}"
    _sign_in(web, tokens["officer"], "vi")
    detail = page(web.get(path))
    data = _decision(detail, found="yes", what="undeclared cartons", revenue_recovered="1.500")
    assert data["numbers"] == "vi"
    web.get("/", params={"lang": "zh"})  # the other tab
    refused = web.post(f"{path}/decision", data=data)  # no decision chosen
    assert refused.status_code == 400
    shown = page(refused)
    assert shown.lang() == "zh-Hans"
    sent = {a["name"]: a.get("value", "") for a in shown.all("input")
            if a.get("name") not in (None, "", "switch_language")  # the language switch's form
            and a.get("type") not in ("radio", "submit")}  # fmt: skip
    assert (sent["revenue_recovered"], sent["numbers"]) == ("1500", "zh")  # the Chinese way
    recorded = web.post(f"{path}/decision", data={**sent, "found": "yes", "action": "inspect"},
                        follow_redirects=False)  # fmt: skip
    assert recorded.status_code == 303, recorded.text[:800]
    history = _record(node, held.id).document["history"]
    assert history[-1]["event"] == "InspectionRecorded"
    assert history[-1]["detail"]["revenue_recovered"] == "1500"


def test_an_amount_that_cannot_be_read_keeps_the_language_it_was_typed_in(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    path = f"/declarations/{_any_held(node, 'held_for_inspection').id}"
    _sign_in(web, tokens["officer"], "vi")
    detail = page(web.get(path))
    # "1,500" on a Vietnamese page is 1.5 or 1500: refused, naming both readings.
    data = _decision(detail, action="inspect", found="yes", what="x", revenue_recovered="1,500")
    refused = page(web.post(f"{path}/decision", data=data))
    assert "1,500 có thể là 1,5 hoặc 1500: hãy viết 1,5 hoặc 1500." in refused.text
    web.get("/", params={"lang": "zh"})
    shown = page(web.post(f"{path}/decision", data=data))
    assert "1,500 可能表示 1,5，也可能表示 1500" in shown.text
    # Not rewritten, so still read the Vietnamese way when sent again (as Chinese: 1500).
    assert shown.all("input", name="revenue_recovered")[0]["value"] == "1,500"
    assert shown.all("input", name="numbers")[0]["value"] == "vi"


def test_an_outcome_typed_but_not_chosen_is_refused_not_dropped(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    held = _any_held(node, "held_for_inspection")
    path = f"/declarations/{held.id}"
    _sign_in(web, tokens["officer"])
    detail = page(web.get(path))
    # "not yet inspected" is checked by default; what was found and the revenue typed.
    data = _decision(detail, action="release", found="", what="two undeclared cartons",
                     revenue_recovered="1,500.50",
                     note="released after the inspection")  # fmt: skip
    response = web.post(f"{path}/decision", data=data, follow_redirects=False)
    assert response.status_code == 400  # was 303: released, the outcome dropped
    shown = page(response)
    assert shown.all("fieldset", id="f-found")[0]["aria-describedby"] == "e-found"
    assert "Choose what the inspection found (something or nothing)" in shown.text
    assert shown.all("input", name="what")[0]["value"] == "two undeclared cartons"
    assert shown.all("input", name="revenue_recovered")[0]["value"] == "1,500.50"
    assert shown.all("input", name="note")[0]["value"] == "released after the inspection"
    assert shown.all("input", name="action", value="release")[0].get("checked") is not None
    assert _record(node, held.id).status == "held_for_inspection"


def test_the_decision_form_offers_only_what_the_status_allows(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    inspected = _any_held(node, "held_for_inspection")
    documents = _any_held(node, "held_for_documents")
    _sign_in(web, tokens["officer"], "vi")
    on_inspection = page(web.get(f"/declarations/{inspected.id}", params={"lang": "en"}))
    offered = {a["value"] for a in on_inspection.all("input", name="action")}
    assert offered == {"release", "reject", "request_documents", "inspect"}
    assert "Order or record an inspection" not in on_inspection.text  # one is ordered already
    assert "Record the inspection outcome only (decide later)" in on_inspection.text
    on_documents = page(web.get(f"/declarations/{documents.id}"))
    assert "Order or record an inspection" in on_documents.text
    # Recording with no outcome chosen is said next to the outcome, in the page's language
    # (it was the engine's 409 "cannot order an inspection of a declaration that is held...").
    vietnamese = page(web.get(f"/declarations/{inspected.id}", params={"lang": "vi"}))
    refused = web.post(f"/declarations/{inspected.id}/decision",
                       data=_decision(vietnamese, action="inspect", note="later"))  # fmt: skip
    assert refused.status_code == 400
    shown = page(refused)
    assert "Hãy chọn kết quả kiểm tra (có phát hiện hoặc không phát hiện) để ghi nhận." in (
        shown.text
    )
    assert "cannot order" not in shown.text
    # A decision on a declaration no longer held is said in the page's language, as a notice.
    released = _any_held(node, "released")
    late = web.post(f"/declarations/{released.id}/decision",
                    data=_decision(vietnamese, action="release"))  # fmt: skip
    assert late.status_code == 409
    text = page(late).text
    assert "Tờ khai này không còn bị hải quan giữ" in text and "cannot release" not in text
    assert "Vui lòng kiểm tra biểu mẫu" not in text  # no form on the page to check


def test_a_change_made_meanwhile_keeps_the_officers_typed_note(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport], tokens: dict[str, str], page: Parse
) -> None:
    node, _ = seeded
    path = f"/declarations/{_any_held(node, 'held_for_documents').id}"
    _sign_in(web, tokens["officer"])
    detail = page(web.get(path))
    note = "Phytosanitary certificate checked against the original"
    data = {**_decision(detail, action="release", note=note), "version": "0"}
    response = web.post(f"{path}/decision", data=data)
    assert response.status_code == 409
    shown = page(response)
    assert "changed meanwhile" in shown.text
    assert shown.all("input", name="note")[0]["value"] == note
    assert shown.all("input", name="action", value="release")[0].get("checked") is not None


# --- the lodging form: every check at once, in the page's language ---------------------------


def test_every_check_the_form_can_make_is_made_at_once(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    """Zero quantity, value and mass, a malformed line, a wrong check digit and a row with only
    a Form E were found one submission at a time (or the row dropped silently)."""
    _sign_in(web, tokens["trader"])
    typed = {"i-0-quantity": "0", "i-0-value": "0.00", "i-0-net_mass": "0", "i-0-freight": "0",
             "i-0-line": "0810.6", "container": "CSQU3054384",
             "i-1-certificate": "E2026TH-7WACPJX52Z", "i-1-unit": "kg"}  # fmt: skip
    response = web.post("/declarations/new", data=_typed(_blank(web, page), **typed))
    assert response.status_code == 400
    shown = page(response)
    invalid = {a["name"] for a in shown.all("input") if a.get("aria-invalid") == "true"}
    assert invalid == {"container", "i-0-line", "i-0-quantity", "i-0-net_mass", "i-0-value",
                       "i-1-description", "i-1-line", "i-1-origin", "i-1-quantity",
                       "i-1-value"}  # fmt: skip
    assert shown.text.count("This must be more than zero.") == 2 * 3  # summary and fields
    assert "The amount must not be negative." not in shown.text
    assert shown.all("input", name="i-1-certificate")[0]["value"] == "E2026TH-7WACPJX52Z"
    # An engine's hint reads as a sentence: "… country code. E.g. CNYYG, VNLSN."
    office = page(web.post("/declarations/new", data=_typed(_blank(web, page), office="12YYG")))
    assert "does not start with a two-letter country code. E.g. CNYYG, VNLSN." in office.text
    negative = page(web.post("/declarations/new",
                             data=_typed(_blank(web, page), **{"i-0-net_mass": "-5"})))  # fmt: skip
    assert "This number must not be negative." in negative.text


def test_numbers_that_read_two_ways_are_refused_in_the_pages_language(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"], "vi")
    blank = _blank(web, page, "vi")
    # 612,000 pasted from an English spreadsheet: 612 on a Vietnamese page, read silently.
    typed = {"i-0-value": "612,000", "i-0-certificate": "E" * 20_001}
    response = web.post("/declarations/new", data=_typed(blank, **typed))
    assert response.status_code == 400
    shown = page(response)
    assert "612,000 có thể là 612 hoặc 612000: hãy viết 612 hoặc 612000." in shown.text
    assert "tối đa 20.000 ký tự" in shown.text  # the limit written the Vietnamese way
    chinese = _blank(web, page, "zh")
    typed = {"i-0-quantity": "18.000", "i-0-value": "1.125"}
    shown = page(web.post("/declarations/new", data=_typed(chinese, **typed)))
    assert "18.000 可能表示 18，也可能表示 18000：请写成 18 或 18000。" in shown.text
    assert "1.125 可能表示 1.1250，也可能表示 1125" in shown.text
    long = page(web.post("/declarations/new",
                         data=_typed(chinese, **{"i-0-certificate": "E" * 20_001})))  # fmt: skip
    assert "最多 20,000 个字符" in long.text


def test_the_goods_show_amounts_with_their_currencys_decimals_in_a_named_scroll_box(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    typed = {"i-0-value": "612000", "i-0-quantity": "18000"}
    declaration = _lodged(web.post("/declarations/new", data=_typed(_blank(web, page), **typed),
                                   follow_redirects=False))  # fmt: skip
    shown = page(web.get(f"/declarations/{declaration}"))
    goods = shown.text[shown.text.index("Goods declared") :]
    assert "612,000.00 CNY" in goods and "18,000 kg" in goods  # the value was "612,000 CNY"
    box = shown.all("div", **{"class": "table-wrap"})[0]
    assert (box["role"], box["aria-labelledby"], box["tabindex"]) == ("region", "goods", "0")
    assert shown.all("h2", id="goods")
    vietnamese = page(web.get(f"/declarations/{declaration}", params={"lang": "vi"}))
    assert "612.000,00 CNY" in vietnamese.text
