"""The declaration form: header, transport and goods item rows, added and removed without script.

The form becomes the document ``POST /api/v1/declarations`` takes (``docs/clearance.md``),
lodged by the same clearance services. Fields of an item row are named ``i-<n>-<field>``
(:mod:`cafta.web.rows`). The clearance engine's errors name a path in the document
(``items[1].quantity.unit``, ``transport.container``); :meth:`DeclarationForm.field_of` puts
each next to its field.

Each form carries an idempotency key made when the blank form is shown: sending the same form
twice (a double click, a reload after a lost answer) returns the declaration the first sending
lodged instead of lodging a second one.

The same form amends a declaration held for documents: :meth:`DeclarationForm.from_document`
fills it with the declaration as it was filed, and :meth:`DeclarationForm.left_out` names what
of that document the form cannot carry (an amount in another currency, a net mass in tonnes, an
extension key), which sending the form would drop or change.

An item's delivery terms are those the duty engine prices (CIF, CFR, FOB: the customs value is
CIF), with the freight and insurance an FOB or CFR value needs, in the form's currency.

Amounts and quantities are typed as the page's language writes numbers (``612.000,50`` in
Vietnamese, :mod:`cafta.web.numbers`) and reach the document as plain decimal strings
(``"612000.50"``). Before the engines see anything, :meth:`DeclarationForm.document` checks
what the form can check itself and reports all of it at once: a required field left empty, a
number it cannot read (or that reads two ways), a negative number, a quantity, mass or value of
zero, an amount with more decimals than its currency has, a text longer than its field takes,
and the shape of the identifiers (the office's UN/LOCODE, the vehicle plate, the container's
ISO 6346 check digit, the tariff line's digits: :mod:`cafta.identifiers`, which the engines
use too). Nothing typed is ever cut short. A row is filled as soon as anything in it is typed
or changed from its default (a Form E reference alone, a unit other than kg, delivery terms
other than CIF): it is then checked as a whole, never silently dropped.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from cafta.core.errors import CaftaError, InvalidInput
from cafta.core.quantity import unit
from cafta.identifiers import container, hs, locode, plate
from cafta.refdata.countries import country
from cafta.tariff.duty import Incoterm
from cafta.web.choices import CURRENCIES
from cafta.web.forms import Errors, Message, engine_message, own, read_number, text_of, too_long
from cafta.web.i18n import N_
from cafta.web.numbers import FIELD as NUMBERS_FIELD
from cafta.web.numbers import STYLES, style_of
from cafta.web.rows import adding, posted_rows, removing

__all__ = ["MAX_ITEMS", "DeclarationForm", "ItemRow", "new_key"]

ROWS_SHOWN = 3
ROWS_ADDED = 3
MAX_ITEMS = 100
ITEM_FIELDS = (
    "description",
    "line",
    "origin",
    "quantity",
    "unit",
    "net_mass",
    "value",
    "incoterm",
    "freight",
    "insurance",
    "certificate",
)
NUMBER_FIELDS = ("quantity", "net_mass", "value", "freight", "insurance")
"""The item fields holding a number, typed as the page's language writes numbers."""
MONEY_FIELDS = frozenset({"value", "freight", "insurance"})
"""The number fields holding an amount in the form's currency (at most its decimals)."""
POSITIVE_FIELDS = frozenset({"quantity", "net_mass", "value"})
"""The number fields the engines refuse at zero (``declaration.zero_quantity``, ...)."""
_ROW_LIMITS = {
    "description": 500,
    "line": 20,
    "origin": 60,
    "unit": 20,
    "certificate": 20_000,
    **dict.fromkeys(NUMBER_FIELDS, 40),
}
"""The most characters each item field takes (a signed Form E, a compact JWS, is about 1,200)."""
_HEADER_LIMITS = {
    "office": 10,
    "declarant_name": 200,
    "importer_name": 200,
    "exporter_name": 200,
    "vehicle_plate": 20,
    "container": 20,
}
"""The most characters each typed header field takes (the others are drop-down lists)."""
_ROW_FIELD = re.compile(r"^i-(\d{1,4})-(" + "|".join(ITEM_FIELDS) + r")$")
_ITEM_PATH = re.compile(r"^items\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")
_PATH_IN_MESSAGE = re.compile(r"^((?:items\[\d+\]|office|transport|importer|exporter|declarant)"
                              r"(?:\.\w+)*)(?::\s*|\s+(?='))")  # fmt: skip
