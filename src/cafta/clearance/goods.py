"""What a declaration declares: parties, transport and goods items, read from a document.

The document extends the shape the certificates module verifies against
(``docs/examples/form-e-declaration.json``) with ``type``, ``declarant`` and ``transport``::

    {"type": "import", "office": "CNYYG",
     "declarant": {"name": "Pingxiang Border Brokers Co.", "country": "CN"},
     "importer": {"name": "Guangxi Fresh Fruit Trading Co.", "country": "CN"},
     "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
     "transport": {"mode": "road", "vehicle_plate": "桂F·A1234", "container": "CSQU3054383"},
     "items": [{"line": "0810.60.00", "description": "Fresh durian", "origin": "TH",
                "quantity": {"amount": "18000", "unit": "kg"},
                "net_mass": {"amount": "18000", "unit": "kg"},
                "value": {"amount": "612000.00", "currency": "CNY"}, "incoterm": "CIF",
                "preference": {"scheme": "ACFTA", "certificate": "<reference or signed Form E>"}}]}

Every error names the field (``items[0].line``). Party keys (:func:`party_key`) decide who may
see a declaration: its importer and its declarant.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.frozen import direct_init
from cafta.core.money import Money
from cafta.core.names import checked_name
from cafta.core.quantity import Quantity
from cafta.core.vocabulary import parse_member
from cafta.identifiers import container, hs, locode, plate
from cafta.refdata.countries import country
from cafta.tariff.duty import Incoterm

__all__ = [
    "DeclarationType",
    "Goods",
    "Item",
    "Party",
    "PreferenceClaim",
    "Transport",
    "TransportMode",
    "parse_goods",
    "party_key",
]


def party_key(name: str) -> str:
    """How a party is recognised: its name with compatibility forms, case and spacing folded
    and format characters dropped.

    Chinese names are typed with full-width or ASCII punctuation and letters alike
    (``（南宁）``, ``(南宁)``; ``Ｇuangxi``), and text pasted from documents carries invisible
    format characters (a zero-width space, U+200B; a byte order mark; bidi controls): Unicode
    compatibility normalisation (NFKC) folds the first, the second (category ``Cf``) are
    dropped, then every run of spaces becomes one and the case is folded, so that each party
    has one key. Folding the case or normalising can undo the other (``ͺ`` normalises to a
    combining mark whose case folding is a letter; ``𝘼`` case-folds as it is, then normalises
    to ``A``): the folding is repeated until nothing changes, so that a key is its own key and
    the key of a key made by the earlier folding (spacing and case only) is the name's own;
    migration 0006 recomputes the stored keys so. An ASCII name keeps the key it had.
    """
    if name.isascii():
        # NFKC changes no ASCII text and ASCII holds no format character.
        return " ".join(name.split()).casefold()
    key = name
    for _ in range(_FOLDING_ROUNDS):
        folded = _fold(key)
        if folded == key:
            break
        key = folded
    return key


_FOLDING_ROUNDS = 4
"""Rounds of :func:`_fold` allowed: every name the tests try settles within three, two that
change it and one that finds nothing to change (they sweep every code point, alone and before
combining marks, and arbitrary text)."""


def _fold(text: str) -> str:
    if not text.isprintable():  # format characters are not printable; most names are
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


class DeclarationType(StrEnum):
    IMPORT = "import"


class TransportMode(StrEnum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"
    INLAND_WATERWAY = "inland-waterway"
    PIPELINE = "pipeline"


# The values below are built for every declaration lodged or read again (a few parties, a
# dozen objects per item): direct_init gives them a constructor that writes their slots
# directly (cafta.core.frozen), as the dataclass's own would, only faster.


@direct_init
@dataclass(frozen=True, slots=True)
class Party:
    name: str
    country: str | None = None

    @property
    def key(self) -> str:
        return party_key(self.name)


@direct_init
@dataclass(frozen=True, slots=True)
class Transport:
    mode: TransportMode
    vehicle_plate: str | None = None
    """Compact form (:mod:`cafta.identifiers.plate`)."""
    container: str | None = None
    """ISO 6346, compact."""


@direct_init
@dataclass(frozen=True, slots=True)
class PreferenceClaim:
    scheme: str
    certificate: str | None
    """The Form E's reference number, or the signed Form E itself (a compact JWS)."""
    certificate_item: int | None = None

    @property
    def embedded(self) -> bool:
        return self.certificate is not None and self.certificate.count(".") == 2


@direct_init
@dataclass(frozen=True, slots=True)
class Item:
    number: int
    line: str
    description: str
    origin: str
    quantity: Quantity
    value: Money
    incoterm: Incoterm = Incoterm.CIF
    net_mass_kg: Decimal | None = None
    freight: Money | None = None
    insurance: Money | None = None
    preference: PreferenceClaim | None = None


@direct_init
@dataclass(frozen=True, slots=True)
class Goods:
    """Everything declared: header and items, as the declarant filed it (before any decision)."""

    type: DeclarationType
    office: str
    declarant: Party
    importer: Party
    exporter: Party
    transport: Transport | None
    items: tuple[Item, ...]
    source: Mapping[str, Any]
    """The document as filed, kept for the record and for checks that read it again (the
    certificate verifier reads the same document)."""

    @property
    def destination(self) -> str:
        """The importing country: the customs office's country."""
        return self.office[:2]


def _value(fields: Fields, key: str, parse: Any) -> Any:
    try:
        return parse(fields.text(key))
    except InvalidInput as error:
        if error.details.get("field"):
            raise
        raise fields.wrap(error, key) from None
    except LookupError as error:
        raise fields.error(key, str(error), "unknown_value") from None


