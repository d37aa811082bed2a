"""The declaration pages over a node seeded by ``cafta demo seed``: a trader's own list, the
officers' queue and a decision from a declaration's page (CSRF-protected)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.cli.demo_seed import IMPORTERS, SeedReport, seed_node
from cafta.core.errors import Conflict
from cafta.services.ports import DeclarationFilter
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import ROOT, SECRET, Page

Client = TestClient[Litestar]


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[tuple[bootstrap.Node, SeedReport]]:
    database = tmp_path_factory.mktemp("demo") / "cafta.db"
    node = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=7)
    report = seed_node(node, services, seed=2026)
    yield node, report
    node.close()


@pytest.fixture(scope="module")
def seeded_app(services: bootstrap.Services, seeded: tuple[bootstrap.Node, SeedReport]) -> Litestar:
    node, _ = seeded
    tokens = StoredTokens(node.engine)
    settings = PortalSettings(secret=SECRET)
    portal = portal_router(
        services, tokens=tokens, trust=node.trust, settings=settings, clearance=node.clearance
    )
    return create_app(
        services, tokens=tokens, trust=node.trust, clearance=node.clearance, extra_routes=[portal]
    )


@pytest.fixture
def web(seeded_app: Litestar) -> Iterator[Client]:
    with TestClient(seeded_app) as test_client:
        yield test_client


def _sign_in(client: Client, token: str, form_token: Callable[[Client, str], str]) -> None:
    csrf = form_token(client, "/signin")
    response = client.post("/signin", data={"token": token, "next": "/", "csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def _ids(page: Page) -> set[str]:
    return {a["href"].rsplit("/", 1)[1] for a in page.all("a") if
            a.get("href", "").startswith("/declarations/CD")}  # fmt: skip


def test_the_seed_fills_a_day_with_every_lane(seeded: tuple[bootstrap.Node, SeedReport]) -> None:
    node, report = seeded
    assert 60 <= report.declarations <= 150
    assert {"green", "yellow", "red"} <= set(report.lanes)
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    outcomes = {(r.document.get("preference") or {}).get("outcome") for r in records}
    assert {"accepted", "accepted_with_discrepancies"} <= outcomes
    assert {r.office for r in records} == {"CNYYG", "CNPXG"}
    assert all(r.document["filed"]["importer"]["name"].endswith("(demo)") for r in records)


def test_seeding_twice_is_refused(
    seeded: tuple[bootstrap.Node, SeedReport], services: bootstrap.Services
) -> None:
    with pytest.raises(Conflict, match="already has declarations"):
        seed_node(seeded[0], services)


def test_a_visitor_is_sent_to_sign_in(web: Client) -> None:
    response = web.get("/declarations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/declarations"


def test_the_trader_sees_only_its_own_declarations(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    node, report = seeded
    _sign_in(web, report.tokens["trader"][2], form_token)
    listed = page(web.get("/declarations"))
    mine = _ids(listed)
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    own = {r.id for r in records if r.document["filed"]["importer"]["name"] == IMPORTERS[0]}
    assert mine == own and mine
    assert f"Declarations found: {len(own)}" in listed.text
    other = next(r.id for r in records if r.id not in own)
    assert web.get(f"/declarations/{other}").status_code == 404
    first = sorted(own)[0]
    detail = page(web.get(f"/declarations/{first}"))
    assert "Assessment" in detail.text and "Timeline" in detail.text
    # No officer's decision form (its own may be there: amend or cancel, by its status).
    assert not detail.all("form", action=f"/declarations/{first}/decision")
    assert "Record the decision" not in detail.text


def test_an_illustrative_total_is_labelled_in_the_list(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    node, report = seeded
    _sign_in(web, report.tokens["officer"][2], form_token)
    listed = page(web.get("/declarations"))
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    shown = _ids(listed)
    assert shown == {r.id for r in records}
    assessed = [r.document["assessment"] or {} for r in records]
    illustrative = [a for a in assessed if a.get("status") == "illustrative"]
    assert illustrative and listed.text.count("Illustrative") == len(illustrative)


def test_the_officer_releases_a_held_declaration(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _, report = seeded
    _sign_in(web, report.tokens["officer"][2], form_token)
    queue = page(web.get("/declarations", params={"status": "held_for_documents"}))
    assert "Why this lane" in queue.text  # each held declaration says why it was picked
    assert queue.all("td", lang="en", **{"class": "reason"})
    held = sorted(_ids(queue))[0]
    path = f"/declarations/{held}"
    detail = page(web.get(path))
    assert "Record the decision" in detail.text
    data = {"action": "release", "note": "ok (test)", "csrf_token": detail.csrf(),
            "version": detail.all("input", name="version")[0]["value"]}  # fmt: skip
    forged = web.post(f"{path}/decision", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert "held for documents" in page(web.get(path)).text
    response = web.post(f"{path}/decision", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{path}?decided=1"
    after = page(web.get(response.headers["location"]))
    assert "released" in after.text and "Record the decision" not in after.text
    assert "Your decision was recorded. The declaration is now released." in after.text


# --- lodging from the portal --------------------------------------------------------------------

DURIAN_FORM = {
    "office": "CNYYG",
    "declarant_name": IMPORTERS[0],
    "importer_name": IMPORTERS[0],
    "importer_country": "CN",
    "exporter_name": "Chanthaburi Durian Export (test)",
    "exporter_country": "TH",
    "transport_mode": "road",
    "vehicle_plate": "桂F·A1234",
    "container": "CSQU3054383",
    "currency": "CNY",
    "i-0-description": "Fresh durian (Monthong)",
    "i-0-line": "0810.60.00",
    "i-0-origin": "TH",
    "i-0-quantity": "18000",
    "i-0-unit": "kg",
    "i-0-net_mass": "18000",
    "i-0-value": "612000.00",
    "i-0-incoterm": "CIF",
    "action": "lodge",
}


def _lodge_page(web: Client, page: Callable[[Any], Page]) -> Page:
    response = web.get("/declarations/new")
    assert response.status_code == 200, response.text[:300]
    return page(response)


def _form_data(blank: Page, **changes: str) -> dict[str, str]:
    key = blank.all("input", name="idempotency_key")[0]["value"]
    return {**DURIAN_FORM, "csrf_token": blank.csrf(), "idempotency_key": key, **changes}


def test_only_traders_and_brokers_get_the_lodge_form(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    response = web.get("/declarations/new", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/declarations/new"
    _sign_in(web, seeded[1].tokens["officer"][2], form_token)
    assert web.get("/declarations/new").status_code == 403


def test_a_trader_lodges_a_typed_declaration_once(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    node, report = seeded
    _sign_in(web, report.tokens["trader"][2], form_token)
    listed = page(web.get("/declarations"))
    assert listed.all("a", href="/declarations/new")
    blank = _lodge_page(web, page)
    assert blank.all("input", name="declarant_name")[0]["value"] == IMPORTERS[0]
    assert blank.all("input", name="importer_name")[0]["value"] == IMPORTERS[0]
    data = _form_data(blank)
    response = web.post("/declarations/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith("/declarations/CD") and location.endswith("?lodged=1")
    declaration_id = location.split("/")[2].split("?")[0]
    detail = page(web.get(location))
    assert "Your declaration was lodged." in detail.text
    assert "0810.60.00" in detail.text or "MFN" in detail.text
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None and record.lane in {"green", "yellow", "red", "blue"}
    assert record.document["filed"]["transport"]["container"] == "CSQU3054383"
    # The same form sent again (a double click, a reload) lodges nothing new.
    again = web.post("/declarations/new", data=data, follow_redirects=False)
    assert again.headers["location"] == location
    assert declaration_id in _ids(page(web.get("/declarations")))
    # The form changed and sent with the same key: said plainly, with a fresh key to lodge anew.
    changed = web.post("/declarations/new", data={**data, "i-0-value": "1.00"})
    assert changed.status_code == 409
    refused = page(changed)
    assert "already sent and lodged" in refused.text
    assert refused.all("input", name="idempotency_key")[0]["value"] != data["idempotency_key"]


def test_a_typed_fob_value_is_lodged_with_its_freight(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    """The form offers the delivery terms the duty engine prices, and the freight and
    insurance an FOB value needs; an FOB value without its freight is refused next to it."""
    node, report = seeded
    _sign_in(web, report.tokens["trader"][2], form_token)
    blank = _lodge_page(web, page)
    offered = [o["value"] for o in blank.all("option") if o.get("value") in {"CIF", "FOB", "DAP"}]
    assert sorted(set(offered)) == ["CIF", "FOB"]  # DAP and the like cannot be priced
    assert not any(o.get("value") == "EXW" for o in blank.all("option"))
    fob = {"i-0-incoterm": "FOB", "i-0-value": "590000.00"}
    missing = web.post("/declarations/new", data=_form_data(blank, **fob))
    assert missing.status_code == 400
    shown = page(missing)
    assert shown.all("input", name="i-0-freight", **{"aria-invalid": "true"})
    assert "needs the freight" in shown.text and "--freight" not in shown.text
    data = _form_data(blank, **fob, **{"i-0-freight": "20000.00", "i-0-insurance": "2000.00"})
    response = web.post("/declarations/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    declaration_id = response.headers["location"].split("/")[2].split("?")[0]
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None
    item = record.document["filed"]["items"][0]
    assert item["freight"] == {"amount": "20000.00", "currency": "CNY"}
    assert item["insurance"] == {"amount": "2000.00", "currency": "CNY"}
    customs_value = record.document["assessment"]["items"][0]["customs_value"]
    assert customs_value["amount"] == "612000.00"  # 590,000 FOB + 20,000 freight + 2,000 insurance


def test_an_illustrative_step_of_the_working_is_labelled_on_its_row(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    """A car's consumption tax rests on a band not confirmed: its row of the working says so,
    and so does the total it is in; the duty's row, from an official rate, does not."""
    _sign_in(web, seeded[1].tokens["trader"][2], form_token)
    car = {"i-0-description": "Passenger car, 3.5 l", "i-0-line": "8703.24.29",
           "i-0-quantity": "2", "i-0-unit": "u", "i-0-net_mass": "3600",
           "i-0-value": "300000.00"}  # fmt: skip
    data = _form_data(_lodge_page(web, page), **car)
    response = web.post("/declarations/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    text = " ".join(page(web.get(response.headers["location"])).text.split())
    assert "Consumption tax Illustrative" in text
    assert "Total duty and taxes Illustrative" in text
    assert "Most-favoured-nation duty Illustrative" not in text
    assert "Most-favoured-nation duty" in text


def test_a_typed_declaration_with_mistakes_comes_back_with_messages(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _sign_in(web, seeded[1].tokens["trader"][2], form_token)
    blank = _lodge_page(web, page)
    missing = web.post("/declarations/new", data=_form_data(blank, office="", **{"i-0-line": ""}))
    assert missing.status_code == 400
    shown = page(missing)
    assert shown.all("input", name="office", **{"aria-invalid": "true"})
    assert shown.all("input", name="i-0-line", **{"aria-invalid": "true"})
    assert "Enter the national tariff line" in shown.text
    # An engine's error (a wrong check digit) lands on its field, the rest is kept.
    wrong = web.post("/declarations/new", data=_form_data(blank, container="CSQU3054384"))
    assert wrong.status_code == 400
    shown = page(wrong)
    assert shown.all("input", name="container", **{"aria-invalid": "true"})
    assert "check digit" in shown.text
    assert shown.all("input", name="i-0-value")[0]["value"] == "612000.00"
    # Errors of a later row land on that row, even with a blank row before it.
    rows = {k.replace("i-0-", "i-2-"): v for k, v in DURIAN_FORM.items() if k.startswith("i-0-")}
    data = {k: v for k, v in _form_data(blank).items() if not k.startswith("i-0-")}
    data |= rows | {"i-0-description": "", "i-2-unit": "furlong"}
    response = web.post("/declarations/new", data=data)
    assert response.status_code == 400
    # rows are renumbered in order: the blank first row stays, the item is the second
    assert page(response).all("input", name="i-1-unit", **{"aria-invalid": "true"})
    # Lodging for another party is refused next to the declarant.
    other = web.post("/declarations/new", data=_form_data(
        blank, declarant_name="Someone Else", importer_name="Someone Else"))  # fmt: skip
    assert other.status_code == 400
    assert page(other).all("input", name="declarant_name", **{"aria-invalid": "true"})


def test_item_rows_are_added_and_removed_without_script(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _sign_in(web, seeded[1].tokens["trader"][2], form_token)
    blank = _lodge_page(web, page)
    assert len(blank.all("input", name="i-2-line")) == 1
    more = page(web.post("/declarations/new", data=_form_data(blank, action="add_rows")))
    assert more.all("input", name="i-3-line") and not more.all("input", name="i-4-line")
    fewer = page(web.post("/declarations/new", data={**_form_data(blank), "remove": "0"}))
    assert not fewer.all("input", name="i-0-line", value="0810.60.00")


def test_a_trader_lodges_a_declaration_file(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _sign_in(web, seeded[1].tokens["trader"][2], form_token)
    blank = _lodge_page(web, page)
    example = (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(
        encoding="utf-8"
    )
    fields = {"csrf_token": blank.csrf(), "idempotency_key": "upload-test-1"}
    # The example names another importer and declarant: refused, the file's path in the message.
    refused = web.post(
        "/declarations/upload",
        data=fields,
        files={"declaration_file": ("durian.json", example, "application/json")},
    )
    assert refused.status_code == 400
    assert "neither the importer nor the declarant" in page(refused).text
    mine = example.replace("Guangxi Fresh Fruit Trading Co.", IMPORTERS[0])
    response = web.post(
        "/declarations/upload",
        data=fields,
        follow_redirects=False,
        files={"declaration_file": ("durian.json", mine, "application/json")},
    )
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"].endswith("?lodged=1")
    empty = web.post("/declarations/upload", data=fields)
    assert empty.status_code == 400 and "Choose a declaration file" in page(empty).text


def test_a_refused_decision_comes_back_with_its_reason(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _sign_in(web, seeded[1].tokens["officer"][2], form_token)
    queue = page(web.get("/declarations", params={"status": "held_for_inspection"}))
    path = f"/declarations/{sorted(_ids(queue))[0]}"
    detail = page(web.get(path))
    version = detail.all("input", name="version")[0]["value"]
    data = {"action": "inspect", "found": "yes", "what": "undeclared cartons",
            "revenue_recovered": "-5", "csrf_token": detail.csrf(), "version": version}  # fmt: skip
    response = web.post(f"{path}/decision", data=data)
    assert response.status_code == 400
    shown = page(response)
    assert shown.all("input", name="revenue_recovered", **{"aria-invalid": "true"})
    assert "must not be negative" in shown.text
    assert shown.all("input", name="what")[0]["value"] == "undeclared cartons"
    assert shown.all("input", name="found", value="yes")[0].get("checked") is not None
    # Something found, but not what: said next to "What was found".
    vague = web.post(f"{path}/decision", data={**data, "what": "", "revenue_recovered": ""})
    assert vague.status_code == 400
    assert page(vague).all("input", name="what", **{"aria-invalid": "true"})
    assert "say what the inspection found" in vague.text
    # Another officer decided meanwhile: the page comes back with its current state.
    stale = web.post(f"{path}/decision", data={**data, "revenue_recovered": "", "version": "0"})
    assert stale.status_code == 409
    assert "changed meanwhile" in page(stale).text