"""A path an engine's message starts with when the error names no field:
``items[0].quantity.amount 'abc' is not a number``."""
UNKNOWN_OFFICE = N_(
    "There is no such customs office: a UN/LOCODE starts with the code of its country, "
    "e.g. CNYYG (CN, China)."
)
_ITEM_PARTS = {
    ("quantity", "unit"): "unit",
    ("net_mass", None): "net_mass",
    ("net_mass", "amount"): "net_mass",
    ("net_mass", "unit"): "net_mass",
    ("quantity", None): "quantity",
    ("quantity", "amount"): "quantity",
    ("value", None): "value",
    ("value", "amount"): "value",
    ("freight", "amount"): "freight",
    ("freight", "currency"): "freight",
    ("insurance", "amount"): "insurance",
    ("insurance", "currency"): "insurance",
    ("preference", None): "certificate",
    ("preference", "certificate"): "certificate",
    ("preference", "scheme"): "certificate",
}
_HEADER_FIELDS = {
    "office": "office",
    "declarant": "declarant_name",
    "declarant.name": "declarant_name",
    "declarant.country": "declarant_name",
    "importer": "importer_name",
    "importer.name": "importer_name",
    "importer.country": "importer_country",
    "exporter": "exporter_name",
    "exporter.name": "exporter_name",
    "exporter.country": "exporter_country",
    "transport": "transport_mode",
    "transport.mode": "transport_mode",
    "transport.vehicle_plate": "vehicle_plate",
    "transport.container": "container",
    "items": "i-0-description",
}
_MISSING = {
    "office": N_("Enter the customs office's UN/LOCODE, e.g. CNYYG."),
    "importer_name": N_("Enter the importer's name."),
    "exporter_name": N_("Enter the exporter's name."),
    "exporter_country": N_("Choose the exporter's country."),
    "currency": N_("Choose the currency of the values."),
}
_ROW_MISSING = {
    "description": N_("Describe the goods."),
    "line": N_("Enter the national tariff line, e.g. 0810.60.00."),
    "origin": N_("Enter the country of origin."),
    "quantity": N_("Enter the quantity."),
    "unit": N_("Enter the unit of the quantity, e.g. kg."),
    "value": N_("Enter the value of the goods."),
}
LINE_TOO_SHORT = N_(
    "Declare the national tariff line (8 or 10 digits), or at least the subheading (6 digits)."
)
_IDENTIFIERS = {
    "office": locode.validate,
    "vehicle_plate": plate.validate,
    "container": container.validate,
}
"""The header fields whose shape the form checks itself, as the engines do."""
TRANSPORT_MODES = ("road", "rail", "sea", "air", "post", "pipeline")
INCOTERMS = tuple(term.value for term in Incoterm)
"""The delivery terms the duty engine builds a customs value from (CIF first, the default)."""


def new_key() -> str:
    """A fresh idempotency key for one form."""
    return "portal-" + secrets.token_urlsafe(18)


