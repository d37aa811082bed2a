"""Duty expressions: how a measure turns a customs value and a quantity into an amount.

The forms found in the China and ASEAN schedules:

===================  =============================================  ==========================
form                 written as                                     example
===================  =============================================  ==========================
ad valorem           ``20%`` (``12% * 11/12`` on a reduced base)    durian MFN
specific             ``1.5 CNY/kg``, ``2600 CNY/t``                 rubber above the band
compound             ``10% + 0.9 CNY/kg``                           sum of its parts
lower / higher of    ``min(20%, 2600 CNY/t)``, ``max(...)``         ACFTA rubber, 2009
conditional band     ``20% if value <= 7.5 CNY/kg else 1.5 CNY/kg``  China's rubber provisional
===================  =============================================  ==========================

Parentheses group a band that stands inside a sum or another band: ``5% + (1% if value <= 2
CNY/kg else 0%)``.

The text form is what schedules (shipped or imported CSV) contain; :func:`parse` reads it and
``str()`` writes it back, so ``parse(str(e)) == e``. ``value`` in a condition is the customs value
per unit of quantity (e.g. CNY per kg), as in China's provisional rates for natural rubber
(htshub.com, line 4001.2100.00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.core.quantity import Quantity, unit
from cafta.core.remembered import RememberedByIdentity

_HUNDRED = Decimal(100)
_PER_UNIT_PLACES = Decimal("0.0001")


def _render(expr: Expression | _Choice) -> str:
    return expr.render()


# The text of each expression, by identity: pricing writes the same schedule's expressions into
# every item's working several times over (the rate column, the working, a band's chosen
# branch). Equal expressions are not shared, since equal numbers may be written differently.
_text: RememberedByIdentity[Expression | _Choice, str] = RememberedByIdentity(_render, size=4096)


@direct_init
@dataclass(frozen=True, slots=True)
class Basis:
    """What an expression is applied to: a customs value (in the schedule's currency)."""

    value: Decimal
    currency: str
    quantity: Quantity | None = None

    def quantity_in(self, unit_name: str) -> Decimal:
        if self.quantity is None:
            raise InvalidInput(
                f"this duty is charged per {unit_name}, so the quantity is needed",
                code="duty.quantity_required",
                hint=f"Give the quantity, in {unit_name} or a unit that converts to it.",
            )
        return self.quantity.to(unit_name).amount


def _num(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass(frozen=True, slots=True)
class AdValorem:
    """A percentage of the customs value, optionally of a fraction of it (``12% * 11/12``)."""

    percent: Decimal
    base_fraction: tuple[int, int] | None = None

    @property
    def rate(self) -> Decimal:
        if self.base_fraction:
            fraction = Decimal(self.base_fraction[0]) / Decimal(self.base_fraction[1])
            return self.percent / _HUNDRED * fraction
        # Multiplying by a fraction of 1 would change neither digits nor exponent.
        return self.percent / _HUNDRED

    def amount(self, basis: Basis) -> Decimal:
        return basis.value * self.rate

    def working(self, basis: Basis) -> str:
        return f"{_money(basis.value)} {basis.currency} × {self}"

    def __str__(self) -> str:
        return _text(self)

    def render(self) -> str:
        """The text form, computed (``str()`` gives it from a cache)."""
        if self.base_fraction:
            return f"{_num(self.percent)}% * {self.base_fraction[0]}/{self.base_fraction[1]}"
        return f"{_num(self.percent)}%"


@dataclass(frozen=True, slots=True)
class Specific:
    """An amount of money per unit of quantity."""

    per_unit: Decimal
    currency: str
    unit: str

    def amount(self, basis: Basis) -> Decimal:
        self._check_currency(basis)
        return basis.quantity_in(self.unit) * self.per_unit

    def _check_currency(self, basis: Basis) -> None:
        if basis.currency != self.currency:
            raise InvalidInput(
                f"specific duty in {self.currency} applied to a value in {basis.currency}",
                code="duty.currency_mismatch",
            )

    def working(self, basis: Basis) -> str:
        qty = basis.quantity_in(self.unit)
        return f"{_num(qty)} {self.unit} × {self}"

    def __str__(self) -> str:
        return _text(self)

    def render(self) -> str:
        """The text form, computed (``str()`` gives it from a cache)."""
        return f"{_num(self.per_unit)} {self.currency}/{self.unit}"


@dataclass(frozen=True, slots=True)
class Compound:
    """The sum of two or more parts (``10% + 0.9 CNY/kg``)."""

    parts: tuple[Expression, ...]

    def amount(self, basis: Basis) -> Decimal:
        return sum((p.amount(basis) for p in self.parts), Decimal(0))

    def working(self, basis: Basis) -> str:
        return " + ".join(f"({p.working(basis)})" for p in self.parts)

    def __str__(self) -> str:
        return _text(self)

    def render(self) -> str:
        """The text form, computed (``str()`` gives it from a cache)."""
        return " + ".join(_nested(p) for p in self.parts)


@dataclass(frozen=True, slots=True)
class _Choice:
    """The option giving the lowest (``min``) or highest (``max``) amount."""

    options: tuple[Expression, ...]

    def chosen(self, basis: Basis) -> Expression:
        pick = min if isinstance(self, LowerOf) else max
        return pick(self.options, key=lambda o: o.amount(basis))

    def amount(self, basis: Basis) -> Decimal:
        return self.chosen(basis).amount(basis)

    def working(self, basis: Basis) -> str:
        pick = self.chosen(basis)
        word = "lower" if isinstance(self, LowerOf) else "higher"
        return f"{word} of {self}: {pick} applies, {pick.working(basis)}"

    def __str__(self) -> str:
        return _text(self)

    def render(self) -> str:
        """The text form, computed (``str()`` gives it from a cache)."""
        name = "min" if isinstance(self, LowerOf) else "max"
        return f"{name}({', '.join(str(o) for o in self.options)})"


@dataclass(frozen=True, slots=True)
class LowerOf(_Choice):
    """The lowest amount of its options (``min(...)``)."""


@dataclass(frozen=True, slots=True)
class HigherOf(_Choice):
    """The highest amount of its options (``max(...)``)."""


@dataclass(frozen=True, slots=True)
class Banded:
    """``then`` when the value per unit is at most (or below) a threshold, else ``otherwise``."""

    threshold: Decimal
    currency: str
    unit: str
    then: Expression
    otherwise: Expression
    inclusive: bool = True

    def unit_value(self, basis: Basis) -> Decimal:
        qty = basis.quantity_in(self.unit)
        if qty == 0:
            raise InvalidInput(
                f"the quantity is zero, so the value per {self.unit} is undefined",
                code="duty.zero_quantity",
            )
        if basis.currency != self.currency:
            raise InvalidInput(
                f"band in {self.currency} applied to a value in {basis.currency}",
                code="duty.currency_mismatch",
            )
        return basis.value / qty

    def in_band(self, basis: Basis) -> bool:
        per_unit = self.unit_value(basis)
        return per_unit <= self.threshold if self.inclusive else per_unit < self.threshold

    def amount(self, basis: Basis) -> Decimal:
        return (self.then if self.in_band(basis) else self.otherwise).amount(basis)

    def working(self, basis: Basis) -> str:
        per_unit = self.unit_value(basis)
        op = "≤" if self.inclusive else "<"
        # As in_band(basis), from the value per unit already found.
        inside = per_unit <= self.threshold if self.inclusive else per_unit < self.threshold
        pick = self.then if inside else self.otherwise
        relation = op if inside else ("> " if self.inclusive else "≥ ").strip()
        per = f"{self.currency}/{self.unit}"
        return (
            f"value {_num(per_unit.quantize(_PER_UNIT_PLACES))} {per} {relation} "
            f"{_num(self.threshold)} {per}, so {pick}: {pick.working(basis)}"
        )

    def __str__(self) -> str:
        return _text(self)

    def render(self) -> str:
        """The text form, computed (``str()`` gives it from a cache)."""
        op = "<=" if self.inclusive else "<"
        return (
            f"{_nested(self.then)} if value {op} {_num(self.threshold)} "
            f"{self.currency}/{self.unit} else {_nested(self.otherwise)}"
        )


Expression = AdValorem | Specific | Compound | LowerOf | HigherOf | Banded


def _nested(expr: Expression) -> str:
    """A band inside a sum or another band is written in parentheses, so it reads back."""
    return f"({expr})" if isinstance(expr, Banded) else str(expr)


def ad_valorem_rate(expr: Expression) -> Decimal | None:
    """The rate of a plain ad valorem expression, else ``None`` (it depends on the goods)."""
    return expr.rate if isinstance(expr, AdValorem) else None


def specific_currencies(expr: Expression) -> set[str]:
    match expr:
        case AdValorem():
            return set()
        case Specific(currency=c):
            return {c}
        case Banded(currency=c, then=a, otherwise=b):
            return {c} | specific_currencies(a) | specific_currencies(b)
        case Compound(parts=parts) | LowerOf(options=parts) | HigherOf(options=parts):
            return set().union(*(specific_currencies(p) for p in parts))
    raise AssertionError(expr)  # pragma: no cover


# --- parsing ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<word>[A-Za-z][A-Za-z0-9]*)|(?P<op><=|[%+*/(),<]))"
)


_KIND_NAMES = {"num": "a number", "word": "a currency code, unit or keyword", "op": "an operator"}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        stripped = text.rstrip()
        while pos < len(stripped):
            m = _TOKEN.match(stripped, pos)
            if not m or m.end() == pos:
                self.fail(f"unexpected '{stripped[pos:].strip()[:10]}'")
            assert m is not None
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def fail(self, why: str) -> None:
        raise InvalidInput(
            f"duty expression '{self.text}' cannot be read: {why}",
            code="tariff.invalid_expression",
            hint="Write e.g. '20%', '1.5 CNY/kg', '10% + 0.9 CNY/kg', 'min(20%, 2600 CNY/t)' "
            "or '20% if value <= 7.5 CNY/kg else 1.5 CNY/kg'.",
        )

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1].lower() != value):
            wanted = value or _KIND_NAMES[kind]
            after = f" after '{self.tokens[self.i - 1][1]}'" if self.i else " at the start"
            self.fail(f"expected {wanted}{after}")
        assert tok is not None
        self.i += 1
        return tok[1]

    def accept(self, kind: str, value: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == kind and tok[1].lower() == value:
            self.i += 1
            return True
        return False

    def number(self) -> Decimal:
        try:
            return Decimal(self.take("num"))
        except InvalidOperation:  # pragma: no cover - the regex admits only decimals
            self.fail("bad number")
            raise

    def parse(self) -> Expression:
        expr = self.banded()
        if self.peek() is not None:
            self.fail(f"unexpected '{self.peek()[1]}'")  # type: ignore[index]
        return expr

    def banded(self) -> Expression:
        then = self.compound()
        if not self.accept("word", "if"):
            return then
        self.take("word", "value")
        inclusive = self.accept("op", "<=")
        if not inclusive:
            self.take("op", "<")
        threshold = self.number()
        currency = self.take("word").upper()
        self.take("op", "/")
        per = unit(self.take("word"))
        self.take("word", "else")
        otherwise = self.compound()
        return Banded(threshold, currency, per, then, otherwise, inclusive)

    def compound(self) -> Expression:
        parts = [self.term()]
        while self.accept("op", "+"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Compound(tuple(parts))

    def term(self) -> Expression:
        if self.accept("op", "("):
            inner = self.banded()
            self.take("op", ")")
            return inner
        tok = self.peek()
        if tok and tok[0] == "word" and tok[1].lower() in ("min", "max"):
            self.i += 1
            self.take("op", "(")
            options = [self.banded()]
            while self.accept("op", ","):
                options.append(self.banded())
            self.take("op", ")")
            if len(options) < 2:
                self.fail(f"{tok[1]}() needs at least two options")
            return (LowerOf if tok[1].lower() == "min" else HigherOf)(tuple(options))
        value = self.number()
        if self.accept("op", "%"):
            fraction = None
            if self.accept("op", "*"):
                num = self.number()
                self.take("op", "/")
                den = self.number()
                if num != num.to_integral() or den != den.to_integral() or den == 0:
                    self.fail("a base fraction is written as two whole numbers, e.g. 11/12")
                fraction = (int(num), int(den))
            return AdValorem(value, fraction)
        currency = self.take("word").upper()
        if len(currency) != 3:
            self.fail(f"'{currency}' is not a currency code")
        self.take("op", "/")
        return Specific(value, currency, unit(self.take("word")))


def parse(text: str) -> Expression:
    """Read a duty expression written in the schedule syntax (see the module docstring)."""
    if not text or not text.strip():
        raise InvalidInput("the duty expression is empty", code="tariff.invalid_expression")
    return _Parser(text).parse()
