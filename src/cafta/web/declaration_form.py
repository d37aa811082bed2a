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
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cafta.core.errors import CaftaError
from cafta.core.quantity import unit
from cafta.refdata.countries import country
from cafta.tariff.duty import Incoterm
from cafta.web.choices import CURRENCIES
from cafta.web.forms import Errors, engine_message, own, text_of
from cafta.web.i18n import N_
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
_ROW_FIELD = re.compile(r"^i-(\d{1,4})-(" + "|".join(ITEM_FIELDS) + r")$")
_ITEM_PATH = re.compile(r"^items\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")
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
        return not any(
            (self.description, self.line, self.origin, self.quantity, self.value, self.net_mass,
             self.freight, self.insurance)
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

    @classmethod
    def blank_for(cls, party: str, *, broker: bool) -> DeclarationForm:
        """A blank form for someone acting for ``party``: the declarant, and the importer too
        unless they are a customs broker."""
        return cls(declarant_name=party, importer_name="" if broker else party, key=new_key())

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> DeclarationForm:
        """The form as posted (at most :data:`MAX_ITEMS` rows)."""
        rows = tuple(
            ItemRow(
                description=row.get("description", ""),
                line=row.get("line", "")[:20],
                origin=row.get("origin", "")[:60],
                quantity=row.get("quantity", "")[:30],
                unit=row.get("unit", "")[:20],
                net_mass=row.get("net_mass", "")[:30],
                value=row.get("value", "")[:30],
                incoterm=row.get("incoterm", "")[:3].upper(),
                freight=row.get("freight", "")[:30],
                insurance=row.get("insurance", "")[:30],
                certificate=row.get("certificate", "")[:4000],
            )
            for row in posted_rows(form, _ROW_FIELD, MAX_ITEMS)
        )
        return cls(
            office=text_of(form, "office", 10),
            declarant_name=text_of(form, "declarant_name"),
            declarant_country=text_of(form, "declarant_country", 60),
            importer_name=text_of(form, "importer_name"),
            importer_country=text_of(form, "importer_country", 60),
            exporter_name=text_of(form, "exporter_name"),
            exporter_country=text_of(form, "exporter_country", 60),
            transport_mode=text_of(form, "transport_mode", 20),
            vehicle_plate=text_of(form, "vehicle_plate", 20),
            container=text_of(form, "container", 20),
            currency=text_of(form, "currency", 3),
            key=text_of(form, "idempotency_key", 80) or new_key(),
            rows=rows or (ItemRow(),),
        )

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DeclarationForm:
        """The form showing ``document``, a declaration as it was filed, as the browser will
        send it back: a value a drop-down list does not offer is shown (and sent) as its first
        choice, a net mass in another unit than kg is left empty (:meth:`left_out`)."""
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
            rows=tuple(_row(item) for item in items[:MAX_ITEMS]) or (ItemRow(),),
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

    def document(self) -> tuple[dict[str, Any], list[int], Errors]:
        """The declaration document, the form row of each of its items, and a message for each
        required field left empty (the document is complete only when there is none)."""
        errors: Errors = {
            name: own(message) for name, message in _MISSING.items() if not getattr(self, name)
        }
        items: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, row in enumerate(self.rows):
            if row.blank:
                continue
            for name, message in _ROW_MISSING.items():
                if not getattr(row, name):
                    errors[f"i-{number}-{name}"] = own(message)
            item: dict[str, Any] = {
                "line": row.line,
                "description": row.description,
                "origin": row.origin,
                "quantity": {"amount": row.quantity, "unit": row.unit},
                "value": {"amount": row.value, "currency": self.currency},
            }
            if row.net_mass:
                item["net_mass"] = {"amount": row.net_mass, "unit": "kg"}
            if row.incoterm:
                item["incoterm"] = row.incoterm
            for part in ("freight", "insurance"):
                if amount := getattr(row, part):
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
    def field_of(error: CaftaError, numbers: list[int]) -> str:
        """The form field an error of the document is about ("" for the form as a whole)."""
        path = error.details.get("field")
        if not isinstance(path, str):
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
        """An engine's error, by the field it is about."""
        return {self.field_of(error, numbers): engine_message(error)}


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


def _row(item: Mapping[str, Any]) -> ItemRow:
    quantity = _object(item, "quantity")
    net_mass = _object(item, "net_mass")
    try:
        in_kg = unit(_text(net_mass.get("unit")) or "kg") == "kg"
    except CaftaError:
        in_kg = False
    return ItemRow(
        description=_text(item.get("description")),
        line=_text(item.get("line")),
        origin=_text(item.get("origin")),
        quantity=_text(quantity.get("amount")),
        unit=_text(quantity.get("unit")),
        net_mass=_text(net_mass.get("amount")) if in_kg else "",
        value=_text(_object(item, "value").get("amount")),
        incoterm=_chosen(_text(item.get("incoterm")).upper() or "CIF", INCOTERMS),
        freight=_text(_object(item, "freight").get("amount")),
        insurance=_text(_object(item, "insurance").get("amount")),
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
