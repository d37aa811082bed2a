"""The signed envelope of an electronic Form E: JWS compact serialisation with EdDSA.

Format (RFC 7515 §7.1, algorithm per RFC 8037 §3.1)::

    BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)

* header: the canonical JSON of ``{"alg": "EdDSA", "kid": <key id>, "typ": "form-e+jws"}``.
  ``typ`` (RFC 7515 §4.1.9) tells a reader the payload is a Form E rather than any JWS (a reader
  accepts it absent, refuses any other value); ``kid``
  is the RFC 7638 thumbprint of the issuing authority's Ed25519 key
  (:func:`cafta.certificates.trust.key_id`). ``crit`` is refused: nothing here understands an
  extension that must be understood.
* payload: the canonical bytes of the certificate's document (:mod:`.canonical`);
* signature: the 64-byte Ed25519 signature over the ASCII of ``header "." payload``.

Base64url is without padding, and decoding is strict (RFC 4648 §3.5): a character outside the
alphabet, padding, or non-zero unused bits in the last character make the envelope malformed,
so every change to the text changes either the bytes signed or the verdict. A payload must be in
canonical form: re-serialising the certificate read from it must give the same bytes, so what
is shown and checked is exactly what was signed.

The domain only defines the :class:`Signer` and :class:`SignatureVerifier` ports; the Ed25519
implementation is :mod:`cafta.adapters.crypto`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Protocol

from cafta.certificates.canonical import canonical_bytes, form_bytes, from_document
from cafta.certificates.form_e import FormE
from cafta.core.errors import InvalidInput

__all__ = [
    "ALGORITHM",
    "MAX_ENVELOPE_CHARS",
    "TYPE",
    "OpenedEnvelope",
    "SignatureVerifier",
    "Signer",
    "b64url_decode",
    "b64url_encode",
    "open_envelope",
    "read_certificate",
    "sign",
    "sign_payload",
]

ALGORITHM = "EdDSA"
TYPE = "form-e+jws"
SIGNATURE_BYTES = 64
MAX_ENVELOPE_CHARS = 4_000_000
"""About 3 MB of payload: thousands of items. Anything longer is refused unread."""

MALFORMED = "certificate.malformed"


class Signer(Protocol):
    """An issuing authority's private key: signs bytes under a key id."""

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class SignatureVerifier(Protocol):
    """Checks a signature with a raw public key; ``False`` (never an exception) when it fails."""

    def verify(self, public_key: bytes, signature: bytes, data: bytes) -> bool: ...


def _malformed(problem: str) -> InvalidInput:
    return InvalidInput(
        f"the certificate envelope is malformed: {problem}",
        code=MALFORMED,
        hint="A signed Form E is three base64url parts separated by dots (a JWS); "
        "check the file is complete and unchanged.",
    )


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """Strict base64url without padding: one text for each byte string, nothing else."""
    # b64decode maps the URL-safe characters onto "+" and "/" and would take those too.
    if len(text) % 4 == 1 or "=" in text or "+" in text or "/" in text:
        raise _malformed(f"the {what} is not base64url without padding")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise _malformed(f"the {what} has a character outside base64url") from None
    # The last character may carry unused bits; only the encoding with them at zero is accepted.
    if b64url_encode(data) != text:
        raise _malformed(f"the {what} has non-zero unused bits in its last character")
    return data


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 7515 §5.2 lets a reader refuse duplicate member names; taking the last one would let
    # two readers see different certificates in the same bytes.
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _malformed(f"the member '{key}' appears twice in one object")
        found[key] = value
    return found


def _json(data: bytes, what: str, *, strict_members: bool = True) -> object:
    hook = _refuse_duplicates if strict_members else None
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=hook)
    except UnicodeDecodeError:
        raise _malformed(f"the {what} is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise _malformed(f"the {what} is not JSON ({error.msg} at offset {error.pos})") from None
    except RecursionError:
        raise _malformed(f"the {what} is nested too deeply") from None


@dataclass(frozen=True, slots=True)
class OpenedEnvelope:
    """The parts of an envelope, decoded but not yet checked against any key."""

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def key_id(self) -> str:
        return str(self.header["kid"])


def sign_payload(payload: bytes, signer: Signer) -> str:
    """The compact JWS of ``payload`` signed by ``signer``."""
    header = canonical_bytes({"alg": ALGORITHM, "kid": signer.key_id, "typ": TYPE})
    signing_input = f"{b64url_encode(header)}.{b64url_encode(payload)}"
    signature = signer.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def sign(form: FormE, signer: Signer) -> str:
    """The signed certificate: its canonical bytes in a JWS envelope."""
    return sign_payload(form_bytes(form), signer)


def open_envelope(text: str) -> OpenedEnvelope:
    """Decode an envelope; raises :class:`InvalidInput` (``certificate.malformed``)."""
    if len(text) > MAX_ENVELOPE_CHARS:
        raise _malformed(f"it is longer than {MAX_ENVELOPE_CHARS:,} characters")
    text = text.strip()
    parts = text.split(".")
    if len(parts) != 3:
        raise _malformed(f"expected 3 parts separated by '.', found {len(parts)}")
    header_part, payload_part, signature_part = parts
    header = _json(b64url_decode(header_part, "header"), "header")
    if not isinstance(header, dict):
        raise _malformed("the header is not a JSON object")
    if header.get("alg") != ALGORITHM:
        raise _malformed(f"the algorithm is {header.get('alg')!r}, not {ALGORITHM!r}")
    if header.get("typ", TYPE) != TYPE:
        raise _malformed(f"the type is {header.get('typ')!r}, not {TYPE!r}")
    if "crit" in header:
        raise _malformed("the header lists critical extensions, which are not supported")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _malformed("the header has no key id ('kid')")
    signature = b64url_decode(signature_part, "signature")
    if len(signature) != SIGNATURE_BYTES:
        raise _malformed(f"the signature has {len(signature)} bytes, not {SIGNATURE_BYTES}")
    return OpenedEnvelope(
        header=header,
        payload=b64url_decode(payload_part, "payload"),
        signing_input=f"{header_part}.{payload_part}".encode("ascii"),
        signature=signature,
    )


def read_certificate(payload: bytes) -> FormE:
    """The certificate in a payload, which must be its canonical document's canonical bytes."""
    # Duplicate members need no check here: the canonical form has none, so a payload with
    # them never equals the canonical bytes of what was read from it.
    try:
        form = from_document(_json(payload, "payload", strict_members=False))
    except InvalidInput as error:
        if error.code == MALFORMED:
            raise
        raise InvalidInput(
            f"the certificate cannot be read: {error.message}", code=MALFORMED, hint=error.hint
        ) from None
    if form_bytes(form) != payload:
        raise _malformed("the payload is not in canonical form")
    return form
