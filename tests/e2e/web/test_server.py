"""The server's application (``cafta serve``) has the portal at ``/`` beside the API, with the
node's own tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.server import app_from_env
from cafta.services.ports import Role
from cafta.services.tokens import issue_token

Parse = Callable[[Any], Any]


def test_the_server_serves_the_portal_with_the_nodes_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Parse
) -> None:
    monkeypatch.setenv("CAFTA_DATABASE_URL", f"sqlite:///{tmp_path / 'cafta.db'}")
    monkeypatch.setenv("CAFTA_SECRET", "a-secret-shared-by-every-worker-0123456789")
    app = app_from_env()
    with TestClient(app) as client:
        node = bootstrap.open_node(bootstrap.build())
        try:
            token = issue_token(StoredTokens(node.engine), Role.OFFICER, "CNQIN", datetime.now(UTC))
        finally:
            node.close()
        home = page(client.get("/"))
        assert "Tools for trade between China and the ASEAN countries" in home.text
        response = client.post(
            "/signin",
            data={"csrf_token": page(client.get("/signin")).csrf(), "token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "Signed in as customs officer for CNQIN" in page(client.get("/")).text
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/docs").status_code == 200
