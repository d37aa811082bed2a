"""The parts of an import declaration a certificate of origin is checked against.

A minimal read model (the clearance context will own the full declaration): the importer, the
exporter, and per item the tariff line, description, origin, quantity, value and the
preference claimed. An item claims ACFTA preference with a Form E by naming the certificate
in ``preference.certificate``: its reference number, or the signed certificate (the compact
JWS) itself; ``preference.certificate_item`` may say which certificate item it is. Shape::

    {"office": "CNQIN",
     "importer": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
     "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
     "items": [{"line": "0713.31.90", "description": "Black gram, dried", "origin": "MM",
                "quantity": {"amount": "25000", "unit": "kg"},
                "value": {"amount": "171000.00", "currency": "CNY"}, "incoterm": "CIF",
                "preference": {"scheme": "ACFTA", "certificate": "E2026MM-...",
                               "certificate_item": 1}}]}

Items are numbered from 1 in the order given (item 1 is ``items[0]``), as on the declaration
form.
"""

from __future__ import annotations

from dataclasses import dataclass

from cafta.certificates.boxes import read_country, read_line, read_positive_int, read_quantity
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.tariff.duty import Incoterm

__all__ = ["Declaration", "DeclarationItem", "PreferenceClaim", "Trader", "parse_declaration"]

ACFTA_SCHEMES = frozenset({"ACFTA", "CAFTA"})


@dataclass(frozen=True, slots=True)
class Trader:
    name: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class PreferenceClaim:
    scheme: str
    certificate: str | None = None
    certificate_item: int | None = None

    @property
    def is_acfta(self) -> bool:
        return self.scheme in ACFTA_SCHEMES

    def cites(self, reference: str, envelope: str | None = None) -> bool:
        """Whether the claim names this certificate (by reference or by its signed text)."""
        if not self.is_acfta or self.certificate is None:
            return False
        # A reference is upper case; typed otherwise, it names the same certificate.
        return self.certificate.strip().upper() == reference.upper() or (
            envelope is not None and self.certificate == envelope.strip()
        )


@dataclass(frozen=True, slots=True)
class DeclarationItem:
    number: int
    line: str
    description: str
    quantity: Quantity
    origin: str | None = None
    value: Money | None = None
    incoterm: Incoterm | None = None
    preference: PreferenceClaim | None = None

    @property
    def claims_acfta(self) -> bool:
        return self.preference is not None and self.preference.is_acfta


@dataclass(frozen=True, slots=True)
class Declaration:
    importer: Trader
    items: tuple[DeclarationItem, ...]
    exporter: Trader | None = None
    office: str | None = None


def _trader(fields: Fields) -> Trader:
    return Trader(
        fields.text("name"), read_country(fields, "country") if fields.has("country") else None
    )


def _preference(fields: Fields | None) -> PreferenceClaim | None:
    if fields is None:
        return None
    return PreferenceClaim(
        scheme=fields.text("scheme").upper(),
        certificate=fields.optional_text("certificate"),
        certificate_item=(
            read_positive_int(fields, "certificate_item")
            if fields.has("certificate_item")
            else None
        ),
    )


def _incoterm(fields: Fields) -> Incoterm | None:
    if not fields.has("incoterm"):
        return None
    try:
        return Incoterm.parse(fields.text("incoterm"))
    except InvalidInput as error:
        raise fields.wrap(error, "incoterm") from None


def _item(fields: Fields, number: int) -> DeclarationItem:
    return DeclarationItem(
        number=number,
        line=read_line(fields, "line"),
        description=fields.text("description"),
        quantity=read_quantity(fields, "quantity"),
        origin=read_country(fields, "origin") if fields.has("origin") else None,
        value=fields.optional_money("value"),
        incoterm=_incoterm(fields),
        preference=_preference(fields.optional_object("preference")),
    )


def parse_declaration(data: object) -> Declaration:
    """Read a declaration document; errors are ``declaration.*`` and name the field."""
    fields = Fields(data, prefix="declaration")
    items = tuple(_item(item, n) for n, item in enumerate(fields.objects("items"), start=1))
    if not items:
        raise fields.error("items", "a declaration needs at least one item", "no_items")
    exporter = fields.optional_object("exporter")
    return Declaration(
        importer=_trader(fields.object("importer")),
        items=items,
        exporter=_trader(exporter) if exporter is not None else None,
        office=fields.optional_text("office"),
    )
