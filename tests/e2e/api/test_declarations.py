"""Declarations over HTTP against a real node: a SQLite database, the stored trust list and
tokens, and the clearance pipeline with its engines.

The importer of the durian example lodges; another trader must not see its declarations; two
officers decide. The clock stands at 2026-06-01 (the day the example Form E is issued).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import delete

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer
from cafta.adapters.storage.tables import tokens as token_table
from cafta.adapters.storage.token_source import StoredTokens
from cafta.adapters.storage.trust_source import records_of
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.api.app import create_app
from cafta.api.declaration_schemas import DeclarationView
from cafta.api.declarations import summary_of
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.clearance.declaration import Declaration
from cafta.config import Settings
from cafta.services.ports import DeclarationFilter, Role
from cafta.services.tokens import InMemoryTokenStore, hash_token, issue_token
from cafta.services.views import summary_view

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
URL = "/api/v1/declarations"
IMPORTER = "Guangxi Fresh Fruit Trading Co."
BROKER = "Pingxiang Border Brokers Co."

Client = TestClient[Litestar]
Headers = dict[str, str]
ProblemCheck = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def thai_key() -> Ed25519Signer:
    """Thailand's issuing authority's key (a throw-away one)."""
    return Ed25519Signer.generate()


@pytest.fixture(scope="module")
def node(
    tmp_path_factory: pytest.TempPathFactory,
    services: bootstrap.Services,
    thai_key: Ed25519Signer,
) -> Iterator[bootstrap.Node]:
    """A node on a new SQLite database, trusting the Thai authority's key."""
    database = tmp_path_factory.mktemp("node") / "cafta.db"
    opened = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=11)
    authority = IssuingAuthority("TH-DFT", "TH", "Department of Foreign Trade")
    trust = TrustList((authority,), (TrustedKey(authority, thai_key.public_key),), party="CN")
    with SqlUnitOfWork(opened.engine) as uow:
        uow.trusted_keys.add_many(records_of(trust), NOW)
        uow.commit()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def tokens(node: bootstrap.Node) -> StoredTokens:
    return StoredTokens(node.engine)


@pytest.fixture(scope="module")
def client(
    services: bootstrap.Services, node: bootstrap.Node, tokens: StoredTokens
) -> Iterator[Client]:
    app = create_app(services, tokens=tokens, trust=node.trust, clearance=node.clearance)
    with TestClient(app) as test_client:
        yield test_client


def _bearer(tokens: StoredTokens, role: Role, party: str) -> Headers:
    return {"Authorization": f"Bearer {issue_token(tokens, role, party, NOW)}"}


@pytest.fixture(scope="module")
def trader(tokens: StoredTokens) -> Headers:
    """The durian example's importer."""
    return _bearer(tokens, Role.TRADER, IMPORTER)


@pytest.fixture(scope="module")
def other_trader(tokens: StoredTokens) -> Headers:
    return _bearer(tokens, Role.TRADER, "Qingdao Harvest Foods Co., Ltd.")


@pytest.fixture(scope="module")
def officer(tokens: StoredTokens) -> Headers:
    return _bearer(tokens, Role.OFFICER, "Officer Li (CNYYG)")


@pytest.fixture(scope="module")
def second_officer(tokens: StoredTokens) -> Headers:
    return _bearer(tokens, Role.OFFICER, "Officer Wang (CNYYG)")


@pytest.fixture(scope="module")
def broker(tokens: StoredTokens) -> Headers:
    """The durian example's declarant."""
    return _bearer(tokens, Role.BROKER, BROKER)


@pytest.fixture(scope="module")
def admin(tokens: StoredTokens) -> Headers:
    return _bearer(tokens, Role.ADMIN, "CAFTA node operations")


