"""The tariff and duty form: its fields, read into a duty request with a message per field.

Every field is checked, so the page shows all that is wrong at once; the messages for a missing
field are the portal's own (translated), those about a value the engines refuse are theirs (in
English). The form travels as query parameters (``GET /tariff?line=...``): the calculation
stores nothing, and its address can be bookmarked or shared.

Amounts and the quantity are typed as the page's language writes numbers
(:mod:`cafta.web.numbers`: ``612.000,50`` in Vietnamese); the address carries that language in
``numbers``, so the same address read on a page in another language (the language switch keeps
the query) means the same amounts, which the form then shows that page's way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from cafta.core.dates import parse_date
from cafta.core.errors import CaftaError, InvalidInput
from cafta.core.money import Money
from cafta.core.quantity import Quantity, unit
from cafta.identifiers import hs
from cafta.refdata.countries import country
from cafta.refdata.currencies import currency
from cafta.refdata.nomenclature import Nomenclature
from cafta.tariff.duty import DutyRequest, Incoterm
from cafta.tariff.measure import Proof
from cafta.web.forms import Errors, engine_message, own, read_number, text_of
from cafta.web.i18n import N_
from cafta.web.numbers import FIELD as NUMBERS_FIELD
from cafta.web.numbers import style_of

__all__ = ["DutyForm", "field_of", "read_duty"]

T = TypeVar("T")

_FIELDS = (
    "line", "origin", "destination", "value", "currency", "incoterm", "freight", "insurance",
    "on", "quantity", "unit",
)  # fmt: skip

_ENGINE_FIELDS = {
    "duty.freight_with_cif": "freight",
    "duty.freight_required": "freight",
    "duty.insurance_required": "insurance",
    "duty.quantity_required": "quantity",
    "duty.zero_quantity": "quantity",
    "tariff.ambiguous_line": "line",
    "hs.unknown": "line",
}
"""The field an engine error is about, for the errors that do not name one."""

_MISSING = {
    "line": N_("Enter the HS code or tariff line of the goods."),
    "origin": N_("Choose the country the goods originate in."),
    "destination": N_("Choose the country that imports the goods."),
    "value": N_("Enter the value of the goods."),
    "currency": N_("Choose the currency of the value."),
}


@dataclass(frozen=True, slots=True)
class DutyForm:
    """What the visitor typed, as text (shown back in the form)."""

    line: str = ""
    origin: str = ""
    destination: str = "CN"
    value: str = ""
    currency: str = "CNY"
    incoterm: str = "CIF"
    freight: str = ""
    insurance: str = ""
    on: str = ""
    quantity: str = ""
    unit: str = "kg"
    form_e: bool = False
    asked: bool = False
    """Whether the form was sent (``go=1``, its hidden field) or carries more than the line and
    the destination: a link that only picks a line (from the HS search) shows the form filled
    in, without calling the missing fields errors."""
    numbers: str = "en"
    """The language whose way of writing numbers the amounts are typed in."""

    @classmethod
    def from_query(cls, params: Mapping[str, Any], today: date, numbers: str = "en") -> DutyForm:
        """The form from the query string; the date defaults to ``today``, the way numbers are
        written to the query's ``numbers``, else to that of the language ``numbers``."""
        given = {name for name in params if params.get(name)}
        form = cls(
            **{name: text_of(params, name, 60) for name in _FIELDS if params.get(name)},
            form_e=params.get("form_e") in ("1", "on", "yes", "true"),
            asked=bool(given - {"line", "destination", "lang", NUMBERS_FIELD}),
            numbers=style_of(params.get(NUMBERS_FIELD), numbers).language,
        )
        return form if form.on else replace(form, on=today.isoformat())

    def restyled(self, numbers: str) -> DutyForm:
        """The form with its amounts written as the language ``numbers`` writes them; as
        typed, in the language they were typed in, when one of them cannot be read that way."""
        source, target = style_of(self.numbers, "en"), style_of(numbers, "en")
        typed = (self.value, self.freight, self.insurance, self.quantity)
        if source == target or not all(map(source.readable, typed)):
            return self

        def written(text: str) -> str:
            return source.restyle(text, target)

        return replace(
            self,
            value=written(self.value),
            freight=written(self.freight),
            insurance=written(self.insurance),
            quantity=written(self.quantity),
            numbers=target.language,
        )

    @property
    def submitted(self) -> bool:
        """Whether the visitor asked for a calculation (the line is given, and the form was
        sent or the address has more than the line and the destination)."""
        return bool(self.line) and self.asked

    def with_line(self, line: str) -> dict[str, str]:
        """The form's query parameters with another line (links to a national line)."""
        params = {name: getattr(self, name) for name in _FIELDS if getattr(self, name)}
        params["line"] = line
        if self.form_e:
            params["form_e"] = "1"
        params[NUMBERS_FIELD] = self.numbers
        return params


