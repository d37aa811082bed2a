"""The Ed25519 adapter and the document loader: keys on disk, signatures, JSON and YAML files."""

from __future__ import annotations

import stat
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cafta.adapters.crypto import (
    Ed25519Signer,
    Ed25519Verifier,
    generate_private_key,
    read_private_key,
    write_private_key,
)
from cafta.adapters.document_files import load_document, write_atomically
from cafta.certificates.envelope import b64url_decode, b64url_encode
from cafta.core.errors import Conflict, InvalidInput, NotFound

# RFC 8037 Appendix A.4: signing "Example of Ed25519 signing" with header {"alg":"EdDSA"}.
RFC_8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC_8037_SIGNING_INPUT = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
RFC_8037_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


def _rfc_signer() -> Ed25519Signer:
    raw = b64url_decode(RFC_8037_D, "d")
    return Ed25519Signer(Ed25519PrivateKey.from_private_bytes(raw))


def test_the_signer_reproduces_rfc_8037() -> None:
    signer = _rfc_signer()
    assert b64url_encode(signer.sign(RFC_8037_SIGNING_INPUT)) == RFC_8037_SIGNATURE
    assert b64url_encode(signer.public_key) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert signer.key_id == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    with pytest.raises(InvalidInput):
        Ed25519Signer(signer.private_key, key_id="my-own-id")


def test_the_verifier_says_false_and_never_raises() -> None:
    signer = _rfc_signer()
    verifier = Ed25519Verifier()
    signature = b64url_decode(RFC_8037_SIGNATURE, "s")
    assert verifier.verify(signer.public_key, signature, RFC_8037_SIGNING_INPUT)
    assert not verifier.verify(signer.public_key, signature, RFC_8037_SIGNING_INPUT + b"x")
    assert not verifier.verify(signer.public_key, bytes(64), RFC_8037_SIGNING_INPUT)
    assert not verifier.verify(signer.public_key, signature[:10], RFC_8037_SIGNING_INPUT)
    assert not verifier.verify(b"\x01" * 31, signature, RFC_8037_SIGNING_INPUT)
    other = Ed25519Signer.generate().public_key
    assert not verifier.verify(other, signature, RFC_8037_SIGNING_INPUT)


def test_the_verifier_keeps_a_bounded_set_of_keys() -> None:
    verifier = Ed25519Verifier(cache_size=2)
    keys = [Ed25519Signer.generate() for _ in range(3)]
    for signer in keys:
        assert verifier.verify(signer.public_key, signer.sign(b"d"), b"d")
    assert verifier.verify(keys[0].public_key, keys[0].sign(b"d"), b"d")  # rebuilt after eviction


def test_a_key_file_is_private_and_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "MM-MOC.key"
    key = generate_private_key()
    write_private_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = read_private_key(path)
    assert Ed25519Signer(again).key_id == Ed25519Signer(key).key_id
    with pytest.raises(Conflict) as error:
        write_private_key(path, generate_private_key())
    assert error.value.code == "file.exists"
    assert Ed25519Signer(read_private_key(path)).key_id == Ed25519Signer(key).key_id
    replacement = generate_private_key()
    write_private_key(path, replacement, overwrite=True)
    assert Ed25519Signer(read_private_key(path)).key_id == Ed25519Signer(replacement).key_id
    assert [p.name for p in path.parent.iterdir()] == ["MM-MOC.key"]  # no temporary file left


def test_a_key_file_must_hold_an_ed25519_key(tmp_path: Path) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "ec.key").write_bytes(pem)
    with pytest.raises(InvalidInput) as wrong:
        read_private_key(tmp_path / "ec.key")
    assert wrong.value.code == "keys.not_ed25519"
    (tmp_path / "junk.key").write_text("not a key")
    with pytest.raises(InvalidInput) as junk:
        read_private_key(tmp_path / "junk.key")
    assert junk.value.code == "keys.invalid_key_file"
    with pytest.raises(NotFound):
        read_private_key(tmp_path / "missing.key")


# --- documents ----------------------------------------------------------------------------------


def test_json_and_yaml_documents_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"amount": 23750.00, "n": 2}', encoding="utf-8")
    assert load_document(tmp_path / "a.json") == {"amount": Decimal("23750.00"), "n": 2}
    (tmp_path / "b.yaml").write_text("amount: '23750.00'\nitems:\n  - 1\n", encoding="utf-8")
    assert load_document(tmp_path / "b.yaml") == {"amount": "23750.00", "items": [1]}
    (tmp_path / "c.txt").write_text("key: value\n", encoding="utf-8")
    assert load_document(tmp_path / "c.txt") == {"key": "value"}  # not JSON, so YAML
    (tmp_path / "d.cfg").write_text('{"k": 1}', encoding="utf-8")
    assert load_document(tmp_path / "d.cfg") == {"k": 1}


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.json", '{\n  "a": 1,\n  "b": }\n', "line 3, column 8"),
        ("bad.yaml", "a: 1\nb: [1, 2\n", "line 3, column 1"),
        ("bad.yml", "a: 1\n  b: 2\n", "line 2, column 4"),
        ("nan.json", '{"a": NaN}', "NaN"),
    ],
)
def test_a_syntax_error_is_one_line_with_file_and_position(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        load_document(path)
    message = str(error.value)
    assert message.startswith(str(path)) and where in message, message
    assert "\n" not in message


def test_missing_and_unreadable_documents(tmp_path: Path) -> None:
    with pytest.raises(NotFound) as missing:
        load_document(tmp_path / "nowhere.json")
    assert missing.value.code == "file.not_found"
    (tmp_path / "latin1.json").write_bytes(b'{"name": "Caf\xe9"}')
    with pytest.raises(InvalidInput) as encoding:
        load_document(tmp_path / "latin1.json")
    assert encoding.value.code == "document.not_utf8"
    with pytest.raises(InvalidInput):
        load_document(tmp_path)


def test_atomic_writes_set_the_mode_and_can_refuse_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out" / "trust.json"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    with pytest.raises(Conflict):
        write_atomically(target, b"three", overwrite=False)
    assert target.read_bytes() == b"two"
