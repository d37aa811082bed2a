"""Request bodies and parameters read into the engines' requests, with errors that name the field.

Bills of materials and declarations have domain parsers (:func:`cafta.origin.bom.parse_bom`,
:func:`cafta.certificates.declaration.parse_declaration`); a duty request does not, so it is
read here with :class:`cafta.core.fields.Fields`, the same reader, so its errors look alike:
``value.currency: unknown currency 'XYZ'``. Every reference value (HS code, country, currency)
is checked here, so an unknown one is invalid input (400) rather than a missing resource.

A query or path parameter (:func:`parameter`) is named by its name (``office``, ``line``), and
its errors have request-level codes: one given empty (``?office=``) or blank is a 400
``request.empty_parameter`` saying so, not a member missing from a document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cafta.certificates.boxes import read_quantity
from cafta.core.errors import CaftaError, InvalidInput
from cafta.core.fields import Fields, field_error
from cafta.core.money import Money
from cafta.identifiers import hs
from cafta.refdata.countries import country
from cafta.refdata.currencies import currency
from cafta.refdata.nomenclature import Nomenclature
from cafta.tariff.duty import DutyRequest, Incoterm
from cafta.tariff.measure import Proof

__all__ = [
    "checked",
    "country_parameter",
    "duty_request",
    "line_parameter",
    "parameter",
    "parse_under",
    "with_field",
]

T = TypeVar("T")


def with_field(error: InvalidInput, fields: Mapping[str, str]) -> InvalidInput:
    """``error`` with the field ``fields`` gives for its code, when it names none."""
    field = fields.get(error.code)
    if field is None or error.details.get("field"):
        return error
    return InvalidInput(
        error.message, code=error.code, hint=error.hint, details={**error.details, "field": field}
    )


def checked(fields: Fields, key: str, read: Callable[[str], T]) -> T:
    """``read`` applied to a text field; its error (invalid or unknown value) names the field."""
    text = fields.text(key)
    try:
        return read(text)
    except CaftaError as error:
        raise field_error(
            fields.where(key), error.message, code=error.code, hint=error.hint
        ) from None


def parameter(name: str, text: str, read: Callable[[str], T], hint: str) -> T:
    """``read`` applied to the query or path parameter ``name`` (its text stripped); an error
    names the parameter. Empty or blank: 400 ``request.empty_parameter``, with ``hint`` (what
    to give instead); a text with a control character: 400 ``request.invalid_field``."""
    if not text.strip():
        raise field_error(name, "is empty", code="request.empty_parameter", hint=hint)
    return checked(Fields({name: text}, prefix="request"), name, read)


def _country(text: str) -> str:
    return country(text).alpha2


def country_parameter(name: str, text: str) -> str:
    """A country given as a query parameter: its alpha-2 code, or an error naming ``name``."""
    return parameter(name, text, _country, "Give a country's ISO 3166 code or name (TH, Thailand).")


def line_parameter(name: str, text: str) -> str:
    """An HS code or tariff line given in the path: its digits, or an error naming ``name``.
    (Whether the code exists is the look-up's question: an unknown code is a 404 there.)"""
    return parameter(name, text, hs.validate,
                     "Give a tariff line or HS code, e.g. /api/v1/tariff/0810.60.")  # fmt: skip


def parse_under(prefix: str, parse: Callable[[object], T], document: object) -> T:
    """``parse(document)`` for a document nested at ``prefix`` in the body: error paths say so
    (``declaration.items[0].line``)."""
    try:
        return parse(document)
    except InvalidInput as error:
        field = error.details.get("field")
        if not isinstance(field, str):
            raise
        path = prefix if field == "document" else f"{prefix}.{field}"
        message = error.message.removeprefix(f"{field}: ")
        raise field_error(path, message, code=error.code, hint=error.hint) from None


def _line(text: str) -> str:
    code = hs.validate(text)
    nomenclature = Nomenclature.hs2022()
    if len(code) <= 6:
        nomenclature.get(code)
    else:
        nomenclature.nearest(code)
    return code


def _money(fields: Fields, key: str) -> Money:
    try:
        money = fields.money(key)
    except InvalidInput as error:
        if error.details.get("field"):
            raise
        # Fields.money names the field of every error but the amount's own.
        raise field_error(
            f"{fields.where(key)}.amount", error.message, code=error.code, hint=error.hint
        ) from None
    checked(fields.object(key), "currency", currency)
    if money.is_negative:
        raise fields.error(key, "must not be negative", "negative_value")
    return money


def _optional_money(fields: Fields, key: str, value: Money) -> Money | None:
    if not fields.has(key):
        return None
    money = _money(fields, key)
    if money.currency != value.currency:
        raise field_error(
            f"{fields.where(key)}.currency",
            f"is {money.currency} but the value is in {value.currency}",
            code="duty.currency_mismatch",
            hint=f"Give the {key} in {value.currency}.",
        )
    return money


def _proofs(fields: Fields) -> frozenset[Proof]:
    proofs = []
    for index, text in enumerate(fields.texts("proofs")):
        try:
            proofs.append(Proof.parse(text))
        except InvalidInput as error:
            raise field_error(
                fields.where(f"proofs[{index}]"), error.message, code=error.code, hint=error.hint
            ) from None
    return frozenset(proofs)


def duty_request(document: Mapping[str, Any], today: dt.date) -> DutyRequest:
    """A duty request from a body (:class:`cafta.api.schemas.DutyBody` as builtins); the
    fields are read in the order of the document, so the first error is the first field's."""
    fields = Fields(document, prefix="duty")
    line = checked(fields, "line", _line)
    origin = checked(fields, "origin", _country)
    destination = checked(fields, "destination", _country)
    value = _money(fields, "value")
    on = fields.optional_date("on") or today
    incoterm = checked(fields, "incoterm", Incoterm.parse) if fields.has("incoterm") else None
    return DutyRequest(
        line=line,
        origin=origin,
        destination=destination,
        value=value,
        on=on,
        incoterm=incoterm or Incoterm.CIF,
        freight=_optional_money(fields, "freight", value),
        insurance=_optional_money(fields, "insurance", value),
        quantity=read_quantity(fields, "quantity") if fields.has("quantity") else None,
        proofs=_proofs(fields),
    )
