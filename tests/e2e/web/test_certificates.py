"""Certificate check: a signed Form E pasted or uploaded, alone or with a declaration."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.certificates.trust import TrustList
from cafta.core.errors import InvalidInput
from cafta.services.tokens import InMemoryTokenStore
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

Parse = Callable[[Any], Any]
Token = Callable[[TestClient[Litestar], str], str]
Example = Callable[[str], Any]


def _post(client: TestClient[Litestar], token: str, **fields: str) -> Any:
    return client.post(
        "/certificates",
        data={"csrf_token": token, **fields},
        files={"certificate_file": ("", b"", "application/octet-stream")},
    )


def test_a_tampered_form_e_is_rejected_with_its_finding(
    client: TestClient[Litestar], page: Parse, form_token: Token, certificate: tuple[str, str]
) -> None:
    _, envelope = certificate
    header, payload, signature = envelope.split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    response = _post(client, form_token(client, "/certificates"), certificate=tampered)
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    assert "Verdict Rejected" in parsed.text
    assert "Signature checked No" in parsed.text
    assert "certificate.bad_signature" in parsed.text or "certificate.malformed" in parsed.text
    assert parsed.all("div", class_="verdict bad")


def test_a_form_e_pasted_with_line_breaks_is_accepted(
    client: TestClient[Litestar], page: Parse, form_token: Token, certificate: tuple[str, str]
) -> None:
    reference, envelope = certificate
    wrapped = "\n".join(envelope[i : i + 60] for i in range(0, len(envelope), 60))
    parsed = page(
        _post(client, form_token(client, "/certificates"), certificate=wrapped, on="2026-03-10")
    )
    assert "Verdict Accepted" in parsed.text
    assert f"Reference: {reference}" in parsed.text
    assert "Issuing authority MM-MOC From Myanmar (Burma) To China" in parsed.text


def test_uploaded_with_a_declaration_it_shows_each_discrepancy(
    client: TestClient[Litestar],
    page: Parse,
    form_token: Token,
    certificate: tuple[str, str],
    example: Example,
) -> None:
    reference, envelope = certificate
    declaration = copy.deepcopy(example("form-e-declaration.json"))
    declaration["items"][0]["preference"]["certificate"] = reference
    response = client.post(
        "/certificates",
        data={"csrf_token": form_token(client, "/certificates"), "on": "2026-03-10"},
        files={
            "certificate_file": ("form-e.jws", envelope.encode(), "text/plain"),
            "declaration_file": (
                "declaration.json",
                json.dumps(declaration).encode(),
                "application/json",
            ),
        },
    )
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    assert "Verdict Accepted with discrepancies" in parsed.text
    assert "item.hs_detail" in parsed.text
    assert parsed.all("div", class_="verdict warn")


def test_a_declaration_that_cannot_be_read_names_the_field(
    client: TestClient[Litestar], page: Parse, form_token: Token, certificate: tuple[str, str]
) -> None:
    _, envelope = certificate
    response = _post(
        client,
        form_token(client, "/certificates"),
        certificate=envelope,
        declaration='{"items": [{"line": "0713.31.90"}]}',
    )
    assert response.status_code == 400
    parsed = page(response)
    assert parsed.all("textarea", name="declaration")[0]["aria-invalid"] == "true"
    assert "items[0]" in parsed.text


def test_nothing_pasted_is_said_next_to_the_field(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    response = _post(client, form_token(client, "/certificates"), certificate="  ")
    assert response.status_code == 400
    assert "Paste the signed Form E or choose its file." in page(response).text


def _failing_trust() -> TrustList:
    raise RuntimeError("the trust store at /secret/path is corrupt")


def _unusable_trust() -> TrustList:
    raise InvalidInput("a trust list names an authority twice", code="trust.duplicate")


@pytest.mark.parametrize(
    ("trust", "status", "phrase"),
    [
        (_failing_trust, 500, "Something went wrong"),
        (_unusable_trust, 503, "Service unavailable"),
    ],
)
def test_a_server_failure_is_an_error_page_without_internals(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    page: Parse,
    form_token: Token,
    certificate: tuple[str, str],
    trust: Callable[[], TrustList],
    status: int,
    phrase: str,
) -> None:
    portal = portal_router(services, tokens=tokens, trust=trust, settings=PortalSettings())
    with TestClient(Litestar([portal], logging_config=None)) as client:
        response = _post(client, form_token(client, "/certificates"), certificate=certificate[1])
    assert response.status_code == status
    parsed = page(response)
    assert phrase in parsed.text
    assert "/secret/path" not in response.text and "Traceback" not in response.text
    if status == 500:
        assert "Error number:" in parsed.text
