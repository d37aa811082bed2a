"""Ed25519 signatures for electronic Form E, with the ``cryptography`` package.

Implements the ports of :mod:`cafta.certificates.envelope`: :class:`Ed25519Signer` (an issuing
authority's private key) and :class:`Ed25519Verifier` (checks signatures with raw 32-byte public
keys, RFC 8032; algorithm name ``EdDSA`` in JWS, RFC 8037). The verifier keeps the public-key
objects it has built, by raw bytes, since an importing customs checks many certificates with few
keys and building a key object costs about as much as a verification.

Private keys are stored as unencrypted PEM PKCS #8 files (RFC 5208, RFC 8410), readable by their
owner only (mode 0600), written atomically, and never overwritten unless asked: losing an
authority's key means re-issuing its trust-list entry. Protect the directory they live in.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cafta.adapters.document_files import write_atomically
from cafta.certificates.trust import key_id as thumbprint
from cafta.core.errors import InvalidInput, NotFound

__all__ = [
    "Ed25519Signer",
    "Ed25519Verifier",
    "generate_private_key",
    "load_signer",
    "public_key_bytes",
    "read_private_key",
    "write_private_key",
]

_PRIVATE_MODE = 0o600


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key (RFC 8032 §5.1.5)."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


class Ed25519Signer:
    """Signs with an Ed25519 private key under its key id (the RFC 7638 thumbprint)."""

    __slots__ = ("_key", "_key_id", "public_key")

    def __init__(self, private_key: Ed25519PrivateKey, key_id: str | None = None) -> None:
        self._key = private_key
        self.public_key = public_key_bytes(private_key)
        self._key_id = thumbprint(self.public_key)
        if key_id is not None and key_id != self._key_id:
            # Trust lists find keys by thumbprint: any other id could never be verified.
            raise InvalidInput(
                f"key id '{key_id}' is not this key's thumbprint ({self._key_id})",
                code="keys.kid_mismatch",
            )

    @classmethod
    def generate(cls) -> Ed25519Signer:
        return cls(generate_private_key())

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return self._key

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)


class Ed25519Verifier:
    """Checks Ed25519 signatures; a bad signature or an unusable key gives ``False``."""

    __slots__ = ("_keys", "_limit")

    def __init__(self, cache_size: int = 4096) -> None:
        self._keys: dict[bytes, Ed25519PublicKey | None] = {}
        self._limit = cache_size

    def _public_key(self, raw: bytes) -> Ed25519PublicKey | None:
        if raw in self._keys:
            return self._keys[raw]
        try:
            key: Ed25519PublicKey | None = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            key = None
        if len(self._keys) >= self._limit:
            self._keys.pop(next(iter(self._keys)))  # the oldest entry
        self._keys[raw] = key
        return key

    def verify(self, public_key: bytes, signature: bytes, data: bytes) -> bool:
        key = self._public_key(bytes(public_key))
        if key is None:
            return False
        try:
            key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


def write_private_key(path: Path, key: Ed25519PrivateKey, *, overwrite: bool = False) -> None:
    """Write ``key`` as PEM PKCS #8, mode 0600; an existing file is a ``Conflict`` unless
    ``overwrite``."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomically(path, pem, mode=_PRIVATE_MODE, overwrite=overwrite)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file; anything else is :class:`InvalidInput`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no key file at {path}", code="file.not_found") from None
    except OSError as error:
        raise InvalidInput(
            f"{path} cannot be read: {error.strerror}", code="file.unreadable"
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise InvalidInput(
            f"{path} holds an encrypted private key, which is not supported",
            code="keys.invalid_key_file",
            hint="Export the key without a passphrase and protect the file instead.",
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidInput(
            f"{path} is not a PEM private key",
            code="keys.invalid_key_file",
            hint="Use a key written by 'cafta keys generate'.",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(
            f"{path} holds a {type(key).__name__.removeprefix('_')} key, not an Ed25519 key",
            code="keys.not_ed25519",
            hint="Form E are signed with Ed25519 keys; use 'cafta keys generate'.",
        )
    return key


def load_signer(path: Path) -> Ed25519Signer:
    return Ed25519Signer(read_private_key(path))
