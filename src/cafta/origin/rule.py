"""The rule language: origin criteria as data, parsed from short texts.

A product-specific rule or a scheme's general rule is written the way rule lists print them and
read into a small tree that :mod:`cafta.origin.criteria` evaluates on a bill of materials::

    WO                               wholly obtained (a declared category with evidence)
    PE                               produced exclusively from originating materials
    RVC(40)                          regional value content of at least 40% of FOB
    CC | CTH | CTSH                  change of chapter (2 digits), heading (4), subheading (6)
    CTH except 1501-1504, 1511       ... where materials of the listed codes may not be used
    PROCESS(chemical-reaction)       a specific process the producer declares it performed
    RVC(40) OR CTH                   alternatives: one is enough
    CTSH AND RVC(35)                 combinations: all are needed
    (CTH AND RVC(35)) OR PROCESS(x)  parentheses group; AND binds tighter than OR

An exception code of 2 digits names a chapter, 4 a heading, 6 a subheading; ``a-b`` is a range
of codes of the same length. Keywords are case-insensitive. Definitions of CC, CTH and CTSH:
acfta-rules.md §1.5 (ASEAN+1 wording, th4.ilovetranslation.com/4kyDaLfiR8b=d) [S].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from cafta.core.errors import InvalidInput
from cafta.identifiers import hs

__all__ = [
    "AllOf",
    "AnyOf",
    "CodeRange",
    "PreferentialOrigin",
    "Process",
    "Rule",
    "ShiftLevel",
    "TariffShift",
    "ValueContent",
    "WhollyObtained",
    "parse_rule",
]


class ShiftLevel(IntEnum):
    """A change of tariff classification and the number of digits it compares."""

    CC = 2
    CTH = 4
    CTSH = 6


@dataclass(frozen=True, slots=True)
class CodeRange:
    """HS codes from ``low`` to ``high`` inclusive, all of one length (2, 4 or 6 digits)."""

    low: str
    high: str

    def contains(self, line: str) -> bool:
        """Whether a (compact) line falls in the range, compared at the range's length."""
        size = len(self.low)
        if len(line) < size:
            return False
        return self.low <= line[:size] <= self.high

    def text(self) -> str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True, slots=True)
class WhollyObtained:
    def text(self) -> str:
        return "WO"


@dataclass(frozen=True, slots=True)
class PreferentialOrigin:
    """``PE``: produced entirely in a party exclusively from originating materials."""

    def text(self) -> str:
        return "PE"


@dataclass(frozen=True, slots=True)
class ValueContent:
    """``RVC(n)``: regional value content of at least ``threshold`` percent of FOB."""

    threshold: Decimal

    def text(self) -> str:
        return f"RVC({self.threshold.normalize():f})"


@dataclass(frozen=True, slots=True)
class TariffShift:
    """A change of tariff classification for every non-originating material, with exceptions."""

    level: ShiftLevel
    exceptions: tuple[CodeRange, ...] = ()

    def text(self) -> str:
        if not self.exceptions:
            return self.level.name
        return f"{self.level.name} except {', '.join(r.text() for r in self.exceptions)}"


@dataclass(frozen=True, slots=True)
class Process:
    """A specific process (``chemical-reaction``, ``dyeing``) the producer must have performed."""

    name: str

    def text(self) -> str:
        return f"PROCESS({self.name})"


@dataclass(frozen=True, slots=True)
class AnyOf:
    options: tuple[Rule, ...]

    def text(self) -> str:
        return " OR ".join(_grouped(o) for o in self.options)


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Rule, ...]

    def text(self) -> str:
        return " AND ".join(_grouped(p) for p in self.parts)


Rule = WhollyObtained | PreferentialOrigin | ValueContent | TariffShift | Process | AnyOf | AllOf


def _grouped(rule: Rule) -> str:
    # Only an OR inside an AND needs parentheses; writing them for AND-in-OR too keeps the
    # printed rule readable in lists.
    return f"({rule.text()})" if isinstance(rule, AnyOf | AllOf) else rule.text()


