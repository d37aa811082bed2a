"""Names people type: readable, on one line."""

from __future__ import annotations

import pytest

from cafta.core.errors import InvalidInput
from cafta.core.names import checked_name, is_visible


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
