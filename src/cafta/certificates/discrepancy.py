"""Classifying a difference between the Form E and the import documents: none, minor or
substantive.

The rule (Viet Nam Circular 12/2019/TT-BCT Art. 27, transposing the upgraded ACFTA operational
certification procedures; Circular 62/2019/TT-BTC on HS differences; domain brief acfta-rules.md
§1.14) [C]: when origin is not in doubt, minor discrepancies do not invalidate a Form E that
corresponds to the goods. Minor: typing errors in names and addresses; an HS difference where
the description matches and the origin rule is unaffected; small wording differences in the
description. Substantive: a different good, a quantity beyond the customary tolerance [U], a
different exporter.

How each comparison decides is this package's heuristic, tuned by
:class:`~cafta.certificates.policy.VerificationPolicy`:

* names are normalised (Unicode NFKC, case-folded, punctuation dropped, spaces collapsed, legal
  forms spelt one way: ``Co.`` = ``Company``, ``Ltd`` = ``Limited``) and then compared with
  :class:`difflib.SequenceMatcher`; the same after normalisation is no discrepancy;
* descriptions are compared as sets of key words (stop words dropped, plural ``-s`` removed);
  a word within one or two typing errors of another counts as the same word;
* HS codes are compared at the shorter code's precision, so a 6-digit code on the certificate
  that prefixes the 8-digit national line declared is no discrepancy.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from cafta.certificates.verdict import Severity
from cafta.core.errors import InvalidInput
from cafta.core.quantity import Quantity
from cafta.identifiers import hs

__all__ = [
    "Comparison",
    "compare_descriptions",
    "compare_names",
    "compare_quantities",
    "description_words",
    "hs_agreement",
    "normalise_name",
]

_NOT_WORD = re.compile(r"[^\w]+|_+")
_LEGAL_FORMS = {
    "co": "company", "company": "company", "cos": "company",
    "ltd": "limited", "limited": "limited", "ltda": "limited",
    "corp": "corporation", "corporation": "corporation",
    "inc": "incorporated", "incorporated": "incorporated",
    "pte": "private", "pvt": "private", "private": "private",
    "plc": "plc", "jsc": "jsc", "llc": "llc",
}  # fmt: skip
_STOP_WORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "or",
    "other", "the", "to", "with", "without",
})  # fmt: skip
_TYPO_RATIO = 0.8
_TYPO_MIN_LENGTH = 5


@dataclass(frozen=True, slots=True)
class Comparison:
    """``severity`` is ``None`` when the two agree; ``detail`` says how they differ;
    ``comparable`` is false when they could not be compared at all."""

    severity: Severity | None
    detail: str = ""
    comparable: bool = True


SAME = Comparison(None)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return [w for w in _NOT_WORD.split(folded) if w]


@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """``'Qingdao Harvest Foods Co., Ltd.'`` -> ``'qingdao harvest foods company limited'``."""
    return " ".join(_LEGAL_FORMS.get(w, w) for w in _words(name))


@lru_cache(maxsize=4096)
def _name_ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def compare_names(certified: str, declared: str, threshold: float) -> Comparison:
    """Same name, a typing error (minor), or another party (substantive)."""
    a, b = normalise_name(certified), normalise_name(declared)
    if a == b:
        return SAME
    ratio = _name_ratio(a, b)
    shown = f"'{certified}' on the certificate, '{declared}' declared ({ratio:.0%} similar)"
    if ratio >= threshold:
        return Comparison(Severity.MINOR, shown)
    return Comparison(Severity.SUBSTANTIVE, shown)


def _stem(word: str) -> str:
    # Plural and singular name the same goods ("beans", "bean"); nothing subtler is attempted.
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def description_words(text: str) -> frozenset[str]:
    """The key words of a description (``'Black gram (Vigna mungo), dried'`` -> 5 words)."""
    return frozenset(_stem(w) for w in _words(text) if w not in _STOP_WORDS)


def _near(word: str, others: frozenset[str]) -> bool:
    if len(word) < _TYPO_MIN_LENGTH:
        return False
    return any(
        len(other) >= _TYPO_MIN_LENGTH
        and difflib.SequenceMatcher(None, word, other, autojunk=False).ratio() >= _TYPO_RATIO
        for other in others
    )


@lru_cache(maxsize=4096)
def compare_descriptions(certified: str, declared: str, overlap: float) -> Comparison:
    """Same words; one more detailed (info); a wording difference (minor); other goods.

    The shorter description's words are looked for in the longer one: all found exactly means
    the longer one only adds detail; all found, some with a typing error, or at least
    ``overlap`` of them found, is a wording difference; fewer is a different good.
    """
    a, b = description_words(certified), description_words(declared)
    if a == b:
        return SAME
    shown = f"'{certified}' on the certificate, '{declared}' declared"
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return Comparison(Severity.SUBSTANTIVE, f"{shown}: no key words to compare")
    exact = small & large
    if exact == small:
        return Comparison(Severity.INFO, f"{shown}: one description is more detailed")
    missing = small - exact
    near = {w for w in missing if _near(w, large - exact)}
    share = (len(exact) + len(near)) / len(small)
    if near == missing or share >= overlap:
        return Comparison(Severity.MINOR, f"{shown}: {share:.0%} of the key words agree")
    return Comparison(Severity.SUBSTANTIVE, f"{shown}: only {share:.0%} of the key words agree")


def hs_agreement(certified: str, declared: str) -> int | None:
    """``None`` when the codes agree at the shorter one's precision, else how many leading
    digits they share."""
    precision = min(len(certified), len(declared))
    if certified[:precision] == declared[:precision]:
        return None
    shared = 0
    while certified[shared] == declared[shared]:
        shared += 1
    return shared


def describe_lines(certified: str, declared: str) -> str:
    return f"HS {hs.format(certified)} on the certificate, {hs.format(declared)} declared"


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def compare_quantities(
    certified: Quantity,
    declared: Quantity,
    tolerance: Decimal,
    gross_weight: Quantity | None = None,
) -> Comparison:
    """Equal (nothing), within ``tolerance`` of the certified quantity (minor), or beyond.

    A declared quantity in another dimension (pieces against kilograms) is compared with the
    certificate's gross weight when that helps, else reported as a minor point to check.
    """
    basis, label = certified, "quantity"
    try:
        converted = declared.to(certified.unit)
    except InvalidInput:
        if gross_weight is None:
            return Comparison(
                Severity.MINOR,
                f"{certified} on the certificate and {declared} declared cannot be compared; "
                "check them by hand",
                comparable=False,
            )
        try:
            converted = declared.to(gross_weight.unit)
        except InvalidInput:
            return Comparison(
                Severity.MINOR,
                f"neither {certified} nor the gross weight {gross_weight} on the certificate "
                f"can be compared with {declared} declared; check them by hand",
                comparable=False,
            )
        basis, label = gross_weight, "gross weight"
    if converted.amount == basis.amount:
        return SAME
    shown = f"{label} {basis} on the certificate, {declared} declared"
    if basis.amount == 0:
        return Comparison(Severity.SUBSTANTIVE, shown)
    difference = abs(converted.amount - basis.amount) / basis.amount
    if difference <= tolerance:
        return Comparison(
            Severity.MINOR, f"{shown}: {_percent(difference)} apart, within {_percent(tolerance)}"
        )
    return Comparison(
        Severity.SUBSTANTIVE, f"{shown}: {_percent(difference)} apart, beyond {_percent(tolerance)}"
    )
