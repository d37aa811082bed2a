from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.core.errors import InvalidInput, NotFound
from cafta.core.money import Money
from cafta.core.provenance import Status
from cafta.core.quantity import Quantity
from cafta.refdata.exchange_rates import ExchangeRate, ManualRates
from cafta.tariff.duty import DutyRequest, Incoterm, assess
from cafta.tariff.measure import MeasureType, Proof
from cafta.tariff.schedule import bundled_schedule

ON = date(2026, 6, 1)


class FixedRates:
    """A rate provider with one known rate, so the conversion can be checked exactly."""

    def __init__(self, rate: str, status: Status = Status.OFFICIAL) -> None:
        self.value = Decimal(rate)
        self.status = status
        self.asked: list[tuple[str, str, date]] = []

    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        self.asked.append((base, quote, on))
        if base == quote:
            return ExchangeRate(base, quote, Decimal(1), on, "identity", Status.OFFICIAL)
        if (base, quote) != ("USD", "CNY"):
            raise NotFound(f"no {base}/{quote}", code="fx.rate_unavailable")
        return ExchangeRate(base, quote, self.value, date(2026, 5, 20), "test table", self.status)


def request(**kw: object) -> DutyRequest:
    base: dict[str, object] = {
        "line": "0810.60", "origin": "TH", "destination": "CN",
        "value": Money.of("100000", "CNY"), "on": ON,
    }  # fmt: skip
    base.update(kw)
    return DutyRequest(**base)  # type: ignore[arg-type]


def test_usd_value_is_converted_at_the_rate_of_the_date_and_rounded_to_the_fen() -> None:
    rates = FixedRates("7.123456")
    result = assess(request(value=Money.of("10000.55", "USD")), bundled_schedule(), rates)
    assert rates.asked == [("USD", "CNY", ON)]
    # 10,000.55 x 7.123456 = 71,238.477... -> 71,238.48 CNY
    assert result.customs_value == Money.of("71238.48", "CNY")
    assert result.duty == Money.of("14247.70", "CNY")  # 20%, half-up
    assert result.vat == Money.of("7693.76", "CNY")  # 9% of 85,486.18 = 7,693.7562
    conversion = next(s for s in result.steps if s.key == "conversion")
    assert "7.123456" in conversion.basis and "2026-05-20" in conversion.basis
    assert conversion.reference == "test table"


def test_an_illustrative_rate_makes_the_result_illustrative() -> None:
    rates = FixedRates("7.1", Status.ILLUSTRATIVE)
    result = assess(request(value=Money.of("100", "USD")), bundled_schedule(), rates)
    assert result.status is Status.ILLUSTRATIVE


def test_a_total_with_an_illustrative_amount_in_it_is_illustrative() -> None:
    car = assess(request(line="8703.24.29", value=Money.of("300000", "CNY")), bundled_schedule(),
                 FixedRates("7"))  # fmt: skip  # its consumption tax band is illustrative
    status = {s.key: s.status for s in car.steps}
    assert status["consumption"] is Status.ILLUSTRATIVE and status["duty"] is Status.OFFICIAL
    assert status["total"] is Status.ILLUSTRATIVE
    durian = assess(request(), bundled_schedule(), FixedRates("7"))
    assert all(s.status is Status.OFFICIAL for s in durian.steps)


def test_stale_rates_are_flagged() -> None:
    rates = FixedRates("7.1")
    result = assess(
        request(value=Money.of("100", "USD"), on=date(2026, 7, 1)), bundled_schedule(), rates
    )
    assert any("2026-05-20" in note for note in result.notes)


def test_a_rate_fixed_for_a_period_does_not_age_within_it() -> None:
    """A customs rate of the month from the user's table (valid 1-30 November) was flagged as
    19 days old on 20 November, telling the user to do what they had done."""
    table = ManualRates.from_csv_text(
        "base,quote,rate,valid_from,valid_to,source,status\n"
        "USD,CNY,7.0944,2026-11-01,2026-11-30,GACC rate for November 2026,official\n",
        "rates.csv",
    )
    result = assess(request(value=Money.of("100", "USD"), on=date(2026, 11, 20)),
                    bundled_schedule(), table)  # fmt: skip
    assert not any("days before" in note for note in result.notes), result.notes
    conversion = next(s for s in result.steps if s.key == "conversion")
    assert "rates.csv" in conversion.reference and "/" not in conversion.reference.split("[")[1]


def test_preference_needs_its_proof_and_saving_is_reported() -> None:
    with_e = assess(request(proofs=frozenset({Proof.FORM_E})), bundled_schedule(), FixedRates("7"))
    without = assess(request(), bundled_schedule(), FixedRates("7"))
    assert with_e.regime is MeasureType.ACFTA and without.regime is MeasureType.MFN
    assert with_e.saving == Money.of("21800.00", "CNY")
    assert without.saving == Money.of("0", "CNY")
    acfta = next(a for a in without.alternatives if a.regime is MeasureType.ACFTA)
    assert not acfta.eligible and acfta.total == Money.of("9000.00", "CNY")


