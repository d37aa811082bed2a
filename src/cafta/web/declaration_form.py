"""The declaration form: header, transport and goods item rows, added and removed without script.

The form becomes the document ``POST /api/v1/declarations`` takes (``docs/clearance.md``),
lodged by the same clearance services. Fields of an item row are named ``i-<n>-<field>``
(:mod:`cafta.web.rows`). The clearance engine's errors name a path in the document
(``items[1].quantity.unit``, ``transport.container``); :meth:`DeclarationForm.field_of` puts
each next to its field.

Each form carries an idempotency key made when the blank form is shown: sending the same form
twice (a double click, a reload after a lost answer) returns the declaration the first sending
lodged instead of lodging a second one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cafta.core.errors import CaftaError
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
INCOTERMS = ("CIF", "CFR", "FOB", "CIP", "CPT", "DAP", "DDP", "EXW", "FCA")


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
    certificate: str = ""

    @property
    def blank(self) -> bool:
        return not any(
            (self.description, self.line, self.origin, self.quantity, self.value, self.net_mass)
        )


@dataclass(frozen=True, slots=True)
class DeclarationForm:
    """What the visitor typed, as text (shown back in the form)."""

    office: str = ""
    declarant_name: str = ""
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
                certificate=row.get("certificate", "")[:4000],
            )
            for row in posted_rows(form, _ROW_FIELD, MAX_ITEMS)
        )
        return cls(
            office=text_of(form, "office", 10),
            declarant_name=text_of(form, "declarant_name"),
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
            document["declarant"] = {"name": self.declarant_name}
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
