"""The two JSON writers of the storage adapters: canonical (hashed) and document (stored).

The canonical text is defined by Python's ``json`` (:func:`_reference` below); msgspec writes it
for plain data, so these tests hold both writers to that reference, not to each other."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.adapters.storage.columns import (
    from_json_text,
    to_canonical_json,
    to_document_text,
    to_json_text,
)
from cafta.core.errors import InvalidInput

_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.text()
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def _json(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=25,
    )


_JSON = _json(_SCALARS | _FLOATS)
_JSON_WITHOUT_FLOATS = _json(_SCALARS)
# Floats spelled in exponent form by one writer or both, and tuples, which read back as lists.
_AWKWARD = _json(
    _SCALARS | _FLOATS | st.sampled_from([1e16, 1.5e300, 1e-7, -0.0, 5e-324, 123456789.0])
)
_WITH_TUPLES = st.recursive(
    _SCALARS | _FLOATS,
    lambda inner: st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _reference(document: Any) -> str:
    """The canonical text as defined: what Python's ``json`` writes."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), _AWKWARD | _WITH_TUPLES, max_size=5))
def test_the_canonical_text_is_what_python_json_writes(document: dict[str, Any]) -> None:
    assert to_json_text(document) == _reference(document)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _AWKWARD | _WITH_TUPLES, max_size=5))
def test_the_canonical_pair_is_the_text_of_the_value_read_back(document: dict[str, Any]) -> None:
    text, value = to_canonical_json(document)
    assert value == json.loads(_reference(document))
    assert text == _reference(value)


def test_every_character_is_written_as_python_json_writes_it() -> None:
    # Every code point but the surrogates, in strings and in keys, in chunks so that a failure
    # names a small range.
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(characters), 8192):
        chunk = "".join(characters[start : start + 8192])
        document = {"text": chunk, chunk: [chunk[::-1]]}
        assert to_json_text(document) == _reference(document), f"from U+{ord(chunk[0]):04X}"


@pytest.mark.parametrize(
    "document",
    [
        {"big": 1e16, "small": 1e-7},
        {"pair": (1, "a")},
        {"by_item": {1: "a", 2: "b"}},
        {"lone": "\ud800"},
        {"n": 2**70, "m": -(2**70)},
        {"flag": True, "count": 1, "none": None},
    ],
    ids=["exponent floats", "tuple", "int keys", "lone surrogate", "big ints", "scalars"],
)
def test_data_msgspec_would_write_otherwise_is_written_by_json(document: dict[str, Any]) -> None:
    assert to_json_text(document) == _reference(document)
    text, value = to_canonical_json(document)
    assert value == json.loads(_reference(document))
    assert text == _reference(value)


@pytest.mark.parametrize(
    "document",
    [
        {"at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"on": date(2026, 1, 1)},
        {"tags": {"a"}},
        {"id": UUID(int=1)},
        {"raw": b"x"},
        {"score": float("nan")},
        {"score": float("inf")},
    ],
    ids=["datetime", "date", "set", "uuid", "bytes", "nan", "infinity"],
)
def test_what_json_refuses_stays_refused(document: dict[str, Any]) -> None:
    # msgspec writes all of these; the canonical text must not.
    with pytest.raises(InvalidInput) as refused:
        to_json_text(document, "audit payload")
    assert refused.value.code == "storage.not_json"
    with pytest.raises(InvalidInput):
        to_canonical_json(document, "audit payload")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _JSON, max_size=5))
def test_a_document_reads_back_as_the_value_written(document: dict[str, Any]) -> None:
    text = to_document_text(document)
    assert from_json_text(text) == json.loads(to_json_text(document))
    assert json.loads(text) == from_json_text(text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _JSON_WITHOUT_FLOATS, max_size=5))
def test_the_document_text_is_the_canonical_text_when_there_is_no_float(
    document: dict[str, Any],
) -> None:
    # Floats are spelled differently (1e16 against 1e+16); documents with them are covered above.
    assert to_document_text(document) == _reference(document)


def test_the_document_of_a_declaration_keeps_its_keys_sorted() -> None:
    assert to_document_text({"b": 1, "a": {"d": [1, "x"], "c": None}}) == (
        '{"a":{"c":null,"d":[1,"x"]},"b":1}'
    )


@pytest.mark.parametrize(
    "document",
    [{"value": Decimal("1.10")}, {"items": [{"value": Decimal("2")}]}, {"what": object()}],
    ids=["decimal", "nested decimal", "object"],
)
def test_what_the_canonical_writer_refuses_is_refused_alike(document: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as canonical:
        to_json_text(document, "document of declaration CD1")
    with pytest.raises(InvalidInput) as stored:
        to_document_text(document, "document of declaration CD1")
    assert stored.value.code == canonical.value.code == "storage.not_json"
    assert str(stored.value) == str(canonical.value)


def test_keys_that_are_not_strings_are_written_as_the_canonical_writer_does() -> None:
    document = {"by_item": {1: "a", 2: "b"}}
    assert to_document_text(document) == _reference(document) == '{"by_item":{"1":"a","2":"b"}}'


@pytest.mark.parametrize(
    "text", ["[1E400]", '"\\ud800"', '"\ud800"', '{"n": 123456789012345678901234567890}']
)
def test_text_the_fast_decoder_declines_reads_as_json_reads_it(text: str) -> None:
    assert repr(from_json_text(text)) == repr(json.loads(text))
