"""The bill-of-materials form: the product, and material rows added and removed without script.

The form shows five blank material rows. "Add rows" and each row's "Remove" are submit buttons,
so the rows change with a round trip when the browser runs no script; ``static/portal.js`` does
the same in the page when it can. Fields of a row are named ``m-<n>-<field>``; the rows are
whatever numbers are posted, in order, so rows removed by the script leave no gap to fill.

The form becomes the same document a BOM file holds (``docs/origin.md``), read by the engine's
own parser; its errors, which name a path in that document (``materials[2].value.amount``), are
put next to the field of the form they are about. What the form can check itself (a field left
empty or too long, a value it cannot read as a number, one that reads two ways, a negative one,
or one with more decimals than its currency has) it reports all at once, before the engine is
asked. Values are typed as the page's language writes numbers
(:mod:`cafta.web.numbers`) and reach the document as plain decimal strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cafta.core.errors import CaftaError
from cafta.web.forms import Errors, engine_message, own, read_number, text_of, too_long
from cafta.web.i18n import N_
from cafta.web.numbers import FIELD as NUMBERS_FIELD
from cafta.web.numbers import style_of
from cafta.web.rows import adding, posted_rows, removing

__all__ = ["MAX_ROWS", "BomForm", "MaterialRow"]

ROWS_SHOWN = 5
ROWS_ADDED = 5
MAX_ROWS = 100
_ROW_FIELD = re.compile(r"^m-(\d{1,4})-(description|line|origin|value|originating)$")
_MATERIAL_PATH = re.compile(r"^materials\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")
_PRODUCT_FIELDS = {
    "exporting_party": "exporting_party",
    "importing_party": "importing_party",
    "product.line": "product_line",
    "product.description": "product_description",
    "product.fob": "fob",
    "product.fob.amount": "fob",
    "product.fob.currency": "currency",
    "product": "product_line",
}
_LIMITS = {"product_line": 20, "product_description": 500, "fob": 40}
_ROW_LIMITS = {"description": 500, "line": 20, "origin": 60, "value": 40}
"""The most characters each typed field takes: longer is refused, never cut."""
_NUMBERS = frozenset({"fob", "value"})
"""The fields holding a number, typed as the page's language writes numbers."""
_MISSING = {
    "exporting_party": N_("Choose the exporting country."),
    "importing_party": N_("Choose the importing country."),
    "product_line": N_("Enter the HS code of the product."),
    "product_description": N_("Describe the product."),
    "fob": N_("Enter the FOB value of the product."),
    "currency": N_("Choose the currency of the values."),
}


@dataclass(frozen=True, slots=True)
class MaterialRow:
    description: str = ""
    line: str = ""
    origin: str = ""
    value: str = ""
    originating: bool = False

    @property
    def blank(self) -> bool:
        return not (self.description or self.line or self.origin or self.value)


