"""A certificate is authenticated once: later checks reuse the signature check, never the trust."""

from __future__ import annotations

from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.authenticated import AuthenticatedCertificates
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustList
from cafta.certificates.verdict import Outcome
from cafta.certificates.verification import verify

from .conftest import CHECKED


class CountingVerifier:
    def __init__(self) -> None:
        self.calls = 0
        self._inner = Ed25519Verifier()

    def verify(self, public_key: bytes, signature: bytes, data: bytes) -> bool:
        self.calls += 1
        return self._inner.verify(public_key, signature, data)


def test_the_signature_is_checked_once(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList
) -> None:
    _, envelope = issue(request_data, signer)
    memo = AuthenticatedCertificates()
    counting = CountingVerifier()
    first = verify(envelope, trust, counting, on=CHECKED, authenticated=memo)
    second = verify(envelope, trust, counting, on=CHECKED, authenticated=memo)
    assert first.status is second.status is Outcome.ACCEPTED
    assert second.reference == first.reference and second.certificate == first.certificate
    assert counting.calls == 1 and len(memo) == 1


def test_a_key_no_longer_trusted_is_refused_even_when_remembered(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList,
    authority: IssuingAuthority,
) -> None:  # fmt: skip
    _, envelope = issue(request_data, signer)
    memo = AuthenticatedCertificates()
    verify(envelope, trust, CountingVerifier(), on=CHECKED, authenticated=memo)
    emptied = TrustList((authority,), (), party="CN")
    again = verify(envelope, emptied, CountingVerifier(), on=CHECKED, authenticated=memo)
    assert again.status is Outcome.REJECTED
    assert again.codes() == ("certificate.untrusted_key",)


def test_a_changed_envelope_is_not_taken_for_the_remembered_one(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList
) -> None:
    _, envelope = issue(request_data, signer)
    memo = AuthenticatedCertificates()
    verify(envelope, trust, CountingVerifier(), on=CHECKED, authenticated=memo)
    head, payload, signature = envelope.split(".")
    tampered = f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    verdict = verify(tampered, trust, CountingVerifier(), on=CHECKED, authenticated=memo)
    assert verdict.status is Outcome.REJECTED
    assert len(memo) == 1  # a rejected envelope is not remembered


def test_the_store_is_bounded(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList
) -> None:
    memo = AuthenticatedCertificates(capacity=2)
    envelopes = []
    for number in ("A-1", "A-2", "A-3"):
        data = {**request_data, "invoice": {"number": number, "date": "2026-03-01"}}
        envelopes.append(issue(data, signer)[1])
        verify(envelopes[-1], trust, CountingVerifier(), on=CHECKED, authenticated=memo)
    assert len(memo) == 2
    assert memo.get(envelopes[0]) is None and memo.get(envelopes[2]) is not None
    with pytest.raises(ValueError, match="capacity"):
        AuthenticatedCertificates(capacity=0)
