"""The register of representations over HTTP against a real node: who may declare for whom.

Importers (traders) grant customs brokers authority and withdraw it, an administrator records a
paper authority, brokers give one up; each role sees what the register lets it see. Then a
broker lodges a declaration for an importer: refused without authority, accepted under one,
refused again once it is withdrawn. The clock stands at 2026-06-01 02:00 UTC (10:00 in
Shanghai), so "today" is 2026-06-01. Each test names parties of its own, so the tests share the
module's node and do not depend on one another's grants.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.clearance.representation import Representation
from cafta.core.clock import FixedClock
from cafta.services.ports import Role
from cafta.services.representations import Representations
from cafta.services.tokens import InMemoryTokenStore, issue_token

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
URL = "/api/v1/representations"
DECLARATIONS = "/api/v1/declarations"

Client = TestClient[Litestar]
Headers = dict[str, str]
Bearer = Callable[[Role, str], Headers]
ProblemCheck = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def tokens() -> InMemoryTokenStore:
    return InMemoryTokenStore()


@pytest.fixture(scope="module")
def bearer(tokens: InMemoryTokenStore) -> Bearer:
    """``bearer(role, party)``: the headers of a new token for that role and party."""

    def make(role: Role, party: str) -> Headers:
        return {"Authorization": f"Bearer {issue_token(tokens, role, party, NOW)}"}

    return make


@pytest.fixture(scope="module")
def client(
    services: bootstrap.Services, node: bootstrap.Node, tokens: InMemoryTokenStore
) -> Iterator[Client]:
    app = create_app(
        services,
        tokens=tokens,
        trust=node.trust,
        clearance=node.clearance,
        representations=node.representations,
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def officer(bearer: Bearer) -> Headers:
    return bearer(Role.OFFICER, "Officer Li (CNYYG)")


@pytest.fixture(scope="module")
def admin(bearer: Bearer) -> Headers:
    return bearer(Role.ADMIN, "Operator Zhou")


@pytest.fixture(scope="module")
def gate(bearer: Bearer) -> Headers:
    return bearer(Role.GATE, "Youyiguan gate 3")


def grant(client: Client, headers: Headers, broker: str, **body: Any) -> dict[str, Any]:
    """A grant that must succeed: the representation."""
    response = client.post(URL, json={"broker": broker, **body}, headers=headers)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


def schemas_of(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


# --- granting ---------------------------------------------------------------------------------


def test_a_trader_grants_its_broker_authority(client: Client, bearer: Bearer) -> None:
    importer = bearer(Role.TRADER, "Guangxi Fresh Fruit Trading Co.")
    response = client.post(
        URL,
        json={
            "broker": "Pingxiang Border Brokers Co.",
            "valid_until": "2027-05-31",
            "reference": " WT-2026-0142 ",
        },
        headers=importer,
    )
    assert response.status_code == 201, response.text
    view = response.json()
    assert response.headers["location"] == f"{URL}/{view['id']}"
    assert view["id"].startswith("rep_")
    assert view == {
        "id": view["id"],
        "importer": "Guangxi Fresh Fruit Trading Co.",
        "broker": "Pingxiang Border Brokers Co.",
        "valid_from": "2026-06-01",  # today, on the node's clock
        "valid_until": "2027-05-31",
        "reference": "WT-2026-0142",
        "granted_by": "Guangxi Fresh Fruit Trading Co.",
        "granted_at": "2026-06-01T02:00:00+00:00",
        "revoked_at": None,
        "revoked_by": None,
        "in_force_today": True,
    }
    # Every member of the domain's document, and whether it is in force today.
    documented = Representation.from_document(view).to_document()
    assert view == {**documented, "in_force_today": True}

    again = client.get(response.headers["location"], headers=importer)
    assert again.status_code == 200 and again.json() == view


def test_a_trader_grants_only_for_itself(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Dongxing Seafood Co.")
    refused = client.post(
        URL, json={"broker": "Beihai Brokers", "importer": "Other Importer Co."}, headers=importer
    )
    expect_problem(refused, 403, "representation.not_your_party")
    # Naming itself, in other case and spacing, is the same party: recorded under its token's name.
    view = grant(client, importer, "Beihai Brokers", importer="  DONGXING   seafood co. ")
    assert view["importer"] == "Dongxing Seafood Co."


def test_a_future_authority_is_not_in_force_today(client: Client, bearer: Bearer) -> None:
    importer = bearer(Role.TRADER, "Chongzuo Sugar Co.")
    view = grant(client, importer, "Longzhou Brokers", valid_from="2026-07-01")
    assert (view["valid_from"], view["in_force_today"]) == ("2026-07-01", False)


def test_an_admin_records_a_written_authority_naming_the_importer(
    client: Client, admin: Headers, expect_problem: ProblemCheck
) -> None:
    view = grant(
        client,
        admin,
        "Hekou Customs Brokerage",
        importer="Kunming Flower Exports Co.",
        reference="POA-88/2026",
    )
    assert (view["importer"], view["granted_by"]) == ("Kunming Flower Exports Co.", "Operator Zhou")

    unnamed = client.post(URL, json={"broker": "Hekou Customs Brokerage"}, headers=admin)
    body = expect_problem(unnamed, 400, "representation.missing_importer")
    assert body["errors"][0]["field"] == "importer"


@pytest.mark.parametrize("role", [Role.BROKER, Role.OFFICER, Role.GATE])
def test_only_importers_and_admins_grant(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck, role: Role
) -> None:
    headers = bearer(role, "Pingxiang Border Brokers Co.")
    body = {"broker": "Pingxiang Border Brokers Co.", "importer": "Guangxi Fresh Fruit Trading Co."}
    expect_problem(client.post(URL, json=body, headers=headers), 403, "auth.forbidden")


def test_an_overlapping_grant_is_a_conflict_naming_the_existing_one(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Nanning Mango Imports Co.")
    first = grant(client, importer, "Friendship Pass Brokers", valid_until="2026-12-31")
    # The same broker under other case and spacing is the same party.
    overlapping = client.post(
        URL,
        json={"broker": "friendship  PASS brokers", "valid_from": "2026-12-01"},
        headers=importer,
    )
    body = expect_problem(overlapping, 409, "representation.exists")
    assert body["details"] == {"id": first["id"]}
    assert first["id"] in body["detail"]
    # Days that do not overlap are another authority.
    grant(client, importer, "Friendship Pass Brokers", valid_from="2027-01-01")


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"valid_from": "2026-02-30"}, "valid_from", "request.invalid"),
        ({"valid_from": "01/06/2026"}, "valid_from", "request.invalid"),
        ({"valid_until": "2026-06-01T00:00:00+08:00"}, "valid_until", "request.invalid"),
        ({"valid_until": 20261231}, "valid_until", "request.invalid"),
        (
            {"valid_from": "2026-09-01", "valid_until": "2026-08-31"},
            "valid_until",
            "representation.dates",
        ),
        (
            {"valid_from": "2026-01-01", "valid_until": "2026-05-31"},
            "valid_until",
            "representation.dates",
        ),
        ({"broker": "Guangxi Fresh Fruit Trading Co."}, "broker", "representation.self"),
        ({"broker": " "}, "broker", "representation.missing_broker"),
        ({"broker": "Line\nbreak Brokers"}, "broker", "representation.invalid_broker"),
        ({"broker": 7}, "broker", "request.invalid"),
        ({"broker": None}, "broker", "request.invalid"),
        ({"reference": "R" * 201}, "reference", "request.invalid"),
        ({"reference": "WT-1\t2"}, "reference", "representation.reference"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: Client,
    bearer: Bearer,
    expect_problem: ProblemCheck,
    body: dict[str, Any],
    field: str,
    code: str,
) -> None:
    importer = bearer(Role.TRADER, "Guangxi Fresh Fruit Trading Co.")
    sent = {"broker": "Some Other Brokers Ltd.", **body}
    problem = expect_problem(client.post(URL, json=sent, headers=importer), 400, code)
    assert problem["errors"][0]["field"] == field, problem


@pytest.mark.parametrize(
    "body",
    [
        {"broker": "Typo Brokers", "valid_untill": "2026-12-31"},
        {"broker": "Typo Brokers", "valid_until": "2026-12-31", "valid_untill": "2026-12-31"},
        {"valid_untill": "2026-12-31", "broker": "Typo Brokers"},
    ],
    ids=["misspelt end", "beside the right one", "first"],
)
def test_a_member_the_grant_does_not_define_is_refused_by_name(
    client: Client,
    bearer: Bearer,
    officer: Headers,
    expect_problem: ProblemCheck,
    body: dict[str, Any],
) -> None:
    # A misspelt valid_until, ignored, granted an authority that never ends.
    importer = bearer(Role.TRADER, "Typo Importer Co.")
    problem = expect_problem(client.post(URL, json=body, headers=importer), 400, "request.invalid")
    assert "valid_untill" in problem["detail"], problem
    assert any("valid_untill" in e["message"] for e in problem["errors"]), problem
    recorded = client.get(URL, params={"importer": "Typo Importer Co."}, headers=officer)
    assert recorded.json()["total"] == 0


def test_a_member_in_a_withdrawal_is_refused_by_name(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Typo Withdrawer Co.")
    view = grant(client, importer, "Kept Brokers")
    where = f"{URL}/{view['id']}/revocation"
    problem = expect_problem(
        client.post(where, json={"reason": "ended"}, headers=importer), 400, "request.invalid"
    )
    assert "reason" in problem["detail"], problem
    assert client.get(f"{URL}/{view['id']}", headers=importer).json()["revoked_at"] is None
    assert client.post(where, json={}, headers=importer).status_code == 200


def test_a_missing_broker_or_body_is_a_400(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Guangxi Fresh Fruit Trading Co.")
    problem = expect_problem(client.post(URL, json={}, headers=importer), 400, "request.invalid")
    assert problem["errors"] == [{"field": "broker", "message": "missing"}]
    expect_problem(client.post(URL, headers=importer), 400)
    form = client.post(
        URL,
        content=b"broker=X",
        headers={**importer, "Content-Type": "application/x-www-form-urlencoded"},
    )
    expect_problem(form, 415, "request.unsupported_media_type")


# --- reading ----------------------------------------------------------------------------------


def test_each_role_lists_what_it_may_see(
    client: Client,
    bearer: Bearer,
    officer: Headers,
    admin: Headers,
    gate: Headers,
    expect_problem: ProblemCheck,
) -> None:
    a, b = "Pingxiang Pepper Traders", "Baise Aluminium Imports"
    x, y = "Aiyang Brokers", "Shuikou Brokers"
    trader_a, trader_b = bearer(Role.TRADER, a), bearer(Role.TRADER, b)
    broker_x, broker_y = bearer(Role.BROKER, x), bearer(Role.BROKER, y)
    ax = grant(client, trader_a, x)["id"]
    ay = grant(client, trader_a, y)["id"]
    bx = grant(client, admin, x, importer=b)["id"]
    withdrawn = grant(client, trader_b, y)["id"]
    assert client.post(f"{URL}/{withdrawn}/revocation", headers=trader_b).status_code == 200

    assert ids(client.get(URL, headers=trader_a)) == {ax, ay}
    assert ids(client.get(URL, headers=trader_b)) == {bx}
    assert ids(client.get(URL, params={"include_revoked": "true"}, headers=trader_b)) == {
        bx,
        withdrawn,
    }
    assert ids(client.get(URL, headers=broker_x)) == {ax, bx}
    assert ids(client.get(URL, headers=broker_y)) == {ay}
    # Officers and admins see the whole register, narrowed by party (case and spacing folded).
    for reader in (officer, admin):
        assert {ax, ay, bx} <= ids(client.get(URL, headers=reader))
        assert ids(client.get(URL, params={"importer": a.upper()}, headers=reader)) == {ax, ay}
        assert ids(client.get(URL, params={"broker": f" {x} "}, headers=reader)) == {ax, bx}
        assert ids(client.get(URL, params={"importer": b, "broker": x}, headers=reader)) == {bx}
    # A filter naming someone else's party shows nothing more than the caller may see.
    assert ids(client.get(URL, params={"importer": b}, headers=trader_a)) == set()
    assert ids(client.get(URL, params={"broker": y}, headers=broker_x)) == set()
    assert ids(client.get(URL, params={"importer": b}, headers=broker_x)) == {bx}

    expect_problem(client.get(URL, headers=gate), 403, "auth.forbidden")
    bad = expect_problem(client.get(URL, params={"include_revoked": "maybe"}, headers=officer), 400)
    assert bad["errors"][0]["field"] == "include_revoked"
    control = expect_problem(client.get(URL, params={"broker": "a\x00b"}, headers=officer), 400)
    assert control["errors"][0]["field"] == "broker"
    twice = expect_problem(client.get(f"{URL}?broker={x}&broker={y}", headers=officer), 400)
    assert twice["errors"][0]["field"] == "broker"


def test_the_register_is_read_a_page_at_a_time(
    client: Client, bearer: Bearer, officer: Headers, admin: Headers, expect_problem: ProblemCheck
) -> None:
    importer_name = "Paging Imports Co."
    made = [
        grant(client, admin, f"Paging Broker {n}", importer=importer_name)["id"] for n in range(5)
    ]
    narrowed = {"importer": importer_name}

    def page(headers: Headers, **params: Any) -> dict[str, Any]:
        response = client.get(URL, params={**narrowed, **params}, headers=headers)
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

    first = page(officer)
    assert (first["total"], first["limit"], first["offset"]) == (5, 100, 0)
    # Oldest grant first: all at the clock's one time here, so by id.
    made.sort()
    assert [item["id"] for item in first["items"]] == made
    pages = [page(officer, limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    assert [[item["id"] for item in p["items"]] for p in pages] == [
        made[:2],
        made[2:4],
        made[4:],
        [],
    ]
    assert {(p["total"], p["limit"]) for p in pages} == {(5, 2)}
    assert [p["offset"] for p in pages] == [0, 2, 4, 6]
    # The total is of what the caller may see: the importer's own page counts its own only.
    own = page(bearer(Role.TRADER, importer_name), limit=1)
    assert (own["total"], [item["id"] for item in own["items"]]) == (5, made[:1])
    assert page(bearer(Role.TRADER, "Other Trader Co."))["total"] == 0
    assert page(bearer(Role.BROKER, "Paging Broker 3"))["total"] == 1

    for name, value, rule in [
        ("limit", "0", "at least 1"),
        ("limit", "1001", "at most 1000"),
        ("offset", "-1", "at least 0"),
        ("offset", "1000001", "at most 1000000"),
        ("limit", "1e2", "digits"),
        ("limit", "10.0", "digits"),
        ("offset", "+5", "digits"),
        ("offset", "007", "digits"),
        ("limit", "", "digits"),
    ]:
        problem = expect_problem(
            client.get(URL, params={name: value}, headers=admin), 400, "request.invalid"
        )
        assert problem["errors"][0]["field"] == name, (name, value, problem)
        assert rule in problem["errors"][0]["message"], (name, value, problem)
    twice = expect_problem(client.get(f"{URL}?limit=1&limit=2", headers=admin), 400)
    assert twice["errors"][0]["field"] == "limit"


def test_a_stranger_gets_a_404(
    client: Client,
    bearer: Bearer,
    officer: Headers,
    admin: Headers,
    gate: Headers,
    expect_problem: ProblemCheck,
) -> None:
    importer = bearer(Role.TRADER, "Qinzhou Cassava Co.")
    broker = bearer(Role.BROKER, "Qinzhou Port Brokers")
    view = grant(client, importer, "Qinzhou Port Brokers")
    where = f"{URL}/{view['id']}"
    for reader in (importer, broker, officer, admin):
        response = client.get(where, headers=reader)
        assert response.status_code == 200 and response.json() == view
    for stranger in (bearer(Role.TRADER, "Other Trader Co."), bearer(Role.BROKER, "Other Broker")):
        expect_problem(client.get(where, headers=stranger), 404, "representation.not_found")
    expect_problem(client.get(where, headers=gate), 403, "auth.forbidden")
    for unknown in ("rep_000000000000", "no such id", "rep_" + "0" * 100, "%E2%80%8B"):
        expect_problem(
            client.get(f"{URL}/{unknown}", headers=admin), 404, "representation.not_found"
        )
    head = client.head(where, headers=importer)
    assert head.status_code == 200 and head.content == b""


# --- withdrawing ------------------------------------------------------------------------------


def test_the_importer_withdraws_an_authority(
    client: Client, bearer: Bearer, officer: Headers, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Fangchenggang Grain Co.")
    view = grant(client, importer, "Dongxing Border Brokers")
    where = f"{URL}/{view['id']}/revocation"

    expect_problem(client.post(where, headers=officer), 403, "auth.forbidden")
    stranger = bearer(Role.TRADER, "Other Trader Co.")
    expect_problem(client.post(where, headers=stranger), 404, "representation.not_found")
    expect_problem(client.post(where, content=b"[]", headers=importer), 400, "request.invalid")

    response = client.post(where, json={}, headers=importer)
    assert response.status_code == 200, response.text
    withdrawn = response.json()
    assert withdrawn == {
        **view,
        "revoked_at": "2026-06-01T02:00:00+00:00",
        "revoked_by": "Fangchenggang Grain Co.",
        "in_force_today": False,
    }
    assert client.get(f"{URL}/{view['id']}", headers=importer).json() == withdrawn
    assert view["id"] not in ids(client.get(URL, headers=importer))

    again = expect_problem(client.post(where, headers=importer), 409, "representation.revoked")
    assert view["id"] in again["detail"]
    # Withdrawn, the broker may be granted authority again for the same days.
    grant(client, importer, "Dongxing Border Brokers")


def test_the_broker_gives_an_authority_up(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer = bearer(Role.TRADER, "Wuzhou Tea Imports")
    broker = bearer(Role.BROKER, "Wuzhou River Brokers")
    view = grant(client, importer, "Wuzhou River Brokers")
    response = client.post(f"{URL}/{view['id']}/revocation", headers=broker)
    assert response.status_code == 200, response.text
    assert (response.json()["revoked_by"], response.json()["in_force_today"]) == (
        "Wuzhou River Brokers",
        False,
    )
    expect_problem(
        client.post(f"{URL}/{view['id']}/revocation", headers=importer),
        409,
        "representation.revoked",
    )


# --- what the register governs: a broker's lodging --------------------------------------------


def _durian_for(importer: str, broker: str) -> dict[str, Any]:
    """The durian example, without its Form E claim, lodged by ``broker`` for ``importer``."""
    document: dict[str, Any] = json.loads(
        (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
    )
    del document["items"][0]["preference"]
    document["importer"]["name"] = importer
    document["declarant"]["name"] = broker
    return document


def test_a_broker_lodges_only_under_an_authority_in_force(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer_name, broker_name = "Lingshan Durian Imports Co.", "Youyiguan Customs Brokers"
    importer = bearer(Role.TRADER, importer_name)
    broker = bearer(Role.BROKER, broker_name)
    document = _durian_for(importer_name, broker_name)

    refused = expect_problem(
        client.post(DECLARATIONS, json=document, headers=broker), 403, "declaration.no_authority"
    )
    assert importer_name in refused["detail"] and "2026-06-01" in refused["detail"]

    view = grant(client, importer, broker_name)
    lodged = client.post(DECLARATIONS, json=document, headers=broker)
    assert lodged.status_code == 201, lodged.text
    assert (lodged.json()["importer"], lodged.json()["declarant"]) == (importer_name, broker_name)

    withdrawn = client.post(f"{URL}/{view['id']}/revocation", headers=importer)
    assert withdrawn.status_code == 200, withdrawn.text
    expect_problem(
        client.post(DECLARATIONS, json=document, headers=broker), 403, "declaration.no_authority"
    )
    # The declaration lodged under the authority stays as it was.
    assert client.get(lodged.headers["location"], headers=broker).json() == lodged.json()


def test_an_authority_that_starts_later_does_not_cover_today(
    client: Client, bearer: Bearer, expect_problem: ProblemCheck
) -> None:
    importer_name, broker_name = "Hepu Pearl Traders", "Beihai Port Brokers"
    grant(client, bearer(Role.TRADER, importer_name), broker_name, valid_from="2026-06-02")
    expect_problem(
        client.post(
            DECLARATIONS,
            json=_durian_for(importer_name, broker_name),
            headers=bearer(Role.BROKER, broker_name),
        ),
        403,
        "declaration.no_authority",
    )


def test_times_read_the_same_in_every_answer_whatever_the_clocks_zone(
    services: bootstrap.Services, node: bootstrap.Node, tokens: InMemoryTokenStore, bearer: Bearer
) -> None:
    # A node's clock tells its own zone's time (cafta serve: Asia/Shanghai); the database gives
    # times back in UTC. The answer to a grant or a withdrawal must read as a later GET does.
    shanghai = FixedClock(datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    register = Representations(node.uow, shanghai)
    app = create_app(services, tokens=tokens, representations=register)
    importer = bearer(Role.TRADER, "Pingxiang Night Market Co.")
    with TestClient(app) as late:
        view = grant(late, importer, "Night Shift Brokers")
        # 23:30 in Shanghai is still 1 June there (and 15:30 UTC): the day the authority starts.
        assert (view["granted_at"], view["valid_from"]) == (
            "2026-06-01T15:30:00+00:00",
            "2026-06-01",
        )
        assert view["in_force_today"] is True
        assert late.get(f"{URL}/{view['id']}", headers=importer).json() == view
        withdrawn = late.post(f"{URL}/{view['id']}/revocation", headers=importer).json()
        assert withdrawn["revoked_at"] == "2026-06-01T15:30:00+00:00"
        assert late.get(f"{URL}/{view['id']}", headers=importer).json() == withdrawn


# --- the document and the server's set-up -----------------------------------------------------


def test_the_openapi_document_lists_the_register(client: Client) -> None:
    document = client.get("/schema/openapi.json").json()
    paths = document["paths"]
    assert set(paths[URL]) == {"get", "post"}
    assert set(paths[f"{URL}/{{representation_id}}"]) == {"get"}
    assert set(paths[f"{URL}/{{representation_id}}/revocation"]) == {"post"}
    granting = paths[URL]["post"]
    assert granting["tags"] == ["Representations"]
    assert list(granting["responses"]["201"]["headers"]) == ["Location"]
    assert {"400", "401", "403", "409", "503"} <= set(granting["responses"])
    problem = granting["responses"]["409"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "409" in paths[f"{URL}/{{representation_id}}/revocation"]["post"]["responses"]
    assert "404" in paths[f"{URL}/{{representation_id}}"]["get"]["responses"]
    listed = {p["name"]: p for p in paths[URL]["get"]["parameters"]}
    assert set(listed) == {"importer", "broker", "include_revoked", "limit", "offset"}
    assert (listed["limit"]["schema"]["default"], listed["limit"]["schema"]["maximum"]) == (
        100,
        1000,
    )
    page = schemas_of(document)["RepresentationPage"]
    assert set(page["properties"]) == {"items", "total", "limit", "offset"}
    schemas = schemas_of(document)
    assert schemas["GrantBody"]["required"] == ["broker"]
    view = schemas["RepresentationView"]["properties"]
    assert set(view) == {*Representation.__dataclass_fields__, "in_force_today"}
    assert "Representations" in {tag["name"] for tag in document["tags"]}


def test_without_a_database_the_register_is_unavailable(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    bearer: Bearer,
    expect_problem: ProblemCheck,
) -> None:
    importer = bearer(Role.TRADER, "Guangxi Fresh Fruit Trading Co.")
    with TestClient(create_app(services, tokens=tokens)) as engines_only:
        response = engines_only.post(URL, json={"broker": "Any Brokers"}, headers=importer)
        body = expect_problem(response, 503, "clearance.unavailable")
        assert "error_id" in body
        expect_problem(engines_only.get(URL, headers=importer), 503, "clearance.unavailable")
