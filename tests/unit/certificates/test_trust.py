"""Trust lists: key ids, look-ups, merging, and the JSON document."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer
from cafta.certificates.canonical import canonical_bytes
from cafta.certificates.envelope import b64url_decode
from cafta.certificates.trust import (
    IssuingAuthority,
    TrustedKey,
    TrustList,
    key_id,
    merge,
    parse_trust_list,
    trust_list_document,
)
from cafta.core.errors import Conflict, InvalidInput

# RFC 8037 Appendix A.3: the JWK thumbprint of the example Ed25519 public key.
RFC_8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_the_key_id_is_the_rfc_7638_thumbprint() -> None:
    assert key_id(b64url_decode(RFC_8037_X, "x")) == RFC_8037_THUMBPRINT
    with pytest.raises(InvalidInput):
        key_id(b"short")


def test_keys_are_found_by_id_and_valid_on_their_dates(authority: IssuingAuthority) -> None:
    raw = b64url_decode(RFC_8037_X, "x")
    key = TrustedKey(authority, raw, date(2026, 1, 1), date(2026, 12, 31))
    trust = TrustList((authority,), (key,), "CN")
    assert trust.key(RFC_8037_THUMBPRINT) is key and trust.key("other") is None
    assert trust.authority("MM-MOC") == authority and trust.authority("VN-MOIT") is None
    assert key.valid_on(date(2026, 1, 1)) and key.valid_on(date(2026, 12, 31))
    assert not key.valid_on(date(2025, 12, 31)) and not key.valid_on(date(2027, 1, 1))
    with pytest.raises(InvalidInput) as inverted:
        TrustedKey(authority, raw, date(2026, 2, 1), date(2026, 1, 1))
    assert inverted.value.code == "trust.inverted_validity"


def test_a_list_names_each_key_and_authority_once(authority: IssuingAuthority) -> None:
    key = TrustedKey(authority, Ed25519Signer.generate().public_key)
    with pytest.raises(InvalidInput):
        TrustList((authority,), (key, key))
    with pytest.raises(InvalidInput):
        TrustList((authority, authority), ())
    stranger = IssuingAuthority("VN-MOIT", "VN")
    with pytest.raises(InvalidInput) as error:
        TrustList((authority,), (TrustedKey(stranger, key.public_key),))
    assert error.value.code == "trust.unknown_authority"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 65, "../etc", "-lead"])
def test_authority_ids_are_file_name_safe(bad: str) -> None:
    with pytest.raises(InvalidInput):
        IssuingAuthority(bad, "MM")


def test_merge_joins_lists_and_keeps_identical_entries_once(
    authority: IssuingAuthority,
) -> None:
    mm = TrustedKey(authority, Ed25519Signer.generate().public_key)
    vn_authority = IssuingAuthority("VN-MOIT", "VN", "Ministry of Industry and Trade")
    vn = TrustedKey(vn_authority, Ed25519Signer.generate().public_key, date(2026, 1, 1))
    first = TrustList((authority,), (mm,))
    second = TrustList((vn_authority, authority), (vn, mm), party="CN")
    merged = merge(first, second)
    assert merged.party == "CN"
    assert [a.id for a in merged.authorities] == ["MM-MOC", "VN-MOIT"]
    assert {k.kid for k in merged.keys} == {mm.kid, vn.kid}
    assert merged.key(vn.kid) == vn
    assert merge(merged, merged) == merged


def test_merge_refuses_conflicts(authority: IssuingAuthority) -> None:
    raw = Ed25519Signer.generate().public_key
    mm = TrustList((authority,), (TrustedKey(authority, raw),))
    later = TrustList((authority,), (TrustedKey(authority, raw, date(2027, 1, 1)),))
    with pytest.raises(Conflict) as error:
        merge(mm, later)
    assert error.value.code == "trust.key_conflict"
    elsewhere = IssuingAuthority("MM-MOC", "TH")
    with pytest.raises(Conflict) as country:
        merge(mm, TrustList((elsewhere,), ()))
    assert country.value.code == "trust.authority_conflict"
    with pytest.raises(Conflict) as party:
        merge(TrustList(party="CN"), TrustList(party="VN"))
    assert party.value.code == "trust.party_conflict"


def test_with_key_adds_to_a_list(authority: IssuingAuthority) -> None:
    one = TrustedKey(authority, Ed25519Signer.generate().public_key)
    two = TrustedKey(authority, Ed25519Signer.generate().public_key, date(2027, 1, 1))
    trust = TrustList().with_key(one).with_key(two)
    assert trust.keys_of("MM-MOC") == (one, two)


def test_the_json_document_round_trips(authority: IssuingAuthority) -> None:
    key = TrustedKey(authority, b64url_decode(RFC_8037_X, "x"), date(2026, 1, 1))
    trust = TrustList((authority,), (key,), "CN")
    document = trust_list_document(trust)
    assert document["authorities"][0]["keys"][0] == {
        "kid": RFC_8037_THUMBPRINT,
        "jwk": {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X},
        "valid_from": "2026-01-01",
        "valid_to": None,
    }
    again = parse_trust_list(json.loads(json.dumps(document)))
    assert again == trust
    assert canonical_bytes(trust_list_document(again)) == canonical_bytes(document)


def _document(**key: Any) -> dict[str, Any]:
    entry = {"kid": RFC_8037_THUMBPRINT, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X}}
    entry.update(key)
    return {
        "format": "cafta.trust-list/1",
        "party": None,
        "authorities": [{"id": "MM-MOC", "country": "MM", "keys": [entry]}],
    }


@pytest.mark.parametrize(
    ("key", "field", "code"),
    [
        ({"kid": "not-the-thumbprint"}, "authorities[0].keys[0].kid", "trust.kid_mismatch"),
        ({"jwk": {"kty": "RSA", "crv": "Ed25519", "x": RFC_8037_X}},
         "authorities[0].keys[0].jwk.kty", "trust.invalid_key"),
        ({"jwk": {"kty": "OKP", "crv": "Ed448", "x": RFC_8037_X}},
         "authorities[0].keys[0].jwk.crv", "trust.invalid_key"),
        ({"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
         "authorities[0].keys[0].jwk.x", "trust.invalid_key"),
        ({"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "a+b/"}},
         "authorities[0].keys[0].jwk.x", "trust.invalid_key"),
        ({"valid_from": "2026-13-01"}, "authorities[0].keys[0].valid_from", "date.invalid"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-01"},
         "authorities[0].keys[0].valid_to", "trust.inverted_validity"),
    ],
)  # fmt: skip
def test_a_bad_trust_list_names_the_field(key: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_trust_list(_document(**key))
    assert error.value.message.startswith(field), error.value.message
    assert error.value.code == code


def test_a_trust_list_says_its_format() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_trust_list({**_document(), "format": "something/else"})
    assert error.value.code == "trust.unknown_format"
    assert parse_trust_list({**_document(), "party": "China"}).party == "CN"
