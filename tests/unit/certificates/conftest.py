"""Fixtures for the certificates tests: Myanmar's issuing authority, China's trust list, and the
black gram consignment of the domain brief (acfta-rules.md §4(b))."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList

ISSUED = date(2026, 3, 2)
CHECKED = date(2026, 3, 10)

MINIMAL_REQUEST: dict[str, Any] = json.loads(
    (Path(__file__).parent / "minimal-request.json").read_text(encoding="utf-8")
)
"""The minimal issue request that must be accepted (the brief's example, verbatim)."""

MUNG_BEANS: dict[str, Any] = {
    "line": "0713.31.90",
    "description": "Mung beans (Vigna radiata), dried",
    "quantity": {"amount": "10000", "unit": "kg"},
    "criterion": "WO",
    "fob": {"amount": "9800.00", "currency": "USD"},
}


@pytest.fixture
def request_data() -> dict[str, Any]:
    """The minimal request, with the bean line at 8 digits as on the certificate of the case."""
    data = copy.deepcopy(MINIMAL_REQUEST)
    data["items"][0]["line"] = "0713.31.10"
    return data


@pytest.fixture
def authority() -> IssuingAuthority:
    return IssuingAuthority("MM-MOC", "MM", "Ministry of Commerce of Myanmar")


@pytest.fixture(scope="session")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate()


@pytest.fixture
def trust(authority: IssuingAuthority, signer: Ed25519Signer) -> TrustList:
    """China's trust list, holding the Myanmar authority's key."""
    return TrustList((authority,), (TrustedKey(authority, signer.public_key),), party="CN")


@pytest.fixture
def verifier() -> Ed25519Verifier:
    return Ed25519Verifier()


@pytest.fixture
def declaration_data() -> Callable[..., dict[str, Any]]:
    """A declaration claiming ACFTA preference with ``certificate`` (``None``: no certificate),
    as the importer filed it."""

    def build(certificate: str | None, **item: Any) -> dict[str, Any]:
        line = {
            "line": "0713.31.90",
            "description": "Black gram (Vigna mungo), dried",
            "origin": "MM",
            "quantity": {"amount": "25000", "unit": "kg"},
            "value": {"amount": "171000.00", "currency": "CNY"},
            "incoterm": "CIF",
            "preference": {"scheme": "ACFTA", "certificate": certificate},
        }
        line.update(item)
        return {
            "office": "CNQIN",
            "importer": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
            "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
            "items": [line],
        }

    return build