def field_of(error: CaftaError) -> str:
    """The form field an engine error is about ("" for the form as a whole)."""
    field = error.details.get("field")
    if isinstance(field, str) and field:
        head = field.split(".")[0].split("[")[0]
        if head in _FIELDS:
            return head
    return _ENGINE_FIELDS.get(error.code, "")


def _line(text: str) -> str:
    code = hs.validate(text)
    nomenclature = Nomenclature.hs2022()
    if len(code) <= 6:
        nomenclature.get(code)
    else:
        nomenclature.nearest(code)
    return code


class _Reader:
    """Reads fields one by one, keeping the first message for each."""

    def __init__(self, form: DutyForm) -> None:
        self.form = form
        self.errors: Errors = {}

    def read(self, name: str, parse: Callable[[str], T], *, required: bool = True) -> T | None:
        text: str = getattr(self.form, name)
        if not text:
            if required:
                self.errors[name] = own(_MISSING[name])
            return None
        try:
            return parse(text)
        except CaftaError as error:
            self.errors[name] = engine_message(error)
            return None

    def amount(self, name: str, *, required: bool = True, money: bool = True) -> Decimal | None:
        """A number, read as the form's language writes numbers: an amount of ``money`` in
        the form's currency (at most its decimals), else a quantity."""
        text: str = getattr(self.form, name)
        if not text:
            if required:
                self.errors[name] = own(_MISSING[name])
            return None
        currency = self.form.currency if money else None
        style = style_of(self.form.numbers, "en")
        found, problem = read_number(text, style, currency=currency, money=money)
        if problem is not None:
            self.errors[name] = problem
        return found


def read_duty(form: DutyForm) -> tuple[DutyRequest | None, Errors]:
    """The duty request the form describes, or the message for each field that is wrong."""
    reader = _Reader(form)
    line = reader.read("line", _line)
    origin = reader.read("origin", lambda text: country(text).alpha2)
    destination = reader.read("destination", lambda text: country(text).alpha2)
    value = reader.amount("value")
    code = reader.read("currency", lambda text: currency(text).code)
    incoterm = reader.read("incoterm", Incoterm.parse, required=False)
    freight = reader.amount("freight", required=False)
    insurance = reader.amount("insurance", required=False)
    on = reader.read("on", lambda text: parse_date(text, "date"), required=False)
    amount = reader.amount("quantity", required=False, money=False)
    unit_name = reader.read("unit", unit, required=False) if amount is not None else None
    quantity = None
    if amount is not None and unit_name is not None:
        try:
            quantity = Quantity.of(amount, unit_name)
        except InvalidInput as error:
            reader.errors["quantity"] = engine_message(error)
    errors = reader.errors
    if errors or not (line and origin and destination and code and on) or value is None:
        return None, errors
    return (
        DutyRequest(
            line=line,
            origin=origin,
            destination=destination,
            value=Money(value, code),
            on=on,
            incoterm=incoterm or Incoterm.CIF,
            freight=Money(freight, code) if freight is not None else None,
            insurance=Money(insurance, code) if insurance is not None else None,
            quantity=quantity,
            proofs=frozenset({Proof.FORM_E}) if form.form_e else frozenset(),
        ),
        {},
    )