def durian(**item: Any) -> dict[str, Any]:
    """The durian example without its Form E claim (so MFN), with ``item`` changes."""
    document: dict[str, Any] = json.loads(
        (EXAMPLES / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
    )
    line = document["items"][0]
    del line["preference"]
    line.update(item)
    return document


def held(client: Client, trader: Headers) -> dict[str, Any]:
    """A declaration in the red lane: its truck is on the (illustrative) watch-list."""
    document = durian()
    document["transport"]["vehicle_plate"] = "ZZ-0000"
    response = client.post(URL, json=document, headers=trader)
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    assert (view["status"], view["lane"]) == ("held_for_inspection", "red")
    return view


# --- lodging ----------------------------------------------------------------------------------


def test_a_durian_truck_without_a_form_e_is_lodged_at_mfn(client: Client, trader: Headers) -> None:
    response = client.post(URL, json=durian(), headers=trader)
    assert response.status_code == 201, response.text
    view = response.json()
    assert response.headers["location"] == f"{URL}/{view['id']}"
    assert response.headers["etag"] == '"1"'
    assert "idempotent-replayed" not in response.headers
    assert view["id"].startswith("CD20260601-") and view["version"] == 1
    assert (view["office"], view["importer"]) == ("CNYYG", IMPORTER)
    assert view["status"] == "released" and view["lane"] == "green"
    assessment = view["assessment"]
    assert (assessment["currency"], assessment["duty"]) == ("CNY", "122400.00")  # 20% MFN
    assert assessment["vat"] == "66096.00"  # 9% of value + duty
    assert assessment["total"] == "188496.00" == view["total"]
    item = assessment["items"][0]
    assert (item["regime"], item["preference"]) == ("MFN", "not claimed")
    assert item["working"][0]["step"] == "customs_value"
    assert view["goods"][0]["line"] == "0810.60.00"
    assert view["preference"] is None and isinstance(view["reasons"], list)
    assert [e["event"] for e in view["timeline"]][-1] == "GoodsReleased"

    again = client.get(response.headers["location"], headers=trader)
    assert again.status_code == 200
    assert again.json() == view and again.headers["etag"] == '"1"'


def test_a_retry_with_the_same_key_answers_the_first_declaration(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    headers = {**trader, "Idempotency-Key": "truck-70-1234/2026-06-01"}
    first = client.post(URL, json=durian(), headers=headers)
    assert first.status_code == 201, first.text
    retry = client.post(URL, json=durian(), headers=headers)
    assert retry.status_code == 200, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]

    other = client.post(URL, json=durian(description="Frozen durian"), headers=headers)
    expect_problem(other, 409, "idempotency.key_reused")


@pytest.mark.parametrize("key", ["", " leading", "x" * 201, "clé".encode("latin-1"), "tab\tin"])
def test_an_unusable_idempotency_key_is_a_400(
    client: Client, trader: Headers, expect_problem: ProblemCheck, key: str | bytes
) -> None:
    headers: dict[str, str | bytes] = {**trader, "Idempotency-Key": key}
    response = client.post(URL, content=json.dumps(durian()).encode(), headers=headers)
    body = expect_problem(response, 400)
    assert body["errors"][0]["field"] == "Idempotency-Key"


def test_an_invalid_document_names_the_field(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    document = durian(value={"amount": "612,000.00", "currency": "CNY"})
    body = expect_problem(client.post(URL, json=document, headers=trader), 400)
    assert body["errors"][0]["field"] == "items[0].value.amount"

    document = durian(value={"amount": 612000, "currency": "CNY"})
    body = expect_problem(client.post(URL, json=document, headers=trader), 400, "request.invalid")
    assert body["errors"][0]["field"] == "items[0].value.amount"

    document = durian(origin="Atlantis")
    body = expect_problem(client.post(URL, json=document, headers=trader), 400)
    assert body["errors"][0]["field"] == "items[0].origin"

    document = durian()
    document["office"] = "CN1YG"
    body = expect_problem(client.post(URL, json=document, headers=trader), 400)
    assert body["errors"][0]["field"] == "office"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (b'"office": "CNYYG",', b'"office": "CNYYG", "office": "CNPXG",', "office"),
        (b'"amount": "612000.00",', b'"amount": "612000.00", "amount": "1.00",',
         "items[0].value.amount"),
        (b'"mode": "road",', b'"mode": "road", "mode": "road",', "transport.mode"),
    ],
)  # fmt: skip
def test_a_member_given_twice_is_refused_and_nothing_is_lodged(
    client: Client,
    trader: Headers,
    expect_problem: ProblemCheck,
    old: bytes,
    new: bytes,
    field: str,
) -> None:
    """A declaration whose office, or an item's value, is given twice was lodged with the last
    one, whatever the declarant meant: now a 400 naming the member, before anything is done."""
    text = (EXAMPLES / "declarations" / "durian-youyiguan.json").read_bytes()
    assert text.count(old) == 1
    headers = {**trader, "Content-Type": "application/json"}
    before = client.get(URL, headers=trader).json()["total"]
    for where in (URL, f"{URL}/{held_for_documents(client, trader)['id']}/amendments"):
        response = client.post(where, content=text.replace(old, new), headers=headers)
        body = expect_problem(response, 400, "request.duplicate_member")
        assert [e["field"] for e in body["errors"]] == [field]
    assert client.get(URL, headers=trader).json()["total"] == before + 1  # the held one only


_RUBBER = {"line": "4001.21.00", "description": "Smoked sheets of natural rubber", "origin": "TH",
           "quantity": {"amount": "20000", "unit": "kg"},
           "value": {"amount": "160000.00", "currency": "CNY"}, "incoterm": "CIF"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"incoterm": "FOB"}, "items[1].freight", "duty.freight_required"),
        ({"incoterm": "FOB", "freight": {"amount": "900", "currency": "USD"}},
         "items[1].freight.currency", "duty.currency_mismatch"),
        ({"freight": {"amount": "900", "currency": "CNY"}}, "items[1].freight",
         "duty.freight_with_cif"),
        ({"quantity": {"amount": "40", "unit": "u"}}, "items[1].quantity.unit",
         "quantity.incompatible_unit"),
        ({"line": "4001.22"}, "items[1].line", "tariff.no_measures"),
        ({"line": "9801.00.00"}, "items[1].line", "hs.unknown"),
        ({"value": {"amount": "9000000", "currency": "XAF"}}, "items[1].value.currency",
         "fx.rate_unavailable"),
        ({"value": {"amount": "9000000", "currency": "RUB"}}, "items[1].value.currency",
         "fx.rate_unavailable"),
        ({"value": {"amount": "999999999999999999", "currency": "CNY"}}, "items[1].value.amount",
         "money.too_large"),
        ({"line": "8507.60"}, "items[1].line", "tariff.ambiguous_line"),
    ],
)  # fmt: skip
def test_an_item_that_cannot_be_priced_is_a_400_naming_its_field(
    client: Client,
    trader: Headers,
    expect_problem: ProblemCheck,
    change: dict[str, Any],
    field: str,
    code: str,
) -> None:
    """What only pricing finds out (the freight an FOB value needs, a unit the duty cannot be
    charged in, a line without a rate, a currency without one) names the item's field, as the
    document's checks do, and its hint speaks of the document's fields, not of command-line
    options."""
    document = durian()
    document["items"].append({**_RUBBER, **change})
    body = expect_problem(client.post(URL, json=document, headers=trader), 400, code)
    assert body["errors"] == [{"field": field, "message": body["errors"][0]["message"]}]
    assert body["detail"].startswith(f"{field}: ") and "--" not in body["detail"]
    if code == "tariff.ambiguous_line":
        assert [c["line"] for c in body["details"]["lines"]] == ["8507600030", "8507600090"]


@pytest.mark.parametrize(
    ("office", "code", "words"),
    [("XXYYG", "declaration.unknown_office", "'XX' is not a country's code"),
     ("JPTYO", "declaration.office_not_served", "clears imports into BN, CN, ID")],
)  # fmt: skip
def test_an_office_this_node_does_not_serve_is_a_400_on_office(
    client: Client,
    trader: Headers,
    expect_problem: ProblemCheck,
    office: str,
    code: str,
    words: str,
) -> None:
    """It used to be a 404 about a country, or a 400 blaming the first item's line."""
    document = durian()
    document["office"] = office
    body = expect_problem(client.post(URL, json=document, headers=trader), 400, code)
    assert body["errors"] == [{"field": "office", "message": body["errors"][0]["message"]}]
    assert words in body["detail"]


@pytest.mark.parametrize("office", ["", "%20", "%09"])
def test_an_empty_office_filter_is_said_to_be_empty(
    client: Client, officer: Headers, expect_problem: ProblemCheck, office: str
) -> None:
    body = expect_problem(client.get(f"{URL}?office={office}", headers=officer), 400,
                          "request.empty_parameter")  # fmt: skip
    assert body["errors"] == [{"field": "office", "message": "is empty"}]
    assert "leave office out" in body["detail"]


