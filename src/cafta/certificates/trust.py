"""Trust lists: the issuing authorities an importing party trusts, and their public keys.

A Form E is issued by a government-designated issuing authority of the exporting party (OCP
Rule 2, domain brief acfta-rules.md §1.13) [C]; electronically, that authority signs it with an
Ed25519 key. Each importing customs keeps the list of keys it trusts, with their validity. A
list is exchanged as JSON (format ``cafta.trust-list/1``)::

    {"format": "cafta.trust-list/1", "party": "CN",
     "authorities": [{"id": "MM-MOC", "country": "MM", "name": "Ministry of Commerce",
                      "keys": [{"kid": "...", "jwk": {"kty": "OKP", "crv": "Ed25519",
                                                      "x": "<base64url of the 32-byte key>"},
                                "valid_from": "2026-01-01", "valid_to": null}]}]}

``party`` is the importing party whose list it is (``null``: not tied to one). Public keys are
JSON Web Keys of type OKP (RFC 8037 §2). A key's id is its JWK thumbprint (RFC 7638 §3): the
base64url SHA-256 of ``{"crv":"Ed25519","kty":"OKP","x":"..."}``, so an id cannot name two keys
and anyone can recompute it; a ``kid`` in a list that does not match its key is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from cafta.certificates.boxes import read_country, read_date
from cafta.certificates.canonical import canonical_bytes
from cafta.certificates.envelope import b64url_decode, b64url_encode
from cafta.core.errors import Conflict, InvalidInput
from cafta.core.fields import Fields

__all__ = [
    "FORMAT",
    "IssuingAuthority",
    "TrustList",
    "TrustedKey",
    "key_id",
    "merge",
    "parse_trust_list",
    "trust_list_document",
]

FORMAT = "cafta.trust-list/1"
PUBLIC_KEY_BYTES = 32
_AUTHORITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ALPHA2 = re.compile(r"^[A-Z]{2}$")


def key_id(public_key: bytes) -> str:
    """The RFC 7638 thumbprint of an Ed25519 public key (43 base64url characters)."""
    if len(public_key) != PUBLIC_KEY_BYTES:
        raise InvalidInput(
            f"an Ed25519 public key has {PUBLIC_KEY_BYTES} bytes, not {len(public_key)}",
            code="trust.invalid_key",
        )
    members = canonical_bytes({"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(public_key)})
    return b64url_encode(hashlib.sha256(members).digest())


@dataclass(frozen=True, slots=True)
class IssuingAuthority:
    """A body designated by a party to issue Form E; ``id`` is short and file-name safe."""

    id: str
    country: str
    name: str | None = None

    def __post_init__(self) -> None:
        if not _AUTHORITY_ID.match(self.id):
            raise InvalidInput(
                f"'{self.id}' cannot identify an issuing authority",
                code="trust.invalid_authority",
                hint="Use 1 to 64 letters, digits, '.', '_' or '-', e.g. MM-MOC.",
            )
        if not _ALPHA2.match(self.country):
            raise InvalidInput(
                f"'{self.country}' is not an ISO alpha-2 country code",
                code="trust.invalid_authority",
            )


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """An authority's public key, trusted for certificates issued from ``valid_from`` to
    ``valid_to`` (both inclusive, open when ``None``)."""

    authority: IssuingAuthority
    public_key: bytes
    valid_from: date | None = None
    valid_to: date | None = None
    kid: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kid", key_id(self.public_key))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidInput(
                f"key {self.kid} is valid to {self.valid_to}, before it is valid from "
                f"{self.valid_from}",
                code="trust.inverted_validity",
            )

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class TrustList:
    """Authorities and their keys; ``key(kid)`` answers in constant time."""

    authorities: tuple[IssuingAuthority, ...] = ()
    keys: tuple[TrustedKey, ...] = ()
    party: str | None = None
    _by_kid: dict[str, TrustedKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {a.id: a for a in self.authorities}
        if len(by_id) != len(self.authorities):
            raise InvalidInput("a trust list names an authority twice", code="trust.duplicate")
        by_kid: dict[str, TrustedKey] = {}
        for key in self.keys:
            if by_id.get(key.authority.id) != key.authority:
                raise InvalidInput(
                    f"key {key.kid} belongs to authority {key.authority.id}, which the list "
                    "does not name",
                    code="trust.unknown_authority",
                )
            if key.kid in by_kid:
                raise InvalidInput(f"key {key.kid} is listed twice", code="trust.duplicate")
            by_kid[key.kid] = key
        object.__setattr__(self, "_by_kid", by_kid)

    def key(self, kid: str) -> TrustedKey | None:
        return self._by_kid.get(kid)

    def authority(self, authority_id: str) -> IssuingAuthority | None:
        return next((a for a in self.authorities if a.id == authority_id), None)

    def keys_of(self, authority_id: str) -> tuple[TrustedKey, ...]:
        return tuple(k for k in self.keys if k.authority.id == authority_id)

    def with_key(self, key: TrustedKey) -> TrustList:
        """This list plus one key (and its authority if new); conflicts raise ``Conflict``."""
        single = TrustList((key.authority,), (key,), None)
        return merge(self, single)


def merge(*lists: TrustList) -> TrustList:
    """One list with every authority and key of ``lists``.

    The same key listed twice with the same authority and validity is kept once; listed with a
    different authority or validity it is a :class:`Conflict` (``trust.key_conflict``), as is an
    authority id in two countries or two lists for different importing parties.
    """
    parties = {t.party for t in lists if t.party is not None}
    if len(parties) > 1:
        raise Conflict(
            f"the trust lists are for different importing parties: {', '.join(sorted(parties))}",
            code="trust.party_conflict",
        )
    authorities: dict[str, IssuingAuthority] = {}
    for authority in (a for t in lists for a in t.authorities):
        known = authorities.get(authority.id)
        if known is None:
            authorities[authority.id] = authority
        elif known.country != authority.country:
            raise Conflict(
                f"authority {authority.id} is listed in {known.country} and in {authority.country}",
                code="trust.authority_conflict",
            )
        elif known.name is None and authority.name is not None:
            authorities[authority.id] = authority
    keys: dict[str, TrustedKey] = {}
    for key in (k for t in lists for k in t.keys):
        placed = replace(key, authority=authorities[key.authority.id])
        known_key = keys.get(key.kid)
        if known_key is None:
            keys[key.kid] = placed
        elif (known_key.authority.id, known_key.valid_from, known_key.valid_to) != (
            placed.authority.id, placed.valid_from, placed.valid_to,
        ):  # fmt: skip
            raise Conflict(
                f"key {key.kid} is listed for {known_key.authority.id} "
                f"({_validity(known_key)}) and for {placed.authority.id} ({_validity(placed)})",
                code="trust.key_conflict",
                hint="Remove one of the two entries, or correct its authority or dates.",
            )
    return TrustList(tuple(authorities.values()), tuple(keys.values()), next(iter(parties), None))


def _validity(key: TrustedKey) -> str:
    start = key.valid_from.isoformat() if key.valid_from else "open"
    end = key.valid_to.isoformat() if key.valid_to else "open"
    return f"{start} to {end}"


# --- the JSON document ------------------------------------------------------------------------


def _public_key(jwk: Fields) -> bytes:
    for member, expected in (("kty", "OKP"), ("crv", "Ed25519")):
        if jwk.text(member) != expected:
            raise jwk.error(member, f"expected '{expected}'", "invalid_key")
    try:
        raw = b64url_decode(jwk.text("x"), "key")
    except InvalidInput:
        raise jwk.error("x", "is not base64url without padding", "invalid_key") from None
    if len(raw) != PUBLIC_KEY_BYTES:
        raise jwk.error("x", f"has {len(raw)} bytes, not {PUBLIC_KEY_BYTES}", "invalid_key")
    return raw


def _keys(entry: Fields, authority: IssuingAuthority) -> Iterable[TrustedKey]:
    for item in entry.objects("keys"):
        public_key = _public_key(item.object("jwk"))
        valid_from, valid_to = read_date(item, "valid_from"), read_date(item, "valid_to")
        try:
            key = TrustedKey(authority, public_key, valid_from, valid_to)
        except InvalidInput as error:
            raise item.wrap(error, "valid_to") from None
        if item.has("kid") and item.text("kid") != key.kid:
            raise item.error(
                "kid", f"'{item.text('kid')}' is not the thumbprint of this key ({key.kid})",
                "kid_mismatch",
            )  # fmt: skip
        yield key


def parse_trust_list(data: object) -> TrustList:
    """Read a trust list document; errors are ``trust.*`` and name the field."""
    fields = Fields(data, prefix="trust")
    found = fields.text("format")
    if found != FORMAT:
        raise fields.error("format", f"'{found}' is not '{FORMAT}'", "unknown_format")
    authorities: list[IssuingAuthority] = []
    keys: list[TrustedKey] = []
    for entry in fields.objects("authorities"):
        authority_id, country = entry.text("id"), read_country(entry, "country")
        try:
            authority = IssuingAuthority(authority_id, country, entry.optional_text("name"))
        except InvalidInput as error:
            raise entry.wrap(error, "id") from None
        keys.extend(_keys(entry, authority))
        authorities.append(authority)
    party = read_country(fields, "party") if fields.has("party") else None
    try:
        return TrustList(tuple(authorities), tuple(keys), party)
    except InvalidInput as error:
        raise fields.wrap(error, "authorities") from None


def trust_list_document(trust: TrustList) -> dict[str, Any]:
    """The JSON document of a trust list (the inverse of :func:`parse_trust_list`)."""
    return {
        "format": FORMAT,
        "party": trust.party,
        "authorities": [
            {
                "id": a.id,
                "country": a.country,
                "name": a.name,
                "keys": [
                    {
                        "kid": k.kid,
                        "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(k.public_key)},
                        "valid_from": k.valid_from.isoformat() if k.valid_from else None,
                        "valid_to": k.valid_to.isoformat() if k.valid_to else None,
                    }
                    for k in trust.keys_of(a.id)
                ],
            }
            for a in trust.authorities
        ],
    }
