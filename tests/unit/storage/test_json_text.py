"""The two JSON writers of the storage adapters: canonical (hashed) and document (stored)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.adapters.storage.columns import from_json_text, to_document_text, to_json_text
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
    assert to_document_text(document) == to_json_text(document)


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
    assert to_document_text(document) == to_json_text(document) == '{"by_item":{"1":"a","2":"b"}}'


@pytest.mark.parametrize("text", ["[1E400]", '"\\ud800"', '{"n": 123456789012345678901234567890}'])
def test_text_the_fast_decoder_declines_reads_as_json_reads_it(text: str) -> None:
    assert repr(from_json_text(text)) == repr(json.loads(text))
