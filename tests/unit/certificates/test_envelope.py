"""The JWS envelope: header, payload, signature, and strict decoding."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cafta.adapters.crypto import Ed25519Signer
from cafta.certificates.canonical import form_bytes
from cafta.certificates.envelope import (
    b64url_decode,
    b64url_encode,
    open_envelope,
    read_certificate,
    sign,
    sign_payload,
)
from cafta.certificates.issuance import parse_request
from cafta.core.errors import InvalidInput


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_header_says_eddsa_the_key_and_the_type(
    request_data: dict[str, Any], signer: Ed25519Signer
) -> None:
    form = parse_request(request_data)
    header, payload, signature = sign(form, signer).split(".")
    assert _unb64(header) == (
        b'{"alg":"EdDSA","kid":"' + signer.key_id.encode() + b'","typ":"form-e+jws"}'
    )
    assert _unb64(payload) == form_bytes(form)
    assert "=" not in header + payload + signature
    # An independent check of the signature, straight from the raw public key (RFC 8037).
    key = Ed25519PublicKey.from_public_bytes(signer.public_key)
    key.verify(_unb64(signature), f"{header}.{payload}".encode())


def test_signing_is_deterministic_and_opening_gives_the_parts(
    request_data: dict[str, Any], signer: Ed25519Signer
) -> None:
    form = parse_request(request_data)
    envelope = sign(form, signer)
    assert sign(form, signer) == envelope  # Ed25519 signatures are deterministic (RFC 8032)
    opened = open_envelope(f"  {envelope}\n")
    assert opened.key_id == signer.key_id
    assert opened.header == {"alg": "EdDSA", "kid": signer.key_id, "typ": "form-e+jws"}
    assert opened.signing_input == envelope.rsplit(".", 1)[0].encode()
    assert len(opened.signature) == 64
    assert read_certificate(opened.payload) == form


def test_base64url_is_strict() -> None:
    assert b64url_decode(b64url_encode(b"\xfb\xff"), "x") == b"\xfb\xff"
    assert b64url_encode(b"\xfb\xff") == "-_8"
    for bad in ("-_8=", "+/8", "-_9", "a", "ab!c", "ab c"):  # "-_9": non-zero unused bits
        with pytest.raises(InvalidInput) as error:
            b64url_decode(bad, "x")
        assert error.value.code == "certificate.malformed", bad


def _envelope(header: dict[str, Any], payload: bytes = b"{}", signature: bytes = bytes(64)) -> str:
    head = json.dumps(header, separators=(",", ":")).encode()
    return f"{_b64(head)}.{_b64(payload)}.{_b64(signature)}"


GOOD_HEADER = {"alg": "EdDSA", "kid": "k1", "typ": "form-e+jws"}
DUPLICATE = _b64(b'{"alg":"EdDSA","alg":"none","kid":"k"}')


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "3 parts"),
        ("a.b", "3 parts"),
        ("a.b.c.d", "3 parts"),
        (_envelope({**GOOD_HEADER, "alg": "none"}), "algorithm"),
        (_envelope({**GOOD_HEADER, "alg": "HS256"}), "algorithm"),
        (_envelope({**GOOD_HEADER, "typ": "JWT"}), "type"),
        (_envelope({**GOOD_HEADER, "crit": ["exp"]}), "critical"),
        (_envelope({"alg": "EdDSA"}), "key id"),
        (_envelope({**GOOD_HEADER, "kid": 7}), "key id"),
        (_envelope(GOOD_HEADER, signature=bytes(63)), "63 bytes"),
        (f"{_b64(b'[1]')}.{_b64(b'{}')}.{_b64(bytes(64))}", "not a JSON object"),
        (f"{_b64(b'{nope')}.{_b64(b'{}')}.{_b64(bytes(64))}", "not JSON"),
        (f"{_b64(bytes([0xFF]))}.{_b64(b'{}')}.{_b64(bytes(64))}", "not UTF-8"),
        (f"{DUPLICATE}.{_b64(b'{}')}.{_b64(bytes(64))}", "twice"),
    ],
)
def test_malformed_envelopes_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as error:
        open_envelope(text)
    assert error.value.code == "certificate.malformed"
    assert problem in error.value.message


def test_a_payload_must_be_canonical(request_data: dict[str, Any], signer: Ed25519Signer) -> None:
    form = parse_request(request_data)
    pretty = json.dumps(json.loads(form_bytes(form)), indent=1).encode()
    opened = open_envelope(sign_payload(pretty, signer))
    with pytest.raises(InvalidInput) as error:
        read_certificate(opened.payload)
    assert error.value.code == "certificate.malformed"
    assert "canonical" in error.value.message


def test_a_payload_that_is_no_certificate_is_malformed(signer: Ed25519Signer) -> None:
    opened = open_envelope(sign_payload(b'{"format":"cafta.form-e/1"}', signer))
    with pytest.raises(InvalidInput) as error:
        read_certificate(opened.payload)
    assert error.value.code == "certificate.malformed"
    assert "reference: missing" in error.value.message


def test_a_payload_with_a_member_twice_is_malformed(
    request_data: dict[str, Any], signer: Ed25519Signer
) -> None:
    form = parse_request(request_data)
    canonical = form_bytes(form)
    doubled = canonical.replace(b'"authority":"MM-MOC",', b'"authority":"XX","authority":"MM-MOC",')
    assert doubled != canonical
    opened = open_envelope(sign_payload(doubled, signer))
    with pytest.raises(InvalidInput) as error:
        read_certificate(opened.payload)
    assert error.value.code == "certificate.malformed"
