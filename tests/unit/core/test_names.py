"""Names and text people type: readable, on one line (a note may run over lines)."""

from __future__ import annotations

import pytest

from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.names import checked_name, checked_note, has_direction_control, is_visible


@pytest.mark.parametrize(
    ("text", "visible"),
    [("Officer Li", True), ("李警官", True), ("Lê Văn A", True), ("", False), ("   ", False),
     ("\u200b", False), ("\u200b \u2060", False), ("\u3000", False), ("\u200bLi", True)],
)  # fmt: skip
def test_a_name_is_visible_when_it_has_a_character_one_can_see(text: str, visible: bool) -> None:
    assert is_visible(text) is visible


def test_a_name_must_be_readable_and_on_one_line() -> None:
    assert checked_name("  Officer Li ", "the officer's name", "x.name") == "Officer Li"
    with pytest.raises(InvalidInput, match="empty or invisible"):
        checked_name("\u200b", "the officer's name", "x.name")
    with pytest.raises(InvalidInput, match="control character") as caught:
        checked_name("Li\nforged line", "the officer's name", "x.name")
    assert caught.value.code == "x.name"


def test_a_note_may_run_over_lines_but_holds_no_other_control_character() -> None:
    assert checked_note(None, "the note", "x.note") is None
    assert checked_note(" \u200b\n ", "the note", "x.note") is None  # says nothing
    assert checked_note(" seals intact,\n\tcargo as declared ", "the note", "x.note") == (
        "seals intact,\n\tcargo as declared"
    )
    for text in ("hidden\x00cargo", "colour \x1b[31mred"):
        with pytest.raises(InvalidInput) as refused:
            checked_note(text, "the note", "x.note")
        assert refused.value.code == "x.note"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("hidden\x00cargo", "control character"),
        ("two\nlines", "control character"),
        ("\u200b", "invisible"),
        ("\u200b\u2060", "invisible"),
    ],
)
def test_a_documents_text_field_is_one_visible_line(value: str, problem: str) -> None:
    fields = Fields({"description": value}, "items[0]", prefix="declaration")
    with pytest.raises(InvalidInput) as refused:
        fields.text("description")
    assert refused.value.code == "declaration.invalid_field"
    assert problem in refused.value.message and "items[0].description" in refused.value.message


def test_unusual_but_visible_text_is_kept() -> None:
    fields = Fields({"a": "Fresh\u00a0durian", "b": "榴莲 (Musang King)", "c": " x\u200by "}, "it")
    assert fields.text("a") == "Fresh\u00a0durian"
    assert fields.text("b") == "榴莲 (Musang King)"
    assert fields.text("c") == "x\u200by"


@pytest.mark.parametrize("text", ["Evil \u202eBroker", "Li \u2066Wang\u2069", "x\u202ay"])
def test_a_character_that_reverses_the_display_is_refused_in_names_notes_and_fields(
    text: str,
) -> None:
    assert has_direction_control(text)
    with pytest.raises(InvalidInput) as name:
        checked_name(text, "the broker's name", "x.name")
    assert "reverses" in name.value.message
    with pytest.raises(InvalidInput):
        checked_note(text, "the note", "x.note")
    with pytest.raises(InvalidInput) as field:
        Fields({"name": text}, "importer", prefix="declaration").text("name")
    assert field.value.code == "declaration.invalid_field"


def test_right_to_left_text_needs_no_direction_control_and_is_kept() -> None:
    arabic = "شركة التجارة"
    assert not has_direction_control(arabic)
    assert checked_name(arabic, "the name", "x.name") == arabic
    assert checked_name("Li\u200fWang", "the name", "x.name") == "Li\u200fWang"  # a mark, kept
