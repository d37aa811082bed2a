"""The brokers' authorities in the portal (``/representations``): each role's view, granting
with refusals on the form, withdrawing with a confirmation step, the page's languages, and a
broker's lodging refused without an importer's authority and accepted with it, over a node of
its own (the clock at 2026-06-01, ``conftest.NOW``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.clearance.representation import Representation
from cafta.services.clearance import Lodge
from cafta.services.ports import Principal, Role
from cafta.services.tokens import issue_token
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import NOW, ROOT, SECRET, Page
from .test_amendments import _typed
from .test_language_switch import switch_of
from .test_pages import _unlabelled

Client = TestClient[Litestar]
Parse = Callable[[Any], Page]
IMPORTER = "Guangxi Fresh Fruit Trading Co."
OTHER_IMPORTER = "Nanning Tropical Fruits Co."
BROKER = "Pingxiang Border Brokers Co."
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
PARTIES = {
    "trader": (Role.TRADER, IMPORTER),
    "other_trader": (Role.TRADER, OTHER_IMPORTER),
    "broker": (Role.BROKER, BROKER),
    "officer": (Role.OFFICER, "Officer Li (CNYYG)"),
    "admin": (Role.ADMIN, "Analyst Wang"),
    "gate": (Role.GATE, "Gate 3 (CNYYG)"),
}


@pytest.fixture(scope="module")
def node(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[bootstrap.Node]:
    database = tmp_path_factory.mktemp("representations") / "cafta.db"
    opened = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=5)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def tokens(node: bootstrap.Node) -> dict[str, str]:
    store = StoredTokens(node.engine)
    return {name: issue_token(store, role, party, NOW) for name, (role, party) in PARTIES.items()}


@pytest.fixture(scope="module")
def portal_app(services: bootstrap.Services, node: bootstrap.Node) -> Litestar:
    tokens = StoredTokens(node.engine)
    portal = portal_router(services, tokens=tokens, trust=node.trust,
                           settings=PortalSettings(secret=SECRET), clearance=node.clearance,
                           representations=node.representations)  # fmt: skip
    return create_app(services, tokens=tokens, trust=node.trust, clearance=node.clearance,
                      representations=node.representations, extra_routes=[portal])  # fmt: skip


@pytest.fixture
def web(portal_app: Litestar) -> Iterator[Client]:
    with TestClient(portal_app) as test_client:
        yield test_client


def _sign_in(web: Client, token: str) -> None:
    csrf = Page.of(web.get("/signin").text).csrf()
    response = web.post("/signin", data={"token": token, "next": "/", "csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def _open(web: Client, page: Parse, path: str = "/representations", **params: str) -> Page:
    response = web.get(path, params=params)
    assert response.status_code == 200, response.text[:500]
    shown: Page = page(response)
    assert _unlabelled(shown) == []
    ids = [a["id"] for _, a in shown.elements if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique"
    assert len(shown.all("h1")) == 1
    return shown


def _grant(web: Client, page: Parse, lang: str | None = None, **fields: str) -> Any:
    csrf = _open(web, page, **({"lang": lang} if lang else {})).csrf()
    return web.post("/representations", data={"csrf_token": csrf, **fields},
                    follow_redirects=False)  # fmt: skip


def _granted(response: Any) -> str:
    assert response.status_code == 303, response.text[:800]
    location = str(response.headers["location"])
    assert location.startswith("/representations?granted=rep_"), location
    return location.split("=", 1)[1]


def _error(shown: Page, field: str) -> str:
    """The message next to ``field`` (which must say it is invalid)."""
    assert shown.all("input", id=f"f-{field}")[0].get("aria-invalid") == "true"
    start = shown.html.index(f'id="e-{field}"')
    return Page.of(shown.html[start : shown.html.index("</p>", start)].split(">", 1)[1]).text


def _stored(node: bootstrap.Node, representation_id: str) -> Representation:
    with node.uow(read_only=True) as uow:
        found = uow.representations.get(representation_id)
    assert found is not None
    return found


def _menu(shown: Page) -> dict[str, str]:
    start = shown.html.index('class="menu"')
    menu = Page.of(shown.html[start : shown.html.index("</nav>", start)])
    return {a["href"]: a.get("aria-current", "") for a in menu.all("a")}


# --- who sees the page ------------------------------------------------------------------------


def test_a_visitor_signs_in_first_and_a_gate_operator_is_refused(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    response = web.get("/representations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/representations"
    _sign_in(web, tokens["gate"])
    refused = web.get("/representations")
    assert refused.status_code == 403
    assert "Not allowed" in page(refused).text
    assert "/representations" not in _menu(page(web.get("/")))


@pytest.mark.parametrize(
    ("who", "label"),
    [("trader", "Brokers"), ("broker", "Authorities"), ("officer", "Authorities"),
     ("admin", "Authorities")],
)  # fmt: skip
def test_the_menu_names_the_page_for_each_role(
    web: Client, tokens: dict[str, str], page: Parse, who: str, label: str
) -> None:
    _sign_in(web, tokens[who])
    shown = _open(web, page)
    assert _menu(shown)["/representations"] == "page"
    link = shown.html[shown.html.index('href="/representations"') :]
    assert link.split(">", 1)[1].startswith(label + "</a>")


# --- a trader grants --------------------------------------------------------------------------


def test_the_trader_grants_a_broker_its_authority(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    blank = _open(web, page)
    assert blank.all("h1") and "Your customs brokers" in blank.text
    assert {a["name"] for a in blank.all("input") if a.get("id", "").startswith("f-")} == {
        "broker", "valid_from", "valid_until", "reference"}  # fmt: skip
    assert blank.all("input", name="valid_from")[0]["type"] == "date"
    new = _granted(_grant(web, page, broker=BROKER, valid_until="2026-12-31",
                          reference="WT-2026-0142"))  # fmt: skip
    stored = _stored(node, new)
    assert (stored.importer, stored.broker, stored.granted_by) == (IMPORTER, BROKER, IMPORTER)
    assert (stored.valid_from, stored.valid_until) == (date(2026, 6, 1), date(2026, 12, 31))
    shown = _open(web, page, granted=new)
    assert (f"The authority was recorded: {BROKER} may declare for {IMPORTER} from Jun 1, 2026."
            in shown.text)  # fmt: skip
    row = Page.of(shown.html[shown.html.index(f'<tr id="{new}"') :].split("</tr>", 1)[0]).text
    assert row == f"{BROKER} Jun 1, 2026 Dec 31, 2026 WT-2026-0142 in force Withdraw"
    link = shown.all("a", href=f"/representations/{new}/withdrawal")[0]
    assert link["aria-label"] == f"Withdraw the authority of {BROKER}"


def test_an_overlap_comes_back_on_the_form_with_what_was_typed(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    broker = "Dongxing Customs Services Ltd."
    _sign_in(web, tokens["trader"])
    typed = {"broker": broker, "valid_from": "2026-06-10", "reference": "WT-77"}
    first = _granted(_grant(web, page, **typed))
    # The same form sent again (a double click, a reload) lands where the first did.
    assert _granted(_grant(web, page, **typed)) == first
    response = _grant(web, page, broker=broker.upper(), valid_from="2026-07-01",
                      valid_until="2026-07-31", reference="WT-78")  # fmt: skip
    assert response.status_code == 409
    shown = page(response)
    assert _error(shown, "broker") == (
        f"{broker} already holds an authority from {IMPORTER} that covers some of these days "
        f"({first}, from Jun 10, 2026 until it is withdrawn). Withdraw that one first to change "
        "its days, or choose days that do not overlap."
    )
    assert shown.all("a", href="#f-broker")  # the summary links to the field
    kept = {name: shown.all("input", name=name)[0]["value"] for name in
            ("broker", "valid_from", "valid_until", "reference")}  # fmt: skip
    assert kept == {"broker": broker.upper(), "valid_from": "2026-07-01",
                    "valid_until": "2026-07-31", "reference": "WT-78"}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"broker": ""}, "broker",
         "Enter the customs broker's name, as on the declarations it lodges."),
        ({"broker": " guangxi  FRESH fruit trading co. "}, "broker",
         "This is the importer itself: an importer needs no authority to declare its own "
         "goods. Name the customs broker who declares for it."),
        ({"valid_from": "2026-08-01", "valid_until": "2026-07-01"}, "valid_until",
         "The last day is before the first."),
        ({"valid_until": "2026-05-31"}, "valid_until",
         "This last day has passed: an authority that has ended needs no recording. Give a "
         "later last day, or none for an authority that runs until it is withdrawn."),
        ({"valid_from": "1/6/2026"}, "valid_from",
         "Enter a date as YYYY-MM-DD, e.g. 2026-06-01."),
        ({"reference": "x" * 201}, "reference", "This is too long: at most 200 characters."),
    ],
)  # fmt: skip
def test_a_grant_refused_says_why_next_to_the_field(
    web: Client, tokens: dict[str, str], page: Parse,
    fields: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    _sign_in(web, tokens["trader"])
    response = _grant(web, page, **{"broker": "Some Broker Co.", **fields})
    assert response.status_code == 400
    assert _error(page(response), field) == message


def test_a_refusal_is_said_in_the_pages_language(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    web.get("/", params={"lang": "vi"})
    response = _grant(web, page, broker="Some Broker Co.", valid_from="2026-08-01",
                      valid_until="2026-07-01")  # fmt: skip
    shown = page(response)
    assert shown.lang() == "vi"
    assert _error(shown, "valid_until") == "Ngày cuối trước ngày đầu."


def test_switching_language_on_a_grant_form_keeps_what_was_typed_and_grants_nothing(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["trader"])
    refused = _grant(web, page, broker="Switching Broker Co.", valid_from="2026-08-01",
                     valid_until="2026-07-01")  # fmt: skip
    buttons, fields = switch_of(refused)
    assert fields["switch_language"] == "1" and fields["broker"] == "Switching Broker Co."
    again = web.post(buttons["vi"], data=fields, follow_redirects=False)
    shown = page(again)
    assert shown.lang() == "vi" and "Switching Broker Co." in shown.html
    assert _error(shown, "valid_until") == "Ngày cuối trước ngày đầu."
    # A form that would be granted, sent by the switch, is shown again, not granted.
    fields.update(valid_from="", valid_until="")
    shown_again = web.post(buttons["vi"], data=fields, follow_redirects=False)
    assert shown_again.status_code == 200
    with node.uow(read_only=True) as uow:
        assert not [r for r in uow.representations.list() if r.broker == "Switching Broker Co."]


# --- withdrawing ------------------------------------------------------------------------------


def test_the_trader_withdraws_an_authority_after_confirming(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    broker = "Youyiguan Clearing Agents Co."
    _sign_in(web, tokens["trader"])
    granted = _granted(_grant(web, page, broker=broker))
    listed = _open(web, page)
    path = f"/representations/{granted}/withdrawal"
    assert listed.all("a", href=path)
    confirm = _open(web, page, path)
    assert "Withdraw an authority" in confirm.text
    assert (f"From now on {broker} may no longer lodge, amend or cancel declarations for "
            f"{IMPORTER}.") in confirm.text  # fmt: skip
    assert confirm.all("form", action=path, method="post")
    response = web.post(path, data={"csrf_token": confirm.csrf()}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/representations?withdrawn={granted}"
    stored = _stored(node, granted)
    assert stored.revoked and stored.revoked_by == IMPORTER
    # Sent again (a reload): lands where the first did, changes nothing.
    again = web.post(path, data={"csrf_token": confirm.csrf()}, follow_redirects=False)
    assert again.status_code == 303 and _stored(node, granted).revoked_at == stored.revoked_at
    shown = _open(web, page, withdrawn=granted)
    assert f"The authority was withdrawn: {broker} may no longer declare for {IMPORTER}." in (
        shown.text
    )
    row = Page.of(shown.html[shown.html.index(f'<tr id="{granted}"') :].split("</tr>", 1)[0])
    assert "withdrawn on Jun 1, 2026" in row.text and not row.all("a")
    # The confirmation step of a withdrawn authority has nothing to send.
    after = _open(web, page, path)
    assert "This authority was withdrawn on Jun 1, 2026" in after.text
    assert not after.all("form", action=path)


def test_a_withdrawal_without_the_token_or_of_another_party_is_refused(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    theirs = node.representations.grant(Principal(Role.TRADER, OTHER_IMPORTER), "Some Broker Co.")
    _sign_in(web, tokens["trader"])
    path = f"/representations/{theirs.id}/withdrawal"
    assert web.get(path).status_code == 404
    csrf = _open(web, page).csrf()
    assert web.post(path, data={"csrf_token": csrf}).status_code == 404
    assert web.post(path, data={}).status_code == 403
    assert not _stored(node, theirs.id).revoked


# --- a broker ---------------------------------------------------------------------------------


def test_the_broker_sees_its_importers_and_gives_one_up(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    given = node.representations.grant(Principal(Role.TRADER, OTHER_IMPORTER), BROKER,
                                       valid_from=date(2026, 5, 1), reference="NN-1")  # fmt: skip
    coming = node.representations.grant(Principal(Role.TRADER, "Beihai Seafood Co."), BROKER,
                                        valid_from=date(2026, 9, 1))  # fmt: skip
    node.representations.grant(Principal(Role.TRADER, OTHER_IMPORTER), "Another Broker Co.")
    _sign_in(web, tokens["broker"])
    shown = _open(web, page)
    assert "Your authorities from importers" in shown.text
    assert not shown.all("form", action="/representations")  # a broker grants nothing
    assert "Another Broker Co." not in shown.text
    rows = {r: Page.of(shown.html[shown.html.index(f'<tr id="{r}"') :].split("</tr>", 1)[0]).text
            for r in (given.id, coming.id)}  # fmt: skip
    assert rows[given.id].startswith(f"{OTHER_IMPORTER} May 1, 2026 until withdrawn NN-1 in force")
    assert rows[coming.id].startswith("Beihai Seafood Co. Sep 1, 2026 until withdrawn – not yet")
    path = f"/representations/{given.id}/withdrawal"
    confirm = _open(web, page, path)
    assert "Give up an authority" in confirm.text and "Give up the authority" in confirm.text
    response = web.post(path, data={"csrf_token": confirm.csrf()}, follow_redirects=False)
    assert response.status_code == 303
    assert _stored(node, given.id).revoked_by == BROKER
    done = _open(web, page, withdrawn=given.id)
    assert f"You gave up the authority of {OTHER_IMPORTER}" in done.text


def test_an_officer_cannot_grant_or_withdraw(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    some = node.representations.grant(Principal(Role.TRADER, IMPORTER), "Officer Test Broker")
    _sign_in(web, tokens["officer"])
    shown = _open(web, page)
    assert not shown.all("form", action="/representations", method="post")
    assert not shown.all("a", href=f"/representations/{some.id}/withdrawal")
    assert web.get(f"/representations/{some.id}/withdrawal").status_code == 403
    csrf = shown.csrf()
    refused = web.post("/representations", data={"csrf_token": csrf, "broker": "X Co."})
    assert refused.status_code == 403
    assert web.post(f"/representations/{some.id}/withdrawal",
                    data={"csrf_token": csrf}).status_code == 403  # fmt: skip
    assert not _stored(node, some.id).revoked


# --- officers and administrators --------------------------------------------------------------


def test_officers_see_the_whole_register_with_filters(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    first = node.representations.grant(Principal(Role.TRADER, "Filter Importer A"), "Filter Broker")
    second = node.representations.grant(Principal(Role.TRADER, "Filter Importer B"),
                                        "Filter Broker")  # fmt: skip
    node.representations.revoke(second.id, Principal(Role.TRADER, "Filter Importer B"))
    _sign_in(web, tokens["officer"])
    everything = _open(web, page)
    assert "Register of brokers' authorities" in everything.text
    assert "Filter Importer A" in everything.text and IMPORTER in everything.text
    assert everything.all("tr", id=first.id) and not everything.all("tr", id=second.id)
    narrowed = _open(web, page, broker="filter  BROKER")
    assert narrowed.all("tr", id=first.id) and len(narrowed.all("tr")) == 2  # header and one
    assert narrowed.all("input", name="broker")[0]["value"] == "filter  BROKER"
    withdrawn = _open(web, page, broker="Filter Broker", include_withdrawn="1")
    assert withdrawn.all("tr", id=second.id) and withdrawn.all("tr", id=first.id)
    assert withdrawn.all("input", name="include_withdrawn")[0].get("checked") is not None
    one = _open(web, page, importer="Filter Importer B", include_withdrawn="1")
    row = Page.of(one.html[one.html.index(f'<tr id="{second.id}"') :].split("</tr>", 1)[0])
    assert row.text.endswith("withdrawn on Jun 1, 2026 Filter Importer B")  # recorded by


def test_an_administrator_records_a_written_authority(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["admin"])
    shown = _open(web, page)
    assert "Record a written authority" in shown.text
    missing = _grant(web, page, broker="Paper Broker Co.")
    assert missing.status_code == 400
    assert _error(page(missing), "importer") == "Enter the importer's name."
    made = _granted(_grant(web, page, importer="Paper Importer Co.", broker="Paper Broker Co.",
                           reference="LOA-9"))  # fmt: skip
    stored = _stored(node, made)
    assert (stored.importer, stored.granted_by) == ("Paper Importer Co.", "Analyst Wang")
    listed = _open(web, page)
    assert listed.all("a", href=f"/representations/{made}/withdrawal")


# --- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "who", "heading", "day"),
    [
        ("zh", "trader", "您的报关行", "2026年6月1日"),
        ("vi", "trader", "Đại lý hải quan của bạn", "1 thg 6, 2026"),
        ("zh", "broker", "您获得的进口商授权", "2026年5月1日"),
        ("vi", "officer", "Sổ đăng ký ủy quyền của đại lý hải quan", "1 thg 6, 2026"),
    ],
)
def test_the_page_in_chinese_and_vietnamese(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse,
    lang: str, who: str, heading: str, day: str,
) -> None:  # fmt: skip
    if who == "broker":
        node.representations.grant(Principal(Role.TRADER, "Language Importer"), BROKER,
                                   valid_from=date(2026, 5, 1))  # fmt: skip
    if who == "trader":
        node.representations.grant(Principal(Role.TRADER, IMPORTER), f"Language Broker {lang}")
    _sign_in(web, tokens[who])
    shown = _open(web, page, lang=lang)
    assert shown.lang() == {"zh": "zh-Hans", "vi": "vi"}[lang]
    h1 = shown.html[shown.html.index("<h1>") + 4 : shown.html.index("</h1>")]
    assert h1 == heading
    assert shown.title.startswith(heading)
    assert day in shown.text
    assert "in force" not in shown.text and "Withdraw" not in shown.text


# --- lodging as a broker ----------------------------------------------------------------------

LODGING = {
    "office": "CNYYG",
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


def _lodging_form(web: Client, page: Parse, **params: str) -> Page:
    response = web.get("/declarations/new", params=params)
    assert response.status_code == 200, response.text[:300]
    shown: Page = page(response)
    return shown


def _lodge(web: Client, blank: Page, importer: str) -> Any:
    data = {**LODGING, "csrf_token": blank.csrf(), "declarant_name": BROKER,
            "importer_name": importer, "numbers": blank.all("input", name="numbers")[0]["value"],
            "idempotency_key": blank.all("input", name="idempotency_key")[0]["value"]}  # fmt: skip
    return web.post("/declarations/new", data=data, follow_redirects=False)


def test_a_broker_lodges_only_with_the_importers_authority(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    importer = "Lodging Importer Co."
    _sign_in(web, tokens["broker"])
    blank = _lodging_form(web, page)
    refused = _lodge(web, blank, importer)
    assert refused.status_code == 403
    shown = page(refused)
    assert _error(shown, "importer_name") == (
        f"You hold no authority from {importer} to declare its goods on Jun 1, 2026. Only the "
        f"importer can give it: ask {importer} to add you as its customs broker on its Brokers "
        "page of this portal, or to have customs record its written authority. This form "
        "cannot grant it."
    )
    kept = {name: shown.all("input", name=name)[0]["value"] for name in
            ("importer_name", "exporter_name", "i-0-value")}  # fmt: skip
    assert kept == {"importer_name": importer, "exporter_name": LODGING["exporter_name"],
                    "i-0-value": "612000.00"}  # fmt: skip
    # In Chinese, the refusal is Chinese too.
    chinese = _lodge(web, _lodging_form(web, page, lang="zh"), importer)
    assert chinese.status_code == 403
    said = _error(page(chinese), "importer_name")
    assert importer in said and "2026年6月1日" in said and "授权" in said
    # The importer grants it on its Brokers page; the broker's form then offers it.
    _sign_in(web, _importer_token(node, importer))
    _granted(_grant(web, page, lang="en", broker=BROKER.lower()))
    _sign_in(web, tokens["broker"])
    offered = _lodging_form(web, page)
    field = offered.all("input", name="importer_name")[0]
    assert field["list"] == "importers"
    assert importer in {a["value"] for a in offered.all("option") if "value" in a}
    lodged = _lodge(web, offered, importer)
    assert lodged.status_code == 303, lodged.text[:800]
    declaration_id = str(lodged.headers["location"]).split("/")[2].split("?")[0]
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(declaration_id)
    assert record is not None
    filed = record.document["filed"]
    assert (filed["importer"]["name"], filed["declarant"]["name"]) == (importer, BROKER)


def test_a_broker_without_any_authority_is_told_so_on_the_lodging_form(
    web: Client, node: bootstrap.Node, page: Parse
) -> None:
    token = issue_token(StoredTokens(node.engine), Role.BROKER, "Brand New Brokers", NOW)
    _sign_in(web, token)
    blank = _lodging_form(web, page)
    assert not blank.all("datalist", id="importers")
    assert ("To declare for an importer you need its authority; you hold none today (see "
            "Authorities).") in blank.text  # fmt: skip


def test_an_uploaded_declaration_refused_for_want_of_authority(
    web: Client, tokens: dict[str, str], page: Parse
) -> None:
    _sign_in(web, tokens["broker"])
    blank = _lodging_form(web, page)
    document = json.dumps({
        "type": "import", "office": "CNYYG",
        "declarant": {"name": BROKER, "country": "CN"},
        "importer": {"name": "Upload Importer Co.", "country": "CN"},
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "transport": {"mode": "road"},
        "items": [{"line": "0810.60.00", "description": "Fresh durian", "origin": "TH",
                   "quantity": {"amount": "10", "unit": "kg"},
                   "net_mass": {"amount": "10", "unit": "kg"},
                   "value": {"amount": "1000.00", "currency": "CNY"}, "incoterm": "CIF"}],
    })  # fmt: skip
    response = web.post(
        "/declarations/upload",
        data={"csrf_token": blank.csrf(), "idempotency_key": "upload-no-authority"},
        files={"declaration_file": ("d.json", document, "application/json")},
    )
    assert response.status_code == 403
    shown = page(response)
    assert "You hold no authority from Upload Importer Co. to declare its goods" in shown.text


def _importer_token(node: bootstrap.Node, importer: str) -> str:
    return issue_token(StoredTokens(node.engine), Role.TRADER, importer, NOW)


# --- a broker's authority lapses: its declarations' forms -------------------------------------


def _durian_for(importer: str) -> dict[str, Any]:
    """The durian example (declared by the broker) for ``importer``."""
    document: dict[str, Any] = json.loads(DURIAN.read_text(encoding="utf-8"))
    document["importer"]["name"] = importer
    return document


def _lodged_by_broker(node: bootstrap.Node, importer: str) -> str:
    """The durian example, lodged by the broker for ``importer`` under an authority recorded
    for it: held for documents (its Form E was never received)."""
    document = _durian_for(importer)
    lodged = node.clearance.lodge(Lodge(document, Principal(Role.BROKER, BROKER)))
    assert lodged.declaration.status.value == "held_for_documents"
    return lodged.declaration.id


def _declarant_forms(shown: Page) -> set[str]:
    """The declaration's forms on ``shown`` (not the language switch, which sends a refused
    form again)."""
    return {f.get("action", "").rsplit("/", 1)[-1] for f in shown.all("form", method="post")
            if f.get("action", "").startswith("/declarations/CD")
            and f.get("id") != "language-switch"}  # fmt: skip


def test_a_broker_whose_authority_lapsed_is_told_why_it_cannot_amend_or_cancel(
    web: Client, node: bootstrap.Node, tokens: dict[str, str], page: Parse
) -> None:
    importer = "Lapsed Authority Importer Co."
    recorder = Principal(Role.ADMIN, "Analyst Wang")
    authority = node.representations.grant(recorder, BROKER, importer=importer)
    held = _lodged_by_broker(node, importer)
    path = f"/declarations/{held}"
    _sign_in(web, tokens["broker"])
    before = _open(web, page, path)
    assert _declarant_forms(before) == {"amendment", "cancellation"}
    assert not before.all("p", id="no-authority")
    typed = _typed(page(web.get(f"{path}/amend")))
    # The importer withdraws it while the broker's page is open.
    node.representations.revoke(authority.id, recorder)
    sent = {"csrf_token": before.csrf(), "version": "1"}
    expected = (
        f"You hold no authority from {importer} to declare its goods on Jun 1, 2026. Only the "
        f"importer can give it: ask {importer} to add you as its customs broker on its Brokers "
        "page of this portal, or to have customs record its written authority. This form "
        "cannot grant it."
    )

    shown = _open(web, page, path)
    assert _declarant_forms(shown) == set()
    assert "Edit and amend in a form" not in shown.text
    assert Page.of(shown.html.split('id="no-authority">', 1)[1].split("</p>")[0]).text == expected

    corrected = json.dumps(_durian_for(importer))
    refusals = {
        "cancellation": web.post(f"{path}/cancellation", data={**sent, "cancel_note": "x"}),
        "amendment": web.post(f"{path}/amendment", data=sent, files={
            "declaration_file": ("d.json", corrected, "application/json")}),
        "amend": web.post(f"{path}/amend", data=typed),
        "amend form": web.get(f"{path}/amend"),
    }  # fmt: skip
    for name, response in refusals.items():
        assert response.status_code == 403, (name, response.text[:500])
        refused = page(response)
        assert "Not allowed" not in refused.text, name
        alert = refused.html.split('role="alert"><p>', 1)[1].split("</p>")[0]
        assert Page.of(alert).text == expected, name
        assert not refused.all("p", id="no-authority"), name  # said once, above
        assert _declarant_forms(refused) == set(), name
    with node.uow(read_only=True) as uow:
        record = uow.declarations.get(held)
    assert record is not None and (record.status, record.version) == ("held_for_documents", 1)

    chinese = _open(web, page, path, lang="zh")
    said = Page.of(chinese.html.split('id="no-authority">', 1)[1].split("</p>")[0]).text
    assert importer in said and "2026年6月1日" in said and "授权" in said

    # Granted again, the forms come back; an officer never sees the sentence.
    node.representations.grant(recorder, BROKER, importer=importer)
    assert _declarant_forms(_open(web, page, path, lang="en")) == {"amendment", "cancellation"}
    _sign_in(web, tokens["officer"])
    assert not page(web.get(path)).all("p", id="no-authority")