def test_a_form_e_for_goods_of_the_importing_partys_own_origin_saves_nothing() -> None:
    """Chinese durians into China with a Form E: no ACFTA rate, no saving, and the notes say why."""
    result = assess(request(origin="CN", proofs=frozenset({Proof.FORM_E})), bundled_schedule(),
                    FixedRates("7"))  # fmt: skip
    assert (result.regime, result.duty, result.total) == (
        MeasureType.MFN, Money.of("20000.00", "CNY"), Money.of("30800.00", "CNY"),
    )  # fmt: skip
    assert result.saving == Money.of("0", "CNY")
    assert all(a.regime is not MeasureType.ACFTA for a in result.alternatives)
    assert any("Origin CN is the importing party: no ACFTA preference" in n for n in result.notes)
    assert any("A Form E was presented" in n for n in result.notes)


def test_steps_name_basis_rate_and_reference() -> None:
    result = assess(request(), bundled_schedule(), FixedRates("7"))
    keys = [s.key for s in result.steps]
    assert keys == ["customs_value", "duty", "vat", "total"]
    duty = result.steps[1]
    assert duty.rate == "20%" and "registry.china-gacc.agency" in duty.reference
    assert result.steps[-1].amount == result.total
    assert duty.basis == "100,000.00 CNY × 20%"


def test_the_working_names_the_band_and_the_gross_up() -> None:
    rubber = assess(
        request(line="4001.21", value=Money.of("80000", "CNY"),
                quantity=Quantity(Decimal(10000), "kg")),
        bundled_schedule(), FixedRates("7"),
    )  # fmt: skip
    duty = next(s for s in rubber.steps if s.key == "duty")
    assert duty.basis.startswith("value 8 CNY/kg > 7.5 CNY/kg, so 0% + 1.5 CNY/kg")
    assert "10000 kg × 1.5 CNY/kg" in duty.basis
    car = assess(request(line="8703.24.29", value=Money.of("300000", "CNY")), bundled_schedule(),
                 FixedRates("7"))  # fmt: skip
    ct = next(s for s in car.steps if s.key == "consumption")
    assert ct.basis == "(300,000.00 CNY + duty 45,000.00 CNY) / (1 - 25%) × 25%"
    assert ct.amount == Money.of("115000.00", "CNY")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"value": Money.of("-1", "CNY")}, "duty.negative_value"),
        ({"incoterm": Incoterm.FOB}, "duty.freight_required"),
        ({"freight": Money.of("1", "CNY")}, "duty.freight_with_cif"),
        ({"incoterm": Incoterm.FOB, "freight": Money.of("1", "USD")}, "duty.currency_mismatch"),
        ({"line": "4001.21"}, "duty.quantity_required"),
        ({"destination": "VN"}, "tariff.no_measures"),
        ({"value": Money.of("100", "EUR")}, "fx.rate_unavailable"),
    ],
)
def test_requests_the_engine_cannot_price_say_why(kw: dict[str, object], code: str) -> None:
    with pytest.raises((InvalidInput, NotFound)) as error:
        assess(request(**kw), bundled_schedule(), FixedRates("7"))
    assert error.value.code == code  # type: ignore[union-attr]


LINES = ["0810.60", "4001.21", "8507.60.00.30", "8703.24.29", "1511.90.20.01", "0713.31.90"]


@settings(max_examples=150, deadline=None)
@given(
    line=st.sampled_from(LINES),
    origin=st.sampled_from(["TH", "VN", "MY", "ID", "KR", "US", "MM", "CN"]),
    value=st.decimals(min_value=0, max_value=10**9, places=2),
    kg=st.decimals(min_value="0.001", max_value=10**7, places=3),
    proof=st.booleans(),
    on=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_duty_is_never_negative_and_the_same_inputs_give_the_same_answer(
    line: str, origin: str, value: Decimal, kg: Decimal, proof: bool, on: date
) -> None:
    req = request(
        line=line, origin=origin, value=Money(value, "CNY"), on=on,
        quantity=Quantity(kg, "kg"), proofs=frozenset({Proof.FORM_E}) if proof else frozenset(),
    )  # fmt: skip
    first = assess(req, bundled_schedule(), FixedRates("7"))
    again = assess(req, bundled_schedule(), FixedRates("7"))
    assert first.duty.amount >= 0 and first.vat.amount >= 0 and first.consumption.amount >= 0
    assert first.total == first.duty + first.consumption + first.vat
    assert (first.total, first.regime, first.steps) == (again.total, again.regime, again.steps)
    assert all(first.total <= alt.total for alt in first.alternatives if alt.eligible)
