"""Property-based tests of every operation against the OpenAPI document (schemathesis).

Generated requests, valid and invalid, must never get a 5xx, and every response must match the
document: its status, content type and schema. A bounded number of examples per operation keeps
this in the everyday test run.

schemathesis reads the document when the module is collected (its lazy, fixture-based loader
does not work with pytest 9), so the application is built here rather than from the fixtures,
over a node with a SQLite database of its own. Declarations are lodged with the token of the
broker the documented example names, so the example clears; decisions are made with an
officer's token, and the register of representations is worked with an administrator's (who may
grant, read and withdraw any authority).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer
from cafta.api.app import create_app
from cafta.api.schemas import DECIMAL_PATTERN
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token

_NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
_HOME = tempfile.TemporaryDirectory(prefix="cafta-api-fuzz-")
_TOKENS = InMemoryTokenStore()
_BROKER = issue_token(_TOKENS, Role.BROKER, "Pingxiang Border Brokers Co.", _NOW)
_OFFICER = issue_token(_TOKENS, Role.OFFICER, "Officer Li (CNYYG)", _NOW)
_ADMIN = issue_token(_TOKENS, Role.ADMIN, "Operator (CNYYG)", _NOW)
_HEADERS = {"Authorization": f"Bearer {_BROKER}"}
_OFFICER_HEADERS = {"Authorization": f"Bearer {_OFFICER}"}
_ADMIN_HEADERS = {"Authorization": f"Bearer {_ADMIN}"}
_KEY = Ed25519Signer.generate()
_AUTHORITY = IssuingAuthority("MM-MOC", "MM")
_TRUST = TrustList((_AUTHORITY,), (TrustedKey(_AUTHORITY, _KEY.public_key),), party="CN")
_SERVICES = bootstrap.build(Settings(home=Path(_HOME.name)), clock=FixedClock(_NOW))
_NODE = bootstrap.open_node(
    _SERVICES, f"sqlite:///{Path(_HOME.name) / 'cafta.db'}", upgrade=True, risk_seed=7
)
_APP = create_app(_SERVICES, tokens=_TOKENS, trust=lambda: _TRUST, clearance=_NODE.clearance,
                  representations=_NODE.representations)  # fmt: skip

schema = schemathesis.openapi.from_asgi("/schema/openapi.json", _APP)
# Every request carries the token, and unknown query parameters are ignored by design: neither
# is generated as "invalid input".
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)


@pytest.fixture(scope="module", autouse=True)
def _remove_home() -> Iterator[None]:
    yield
    _NODE.close()
    _HOME.cleanup()


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("CAFTA_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_input_makes_the_api_fail(case: Any) -> None:
    # A schema-valid body may still be refused by the domain (an unknown country, an HS code
    # that does not exist): the document cannot say that, so "valid means accepted" is not
    # checked; everything else is.
    headers = _OFFICER_HEADERS if case.operation.path.endswith("/decisions") else _HEADERS
    if case.operation.path.startswith("/api/v1/representations"):
        headers = _ADMIN_HEADERS
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


def test_the_decimal_pattern_is_exact() -> None:
    pattern = re.compile(DECIMAL_PATTERN)
    assert all(pattern.match(t) for t in ("0", "1000.00", "-5", "123456789012345.678"))
    assert not any(pattern.match(t) for t in ("1e3", "1,000", " 1", "1.", ".5", "NaN", "١"))
