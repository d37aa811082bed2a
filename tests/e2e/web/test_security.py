"""Signing in with an API token, cookies, and protection of every form against forgery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.services.tokens import InMemoryTokenStore
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

Parse = Callable[[Any], Any]
Token = Callable[[TestClient[Litestar], str], str]
POST_ROUTES = [
    "/origin",
    "/origin/upload",
    "/certificates",
    "/signin",
    "/signout",
    "/declarations/new",
    "/declarations/upload",
    "/representations",
]
ON_A_DECLARATION = ["decision", "amendment", "amend", "cancellation"]
"""The forms of a declaration's page: ``/declarations/{declaration_id:str}/<form>``."""
NOT_FOUND = "/{rest:path}"
"""Addresses the portal does not have, every method (cafta.web.pages.missing): a 404 that
reads no form and changes nothing, so it needs no token."""


@pytest.mark.parametrize(
    "path",
    [
        *POST_ROUTES,
        *(f"/declarations/CD20260601-X/{form}" for form in ON_A_DECLARATION),
        "/representations/rep_0123456789ab/withdrawal",
    ],
)
def test_a_post_without_the_token_is_refused(
    client: TestClient[Litestar], page: Parse, form_token: Token, path: str
) -> None:
    no_cookie = client.post(path, data={"token": "x"})
    assert no_cookie.status_code == 403
    assert "This form has expired" in page(no_cookie).text
    form_token(client, "/signin")  # the client now has the cookie, but the form has no field
    assert client.post(path, data={"token": "x"}).status_code == 403
    forged = client.post(path, data={"csrf_token": "forged", "token": "x"})
    assert forged.status_code == 403


def test_every_post_route_is_checked(app: Litestar) -> None:
    posts = {
        route.path
        for route in app.routes
        if "POST" in getattr(route, "methods", ()) and not route.path.startswith("/api/")
    }
    assert posts == {*POST_ROUTES, NOT_FOUND, *(f"/declarations/{{declaration_id:str}}/{form}"
                                                for form in ON_A_DECLARATION),
                     "/representations/{representation_id:str}/withdrawal"}  # fmt: skip


def test_every_post_form_carries_the_token(
    client: TestClient[Litestar], page: Parse, trader_token: str, form_token: Token
) -> None:
    client.post(
        "/signin", data={"csrf_token": form_token(client, "/signin"), "token": trader_token}
    )
    for path in ("/", "/origin", "/certificates", "/signin", "/signout"):
        parsed = page(client.get(path))
        forms = [a for a in parsed.all("form") if a.get("method") == "post"]
        assert forms, path
        assert len(parsed.all("input", name="csrf_token")) == len(forms), path


def test_the_csrf_cookie_is_http_only_and_same_site(client: TestClient[Litestar]) -> None:
    cookie = client.get("/signin").headers["set-cookie"].lower()
    assert "cafta_csrf=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_signing_in_shows_the_role_and_party(
    client: TestClient[Litestar], page: Parse, trader_token: str, form_token: Token
) -> None:
    token = form_token(client, "/signin")
    response = client.post(
        "/signin",
        data={"csrf_token": token, "token": trader_token, "next": "/tariff"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/tariff"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "cafta_token=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    parsed = page(client.get("/tariff"))
    assert "Signed in as trader for Qingdao Harvest Foods" in parsed.text
    assert page(client.get("/", params={"lang": "zh"})).text.count("Qingdao Harvest Foods") == 1


def test_a_bad_token_is_an_error_on_the_form(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/signin")
    response = client.post("/signin", data={"csrf_token": token, "token": "cafta_nope"})
    assert response.status_code == 400
    parsed = page(response)
    assert "This token is not valid" in parsed.text
    assert parsed.all("input", name="token")[0]["aria-invalid"] == "true"
    assert "cafta_token" not in response.headers.get("set-cookie", "")
    assert "Sign in" in page(client.get("/")).text


def test_signing_out_forgets_the_token(
    client: TestClient[Litestar], page: Parse, trader_token: str, form_token: Token
) -> None:
    client.post(
        "/signin", data={"csrf_token": form_token(client, "/signin"), "token": trader_token}
    )
    signed_in = page(client.get("/signout"))
    response = client.post(
        "/signout", data={"csrf_token": signed_in.csrf()}, follow_redirects=False
    )
    assert response.status_code == 303
    assert (
        'cafta_token=""' in response.headers["set-cookie"]
        or "Max-Age=0" in response.headers["set-cookie"]
    )
    assert "Signed in as" not in page(client.get("/")).text
    assert client.get("/signout", follow_redirects=False).status_code == 303  # nobody


def test_a_revoked_token_signs_the_visitor_out(client: TestClient[Litestar], page: Parse) -> None:
    client.cookies.set("cafta_token", "cafta_revoked_or_unknown")
    response = client.get("/")
    assert "Signed in as" not in page(response).text
    assert "cafta_token=" in response.headers["set-cookie"]


def test_sign_in_goes_only_to_pages_of_this_site(
    client: TestClient[Litestar], trader_token: str, form_token: Token
) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = form_token(client, "/signin")  # signing in renews the CSRF cookie
        response = client.post(
            "/signin",
            data={"csrf_token": token, "token": trader_token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/", target


def test_cookies_are_secure_over_https_or_when_forced(
    services: bootstrap.Services, tokens: InMemoryTokenStore
) -> None:
    plain = portal_router(services, tokens=tokens, settings=PortalSettings())
    forced = portal_router(services, tokens=tokens, settings=PortalSettings(secure_cookies=True))
    with TestClient(Litestar([plain]), base_url="https://portal.example") as https:
        assert "secure" in https.get("/").headers["set-cookie"].lower()
    with TestClient(Litestar([forced])) as http:
        assert "secure" in http.get("/").headers["set-cookie"].lower()


def test_the_secret_and_flag_come_from_the_environment() -> None:
    settings = PortalSettings.from_env({"CAFTA_SECRET": "s" * 40, "CAFTA_SECURE_COOKIES": "1"})
    assert settings.secret == b"s" * 40 and settings.secure_cookies
    assert PortalSettings.from_env({}).secret != PortalSettings.from_env({}).secret
    with pytest.raises(ValueError, match="CAFTA_SECRET"):
        PortalSettings.from_env({"CAFTA_SECRET": "short"})
    with pytest.raises(ValueError, match="CAFTA_SECURE_COOKIES"):
        PortalSettings.from_env({"CAFTA_SECURE_COOKIES": "perhaps"})


def test_the_dashboard_refresh_comes_from_the_environment() -> None:
    assert PortalSettings.from_env({}).dashboard_refresh == timedelta(seconds=60)
    zero = PortalSettings.from_env({"CAFTA_DASHBOARD_REFRESH": "0"})
    assert zero.dashboard_refresh == timedelta(0)
    assert PortalSettings.from_env({"CAFTA_DASHBOARD_REFRESH": " 300 "}).dashboard_refresh == (
        timedelta(minutes=5)
    )
    for bad in ("soon", "-1", "1.5", "100000"):
        with pytest.raises(ValueError, match="CAFTA_DASHBOARD_REFRESH"):
            PortalSettings.from_env({"CAFTA_DASHBOARD_REFRESH": bad})
