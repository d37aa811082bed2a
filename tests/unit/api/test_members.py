""":func:`~cafta.api.members.repeated_members` refuses a body one of whose objects gives
a member twice, naming the first such member by its path, and lets every other body through;
its quick count of colons never lets a repeated member pass (checked against a reading that
keeps every member, on generated documents written with and without escapes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.api.members import repeated_member, repeated_members

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b'{"office": "CNYYG", "office": "CNPXG"}', "office"),
        (b'{"origin":"TH","origin":"US"}', "origin"),
        (b'{"items": [{"value": {"amount": "1", "currency": "CNY", "amount": "2"}}]}',
         "items[0].value.amount"),
        (b'{"items": [{}, {"line": "0810", "line": "0810"}]}', "items[1].line"),
        (b'{"a": {"b": 1, "b": 2}, "a": 3}', "a.b"),  # the first in the text
        (b'{"a": 1, "\\u0061": 2}', "a"),  # the same name, written another way
        (b'{"a": "\\u003a", "a": ":"}', "a"),  # an escaped colon does not hide it
        (b'{"note": "x:y", "note": "z"}', "note"),
        (b'[{"x": 1}, {"x": 1, "x": 1}]', "[1].x"),
        (b'{"' + b"n" * 500 + b'": 1, "' + b"n" * 500 + b'": 2}', "n" * 60 + "…"),
    ],
)  # fmt: skip
def test_a_repeated_member_is_refused_by_its_path(body: bytes, path: str) -> None:
    assert repeated_member(body) == path
    error = repeated_members(body)
    assert error is not None
    assert error.code == "request.duplicate_member"
    assert error.details["field"] == path
    assert error.message.startswith(f"{path}: given more than once")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"{}",
        b'{"a": 1, "b": {"a": 1}}',  # the same name in two objects
        b'{"items": [{"line": "0810"}, {"line": "0810"}]}',
        b'{"a": "x:y:z", "b": ":"}',
        b'{"a": "\\u003a", "b": "\\u003A"}',
        b'{"a": 1, "a": ',  # malformed: its decoder says so
        b"\xff\xfe",
        b'{"a": NaN, "b": NaN}',
    ],
)
def test_a_body_without_a_repeated_member_passes(body: bytes) -> None:
    assert repeated_members(body) is None


def test_the_example_declarations_pass() -> None:
    for path in sorted((ROOT / "examples" / "declarations").glob("*.json")):
        assert repeated_members(path.read_bytes()) is None
        text = json.loads(path.read_bytes())
        assert repeated_members(json.dumps(text, ensure_ascii=True).encode()) is None


_NAMES = st.sampled_from(["a", "b", ":", "a:b", "é", "x\\y", '"'])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.sampled_from(["", ":", "a:b", "\u00e9:"])
)


def _write(value: Any, escaped: bool) -> str:
    """``value`` as JSON text; an object is a tuple of pairs, which may repeat a name.
    ``escaped``: every character but ASCII ones, and every colon in a string, as ``\\uXXXX``."""
    if isinstance(value, tuple):
        members = ", ".join(f"{_write(name, escaped)}: {_write(member, escaped)}"
                            for name, member in value)  # fmt: skip
        return "{" + members + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_write(item, escaped) for item in value) + "]"
    text = json.dumps(value, ensure_ascii=escaped)
    return text.replace(":", "\\u003a") if escaped and isinstance(value, str) else text


_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(st.tuples(_NAMES, inner), max_size=4).map(tuple),
    ),
    max_leaves=12,
)


def _repeats(value: Any) -> bool:
    if isinstance(value, tuple):
        names = [name for name, _ in value]
        return len(set(names)) < len(names) or any(_repeats(m) for _, m in value)
    if isinstance(value, list):
        return any(_repeats(item) for item in value)
    return False


@settings(max_examples=400, deadline=None)
@given(_DOCUMENTS, st.booleans())
def test_a_repeated_member_is_always_found(document: Any, escaped: bool) -> None:
    body = _write(document, escaped).encode()
    assert (repeated_members(body) is not None) is _repeats(document)