@dataclass(frozen=True, slots=True)
class BomForm:
    """What the visitor typed, as text (shown back in the form)."""

    exporting_party: str = ""
    importing_party: str = "CN"
    product_line: str = ""
    product_description: str = ""
    fob: str = ""
    currency: str = "USD"
    on: str = ""
    rows: tuple[MaterialRow, ...] = (MaterialRow(),) * ROWS_SHOWN
    numbers: str = "en"
    """The language whose way of writing numbers the values are typed in."""

    @classmethod
    def from_form(cls, form: Mapping[str, Any], numbers: str = "en") -> BomForm:
        """The form as posted (at most :data:`MAX_ROWS` rows), each typed field whole; its
        numbers written as its ``numbers`` field says, else as the language ``numbers``."""
        rows = tuple(
            MaterialRow(
                description=row.get("description", ""),
                line=row.get("line", ""),
                origin=row.get("origin", ""),
                value=row.get("value", ""),
                originating=row.get("originating", "") in ("1", "on", "yes"),
            )
            for row in posted_rows(form, _ROW_FIELD, MAX_ROWS)
        )
        return cls(
            exporting_party=text_of(form, "exporting_party", 60),
            importing_party=text_of(form, "importing_party", 60),
            product_line=text_of(form, "product_line", None),
            product_description=text_of(form, "product_description", None),
            fob=text_of(form, "fob", None),
            currency=text_of(form, "currency", 3),
            on=text_of(form, "on", 20),
            rows=rows or (MaterialRow(),),
            numbers=style_of(form.get(NUMBERS_FIELD), numbers).language,
        )

    def restyled(self, numbers: str) -> BomForm:
        """The form with its values written as the language ``numbers`` writes them; as
        typed, in the language they were typed in, when one of them cannot be read that way."""
        source, target = style_of(self.numbers, "en"), style_of(numbers, "en")
        typed = [self.fob, *(row.value for row in self.rows)]
        if source == target or not all(map(source.readable, typed)):
            return self
        rows = tuple(replace(row, value=source.restyle(row.value, target)) for row in self.rows)
        fob = source.restyle(self.fob, target)
        return replace(self, fob=fob, rows=rows, numbers=target.language)

    def adding_rows(self) -> BomForm:
        """The form with :data:`ROWS_ADDED` more blank rows (up to :data:`MAX_ROWS`)."""
        return replace(self, rows=adding(self.rows, MaterialRow(), ROWS_ADDED, MAX_ROWS))

    def removing_row(self, index: int) -> BomForm:
        """The form without row ``index`` (one blank row is left when it was the last)."""
        return replace(self, rows=removing(self.rows, index, MaterialRow()))

    def _checked(self, name: str, text: str, limit: int, errors: Errors) -> str:
        """``text`` of field ``name`` as the document takes it (a number as a plain decimal
        string), with what is wrong with it put in ``errors``."""
        if len(text) > limit:
            errors[name] = too_long(limit)
        elif text and name.rpartition("-")[2] in _NUMBERS:
            style = style_of(self.numbers, "en")
            found, problem = read_number(text, style, currency=self.currency)
            if problem is not None:
                errors[name] = problem
            else:
                return f"{found:f}"
        return text

    def document(self) -> tuple[dict[str, Any], list[int], Errors]:
        """The bill of materials, the form row of each of its materials, and a message for each
        field the form finds wrong itself: left empty, too long, a value it cannot read or a
        negative one (the document is complete only when there is none)."""
        errors: Errors = {
            name: own(message) for name, message in _MISSING.items() if not getattr(self, name)
        }
        product = {
            name: self._checked(name, getattr(self, name), limit, errors)
            for name, limit in _LIMITS.items()
        }
        materials: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, row in enumerate(self.rows):
            if row.blank:
                continue
            if not row.description:
                errors[f"m-{number}-description"] = own(N_("Describe the material."))
            if not row.value:
                errors[f"m-{number}-value"] = own(N_("Enter the value of the material."))
            cells = {
                name: self._checked(f"m-{number}-{name}", getattr(row, name), limit, errors)
                for name, limit in _ROW_LIMITS.items()
            }
            material: dict[str, Any] = {
                "description": cells["description"],
                "value": {"amount": cells["value"], "currency": self.currency},
                "originating": row.originating,
            }
            if row.line:
                material["line"] = cells["line"]
            if row.origin:
                material["origin"] = cells["origin"]
            materials.append(material)
            numbers.append(number)
        document = {
            "scheme": "ACFTA",
            "exporting_party": self.exporting_party,
            "importing_party": self.importing_party,
            "product": {
                "line": product["product_line"],
                "description": product["product_description"],
                "fob": {"amount": product["fob"], "currency": self.currency},
            },
            "materials": materials,
        }
        return document, numbers, errors

    @staticmethod
    def field_of(error: CaftaError, numbers: list[int]) -> str:
        """The form field an error of the document is about ("" for the form as a whole)."""
        path = error.details.get("field")
        if not isinstance(path, str):
            return ""
        match = _MATERIAL_PATH.match(path)
        if match is None:
            return _PRODUCT_FIELDS.get(path, "")
        index, name, part = int(match.group(1)), match.group(2), match.group(3)
        if index >= len(numbers) or name is None:
            return ""
        if name == "value" and part == "currency":
            return "currency"
        return f"m-{numbers[index]}-{name}"

    def error_for(self, error: CaftaError, numbers: list[int]) -> Errors:
        """An engine's error, by the field it is about."""
        return {self.field_of(error, numbers): engine_message(error)}
