"""The OpenAPI document is the same bytes whatever the hash seed of the process that built it,
so a client generated from it, or a diff of it in review, changes only when the API does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_BUILD = """\
import sys
from pathlib import Path

from litestar.testing import TestClient

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.config import Settings
from cafta.services.tokens import InMemoryTokenStore

app = create_app(bootstrap.build(Settings(home=Path(sys.argv[1]))), tokens=InMemoryTokenStore())
with TestClient(app) as client:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200, response.status_code
    sys.stdout.buffer.write(response.content)
"""

SEEDS = ("0", "2")
"""Two hash seeds that listed the lodging's ``Location`` and ``ETag`` headers in different
orders while the document took them in a set's order."""


def test_the_openapi_document_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # Both processes at once: each takes about a second and a half, mostly imports.
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(tmp_path / f"home-{seed}")],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for seed in SEEDS
    ]
    documents = []
    for process in running:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode(errors="replace")
        documents.append(out)
    first, second = documents
    assert first == second
    lodge = json.loads(first)["paths"]["/api/v1/declarations"]["post"]
    assert list(lodge["responses"]["201"]["headers"]) == ["ETag", "Location"]
    # The idempotent replay's 200 has the 201's headers and its own, listed by name too.
    assert list(lodge["responses"]["200"]["headers"]) == ["ETag", "Idempotent-Replayed", "Location"]
