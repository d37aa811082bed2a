"""Party keys: one key per party however its name is typed, a key is its own key, and the key
of a key made by the earlier folding (case and spacing only) is the name's own, which is what
lets migration 0006 recompute the stored keys from themselves."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.clearance.goods import _fold, party_key


def old_key(name: str) -> str:
    """The key up to migration 0006."""
    return " ".join(name.split()).casefold()


@pytest.mark.parametrize(
    ("typed", "as_well"),
    [
        ("广西鲜果贸易有限公司（南宁）", "广西鲜果贸易有限公司(南宁)"),
        ("Ｇuangxi Fresh Fruit Trading Co.", "Guangxi Fresh Fruit Trading Co."),
        ("ＧＵＡＮＧＸＩ　ＦＲＵＩＴ", "guangxi fruit"),  # full-width letters, ideographic space
        ("Guangxi\u200b Fresh Fruit", "Guangxi Fresh Fruit"),  # zero-width space
        ("Guang\u200bxi", "Guangxi"),
        ("\ufeffGuangxi\u2060 Fruit", "Guangxi Fruit"),  # byte order mark, word joiner
        ("\u202eGuangxi\u202c \u200eFruit", "Guangxi Fruit"),  # bidi controls
        ("Guangxi\u00a0Fresh\u3000Fruit", "Guangxi Fresh Fruit"),  # no-break, ideographic space
        ("  Guangxi \t Fresh  Fruit ", "guangxi fresh fruit"),
        ("Chanthaburi Durian Pro\ufb01ts", "Chanthaburi Durian Profits"),  # the ﬁ ligature
        ("Müller Straße GmbH", "MÜLLER STRASSE GMBH"),  # ß case-folds to ss
        ("Ha\u0301 No\u0323i", "Há Nọi"),  # combining marks compose
        ("Ⅻ Trading", "xii trading"),  # Roman numeral twelve
    ],
)
def test_a_name_typed_two_ways_has_one_key(typed: str, as_well: str) -> None:
    assert party_key(typed) == party_key(as_well)


def test_what_the_key_looks_like() -> None:
    assert party_key("广西鲜果贸易有限公司（南宁）") == "广西鲜果贸易有限公司(南宁)"
    assert party_key(" Ｇuangxi\u200b  Fresh\u00a0Fruit ") == "guangxi fresh fruit"
    assert party_key("Müller Straße") == "müller strasse"
    assert party_key("Guangxi Fresh Fruit Trading Co.") == "guangxi fresh fruit trading co."


def test_names_that_differ_still_differ() -> None:
    assert party_key("广西鲜果贸易有限公司(南宁)") != party_key("广西鲜果贸易有限公司(北海)")
    assert party_key("Guangxi Fruit") != party_key("Guangxi-Fruit")
    assert party_key("Cafe") != party_key("Café")  # accents are part of a name


# Text weighted towards what folding can get wrong: full-width and compatibility forms,
# ligatures, format characters, spaces of every kind, combining marks (U+0345 case-folds to a
# letter), Greek with its iota subscripts, and the letters whose case folding expands.
_TRICKY = st.sampled_from(
    [chr(cp) for cp in range(0xFF01, 0xFF5F)]  # full-width ASCII
    + [chr(cp) for cp in range(0xFB00, 0xFB07)]  # Latin ligatures
    + list("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\u2069")
    + list("\ufeff\U000e0001\U000e0041")  # the Cf above and tags
    + list("\t\n\x0b\x0c\r\x1c\x1f \x85\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u3000")
    + [chr(cp) for cp in range(0x0300, 0x0370)]  # combining marks, U+0345 among them
    + [chr(cp) for cp in range(0x0370, 0x0400)]  # Greek
    + [chr(cp) for cp in range(0x1F80, 0x1FB0)]  # Greek with iota subscripts
    + list("ßẞİıſǅǈǋǲΐΰﬅ№™℡㈱㍿Ⅻ①⑴⒜㎏ｶﾞ")
)
_NAMES = st.text(st.one_of(_TRICKY, st.characters(exclude_categories=("Cs",))), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(_NAMES)
def test_a_key_is_its_own_key(name: str) -> None:
    key = party_key(name)
    assert party_key(key) == key
    assert _fold(key) == key  # settled within the rounds allowed


@settings(max_examples=3000, deadline=None)
@given(_NAMES)
def test_the_key_of_an_old_key_is_the_names_key(name: str) -> None:
    assert party_key(old_key(name)) == party_key(name)


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F), max_size=40))
def test_an_ascii_name_keeps_its_old_key(name: str) -> None:
    assert party_key(name) == old_key(name)


def test_every_code_point_settles_and_keeps_its_old_key() -> None:
    """Alone, after a letter, and before the combining marks whose order folding can change;
    unassigned and private-use code points (no mapping of any kind) and surrogates left out."""
    failures = []
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if unicodedata.category(char) in ("Cn", "Co", "Cs"):
            continue
        for name in (char, f"A{char}", f"{char}\u0345\u0301", f"{char}\u0301\u0345"):
            key = party_key(name)
            if _fold(key) != key or party_key(old_key(name)) != key:
                failures.append(name)
    assert failures == []