def test_only_the_importer_or_the_declarant_may_lodge(
    client: Client, other_trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    body = expect_problem(client.post(URL, json=durian(), headers=other_trader), 400)
    assert body["code"] == "declaration.not_your_party"
    expect_problem(client.post(URL, json=durian(), headers=officer), 403, "auth.forbidden")
    # A trader naming itself the declarant of another importer's goods: a broker's trade (it
    # could use up that importer's Form E).
    posing = durian()
    posing["declarant"] = {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"}
    body = expect_problem(client.post(URL, json=posing, headers=other_trader), 400,
                          "declaration.not_your_party")  # fmt: skip
    assert "a trader, who is not the importer" in body["detail"]
    assert body["errors"][0]["field"] == "declarant.name"


def test_an_embedded_form_e_gives_the_acfta_rate(
    client: Client, trader: Headers, thai_key: Ed25519Signer
) -> None:
    request = json.loads((EXAMPLES / "form-e" / "durian-th.json").read_text(encoding="utf-8"))
    _, envelope = issue(request, thai_key)
    document = durian(preference={"scheme": "ACFTA", "certificate": envelope})
    response = client.post(URL, json=document, headers=trader)
    assert response.status_code == 201, response.text
    view = response.json()
    item = view["assessment"]["items"][0]
    assert (item["regime"], item["preference"]) == ("ACFTA", "granted")
    assert view["assessment"]["duty"] == "0.00" and view["assessment"]["vat"] == "55080.00"
    assert view["preference"]["outcome"] == "accepted"
    assert view["goods"][0]["preference"]["certificate"] == "(signed Form E attached)"


# --- reading ----------------------------------------------------------------------------------


def test_traders_see_only_their_own_declarations(
    client: Client, trader: Headers, other_trader: Headers, expect_problem: ProblemCheck
) -> None:
    lodged = client.post(URL, json=durian(), headers=trader).json()
    expect_problem(
        client.get(f"{URL}/{lodged['id']}", headers=other_trader), 404, "declaration.not_found"
    )
    mine = client.get(URL, headers=trader).json()
    assert lodged["id"] in {d["id"] for d in mine["items"]}
    assert {d["importer"] for d in mine["items"]} == {IMPORTER}
    assert client.get(URL, headers=other_trader).json() == {
        "items": [],
        "limit": 50,
        "offset": 0,
        "total": 0,
    }


@pytest.mark.parametrize("declaration_id", ["CD20260601-NOSUCH0000", "x" * 300, "%00", "a b"])
def test_an_unknown_id_is_a_404(
    client: Client, officer: Headers, expect_problem: ProblemCheck, declaration_id: str
) -> None:
    expect_problem(client.get(f"{URL}/{declaration_id}", headers=officer), 404)


def test_the_officers_queue_is_filtered_by_status_lane_and_office(
    client: Client, trader: Headers, officer: Headers
) -> None:
    assert client.post(URL, json=durian(), headers=trader).json()["lane"] == "green"
    red = held(client, trader)
    query = {"status": "held_for_inspection", "office": "cn yyg", "limit": "500"}
    queue = client.get(URL, params=query, headers=officer).json()
    assert queue["limit"] == 500 and queue["offset"] == 0
    assert queue["total"] == len(queue["items"])  # all on one page
    assert red["id"] in {d["id"] for d in queue["items"]}
    assert {d["status"] for d in queue["items"]} == {"held_for_inspection"}
    summary = next(d for d in queue["items"] if d["id"] == red["id"])
    assert set(summary) == {"id", "office", "status", "lane", "importer", "declarant",
                            "lodged_at", "items", "total", "currency", "assessment_status",
                            "version"}  # fmt: skip
    # The durian's 20% MFN rate is official; a total resting on an illustrative rate says so.
    assert summary["assessment_status"] == "official"
    green = client.get(URL, params={"lane": "green", "limit": "1"}, headers=officer).json()
    assert len(green["items"]) == 1 and green["items"][0]["lane"] == "green"
    every_green = client.get(URL, params={"lane": "green", "limit": "500"}, headers=officer)
    assert green["total"] == len(every_green.json()["items"]) >= 1
    elsewhere = client.get(URL, params={"office": "VNLSN"}, headers=officer).json()
    assert elsewhere["items"] == []
    page = client.get(URL, params={"offset": "1000000"}, headers=officer).json()
    assert page["items"] == [] and page["offset"] == 1_000_000
    assert page["total"] >= 2  # the count does not depend on the page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "held"}, "status"),
        ({"lane": "purple"}, "lane"),
        ({"office": "CN1YG"}, "office"),
        ({"office": "Youyiguan"}, "office"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(
    client: Client,
    officer: Headers,
    expect_problem: ProblemCheck,
    query: dict[str, str],
    field: str,
) -> None:
    body = expect_problem(client.get(URL, params=query, headers=officer), 400)
    assert body["errors"][0]["field"] == field


# --- decisions --------------------------------------------------------------------------------


def test_an_officer_inspects_and_releases(
    client: Client, trader: Headers, officer: Headers
) -> None:
    red = held(client, trader)
    where = f"{URL}/{red['id']}/decisions"
    outcome = {"found": False, "what": "seals intact, 1200 cartons counted"}
    inspected = client.post(
        where,
        json={"action": "inspect", "note": "physical check", "outcome": outcome},
        headers={**officer, "If-Match": '"1"'},
    )
    assert inspected.status_code == 200, inspected.text
    assert inspected.headers["etag"] == '"2"'
    view = inspected.json()
    assert view["inspection"] == {**outcome, "revenue_recovered": None}
    released = client.post(where, json={"action": "release"}, headers=officer)
    assert released.status_code == 200, released.text
    assert (released.json()["status"], released.json()["version"]) == ("released", 3)
    events = [e["event"] for e in released.json()["timeline"]]
    assert events[-2:] == ["InspectionRecorded", "GoodsReleased"]
    mine = client.get(f"{URL}/{red['id']}", headers=trader)
    assert mine.json()["status"] == "released" and mine.headers["etag"] == '"3"'


def test_only_officers_decide(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    red = held(client, trader)
    response = client.post(f"{URL}/{red['id']}/decisions", json={"action": "release"},
                           headers=trader)  # fmt: skip
    expect_problem(response, 403, "auth.forbidden")


def test_two_officers_deciding_at_once_one_wins(
    client: Client,
    trader: Headers,
    officer: Headers,
    second_officer: Headers,
    expect_problem: ProblemCheck,
) -> None:
    red = held(client, trader)
    where = f"{URL}/{red['id']}/decisions"
    read = client.get(f"{URL}/{red['id']}", headers=officer).headers["etag"]
    nothing = {"found": False, "what": "seals intact"}
    first = client.post(where, json={"action": "release", "note": "ok", "outcome": nothing},
                        headers={**officer, "If-Match": read})  # fmt: skip
    assert first.status_code == 200, first.text
    second = client.post(where, json={"action": "reject", "note": "undervalued"},
                         headers={**second_officer, "If-Match": read})  # fmt: skip
    body = expect_problem(second, 409, "declaration.version")
    assert "version 1" in body["detail"]
    assert client.get(f"{URL}/{red['id']}", headers=officer).json()["status"] == "released"


def test_goods_held_for_inspection_are_not_released_without_its_outcome(
    client: Client, trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    red = held(client, trader)
    where = f"{URL}/{red['id']}/decisions"
    refused = client.post(where, json={"action": "release", "note": "ok"}, headers=officer)
    body = expect_problem(refused, 409, "declaration.inspection_due")
    assert "outcome" in body["detail"]
    nothing = {"found": False, "what": "seals intact"}
    released = client.post(where, json={"action": "release", "outcome": nothing}, headers=officer)
    assert released.status_code == 200, released.text
    assert (released.json()["status"], released.json()["version"]) == ("released", 2)


def as_sent(client: Client, method: str, url: str, headers: list[tuple[str, str]],
            json_body: Any) -> httpx.Response:  # fmt: skip
    """The client's request with each header line as given: the test client joins a header's
    lines into one, with commas (as a proxy may), where a server gets them one by one."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as raw:
            return await raw.request(method, url, headers=headers, json=json_body)

    return asyncio.run(send())


@pytest.mark.parametrize(
    ("if_match", "words"),
    [
        (['"001"'], "the ETag of no version"),  # ETags compare as text: "001" is not "1"
        (["0"], "the ETag of no version"),
        (['"0"'], "the ETag of no version"),
        (['"1", "2"'], "not a list"),
        (['"1", "1"'], "not a list"),  # two lines joined into one
        (['"1"', '"1"'], "given 2 times"),
        (['"1"', '"2"'], "given 2 times"),
        (['W/"1"'], "must be the declaration's ETag"),
    ],
)
def test_if_match_names_one_version_as_its_etag(
    client: Client,
    trader: Headers,
    officer: Headers,
    expect_problem: ProblemCheck,
    if_match: list[str],
    words: str,
) -> None:
    """Refused, and nothing changes; ``"1"`` once is the version read."""
    red = held(client, trader)
    where = f"{URL}/{red['id']}/decisions"
    decision = {"action": "request_documents"}
    headers = [*officer.items(), *(("If-Match", tag) for tag in if_match)]
    response = as_sent(client, "POST", where, headers, decision)
    body = expect_problem(response, 400, "request.invalid_if_match")
    (error,) = body["errors"]
    assert error["field"] == "If-Match" and words in error["message"], error
    assert client.get(f"{URL}/{red['id']}", headers=officer).json()["version"] == 1
    done = client.post(where, json=decision, headers={**officer, "If-Match": '"1"'})
    assert done.status_code == 200, done.text


def test_an_idempotency_key_given_twice_is_refused(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    before = client.get(URL, headers=trader).json()["total"]
    for keys in (["truck-1", "truck-2"], ["truck-1", "truck-1"]):
        headers = [*trader.items(), *(("Idempotency-Key", key) for key in keys)]
        response = as_sent(client, "POST", URL, headers, durian())
        body = expect_problem(response, 400, "request.invalid_idempotency_key")
        assert body["errors"] == [
            {"field": "Idempotency-Key", "message": "given 2 times: send it once"}
        ]
    assert client.get(URL, headers=trader).json()["total"] == before


def test_a_released_declaration_is_final(
    client: Client, trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    released = client.post(URL, json=durian(), headers=trader).json()
    assert released["status"] == "released"
    response = client.post(f"{URL}/{released['id']}/decisions", json={"action": "reject"},
                           headers=officer)  # fmt: skip
    body = expect_problem(response, 409, "declaration.transition")
    assert body["details"] == {"status": "released", "action": "reject"}


@pytest.mark.parametrize(
    ("decision", "if_match", "field"),
    [
        ({"action": "approve"}, None, "action"),
        ({"action": "inspect", "outcome": {"found": 1}}, None, "outcome.found"),
        ({"action": "inspect", "outcome": {"what": "x"}}, None, "outcome.found"),
        ({"action": "inspect", "outcome": {"found": True,
          "revenue_recovered": {"amount": "-5", "currency": "CNY"}}}, None,
         "outcome.revenue_recovered"),
        ({"action": "release"}, "W/\"1\"", "If-Match"),
        ({"action": "release"}, "one", "If-Match"),
    ],
)  # fmt: skip
def test_a_bad_decision_is_a_400_naming_the_field(
    client: Client,
    trader: Headers,
    officer: Headers,
    expect_problem: ProblemCheck,
    decision: dict[str, Any],
    if_match: str | None,
    field: str,
) -> None:
    red = held(client, trader)
    headers = {**officer, **({"If-Match": if_match} if if_match else {})}
    response = client.post(f"{URL}/{red['id']}/decisions", json=decision, headers=headers)
    body = expect_problem(response, 400)
    assert body["errors"][0]["field"] == field


def test_a_value_outside_an_enumeration_is_answered_with_the_values_allowed(
    client: Client, trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    red = held(client, trader)
    response = client.post(f"{URL}/{red['id']}/decisions", json={"action": "approve"},
                           headers=officer)  # fmt: skip
    body = expect_problem(response, 400, "request.invalid")
    assert body["errors"] == [{"field": "action", "message": "expected one of release, reject, "
                               "request_documents, inspect; found 'approve'"}]  # fmt: skip
    assert body["detail"].startswith("The request is not valid: action: expected one of release")
    response = client.get(URL, params={"lane": "amber"}, headers=officer)
    body = expect_problem(response, 400, "request.invalid")
    assert body["errors"] == [{"field": "lane", "message": "expected one of green, yellow, red, "
                               "blue; found 'amber'"}]  # fmt: skip


def test_deciding_an_unknown_declaration_is_a_404(
    client: Client, officer: Headers, expect_problem: ProblemCheck
) -> None:
    response = client.post(f"{URL}/CD20260601-NOSUCH0000/decisions", json={"action": "release"},
                           headers=officer)  # fmt: skip
    expect_problem(response, 404, "declaration.not_found")


# --- who is told why a lane was chosen ---------------------------------------------------------

SELECTION_WORDS = (b"watch-list", b"weight", b"selected_by", b"score", b"rule R", b"quota",
                   b"cap ")  # fmt: skip
"""What only customs' view says: rule hits and weights, watch-lists, the score, the quotas."""


def _lane_entries(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in view["timeline"] if e["event"] == "LaneAssigned"]


def assert_declarants_view(content: bytes, lane: str, meaning: str) -> None:
    """``content``, a declaration as a trader or broker gets it, says the lane and what it
    means, and nothing of why it was chosen."""
    view = json.loads(content)
    assert view["lane"] == lane and view["risk"] is None
    assert view["reasons"][-1] == meaning
    assert not any(r.startswith(f"{lane}:") for r in view["reasons"])
    assert [e["detail"] for e in _lane_entries(view)][-1] == {"lane": lane}
    assert all(set(e["detail"]) == {"lane"} for e in _lane_entries(view))
    for words in SELECTION_WORDS:
        assert words not in content, words


def test_a_declarant_is_never_told_why_its_lane_was_chosen(
    client: Client, trader: Headers, broker: Headers, officer: Headers, admin: Headers
) -> None:
    """The truck is on the watch-list: the importer and its broker learn that the goods are
    held for inspection, not that the plate is watched nor how much each rule weighs."""
    red = durian()
    red["transport"]["vehicle_plate"] = "ZZ-0000"
    lodged = client.post(URL, json=red, headers=trader)
    assert lodged.status_code == 201, lodged.text
    meaning = "red lane: held for a physical inspection of the goods"
    assert_declarants_view(lodged.content, "red", meaning)
    where = lodged.headers["location"]
    for headers in (trader, broker):
        read = client.get(where, headers=headers)
        assert read.status_code == 200, read.text
        assert read.content == lodged.content
    for headers in (officer, admin):
        customs = client.get(where, headers=headers).json()
        assert customs["risk"]["selected_by"] == "rule"
        assert customs["reasons"][0] == "red: rule R2 conveyance watch-list"
        assert any("watch-list W1" in r for r in customs["risk"]["reasons"])
        detail = _lane_entries(customs)[-1]["detail"]
        assert set(detail) == {"lane", "reasons", "score", "selected_by"}
        assert detail["reasons"] == customs["risk"]["reasons"]


def test_each_answer_gives_the_callers_view(
    client: Client, trader: Headers, officer: Headers
) -> None:
    """A replayed lodging, an amendment and a cancellation answer the declarant with its view;
    an officer's decision answers the officer with customs'."""
    headers = {**trader, "Idempotency-Key": "selection-is-confidential/1"}
    document = durian(preference=FORM_E)
    first = client.post(URL, json=document, headers=headers)
    replay = client.post(URL, json=document, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 200), replay.text
    meaning = "yellow lane: held for a check of the documents"
    assert replay.content == first.content
    assert_declarants_view(replay.content, "yellow", meaning)
    where = first.headers["location"]
    amended = client.post(f"{where}/amendments", json=document, headers=trader)
    assert amended.status_code == 200, amended.text
    assert_declarants_view(amended.content, "yellow", meaning)
    decided = client.post(f"{where}/decisions", json={"action": "request_documents"},
                          headers=officer)  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["risk"]["reasons"][0].startswith("yellow: ")
    cancelled = client.post(f"{where}/cancellation", headers=trader)
    assert cancelled.status_code == 200, cancelled.text
    assert_declarants_view(cancelled.content, "yellow", meaning)


def test_the_openapi_document_says_who_sees_why_and_how_pricing_fails(client: Client) -> None:
    document = client.get("/schema/openapi.json").json()
    lodge = document["paths"][URL]["post"]["description"]
    # An item without a rate, or a currency without an exchange rate, is a 400 naming the item.
    assert "404 when no rate" not in lodge
    assert "400 ``tariff.no_measures`` naming ``items[n].line``" in " ".join(lodge.split())
    assert "``fx.rate_unavailable`` naming ``items[n].value.currency``" in " ".join(lodge.split())
    assert "declarant's view" in lodge
    show = " ".join(document["paths"][f"{URL}/{{declaration_id}}"]["get"]["description"].split())
    assert "Officers and admins see why the lane was chosen" in show
    view = document["components"]["schemas"]["DeclarationView"]["properties"]
    assert "for officers and admins only" in view["risk"]["description"]
    assert "for officers and admins only" in view["timeline"]["description"]


# --- the declarant's amendments and cancellation ----------------------------------------------

FORM_E = {"scheme": "ACFTA", "certificate": "E2026TH-7WACPJX52Z"}
"""The example's Form E, which this node has never received: the claim falls, yellow lane."""


def held_for_documents(client: Client, trader: Headers) -> dict[str, Any]:
    """A declaration in the yellow lane: it cites a Form E the node has not received."""
    response = client.post(URL, json=durian(preference=FORM_E), headers=trader)
    assert response.status_code == 201, response.text
    view: dict[str, Any] = response.json()
    assert (view["status"], view["lane"]) == ("held_for_documents", "yellow")
    return view


def test_a_declarant_amends_a_held_declaration_and_an_officer_releases_it(
    client: Client, trader: Headers, officer: Headers
) -> None:
    yellow = held_for_documents(client, trader)
    where = f"{URL}/{yellow['id']}/amendments"
    # The claim withdrawn: MFN is paid; the amendment goes back to an officer, not to release.
    amended = client.post(where, json=durian(), headers={**trader, "If-Match": '"1"'})
    assert amended.status_code == 200, amended.text
    assert amended.headers["etag"] == '"2"'
    view = amended.json()
    assert (view["id"], view["status"], view["lane"], view["version"]) == (
        yellow["id"], "held_for_documents", "yellow", 2)  # fmt: skip
    # The declarant is told what the lane means; why it was chosen is for the officer.
    assert view["reasons"] == ["yellow lane: held for a check of the documents"]
    assert view["risk"] is None
    customs = client.get(f"{URL}/{yellow['id']}", headers=officer).json()
    assert customs["reasons"][0] == (
        "yellow: amended after being held; an officer checks the amendment's documents"
    )
    assert view["preference"] is None and view["goods"][0]["preference"] is None
    assert view["assessment"]["items"][0]["regime"] == "MFN"
    events = [e["event"] for e in view["timeline"]]
    assert events[:4] == [e["event"] for e in yellow["timeline"]]  # the history is kept
    assert events[-3:] == ["DeclarationAmended", "DutyAssessed", "LaneAssigned"]
    amendment = next(e for e in view["timeline"] if e["event"] == "DeclarationAmended")
    assert amendment["actor"] == IMPORTER and amendment["detail"] == {"items": 1}
    read = client.get(f"{URL}/{yellow['id']}", headers=trader)
    assert read.json() == view and read.headers["etag"] == '"2"'
    released = client.post(f"{URL}/{yellow['id']}/decisions", json={"action": "release"},
                           headers={**officer, "If-Match": '"2"'})  # fmt: skip
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"


def test_an_amendment_after_a_finding_goes_back_to_an_officer(
    client: Client, trader: Headers, officer: Headers
) -> None:
    """Found at inspection, documents asked for, the declaration amended: held for an officer
    (yellow: the inspection is done), never released by the system."""
    red = held(client, trader)
    decide = f"{URL}/{red['id']}/decisions"
    found = {"action": "request_documents", "outcome": {
        "found": True, "what": "undeclared goods",
        "revenue_recovered": {"amount": "1000.00", "currency": "CNY"}}}  # fmt: skip
    asked = client.post(decide, json=found, headers=officer)
    assert asked.json()["status"] == "held_for_documents", asked.text
    amended = client.post(f"{URL}/{red['id']}/amendments", json=durian(), headers=trader)
    view = amended.json()
    assert (view["status"], view["lane"]) == ("held_for_documents", "yellow"), amended.text
    assert "GoodsReleased" not in [e["event"] for e in view["timeline"]]
    assert view["inspection"]["found"] is True  # the finding stays on the declaration


def test_an_amendment_before_an_ordered_inspection_is_held_for_it(
    client: Client, trader: Headers, officer: Headers
) -> None:
    """Red lane, documents asked for before inspecting, the declaration amended (even to one
    the rules would clear): still held for the inspection."""
    red = held(client, trader)
    decide = f"{URL}/{red['id']}/decisions"
    asked = client.post(decide, json={"action": "request_documents"}, headers=officer)
    assert asked.json()["status"] == "held_for_documents", asked.text
    amended = client.post(f"{URL}/{red['id']}/amendments", json=durian(), headers=trader)
    view = amended.json()
    assert (view["status"], view["lane"]) == ("held_for_inspection", "red"), amended.text
    assert view["reasons"] == ["red lane: held for a physical inspection of the goods"]
    customs = client.get(f"{URL}/{red['id']}", headers=officer).json()
    assert customs["reasons"][0].startswith("red: amended after being held; an inspection")


def test_an_amendment_that_still_falls_short_is_held_again(
    client: Client, trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    yellow = held_for_documents(client, trader)
    where = f"{URL}/{yellow['id']}/amendments"
    corrected = durian(preference=FORM_E, value={"amount": "640000.00", "currency": "CNY"})
    amended = client.post(where, json=corrected, headers={**trader, "If-Match": '"1"'})
    assert amended.status_code == 200, amended.text
    view = amended.json()
    assert (view["status"], view["lane"], view["version"]) == ("held_for_documents", "yellow", 2)
    assert view["assessment"]["customs_value"] == "640000.00"
    # A second tab still at version 1: refused, nothing changes.
    stale = client.post(where, json=durian(), headers={**trader, "If-Match": '"1"'})
    body = expect_problem(stale, 409, "declaration.version")
    assert "version 1" in body["detail"] and "version 2" in body["detail"]
    again = client.post(where, json=durian(), headers=trader)  # no If-Match: any version
    assert (again.json()["status"], again.json()["version"]) == ("held_for_documents", 3)
    decide = f"{URL}/{yellow['id']}/decisions"
    assert client.post(decide, json={"action": "release"}, headers=officer).status_code == 200
    late = client.post(where, json=durian(), headers=trader)
    body = expect_problem(late, 409, "declaration.transition")
    assert body["details"] == {"status": "released", "action": "amend"}


def test_who_may_amend_and_what(
    client: Client,
    trader: Headers,
    other_trader: Headers,
    officer: Headers,
    expect_problem: ProblemCheck,
) -> None:
    yellow = held_for_documents(client, trader)
    where = f"{URL}/{yellow['id']}/amendments"
    expect_problem(client.post(where, json=durian(), headers=officer), 403, "auth.forbidden")
    # Another trader, even naming itself as importer, cannot tell the declaration exists.
    theirs = durian()
    theirs["importer"]["name"] = "Qingdao Harvest Foods Co., Ltd."
    expect_problem(client.post(where, json=theirs, headers=other_trader), 404,
                   "declaration.not_found")  # fmt: skip
    elsewhere = durian()
    elsewhere["office"] = "CNPXG"
    body = expect_problem(client.post(where, json=elsewhere, headers=trader), 400,
                          "declaration.amend_identity")  # fmt: skip
    assert "Cancel this declaration" in body["detail"] and "CNYYG to CNPXG" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["office"]
    # Only a declaration held for documents is amended; one held for inspection is not.
    red = held(client, trader)
    response = client.post(f"{URL}/{red['id']}/amendments", json=durian(), headers=trader)
    body = expect_problem(response, 409, "declaration.transition")
    assert body["details"] == {"status": "held_for_inspection", "action": "amend"}
    untouched = client.get(f"{URL}/{yellow['id']}", headers=trader).json()
    assert (untouched["status"], untouched["version"]) == ("held_for_documents", 1)


@pytest.mark.parametrize(
    ("document", "if_match", "field"),
    [
        (durian(value={"amount": "612,000.00", "currency": "CNY"}), None,
         "items[0].value.amount"),
        (durian(value={"amount": 612000, "currency": "CNY"}), None, "items[0].value.amount"),
        (durian(origin="Atlantis"), None, "items[0].origin"),
        ({"office": "CNYYG"}, None, "importer"),
        (durian(), "W/\"1\"", "If-Match"),
    ],
)  # fmt: skip
def test_a_bad_amendment_is_a_400_naming_the_field(
    client: Client,
    trader: Headers,
    expect_problem: ProblemCheck,
    document: dict[str, Any],
    if_match: str | None,
    field: str,
) -> None:
    yellow = held_for_documents(client, trader)
    headers = {**trader, **({"If-Match": if_match} if if_match else {})}
    response = client.post(f"{URL}/{yellow['id']}/amendments", json=document, headers=headers)
    body = expect_problem(response, 400)
    assert body["errors"][0]["field"] == field
    assert client.get(f"{URL}/{yellow['id']}", headers=trader).json()["version"] == 1


def test_the_declarant_cancels_before_release(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    yellow = held_for_documents(client, trader)
    where = f"{URL}/{yellow['id']}/cancellation"
    response = client.post(where, json={"note": "sold to another buyer"},
                           headers={**trader, "If-Match": '"1"'})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    view = response.json()
    assert (view["status"], view["version"]) == ("cancelled", 2)
    last = view["timeline"][-1]
    assert (last["event"], last["actor"]) == ("DeclarationCancelled", IMPORTER)
    assert last["detail"] == {"note": "sold to another buyer"}
    assert client.get(f"{URL}/{yellow['id']}", headers=trader).json() == view
    again = client.post(where, headers=trader)  # cancelled is final
    body = expect_problem(again, 409, "declaration.transition")
    assert body["details"] == {"status": "cancelled", "action": "cancel"}
    # The body may be left out.
    other = held_for_documents(client, trader)
    bare = client.post(f"{URL}/{other['id']}/cancellation", headers=trader)
    assert bare.status_code == 200, bare.text
    assert bare.json()["timeline"][-1]["detail"] == {"note": None}


def test_a_declaration_due_for_inspection_or_with_a_finding_is_not_withdrawn(
    client: Client, trader: Headers, officer: Headers, expect_problem: ProblemCheck
) -> None:
    """Cancelled and lodged again, it used to go green: the inspection, or what it found, left
    behind. An officer closes it instead."""
    red = held(client, trader)
    where = f"{URL}/{red['id']}/cancellation"
    body = expect_problem(client.post(where, headers=trader), 409, "declaration.cancel_refused")
    assert "selected for inspection" in body["detail"] and "officer" in body["detail"]
    decide = f"{URL}/{red['id']}/decisions"
    found = {"action": "request_documents",
             "outcome": {"found": True, "what": "undeclared goods"}}  # fmt: skip
    assert client.post(decide, json=found, headers=officer).status_code == 200
    body = expect_problem(client.post(where, headers=trader), 409, "declaration.cancel_refused")
    assert "an inspection found something" in body["detail"]
    # Inspected and nothing found: the declarant may withdraw it.
    clean = held(client, trader)
    nothing = {"action": "request_documents", "outcome": {"found": False}}
    client.post(f"{URL}/{clean['id']}/decisions", json=nothing, headers=officer)
    withdrawn = client.post(f"{URL}/{clean['id']}/cancellation", headers=trader)
    assert withdrawn.status_code == 200, withdrawn.text


def test_a_released_declaration_cannot_be_cancelled(
    client: Client, trader: Headers, expect_problem: ProblemCheck
) -> None:
    released = client.post(URL, json=durian(), headers=trader).json()
    assert released["status"] == "released"
    response = client.post(f"{URL}/{released['id']}/cancellation", json={}, headers=trader)
    body = expect_problem(response, 409, "declaration.transition")
    assert body["details"] == {"status": "released", "action": "cancel"}


def test_who_may_cancel_and_how(
    client: Client,
    trader: Headers,
    other_trader: Headers,
    officer: Headers,
    expect_problem: ProblemCheck,
) -> None:
    yellow = held_for_documents(client, trader)
    where = f"{URL}/{yellow['id']}/cancellation"
    expect_problem(client.post(where, json={}, headers=officer), 403, "auth.forbidden")
    expect_problem(client.post(where, json={}, headers=other_trader), 404,
                   "declaration.not_found")  # fmt: skip
    stale = client.post(where, json={}, headers={**trader, "If-Match": '"7"'})
    expect_problem(stale, 409, "declaration.version")
    body = expect_problem(client.post(where, json={"note": 5}, headers=trader), 400)
    assert body["errors"][0]["field"] == "note"
    body = expect_problem(client.post(where, json={"note": "x" * 1001}, headers=trader), 400)
    assert body["errors"][0]["field"] == "note"
    expect_problem(client.post(f"{URL}/CD20260601-NOSUCH0000/cancellation", headers=trader), 404,
                   "declaration.not_found")  # fmt: skip
    assert client.get(f"{URL}/{yellow['id']}", headers=trader).json()["status"] == (
        "held_for_documents")  # fmt: skip


# --- the token store and an application without clearance -----------------------------------


def test_stored_tokens_are_cached_while_fresh(node: bootstrap.Node) -> None:
    clock = [0.0]
    store = StoredTokens(node.engine, ttl=30.0, size=2, monotonic=lambda: clock[0])
    token = issue_token(store, Role.GATE, "CNYYG", NOW)
    found = store.find(hash_token(token))
    assert found is not None and (found.role, found.party) == (Role.GATE, "CNYYG")
    assert store.find(hash_token(token + "x")) is None
    with SqlUnitOfWork(node.engine) as uow:  # the row goes; the cached principal stays a while
        uow.db.execute(delete(token_table).where(token_table.c.party == "CNYYG"))
        uow.commit()
    assert store.find(hash_token(token)) == found
    clock[0] = 30.0
    assert store.find(hash_token(token)) is None


def test_the_cache_alone_answers_only_for_fresh_tokens(node: bootstrap.Node) -> None:
    clock = [0.0]
    store = StoredTokens(node.engine, ttl=30.0, monotonic=lambda: clock[0])
    token_hash = hash_token(issue_token(store, Role.GATE, "CNPXG", NOW))
    assert store.find_cached(token_hash) is None  # not looked up yet: ask the table
    found = store.find(token_hash)
    assert found is not None and store.find_cached(token_hash) == found
    clock[0] = 30.0
    assert store.find_cached(token_hash) is None  # stale: the table is asked again


def test_a_deleted_token_is_refused_once_its_cache_entry_is_stale(
    services: bootstrap.Services, node: bootstrap.Node, expect_problem: ProblemCheck
) -> None:
    """The API answers known tokens from the cache without a trip to the database; a token
    deleted from the table still works until its entry is 30 seconds old, then it is a 401."""
    clock = [0.0]
    store = StoredTokens(node.engine, ttl=30.0, monotonic=lambda: clock[0])
    headers = _bearer(store, Role.TRADER, "Nanning Revoked Trading Co.")
    app = create_app(services, tokens=store, trust=node.trust, clearance=node.clearance)
    with TestClient(app) as fresh:
        assert fresh.get(URL, headers=headers).status_code == 200
        with SqlUnitOfWork(node.engine) as uow:
            uow.db.execute(delete(token_table).where(
                token_table.c.party == "Nanning Revoked Trading Co."))  # fmt: skip
            uow.commit()
        clock[0] = 29.0
        assert fresh.get(URL, headers=headers).status_code == 200  # the documented delay
        clock[0] = 30.0
        expect_problem(fresh.get(URL, headers=headers), 401, "auth.unauthenticated")
        expect_problem(fresh.get(URL, headers=headers), 401, "auth.unauthenticated")


LODGING_CASES = ["green", "red", "form_e_not_received", "form_e_embedded"]
"""Lodgings that end in different places: released (green), held for inspection (red), held
for documents with a missing Form E, and released at the ACFTA rate with an embedded one."""


def lodging(case: str, thai_key: Ed25519Signer) -> dict[str, Any]:
    """The durian example as lodged in ``case`` (one of :data:`LODGING_CASES`)."""
    document = durian()
    if case == "red":
        document["transport"]["vehicle_plate"] = "ZZ-0000"
    elif case == "form_e_not_received":
        document = durian(preference=FORM_E)
    elif case == "form_e_embedded":
        request = json.loads((EXAMPLES / "form-e" / "durian-th.json").read_text(encoding="utf-8"))
        document = durian(
            preference={"scheme": "ACFTA", "certificate": issue(request, thai_key)[1]}
        )
    return document


LODGERS = ["trader", "admin"]
"""Who lodges: a trader gets the declarant's view, an admin customs' view (both from the
lodging's fast path, which answers the view without converting it to :class:`DeclarationView`)."""


@pytest.mark.parametrize("lodger", LODGERS)
@pytest.mark.parametrize("case", LODGING_CASES)
def test_the_lodging_answer_is_the_declaration_as_read_back(
    client: Client,
    request: pytest.FixtureRequest,
    thai_key: Ed25519Signer,
    case: str,
    lodger: str,
) -> None:
    """The answer to a lodging is built from the stored form just written; reading the
    declaration back gives the same document. The answer is sent without converting it to
    :class:`DeclarationView` first, so it must already be what that conversion gives: the
    same bytes once read into the Struct and written again (no member missing, added or out
    of order), whatever the lane, the Form E verdict and the view (customs' or the
    declarant's)."""
    headers: Headers = request.getfixturevalue(lodger)
    lodged = client.post(URL, json=lodging(case, thai_key), headers=headers)
    assert lodged.status_code == 201
    read = client.get(lodged.headers["location"], headers=headers)
    assert read.status_code == 200
    assert read.json() == lodged.json()
    assert (lodged.json()["risk"] is not None) is (lodger == "admin")
    as_struct = msgspec.json.decode(lodged.content, type=DeclarationView)
    assert msgspec.json.encode(as_struct) == lodged.content
    assert read.headers["etag"] == lodged.headers["etag"] == '"1"'


@pytest.mark.parametrize("lodger", LODGERS)
@pytest.mark.parametrize("case", LODGING_CASES)
def test_the_lodging_answer_and_the_read_back_are_the_same_bytes(
    client: Client,
    request: pytest.FixtureRequest,
    thai_key: Ed25519Signer,
    case: str,
    lodger: str,
) -> None:
    """A client may keep the answer to its lodging and compare it with a later GET: at the
    same version they are the same bytes, members in the same order down to each timeline
    entry's ``detail`` (the answer is built from the declaration in memory, the GET from the
    stored document, whose writer sorts every object's keys), in customs' view as in the
    declarant's."""
    headers: Headers = request.getfixturevalue(lodger)
    lodged = client.post(URL, json=lodging(case, thai_key), headers=headers)
    assert lodged.status_code == 201
    read = client.get(lodged.headers["location"], headers=headers)
    assert read.status_code == 200
    assert read.headers["etag"] == lodged.headers["etag"]
    assert read.content == lodged.content


def test_without_clearance_the_declaration_routes_answer_503(
    settings: Settings, expect_problem: ProblemCheck
) -> None:
    store = InMemoryTokenStore()
    headers = {"Authorization": f"Bearer {issue_token(store, Role.TRADER, IMPORTER, NOW)}"}
    app = create_app(bootstrap.build(settings), tokens=store)
    with TestClient(app) as engines_only:
        for response in (
            engines_only.post(URL, json=durian(), headers=headers),
            engines_only.get(URL, headers=headers),
            engines_only.get(f"{URL}/CD20260601-0000000000", headers=headers),
        ):
            body = expect_problem(response, 503, "clearance.unavailable")
            assert "error_id" in body


def test_a_list_summary_is_the_declarations_summary_view(
    client: Client, node: bootstrap.Node, trader: Headers, officer: Headers
) -> None:
    """The list reads each summary from the stored form without building the aggregate: the
    same summary as the aggregate's, for every declaration this module made (green, red,
    yellow, amended, decided, cancelled, with an embedded Form E) and for a stored form of
    another shape (read back the whole way)."""
    client.post(URL, json=durian(), headers=trader)  # at least one
    page = client.get(f"{URL}?limit=500", headers=officer).json()
    with node.clearance.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=500))
    assert page["total"] == len(records) == len(page["items"])
    for record, listed in zip(records, page["items"], strict=True):
        expected = summary_view(Declaration.from_document(record.document, record.version))
        assert listed == expected
        assert msgspec.to_builtins(summary_of(record)) == expected
        assessment = record.document["assessment"]
        if assessment is not None:  # its totals not stored, as the fast reading expects them
            less = {k: v for k, v in assessment.items() if k != "total"}
            older = replace(record, document={**record.document, "assessment": less})
            assert msgspec.to_builtins(summary_of(older)) == expected
    assert {s["status"] for s in page["items"]} >= {"released", "held_for_inspection",
                                                    "held_for_documents", "cancelled"}  # fmt: skip