_TOKEN = re.compile(
    r"\s*(?:(?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)|(?P<dash>-)"
    r"|(?P<call>RVC|PROCESS)\s*\(\s*(?P<arg>[^()]*?)\s*\)"
    r"|(?P<code>\d[\d.]*)|(?P<word>[A-Za-z][A-Za-z-]*))",
    re.IGNORECASE,
)
_PROCESS_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def _bad(text: str, problem: str) -> InvalidInput:
    return InvalidInput(
        f"rule '{text}': {problem}",
        code="origin.invalid_rule",
        hint="Write rules like 'RVC(40) OR CTH', 'CC except 0401-0406' or "
        "'CTSH AND RVC(35)'; see docs/origin.md.",
    )


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise _bad(text, f"cannot read '{text[pos:].strip()}'")
        kind = match.lastgroup or ""
        if kind == "arg":
            kind = "call"
        value = match.group(kind) if kind != "call" else match.group("call")
        if kind == "call":
            value = f"{match.group('call').upper()}:{match.group('arg')}"
        tokens.append((kind, value))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _bad(self.text, "ends too early")
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1].upper() == word:
            self.at += 1
            return True
        return False

    def rule(self) -> Rule:
        options = [self.conjunction()]
        while self.keyword("OR"):
            options.append(self.conjunction())
        return options[0] if len(options) == 1 else AnyOf(tuple(options))

    def conjunction(self) -> Rule:
        parts = [self.atom()]
        while self.keyword("AND"):
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def atom(self) -> Rule:
        kind, value = self.next()
        if kind == "lparen":
            inner = self.rule()
            if self.next()[0] != "rparen":
                raise _bad(self.text, "a '(' is not closed")
            return inner
        if kind == "call":
            return self.call(value)
        if kind != "word":
            raise _bad(self.text, f"expected a criterion, found '{value}'")
        word = value.upper()
        if word == "WO":
            return WhollyObtained()
        if word == "PE":
            return PreferentialOrigin()
        if word in ShiftLevel.__members__:
            return TariffShift(ShiftLevel[word], self.exceptions())
        raise _bad(self.text, f"unknown criterion '{value}'")

    def call(self, value: str) -> Rule:
        name, _, arg = value.partition(":")
        if name == "RVC":
            try:
                threshold = Decimal(arg.rstrip("%").strip())
            except ArithmeticError:
                raise _bad(self.text, f"RVC needs a percentage, not '{arg}'") from None
            if not threshold.is_finite() or not Decimal(0) < threshold <= Decimal(100):
                raise _bad(self.text, f"RVC threshold {arg} is not between 0 and 100")
            return ValueContent(threshold)
        process = arg.strip().lower().replace(" ", "-")
        if not _PROCESS_NAME.match(process):
            raise _bad(self.text, f"PROCESS needs a name like 'chemical-reaction', not '{arg}'")
        return Process(process)

    def exceptions(self) -> tuple[CodeRange, ...]:
        if not self.keyword("EXCEPT"):
            return ()
        self.keyword("FROM")
        ranges = [self.code_range()]
        while self.peek() is not None and self.peek() == ("comma", ","):
            self.at += 1
            ranges.append(self.code_range())
        return tuple(ranges)

    def code_range(self) -> CodeRange:
        low = self.code()
        high = low
        if self.peek() == ("dash", "-"):
            self.at += 1
            high = self.code()
            if len(high) != len(low) or high < low:
                raise _bad(self.text, f"range {low}-{high} is not a range of same-length codes")
        return CodeRange(low, high)

    def code(self) -> str:
        self.keyword("CHAPTER") or self.keyword("HEADING") or self.keyword("SUBHEADING")
        kind, value = self.next()
        if kind != "code":
            raise _bad(self.text, f"expected an HS code after 'except', found '{value}'")
        digits = hs.compact(value)
        if len(digits) not in (2, 4, 6) or not hs.is_valid(digits):
            raise _bad(self.text, f"'{value}' is not a chapter, heading or subheading")
        return digits


def parse_rule(text: str) -> Rule:
    """Read a rule written in the rule language (see the module docstring)."""
    if not text or not text.strip():
        raise _bad(text, "is empty")
    parser = _Parser(text)
    rule = parser.rule()
    if parser.peek() is not None:
        raise _bad(text, f"unexpected '{parser.peek()[1]}' after the rule")  # type: ignore[index]
    return rule
