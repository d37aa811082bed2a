"""The Form E: the ACFTA certificate of origin, box by box, as immutable values.

Boxes of the 2010 format, still those of the 2019 format (domain brief acfta-rules.md §1.13,
after the Form E specimen: https://paperzz.com/doc/7862683/acfta-co-form-e) [C]:

=======  ==========================================================================
Header   reference number; "issued in" (the exporting party)  -> ``reference``,
         ``exporting_party``
1        exporter: name, address, country                    -> ``exporter``
2        consignee: name, address, country                   -> ``consignee``
3        means of transport and route                        -> ``transport``
4        for official use by the importing customs           -> not signed content:
                                                                the verifier's verdict
5-9      item number, marks, packages and description with   -> ``items``
         the HS code, origin criterion, quantity, FOB value
10       invoice number and date                             -> ``invoice``
11       exporter's declaration: place, date, signatory      -> ``exporter_declaration``
12       certification: place, date, signatory               -> ``issue_place``,
                                                                ``issue_date``, ``certified_by``
13       issued retroactively, movement certificate,         -> ``flags``
         exhibition, third-party invoicing
=======  ==========================================================================

Since the 2019 format a Form E has no 20-item limit, and the FOB value is shown only for goods
that claim an RVC criterion [C]. The certificate here keeps what was signed; business rules
(an RVC item needs its FOB, the parties must be ACFTA parties) are checked when a certificate is
issued (:mod:`cafta.certificates.issuance`) and reported when one is verified, never enforced by
the constructor, so a verifier can describe what is wrong with a certificate someone else signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cafta.certificates.criterion import OriginCriterion
from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.quantity import Quantity

__all__ = [
    "ExporterDeclaration",
    "Flags",
    "FormE",
    "Invoice",
    "Item",
    "Packages",
    "Party",
    "Transport",
]


@dataclass(frozen=True, slots=True)
class Party:
    """An exporter, consignee or third party: name, address, country (ISO alpha-2)."""

    name: str
    country: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Transport:
    """Box 3: every part is optional, as paper certificates often leave some blank."""

    departure_date: date | None = None
    means: str | None = None
    port_of_loading: str | None = None
    port_of_discharge: str | None = None


@dataclass(frozen=True, slots=True)
class Packages:
    """Box 7, first part: ``500 bags``."""

    count: int
    kind: str

    def __str__(self) -> str:
        return f"{self.count} {self.kind}"


@dataclass(frozen=True, slots=True)
class Item:
    """Boxes 5 to 9 for one good. ``line`` is compact digits (6, 8 or 10)."""

    number: int
    description: str
    line: str
    criterion: OriginCriterion
    quantity: Quantity
    marks: str | None = None
    packages: Packages | None = None
    gross_weight: Quantity | None = None
    fob: Money | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """Box 10 (under third-party invoicing, the third party's invoice)."""

    number: str
    date: date


@dataclass(frozen=True, slots=True)
class Flags:
    """Box 13. Under third-party invoicing the third party is shown in Box 7 [S]."""

    issued_retroactively: bool = False
    back_to_back: bool = False
    exhibition: bool = False
    third_party_invoicing: bool = False
    third_party: Party | None = None

    def marked(self) -> tuple[str, ...]:
        """The Box 13 marks, in the words printed on the form."""
        marks = (
            (self.issued_retroactively, "Issued Retroactively"),
            (self.back_to_back, "Movement Certificate"),
            (self.exhibition, "Exhibition"),
            (self.third_party_invoicing, "Third Party Invoicing"),
        )
        return tuple(label for on, label in marks if on)


@dataclass(frozen=True, slots=True)
class ExporterDeclaration:
    """Box 11 beyond the countries (which are the parties): place, date and signatory."""

    place: str | None = None
    date: date | None = None
    signatory: str | None = None


@dataclass(frozen=True, slots=True)
class FormE:
    """One certificate: one reference per consignment, one or more items."""

    reference: str
    authority: str
    exporting_party: str
    importing_party: str
    issue_date: date
    exporter: Party
    consignee: Party
    invoice: Invoice
    items: tuple[Item, ...]
    transport: Transport | None = None
    flags: Flags = Flags()
    issue_place: str | None = None
    certified_by: str | None = None
    exporter_declaration: ExporterDeclaration | None = None

    def __post_init__(self) -> None:
        # Shape only (see the module docstring): a certificate without items, or with items
        # numbered out of order, cannot be read box by box at all.
        if not self.items:
            raise InvalidInput("a Form E needs at least one item", code="certificate.no_items")
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise InvalidInput(
                f"items are numbered {numbers}; Box 5 numbers them 1 to {len(numbers)}",
                code="certificate.item_numbers",
            )

    def item(self, number: int) -> Item | None:
        return self.items[number - 1] if 1 <= number <= len(self.items) else None
