"""Reading the boxes of a Form E (and the parties of a declaration) from a parsed document.

One reader serves both the issue request a person writes and the canonical document inside a
signed certificate (:mod:`cafta.certificates.canonical`): the canonical document is a request
in normal form plus ``format`` and ``reference``. Every error names the field
(``items[0].quantity.unit: unknown unit 'kgz'``) with a stable ``<prefix>.*`` code.
"""

from __future__ import annotations

from datetime import date, datetime

from cafta.certificates.criterion import OriginCriterion
from cafta.certificates.form_e import (
    ExporterDeclaration,
    Flags,
    FormE,
    Invoice,
    Item,
    Packages,
    Party,
    Transport,
)
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.identifiers import hs
from cafta.refdata.countries import country

__all__ = [
    "read_country",
    "read_date",
    "read_form",
    "read_line",
    "read_party",
    "read_positive_int",
    "read_quantity",
]


def read_country(fields: Fields, key: str) -> str:
    """An ISO 3166 alpha-2 code from a code or name (``MM``, ``Myanmar``, ``缅甸``)."""
    text = fields.text(key)
    try:
        return country(text).alpha2
    except NotFound as error:
        raise fields.error(key, error.message, "unknown_country", error.hint) from None


def read_date(fields: Fields, key: str) -> date | None:
    """An optional ISO date; YAML's timestamps (a date with a time) are refused, not truncated."""
    if isinstance(fields.raw(key), datetime):
        raise fields.error(
            key, "expected a date (YYYY-MM-DD), found a date and time", "invalid_field"
        )
    return fields.optional_date(key)


def _required_date(fields: Fields, key: str) -> date:
    found = read_date(fields, key)
    if found is None:
        raise fields.error(key, "missing", "missing_field")
    return found


def read_positive_int(fields: Fields, key: str) -> int:
    value = fields.decimal(key)
    if value != value.to_integral_value() or value < 1:
        raise fields.error(
            key, f"expected a whole number of at least 1, found {value}", "invalid_field"
        )
    return int(value)


def read_line(fields: Fields, key: str) -> str:
    """An HS code or national tariff line, as compact digits."""
    try:
        return hs.validate(fields.text(key))
    except InvalidInput as error:
        raise fields.wrap(error, key) from None


def read_quantity(fields: Fields, key: str) -> Quantity:
    """``{"amount": "25000", "unit": "kg"}`` in a unit of :mod:`cafta.core.quantity`."""
    part = fields.object(key)
    amount = part.decimal("amount")
    unit = part.text("unit")
    try:
        return Quantity.of(amount, unit)
    except InvalidInput as error:
        bad = "unit" if error.code == "quantity.unknown_unit" else "amount"
        raise part.wrap(error, bad) from None


def _optional_quantity(fields: Fields, key: str) -> Quantity | None:
    return read_quantity(fields, key) if fields.has(key) else None


def _money(fields: Fields, key: str) -> Money | None:
    money = fields.optional_money(key)
    if money is not None and money.is_negative:
        raise fields.object(key).error("amount", "must not be negative", "invalid_field")
    return money


def read_party(fields: Fields, key: str) -> Party:
    part = fields.object(key)
    return Party(
        name=part.text("name"),
        country=read_country(part, "country"),
        address=part.optional_text("address"),
    )


def _criterion(fields: Fields) -> OriginCriterion:
    try:
        return OriginCriterion.parse(fields.text("criterion"))
    except InvalidInput as error:
        raise fields.wrap(error, "criterion") from None


def _item(fields: Fields, position: int) -> Item:
    number = read_positive_int(fields, "number") if fields.has("number") else position
    if number != position:
        raise fields.error(
            "number", f"is {number}, but this is item {position}", "item_numbers",
            "Number the items 1, 2, 3... in order, or leave the numbers out.",
        )  # fmt: skip
    packages = fields.optional_object("packages")
    return Item(
        number=number,
        description=fields.text("description"),
        line=read_line(fields, "line"),
        criterion=_criterion(fields),
        quantity=read_quantity(fields, "quantity"),
        marks=fields.optional_text("marks"),
        packages=(
            Packages(read_positive_int(packages, "count"), packages.text("kind"))
            if packages is not None
            else None
        ),
        gross_weight=_optional_quantity(fields, "gross_weight"),
        fob=_money(fields, "fob"),
    )


def _transport(fields: Fields | None) -> Transport | None:
    if fields is None:
        return None
    return Transport(
        departure_date=read_date(fields, "departure_date"),
        means=fields.optional_text("means"),
        port_of_loading=fields.optional_text("port_of_loading"),
        port_of_discharge=fields.optional_text("port_of_discharge"),
    )


def _flags(fields: Fields | None) -> Flags:
    if fields is None:
        return Flags()
    return Flags(
        issued_retroactively=fields.flag("issued_retroactively"),
        back_to_back=fields.flag("back_to_back"),
        exhibition=fields.flag("exhibition"),
        third_party_invoicing=fields.flag("third_party_invoicing"),
        third_party=read_party(fields, "third_party") if fields.has("third_party") else None,
    )


def _exporter_declaration(fields: Fields | None) -> ExporterDeclaration | None:
    if fields is None:
        return None
    return ExporterDeclaration(
        place=fields.optional_text("place"),
        date=read_date(fields, "date"),
        signatory=fields.optional_text("signatory"),
    )


def read_form(fields: Fields, reference: str) -> FormE:
    """The certificate a document describes, under ``reference`` (its own is not read here)."""
    items = tuple(_item(item, n) for n, item in enumerate(fields.objects("items"), start=1))
    if not items:
        raise fields.error("items", "a Form E needs at least one item", "no_items")
    invoice = fields.object("invoice")
    return FormE(
        reference=reference,
        authority=fields.text("authority"),
        exporting_party=read_country(fields, "exporting_party"),
        importing_party=read_country(fields, "importing_party"),
        issue_date=_required_date(fields, "issue_date"),
        exporter=read_party(fields, "exporter"),
        consignee=read_party(fields, "consignee"),
        invoice=Invoice(invoice.text("number"), _required_date(invoice, "date")),
        items=items,
        transport=_transport(fields.optional_object("transport")),
        flags=_flags(fields.optional_object("flags")),
        issue_place=fields.optional_text("issue_place"),
        certified_by=fields.optional_text("certified_by"),
        exporter_declaration=_exporter_declaration(fields.optional_object("exporter_declaration")),
    )