def _alpha2(text: str) -> str:
    return country(text).alpha2


def _office(text: str) -> str:
    """A UN/LOCODE whose first two letters are a known country's code."""
    code = locode.validate(text)
    try:
        country(code[:2])
    except LookupError:
        raise InvalidInput(
            f"{code} is not a customs office: '{code[:2]}' is not a country's code",
            code="declaration.unknown_office",
            hint="Give the office's UN/LOCODE: the country's ISO code and the place code, "
            "e.g. CNYYG (Youyiguan).",
        ) from None
    return code


def _transport_mode(text: str) -> TransportMode:
    return parse_member(
        TransportMode, text, what="transport mode", code="declaration.transport_mode"
    )


def _declaration_type(text: str) -> DeclarationType:
    return parse_member(DeclarationType, text, what="declaration type", code="declaration.type")


def _party(fields: Fields, key: str) -> Party:
    part = fields.object(key)
    code = _value(part, "country", _alpha2) if part.has("country") else None
    name = part.text("name")
    if not name.isprintable():  # the usual name is printable; else it must be readable
        try:
            name = checked_name(name, "the name", "declaration.invalid_name")
        except InvalidInput as error:
            raise part.wrap(error, "name") from None
    return Party(name, code)


_QUANTITY_KEYS = frozenset({"amount", "unit"})


def _quantity(fields: Fields, key: str) -> Quantity:
    part = fields.object(key)
    part.only(_QUANTITY_KEYS)
    amount = part.decimal("amount")
    try:
        return Quantity.of(amount, part.text("unit"))
    except InvalidInput as error:
        raise part.wrap(error, "unit" if "unit" in error.code else "amount") from None


def _money(fields: Fields, key: str) -> Money:
    money = fields.money(key)
    if money.is_negative:
        raise fields.error(key, "must not be negative", "negative_value")
    return money


def _preference(fields: Fields) -> PreferenceClaim | None:
    part = fields.optional_object("preference")
    if part is None:
        return None
    scheme = part.text("scheme").upper() if part.has("scheme") else "ACFTA"
    if scheme != "ACFTA":
        raise part.error("scheme", f"unknown preference scheme '{scheme}'", "unknown_scheme",
                         hint="Only ACFTA (Form E) is supported.")  # fmt: skip
    number = part.optional_decimal("certificate_item")
    return PreferenceClaim(scheme, part.optional_text("certificate"),
                           int(number) if number is not None else None)  # fmt: skip


def _item(fields: Fields, number: int) -> Item:
    line = _value(fields, "line", hs.validate)
    if len(line) < 6:
        raise fields.error("line", f"'{fields.text('line')}' is too short: declare the national "
                           "tariff line (8 or 10 digits) or at least the subheading",
                           "line_too_short")  # fmt: skip
    net_mass = None
    if fields.has("net_mass"):
        net_mass = _quantity(fields, "net_mass")
        try:
            net_mass = net_mass.to("kg")
        except InvalidInput as error:
            raise fields.wrap(error, "net_mass") from None
    incoterm = _value(fields, "incoterm", Incoterm.parse) if fields.has("incoterm") else None
    quantity, value = _quantity(fields, "quantity"), _money(fields, "value")
    if not quantity.amount:
        raise fields.error("quantity", "must be more than zero", "zero_quantity",
                           hint="Declare how much of the goods crosses.")  # fmt: skip
    if not value.amount:
        raise fields.error("value", "must be more than zero", "zero_value",
                           hint="Goods sent free of charge still have a customs value: declare "
                           "what identical goods sell for.")  # fmt: skip
    if net_mass is not None and not net_mass.amount:
        raise fields.error("net_mass", "must be more than zero", "zero_net_mass")
    return Item(
        number=number,
        line=line,
        description=fields.text("description"),
        origin=_value(fields, "origin", _alpha2),
        quantity=quantity,
        value=value,
        incoterm=incoterm or Incoterm.CIF,
        net_mass_kg=net_mass.amount if net_mass is not None else None,
        freight=_money(fields, "freight") if fields.has("freight") else None,
        insurance=_money(fields, "insurance") if fields.has("insurance") else None,
        preference=_preference(fields),
    )


def _transport(fields: Fields | None) -> Transport | None:
    if fields is None:
        return None
    mode = _value(fields, "mode", _transport_mode)
    plate_ = (
        _value(fields, "vehicle_plate", plate.validate) if fields.has("vehicle_plate") else None
    )
    box = _value(fields, "container", container.validate) if fields.has("container") else None
    return Transport(mode, plate_, box)


def parse_goods(document: Mapping[str, Any] | object) -> Goods:
    """Read a declaration document; raises :class:`InvalidInput` naming the field."""
    fields = Fields(document, prefix="declaration")
    kind = DeclarationType.IMPORT
    if fields.has("type"):
        kind = _value(fields, "type", _declaration_type)
    office = _value(fields, "office", _office)
    importer = _party(fields, "importer")
    items = tuple(_item(f, n) for n, f in enumerate(fields.objects("items"), start=1))
    if not items:
        raise fields.error("items", "a declaration needs at least one item", "no_items")
    if len(items) > 999:
        raise fields.error("items", "more than 999 items: split the declaration", "too_many_items")
    assert isinstance(document, Mapping)
    return Goods(
        type=kind,
        office=office,
        declarant=_party(fields, "declarant") if fields.has("declarant") else importer,
        importer=importer,
        exporter=_party(fields, "exporter"),
        transport=_transport(fields.optional_object("transport")),
        items=items,
        source=document,
    )
