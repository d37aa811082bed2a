"""A Thai issuing authority's key and China's trust list holding it."""

from __future__ import annotations

import pytest

from cafta.adapters.crypto import Ed25519Signer
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList


@pytest.fixture(scope="session")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate()


@pytest.fixture(scope="session")
def trust(signer: Ed25519Signer) -> TrustList:
    authority = IssuingAuthority("TH-DFT", "TH", "Department of Foreign Trade")
    return TrustList((authority,), (TrustedKey(authority, signer.public_key),), party="CN")
