""":func:`~cafta.api.bodies.nested_deeper_than` counts a body's arrays and objects open at once
as a reading of it character by character does: brackets in strings do not count, escaped
quotes and backslashes are taken as such, and the count stops at a bracket that closes nothing.

A backslash before anything else (``\\n``, ``\\u00e9``) changes nothing where a string ends; one
outside a string, or before a character JSON does not escape, is malformed JSON that a decoder
stops at, so what follows it does not matter.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar.openapi.spec import Example

from cafta.api import examples
from cafta.api.bodies import MAX_DEPTH, nested_deeper_than

ROOT = Path(__file__).resolve().parents[3]


def depth(body: bytes) -> int:
    """The reference: the most arrays and objects open at once, read a character at a time."""
    level = deepest = 0
    in_string = False
    at = 0
    while at < len(body):
        byte = body[at]
        at += 1
        if byte == ord("\\") and body[at : at + 1] in (b"\\", b'"'):
            at += 1  # an escaped backslash or quote
        elif in_string:
            in_string = byte != ord('"')
        elif byte == ord('"'):
            in_string = True
        elif byte in b"[{":
            level += 1
            deepest = max(deepest, level)
        elif byte in b"]}":
            if level == 0:
                break  # closes nothing: a decoder stops here
            level -= 1
    return deepest


def _check(body: bytes, *limits: int) -> None:
    found = depth(body)
    for limit in limits or (0, 1, 2, 3, 5, 8, 13):
        assert nested_deeper_than(body, limit) == (found > limit), (body[:200], limit, found)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", 0), (b"1", 0), (b"{}", 1), (b"[]", 1), (b'{"a": [1, {"b": []}]}', 4),
        (b"[" * 65 + b"]" * 65, 65), (b'{"a":' * 65 + b"1" + b"}" * 65, 65),
        (b"[" * 5000, 5000),  # not closed: still as deep
        (b'["[[[[", "{{{{"]', 1),  # brackets in strings
        (b'["\\"[[[["]', 1),  # an escaped quote does not end the string
        (b'["\\\\", [[]]]', 3),  # an escaped backslash does not escape the quote after it
        (b'["\\\\\\"[[", []]', 2),  # a backslash, then an escaped quote
        (b'["a\\u0022[[[", []]', 2),  # \u0022 is a quote in the value, not in the text
        (b'"[[[[', 0),  # a string never closed
        (b"[]][[[[[[", 1),  # the count stops at the bracket that closes nothing
        (b"]" + b"[" * 100, 0),
        (b"[[]]]" + b"[" * 100, 2),
        (b'{"\xe6\xa1\x82[": ["\xe6\xa1\x82"]}', 2),  # UTF-8 text, a bracket in a key
        (b'["\\n[", "\\u00e9[", [[]]]', 3),  # other escapes
    ],
)  # fmt: skip
def test_the_depth_of_a_body(body: bytes, expected: int) -> None:
    assert depth(body) == expected
    assert not nested_deeper_than(body, expected)
    if expected:
        assert nested_deeper_than(body, expected - 1)


@pytest.mark.parametrize(
    "body",
    [
        b"[]" * 20_000 + b"[" * 65,  # deeper after the first chunk
        b"[" * 30 + b"[]" * 20_000 + b"[" * 35,  # a level carried over from one chunk to the next
        b"[" * 3 + b"[]" * 20_000 + b"]]]]" + b"[" * 100,  # closes nothing in a later chunk
        b"[[]" * 50_000,  # deeper by one every three brackets
        (b"[" * 64 + b"]" * 64 + b",") * 1000,  # at the limit, many times over
        b'["' + b"[" * 50_000 + b'"]',
        (b'"\\\\"' + b"[") * 100,
    ],
)
def test_long_bodies(body: bytes) -> None:
    _check(body, 0, 63, 64, 65, 100)


JSON_BYTES = st.sampled_from(
    [b"[", b"]", b"{", b"}", b'"', b"\\", b"\\\\", b'\\"', b"a", b":", b",", b" ", b"\xc3\xa9"]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(JSON_BYTES, max_size=120).map(b"".join))
def test_any_text_is_counted_as_the_reference_counts_it(body: bytes) -> None:
    _check(body)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\aé', max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=4), inner, max_size=3)
        ),
        max_leaves=40,
    )
)
def test_any_json_document_is_counted_as_the_reference_counts_it(document: object) -> None:
    for body in (json.dumps(document).encode(), msgspec.json.encode(document),
                 json.dumps(document, ensure_ascii=False, indent=1).encode()):  # fmt: skip
        _check(body)


def test_the_api_s_documents_are_far_from_the_limit() -> None:
    documents = [
        example.value
        for example in vars(examples).values()
        if isinstance(example, Example) and isinstance(example.value, dict)
    ]
    documents += [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "examples" / "declarations").glob("*.json"))
    ]
    assert len(documents) >= 7
    for document in documents:
        body = json.dumps(document).encode()
        assert depth(body) <= 5
        assert not nested_deeper_than(body)
    assert MAX_DEPTH == 64
