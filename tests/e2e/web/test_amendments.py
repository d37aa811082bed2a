"""The declarant's forms on a declaration's page: amend one held for documents by uploading the
corrected file, cancel one before release (CSRF-protected, safe to send twice, refusals shown on
the page), over a node of its own.

The durian example cites a Form E this node never received: the claim falls and the declaration
is held for documents (yellow lane). Without the claim it is released at once (green).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.services.clearance import Lodge
from cafta.services.ports import Principal, Role
from cafta.services.tokens import issue_token
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import NOW, ROOT, SECRET, Page

Client = TestClient[Litestar]
Parse = Callable[[Any], Page]
IMPORTER = "Guangxi Fresh Fruit Trading Co."
EXAMPLE = ROOT / "examples" / "declarations" / "durian-youyiguan.json"


@pytest.fixture(scope="module")
def node(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[bootstrap.Node]:
    database = tmp_path_factory.mktemp("amend") / "cafta.db"
    opened = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=5)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def tokens(node: bootstrap.Node) -> dict[str, str]:
    store = StoredTokens(node.engine)
    return {
        "trader": issue_token(store, Role.TRADER, IMPORTER, NOW),
        "stranger": issue_token(store, Role.TRADER, "Qingdao Harvest Foods Co., Ltd.", NOW),
        "officer": issue_token(store, Role.OFFICER, "Officer Li (CNYYG)", NOW),
    }


@pytest.fixture(scope="module")
def portal_app(services: bootstrap.Services, node: bootstrap.Node) -> Litestar:
    tokens = StoredTokens(node.engine)
    settings = PortalSettings(secret=SECRET)
    portal = portal_router(
        services, tokens=tokens, trust=node.trust, settings=settings, clearance=node.clearance
    )
    return create_app(
        services, tokens=tokens, trust=node.trust, clearance=node.clearance, extra_routes=[portal]
    )


@pytest.fixture
def web(portal_app: Litestar) -> Iterator[Client]:
    with TestClient(portal_app) as test_client:
        yield test_client


def _sign_in(web: Client, token: str) -> str:
    """Sign in with ``token``; the new CSRF field (signing in renews it)."""
    csrf = Page.of(web.get("/signin").text).csrf()
    response = web.post("/signin", data={"token": token, "next": "/", "csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]
    return Page.of(web.get("/").text).csrf()


def durian(claim: bool = True, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if not claim:
        del document["items"][0]["preference"]
    document.update(changes)
    return document


def _lodged(node: bootstrap.Node, document: dict[str, Any]) -> str:
    lodged = node.clearance.lodge(Lodge(document, Principal(Role.TRADER, IMPORTER)))
    return lodged.declaration.id


def _held(node: bootstrap.Node) -> str:
    declaration_id = _lodged(node, durian())
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None and (record.status, record.lane) == ("held_for_documents", "yellow")
    return declaration_id


def _open_held(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> tuple[str, str, dict[str, str]]:
    """A declaration held for documents, its page's path, signed in as its trader, and the
    fields every form of that page sends (the CSRF token and the version shown)."""
    held = _held(node)
    path = f"/declarations/{held}"
    _sign_in(web, tokens["trader"])
    return held, path, {"csrf_token": page(web.get(path)).csrf(), "version": "1"}


def _stored(node: bootstrap.Node, declaration_id: str) -> tuple[str, int]:
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None
    return record.status, record.version


def _file(document: object, name: str = "corrected.json") -> dict[str, Any]:
    return {"declaration_file": (name, json.dumps(document), "application/json")}


def _forms(page: Page) -> set[str]:
    return {f.get("action", "").rsplit("/", 1)[-1] for f in page.all("form", method="post")
            if f.get("action", "").startswith("/declarations/CD")}  # fmt: skip


def test_the_declarant_gets_the_forms_its_declaration_allows(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held = _held(node)
    red = _lodged(node, durian(transport={"mode": "road", "vehicle_plate": "ZZ-0000"}))
    released = _lodged(node, durian(claim=False))
    _sign_in(web, tokens["trader"])
    detail = page(web.get(f"/declarations/{held}"))
    assert _forms(detail) == {"amendment", "cancellation"}
    assert "Amend the declaration" in detail.text and "Cancel the declaration" in detail.text
    assert detail.all("input", name="declaration_file", type="file")
    assert {i["value"] for i in detail.all("input", name="version")} == {"1"}
    # Selected for inspection: not withdrawn by the declarant (an officer closes it).
    assert _forms(page(web.get(f"/declarations/{red}"))) == set()
    assert _forms(page(web.get(f"/declarations/{released}"))) == set()
    chinese = page(web.get(f"/declarations/{held}", params={"lang": "zh"}))
    assert "修改报关单" in chinese.text and "撤销报关单" in chinese.text
    # An officer decides; the declarant's forms are not for officers.
    _sign_in(web, tokens["officer"])
    assert _forms(page(web.get(f"/declarations/{held}", params={"lang": "en"}))) == {"decision"}


def test_a_declarant_amends_by_uploading_the_corrected_file_once(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held, path, form = _open_held(web, node, tokens, page)
    forged = web.post(f"{path}/amendment", data={**form, "csrf_token": "forged"},
                      files=_file(durian(claim=False)))  # fmt: skip
    assert forged.status_code == 403 and "form has expired" in forged.text
    assert _stored(node, held) == ("held_for_documents", 1)
    response = web.post(f"{path}/amendment", data=form, files=_file(durian(claim=False)),
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"{path}?amended=1"
    after = page(web.get(response.headers["location"]))
    assert "Your amendment was filed and the declaration was assessed again." in after.text
    # Without the claim nothing is left to check but the amendment: an officer does that.
    assert "It waits for a customs officer" in after.text and "DeclarationAmended" in after.text
    # The declarant reads what the lane means, never why it was chosen (customs' reasons).
    assert "yellow lane: held for a check of the documents" in after.text
    assert "amended after being held" not in after.text
    assert _stored(node, held) == ("held_for_documents", 2)
    # The same form sent again (a double click, a reload): nothing more is done.
    again = web.post(f"{path}/amendment", data=form, files=_file(durian(claim=False)),
                     follow_redirects=False)  # fmt: skip
    assert again.status_code == 303 and again.headers["location"] == f"{path}?amended=1"
    assert _stored(node, held) == ("held_for_documents", 2)


def test_an_amendment_still_falling_short_is_held_again(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held, path, form = _open_held(web, node, tokens, page)
    response = web.post(f"{path}/amendment", data=form, files=_file(durian(), "again.json"),
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:500]
    after = page(web.get(response.headers["location"]))
    assert "It waits for a customs officer" in after.text
    assert _forms(after) == {"amendment", "cancellation"}
    assert {i["value"] for i in after.all("input", name="version")} == {"2"}
    assert _stored(node, held) == ("held_for_documents", 2)
    # A YAML file is read as the lodging page reads one.
    corrected = "\n".join(f"{k}: {json.dumps(v)}" for k, v in durian(claim=False).items())
    form["version"] = "2"
    upload = {"declaration_file": ("corrected.yaml", corrected, "text/yaml")}
    done = web.post(f"{path}/amendment", data=form, files=upload, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    assert _stored(node, held) == ("held_for_documents", 3)


def test_a_refused_amendment_comes_back_on_the_page(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held, path, form = _open_held(web, node, tokens, page)
    empty = web.post(f"{path}/amendment", data=form)
    assert empty.status_code == 400
    shown = page(empty)
    assert "Choose the corrected declaration file" in shown.text
    assert shown.all("input", name="declaration_file", **{"aria-invalid": "true"})
    moved = web.post(f"{path}/amendment", data=form, files=_file(durian(office="CNPXG")))
    assert moved.status_code == 400
    assert "may not change the customs office or the importer" in page(moved).text
    broken = web.post(f"{path}/amendment", data=form,
                      files={"declaration_file": ("x.json", "{", "application/json")})  # fmt: skip
    assert broken.status_code == 400 and "not valid JSON" in page(broken).text
    wrong = durian(claim=False)
    wrong["items"][0]["origin"] = "Atlantis"
    typo = web.post(f"{path}/amendment", data=form, files=_file(wrong))
    assert typo.status_code == 400 and "items[0].origin" in page(typo).text
    stale = web.post(f"{path}/amendment", data={**form, "version": "7"},
                     files=_file(durian(claim=False)))  # fmt: skip
    assert stale.status_code == 409 and "changed meanwhile" in page(stale).text
    assert _stored(node, held) == ("held_for_documents", 1)
    form["csrf_token"] = _sign_in(web, tokens["stranger"])
    assert web.post(f"{path}/amendment", data=form, files=_file(durian())).status_code == 404
    form["csrf_token"] = _sign_in(web, tokens["officer"])
    refused = web.post(f"{path}/amendment", data=form, files=_file(durian()))
    assert refused.status_code == 403 and "form has expired" not in refused.text
    assert _stored(node, held) == ("held_for_documents", 1)


def test_a_declarant_cancels_with_a_note_once(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held, path, form = _open_held(web, node, tokens, page)
    form["cancel_note"] = "sold to another buyer"
    assert web.post(f"{path}/cancellation", data={**form, "csrf_token": "x"}).status_code == 403
    response = web.post(f"{path}/cancellation", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"{path}?cancelled=1"
    after = page(web.get(response.headers["location"]))
    assert "The declaration was cancelled." in after.text and "cancelled" in after.text
    assert "DeclarationCancelled" in after.text and _forms(after) == set()
    assert _stored(node, held) == ("cancelled", 2)
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(held)
    assert record is not None
    assert record.document["history"][-1]["detail"] == {"note": "sold to another buyer"}
    again = web.post(f"{path}/cancellation", data=form, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"{path}?cancelled=1"
    assert _stored(node, held) == ("cancelled", 2)


def test_a_refused_cancellation_comes_back_on_the_page(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    released = _lodged(node, durian(claim=False))
    held = _held(node)
    _sign_in(web, tokens["trader"])
    csrf = page(web.get(f"/declarations/{held}")).csrf()
    form = {"csrf_token": csrf, "version": "1", "cancel_note": "not needed"}
    late = web.post(f"/declarations/{released}/cancellation", data=form)
    assert late.status_code == 409
    assert "cannot cancel a declaration that is released" in page(late).text
    stale = web.post(f"/declarations/{held}/cancellation", data={**form, "version": "4"})
    assert stale.status_code == 409
    shown = page(stale)
    assert "changed meanwhile" in shown.text
    assert shown.all("input", name="cancel_note")[0]["value"] == "not needed"
    assert _stored(node, held) == ("held_for_documents", 1)
    form["csrf_token"] = _sign_in(web, tokens["stranger"])
    assert web.post(f"/declarations/{held}/cancellation", data=form).status_code == 404
    form["csrf_token"] = _sign_in(web, tokens["officer"])
    refused = web.post(f"/declarations/{held}/cancellation", data=form)
    assert refused.status_code == 403 and "form has expired" not in refused.text
    assert _stored(node, held) == ("held_for_documents", 1)


def _typed(shown: Page) -> dict[str, str]:
    """What the browser sends with the declaration form of ``shown``: its inputs, and the
    chosen option of each drop-down list (its first when none is chosen)."""
    sent: dict[str, str] = {}
    inside = False
    listing: str | None = None
    for tag, attrs in shown.elements:
        if tag == "form":
            inside = attrs.get("id") == "declaration-form"
        if not inside:
            continue
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "submit"):
            sent[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            listing = attrs["name"]
        elif tag == "datalist":
            listing = None
        elif tag == "option" and listing and ("selected" in attrs or listing not in sent):
            sent[listing] = attrs.get("value", "")
    return sent


def _filed(node: bootstrap.Node, declaration_id: str) -> dict[str, Any]:
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None
    filed: dict[str, Any] = record.document["filed"]
    return filed


def test_the_amend_form_shows_what_was_declared(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held = _held(node)
    _sign_in(web, tokens["trader"])
    detail = page(web.get(f"/declarations/{held}"))
    assert detail.all("a", href=f"/declarations/{held}/amend")
    assert "Edit and amend in a form" in detail.text
    shown = page(web.get(f"/declarations/{held}/amend"))
    assert f"Amend declaration {held}" in shown.title and "from the start" in shown.text
    assert shown.all("form", action=f"/declarations/{held}/amend", method="post")
    sent = _typed(shown)
    assert sent["csrf_token"] and sent["version"] == "1" and "idempotency_key" not in sent
    assert sent["i-0-value"] == "612000.00" and sent["container"] == "CSQU3054383"
    assert sent["i-0-certificate"] == "E2026TH-7WACPJX52Z" and sent["i-0-line"] == "0810.60.00"
    assert (sent["office"], sent["exporter_country"], sent["currency"]) == ("CNYYG", "TH", "CNY")
    assert sent["declarant_name"] == "Pingxiang Border Brokers Co."
    assert sent["declarant_country"] == "CN"  # kept although the form has no field for it
    assert "readonly" in shown.all("input", name="office")[0]
    assert "readonly" in shown.all("input", name="importer_name")[0]
    assert "cannot show everything" not in shown.text  # the form carries all of it
    assert not shown.all("form", action="/declarations/upload")
    chinese = page(web.get(f"/declarations/{held}/amend", params={"lang": "zh"}))
    assert f"修改报关单 {held}" in chinese.text
    # An FOB value's freight and insurance are in the form, and sent back as they were.
    fob = durian()
    fob["items"][0].update(incoterm="FOB", freight={"amount": "1200.00", "currency": "CNY"},
                           insurance={"amount": "300.00", "currency": "CNY"})  # fmt: skip
    shown = page(web.get(f"/declarations/{_lodged(node, fob)}/amend", params={"lang": "en"}))
    sent = _typed(shown)
    assert (sent["i-0-incoterm"], sent["i-0-freight"], sent["i-0-insurance"]) == (
        "FOB", "1200.00", "300.00")  # fmt: skip
    assert "cannot show everything" not in shown.text
    # A declaration filed with what the form has no field for says what would be dropped.
    extra = durian()
    extra["items"][0].update(net_mass={"amount": "18", "unit": "t"})
    other = _lodged(node, extra)
    warned = page(web.get(f"/declarations/{other}/amend", params={"lang": "en"}))
    assert "cannot show everything" in warned.text and "items[0].net_mass" in warned.text


def test_a_declarant_amends_in_the_form_once(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held = _held(node)
    path = f"/declarations/{held}"
    _sign_in(web, tokens["trader"])
    form = {**_typed(page(web.get(f"{path}/amend"))), "i-0-value": "598000.00"}
    forged = web.post(f"{path}/amend", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403 and "form has expired" in forged.text
    response = web.post(f"{path}/amend", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"{path}?amended=1"
    after = page(web.get(response.headers["location"]))
    assert "Your amendment was filed and the declaration was assessed again." in after.text
    assert "DeclarationAmended" in after.text
    # Still without its Form E, so held for documents again, on version 2.
    assert _stored(node, held) == ("held_for_documents", 2)
    filed = _filed(node, held)
    assert filed["items"][0]["value"] == {"amount": "598000.00", "currency": "CNY"}
    assert filed["transport"]["container"] == "CSQU3054383"
    assert filed["declarant"] == {"name": "Pingxiang Border Brokers Co.", "country": "CN"}
    # The same form sent again (a double click, a reload): nothing more is done.
    again = web.post(f"{path}/amend", data=form, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"{path}?amended=1"
    assert _stored(node, held) == ("held_for_documents", 2)
    # The next form amends version 2: without the claim; an officer checks it all the same.
    form = {**_typed(page(web.get(f"{path}/amend"))), "i-0-certificate": ""}
    assert form["version"] == "2" and form["i-0-value"] == "598000.00"
    done = web.post(f"{path}/amend", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    assert "It waits for a customs officer" in page(web.get(done.headers["location"])).text
    assert _stored(node, held) == ("held_for_documents", 3)


def test_a_mistake_in_the_amend_form_comes_back_on_its_field(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held = _held(node)
    path = f"/declarations/{held}"
    _sign_in(web, tokens["trader"])
    form = _typed(page(web.get(f"{path}/amend")))
    typed = {**form, "i-0-value": "598000.00", "container": "CSQU3054384"}
    typo = web.post(f"{path}/amend", data=typed)
    assert typo.status_code == 400
    shown = page(typo)
    assert shown.all("input", name="container", **{"aria-invalid": "true"})
    assert shown.all("input", name="container")[0]["value"] == "CSQU3054384"
    assert shown.all("input", name="i-0-value")[0]["value"] == "598000.00"
    assert shown.all("input", name="version")[0]["value"] == "1"
    assert shown.all("form", action=f"{path}/amend")
    empty = page(web.post(f"{path}/amend", data={**form, "exporter_name": ""}))
    assert "Enter the exporter's name." in empty.text
    assert empty.all("input", name="exporter_name", **{"aria-invalid": "true"})
    moved = web.post(f"{path}/amend", data={**form, "office": "CNPXG"})
    assert moved.status_code == 400
    assert "may not change the customs office or the importer" in page(moved).text
    # Rows are added and removed as on the lodging page, on the same version.
    more = page(web.post(f"{path}/amend", data={**form, "action": "add_rows"}))
    assert len(more.all("fieldset", **{"data-row": "3"})) == 1
    assert more.all("input", name="version")[0]["value"] == "1"
    assert _stored(node, held) == ("held_for_documents", 1)


def test_the_amend_form_is_only_for_the_declarant_while_held(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    held = _held(node)
    released = _lodged(node, durian(claim=False))
    path = f"/declarations/{held}"
    anonymous = web.get(f"{path}/amend", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    _sign_in(web, tokens["trader"])
    form = _typed(page(web.get(f"{path}/amend")))
    late = web.get(f"/declarations/{released}/amend")
    assert late.status_code == 409
    shown = page(late)
    assert "can no longer be amended: only a declaration held for documents" in shown.text
    # Said as a notice: the page has no form to check (it said "Please check the form").
    assert "Please check the form" not in shown.text and not _forms(shown)
    assert "can no longer be amended" in shown.html.split('class="notice" role="alert"')[1]
    stale = web.post(f"{path}/amend", data={**form, "version": "7", "i-0-value": "1.00"})
    assert stale.status_code == 409 and "changed meanwhile" in page(stale).text
    assert "Please check the form" not in page(stale).text
    assert _stored(node, held) == ("held_for_documents", 1)
    form["csrf_token"] = _sign_in(web, tokens["stranger"])
    assert web.get(f"{path}/amend").status_code == 404
    assert web.post(f"{path}/amend", data=form).status_code == 404
    form["csrf_token"] = _sign_in(web, tokens["officer"])
    assert web.get(f"{path}/amend").status_code == 403
    refused = web.post(f"{path}/amend", data=form)
    assert refused.status_code == 403 and "form has expired" not in refused.text
    assert _stored(node, held) == ("held_for_documents", 1)