@dataclass(frozen=True, slots=True)
class ItemRow:
    description: str = ""
    line: str = ""
    origin: str = ""
    quantity: str = ""
    unit: str = "kg"
    net_mass: str = ""
    value: str = ""
    incoterm: str = "CIF"
    freight: str = ""
    insurance: str = ""
    certificate: str = ""

    @property
    def blank(self) -> bool:
        """Whether nothing was typed in the row nor changed from its defaults (a row with a
        Form E reference alone, or only another unit, is filled: and refused as incomplete)."""
        return not (
            any((self.description, self.line, self.origin, self.quantity, self.value,
                 self.net_mass, self.freight, self.insurance, self.certificate))
            or self.unit.lower() not in ("", "kg")
            or self.incoterm.upper() not in ("", "CIF")
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeclarationForm:
    """What the visitor typed, as text (shown back in the form)."""

    office: str = ""
    declarant_name: str = ""
    declarant_country: str = ""
    """Not a field of its own: kept (hidden) from the declaration being amended."""
    importer_name: str = ""
    importer_country: str = "CN"
    exporter_name: str = ""
    exporter_country: str = ""
    transport_mode: str = "road"
    vehicle_plate: str = ""
    container: str = ""
    currency: str = "CNY"
    key: str = ""
    rows: tuple[ItemRow, ...] = (ItemRow(),) * ROWS_SHOWN
    numbers: str = "en"
    """The language whose way of writing numbers the amounts are typed in
    (:data:`cafta.web.numbers.STYLES`)."""

    @classmethod
    def blank_for(cls, party: str, *, broker: bool, numbers: str = "en") -> DeclarationForm:
        """A blank form for someone acting for ``party``: the declarant, and the importer too
        unless they are a customs broker."""
        importer = "" if broker else party
        return cls(declarant_name=party, importer_name=importer, key=new_key(), numbers=numbers)

    @classmethod
    def from_form(cls, form: Mapping[str, Any], numbers: str = "en") -> DeclarationForm:
        """The form as posted (at most :data:`MAX_ITEMS` rows), each typed field whole; its
        numbers written as its ``numbers`` field says, else as the language ``numbers``."""
        rows = tuple(
            ItemRow(
                **{name: row.get(name, "") for name in ITEM_FIELDS if name != "incoterm"},
                incoterm=row.get("incoterm", "")[:3].upper(),
            )
            for row in posted_rows(form, _ROW_FIELD, MAX_ITEMS)
        )
        return cls(
            office=text_of(form, "office", None),
            declarant_name=text_of(form, "declarant_name", None),
            declarant_country=text_of(form, "declarant_country", 60),
            importer_name=text_of(form, "importer_name", None),
            importer_country=text_of(form, "importer_country", 60),
            exporter_name=text_of(form, "exporter_name", None),
            exporter_country=text_of(form, "exporter_country", 60),
            transport_mode=text_of(form, "transport_mode", 20),
            vehicle_plate=text_of(form, "vehicle_plate", None),
            container=text_of(form, "container", None),
            currency=text_of(form, "currency", 3),
            key=text_of(form, "idempotency_key", 80) or new_key(),
            rows=rows or (ItemRow(),),
            numbers=style_of(form.get(NUMBERS_FIELD), numbers).language,
        )

    def restyled(self, numbers: str) -> DeclarationForm:
        """The form with its amounts written as the language ``numbers`` writes them; as
        typed, in the language they were typed in, when one of them cannot be read that way
        (its message says what to write; read another way, it could be misread)."""
        source, target = style_of(self.numbers, "en"), style_of(numbers, "en")
        typed = [getattr(row, name) for row in self.rows for name in NUMBER_FIELDS]
        if source == target or not all(map(source.readable, typed)):
            return self
        rows = tuple(
            replace(row, **{n: source.restyle(getattr(row, n), target) for n in NUMBER_FIELDS})
            for row in self.rows
        )
        return replace(self, rows=rows, numbers=target.language)

    @classmethod
    def from_document(cls, document: Mapping[str, Any], numbers: str = "en") -> DeclarationForm:
        """The form showing ``document``, a declaration as it was filed, as the browser will
        send it back: a value a drop-down list does not offer is shown (and sent) as its first
        choice, a net mass in another unit than kg is left empty (:meth:`left_out`); amounts
        are written as the language ``numbers`` writes them."""
        items = [item for item in _list(document, "items") if isinstance(item, Mapping)]
        declarant = _object(document, "declarant")
        importer = _object(document, "importer")
        exporter = _object(document, "exporter")
        transport = _object(document, "transport")
        currency = _text(_object(items[0], "value").get("currency")).upper() if items else ""
        return cls(
            office=_text(document.get("office")),
            declarant_name=_text(declarant.get("name")),
            declarant_country=_text(declarant.get("country")),
            importer_name=_text(importer.get("name")),
            importer_country=_country(importer.get("country")),
            exporter_name=_text(exporter.get("name")),
            exporter_country=_country(exporter.get("country")),
            transport_mode=_chosen(_text(transport.get("mode")).lower(), TRANSPORT_MODES),
            vehicle_plate=_text(transport.get("vehicle_plate")),
            container=_text(transport.get("container")),
            currency=_chosen(currency, CURRENCIES),
            rows=tuple(_row(item, numbers) for item in items[:MAX_ITEMS]) or (ItemRow(),),
            numbers=style_of(numbers, "en").language,
        )

    @classmethod
    def left_out(cls, document: Mapping[str, Any]) -> list[str]:
        """What of ``document`` (a declaration as filed) the form :meth:`from_document` fills
        would drop or change when sent: paths into the document (``items[0].net_mass``)."""
        form = cls.from_document(document)
        sent, _, _ = form.document()
        found = _missing(document, sent, "")
        for index, item in enumerate(_list(document, "items")[:MAX_ITEMS]):
            for part in ("value", "freight", "insurance"):
                currency = _text(_object(item, part).get("currency")).upper()
                if currency and currency != form.currency:
                    found.append(f"items[{index}].{part}.currency")
            incoterm = _text(item.get("incoterm") if isinstance(item, Mapping) else "").upper()
            if incoterm and incoterm not in INCOTERMS:
                found.append(f"items[{index}].incoterm")
        mode = _text(_object(document, "transport").get("mode")).lower()
        if mode and mode != form.transport_mode:
            found.append("transport.mode")
        return list(dict.fromkeys(found))

    def adding_rows(self) -> DeclarationForm:
        """The form with :data:`ROWS_ADDED` more blank rows (up to :data:`MAX_ITEMS`)."""
        return replace(self, rows=adding(self.rows, ItemRow(), ROWS_ADDED, MAX_ITEMS))

    def removing_row(self, index: int) -> DeclarationForm:
        """The form without row ``index`` (one blank row is left when it was the last)."""
        return replace(self, rows=removing(self.rows, index, ItemRow()))

    def _party(self, name: str, country: str) -> dict[str, str]:
        party = {"name": name}
        if country:
            party["country"] = country
        return party

    def _header_errors(self) -> Errors:
        """What is wrong with the header's typed fields: left empty, too long, or not the
        shape of the identifier it holds."""
        errors: Errors = {}
        for name in ("office", "declarant_name", "importer_name", "exporter_name",
                     "exporter_country", "vehicle_plate", "container", "currency"):  # fmt: skip
            text: str = getattr(self, name)
            limit = _HEADER_LIMITS.get(name)
            if not text and name in _MISSING:
                errors[name] = own(_MISSING[name])
            elif limit is not None and len(text) > limit:
                errors[name] = too_long(limit)
            elif text and name in _IDENTIFIERS:
                try:
                    _IDENTIFIERS[name](text)
                except InvalidInput as error:
                    errors[name] = engine_message(error)
        return errors

    def _number(self, name: str, text: str) -> tuple[Decimal | None, Message | None]:
        """The number typed in item field ``name``, or why it is refused."""
        return read_number(
            text,
            style_of(self.numbers, "en"),
            currency=self.currency if name in MONEY_FIELDS else None,
            positive=name in POSITIVE_FIELDS,
            money=name in MONEY_FIELDS,
        )

    def _cells(self, number: int, row: ItemRow, errors: Errors) -> dict[str, str]:
        """The cells of item row ``number`` as the document takes them (numbers as plain
        decimal strings), each problem found put in ``errors``."""
        cells: dict[str, str] = {}
        for name in ITEM_FIELDS:
            text: str = getattr(row, name)
            cells[name] = text
            limit = _ROW_LIMITS.get(name)
            problem: Message | None = None
            if not text:
                problem = own(_ROW_MISSING[name]) if name in _ROW_MISSING else None
            elif limit is not None and len(text) > limit:
                problem = too_long(limit)
            elif name in NUMBER_FIELDS:
                found, problem = self._number(name, text)
                if found is not None:
                    cells[name] = f"{found:f}"
            elif name == "line":
                problem = _line_problem(text)
            if problem is not None:
                errors[f"i-{number}-{name}"] = problem
        return cells

    def document(self) -> tuple[dict[str, Any], list[int], Errors]:
        """The declaration document, the form row of each of its items, and a message for each
        field the form finds wrong itself: left empty, too long, a number it cannot read, a
        negative one or a zero the engines refuse, an identifier of the wrong shape (the
        document is complete only when there is none)."""
        errors = self._header_errors()
        items: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, row in enumerate(self.rows):
            if row.blank:
                continue
            cells = self._cells(number, row, errors)
            item: dict[str, Any] = {
                "line": cells["line"],
                "description": cells["description"],
                "origin": cells["origin"],
                "quantity": {"amount": cells["quantity"], "unit": cells["unit"]},
                "value": {"amount": cells["value"], "currency": self.currency},
            }
            if cells["net_mass"]:
                item["net_mass"] = {"amount": cells["net_mass"], "unit": "kg"}
            if row.incoterm:
                item["incoterm"] = row.incoterm
            for part in ("freight", "insurance"):
                if amount := cells[part]:
                    item[part] = {"amount": amount, "currency": self.currency}
            if row.certificate:
                certificate = "".join(row.certificate.split())
                item["preference"] = {"scheme": "ACFTA", "certificate": certificate}
            items.append(item)
            numbers.append(number)
        if not items:
            errors["i-0-description"] = own(N_("Declare at least one item of goods."))
        transport: dict[str, str] = {"mode": self.transport_mode or "road"}
        if self.vehicle_plate:
            transport["vehicle_plate"] = self.vehicle_plate
        if self.container:
            transport["container"] = self.container
        document: dict[str, Any] = {
            "type": "import",
            "office": self.office,
            "importer": self._party(self.importer_name, self.importer_country),
            "exporter": self._party(self.exporter_name, self.exporter_country),
            "transport": transport,
            "items": items,
        }
        if self.declarant_name:
            document["declarant"] = self._party(self.declarant_name, self.declarant_country)
        return document, numbers, errors

    @staticmethod
    def _path_of(error: CaftaError) -> str | None:
        """The path into the document ``error`` is about: the field it names, or the path its
        message starts with (the engines' number errors name none)."""
        path = error.details.get("field")
        if isinstance(path, str):
            return path
        found = _PATH_IN_MESSAGE.match(error.message)
        return found.group(1) if found else None

    @classmethod
    def field_of(cls, error: CaftaError, numbers: list[int]) -> str:
        """The form field an error of the document is about ("" for the form as a whole)."""
        path = cls._path_of(error)
        if path is None:
            return ""
        match = _ITEM_PATH.match(path)
        if match is None:
            return _HEADER_FIELDS.get(path, "")
        index, name, part = int(match.group(1)), match.group(2), match.group(3)
        if index >= len(numbers):
            return ""
        if name is None:
            return f"i-{numbers[index]}-description"
        if name == "value" and part == "currency":
            return "currency"
        field = _ITEM_PARTS.get((name, part), name)
        return f"i-{numbers[index]}-{field}" if field in ITEM_FIELDS else ""

    def error_for(self, error: CaftaError, numbers: list[int]) -> Errors:
        """An engine's error, by the field it is about, its message without the path into the
        document (the field it is shown next to says where). An office whose first two letters
        are no country's code is said next to the office."""
        office = self.office.replace(" ", "").upper()
        if (
            error.code == "country.unknown"
            and not error.details.get("field")
            and office
            and error.details.get("text") == office[:2]
        ):
            return {"office": own(UNKNOWN_OFFICE)}
        field = self.field_of(error, numbers)
        message = engine_message(error)
        path = self._path_of(error)
        if field and path and not error.details.get("field"):
            found = _PATH_IN_MESSAGE.match(message.text)
            if found and found.group(1) == path:
                message = replace(message, text=message.text[found.end() :])
        return {field: message}


def _line_problem(text: str) -> Message | None:
    """What is wrong with a typed tariff line, as the engines would say it: not an HS code,
    or shorter than a subheading."""
    try:
        digits = hs.validate(text)
    except InvalidInput as error:
        return engine_message(error)
    return own(LINE_TOO_SHORT) if len(digits) < 6 else None


def _text(value: object) -> str:
    """A value of a filed document as the form shows it ("" for an object, a list or nothing)."""
    if isinstance(value, bool) or value is None or isinstance(value, Mapping | list):
        return ""
    return str(value).strip()


def _object(document: object, key: str) -> Mapping[str, Any]:
    """``document[key]`` when it is an object, else ``{}``."""
    found = document.get(key) if isinstance(document, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _list(document: Mapping[str, Any], key: str) -> list[Any]:
    found = document.get(key)
    return found if isinstance(found, list) else []


def _chosen(value: str, offered: tuple[str, ...]) -> str:
    """What a drop-down list offering ``offered`` sends for ``value``: its first choice when
    ``value`` is not among them."""
    return value if value in offered else offered[0]


def _country(value: object) -> str:
    """A country as the country lists show it (alpha-2), "" when none or unknown."""
    text = _text(value)
    try:
        return country(text).alpha2 if text else ""
    except CaftaError:
        return ""


def _amount(value: object, numbers: str) -> str:
    """An amount of a filed document (a plain decimal string, as the engines read it) as the
    language ``numbers`` writes it; as filed when it is no plain decimal."""
    text = _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return STYLES[numbers].plain(number) if number.is_finite() else text


def _row(item: Mapping[str, Any], numbers: str) -> ItemRow:
    quantity = _object(item, "quantity")
    net_mass = _object(item, "net_mass")
    try:
        in_kg = unit(_text(net_mass.get("unit")) or "kg") == "kg"
    except CaftaError:
        in_kg = False
    style = style_of(numbers, "en").language
    return ItemRow(
        description=_text(item.get("description")),
        line=_text(item.get("line")),
        origin=_text(item.get("origin")),
        quantity=_amount(quantity.get("amount"), style),
        unit=_text(quantity.get("unit")),
        net_mass=_amount(net_mass.get("amount"), style) if in_kg else "",
        value=_amount(_object(item, "value").get("amount"), style),
        incoterm=_chosen(_text(item.get("incoterm")).upper() or "CIF", INCOTERMS),
        freight=_amount(_object(item, "freight").get("amount"), style),
        insurance=_amount(_object(item, "insurance").get("amount"), style),
        certificate=_text(_object(item, "preference").get("certificate")),
    )


def _missing(filed: object, sent: object, path: str) -> list[str]:
    """The paths of ``filed`` that ``sent`` does not have (empty values aside)."""
    if isinstance(filed, Mapping):
        if not isinstance(sent, Mapping):
            return [path]
        found: list[str] = []
        for key, value in filed.items():
            where = f"{path}.{key}" if path else str(key)
            if value is None or value == "":
                continue
            found += _missing(value, sent[key], where) if key in sent else [where]
        return found
    if isinstance(filed, list):
        if not isinstance(sent, list):
            return [path]
        return [p for i, value in enumerate(filed)
                for p in (_missing(value, sent[i], f"{path}[{i}]") if i < len(sent)
                          else [f"{path}[{i}]"])]  # fmt: skip
    return []
