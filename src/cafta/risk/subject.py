"""What the risk engine looks at: a read-only view of one import declaration.

The clearance package builds a :class:`RiskSubject` from its declaration aggregate; the risk
package never imports clearance, so this view is the whole contract between the two. Its fields
are the selectivity criteria of the WTO Trade Facilitation Agreement, Art. 7.4.3: "the
Harmonized System code, nature and description of the goods, country of origin, country from
which the goods were shipped, value of the goods, compliance record of traders, and type of
means of transport" (risk-anchors.md §5), plus the parties and conveyance identifiers that
watch-lists name.

Values are in the assessment currency as declared (``Decimal``, never float). The view checks
shapes only (an HS line is digits, an origin is two letters, a value is not negative); whether
the declaration is admissible is the clearance package's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.core.money import check_currency_code
from cafta.core.remembered import Remembered
from cafta.core.vocabulary import parse_member
from cafta.identifiers import hs, locode

__all__ = ["CertificateOutcome", "RiskItem", "RiskSubject"]

_CODE = "risk.invalid_subject"


class CertificateOutcome(StrEnum):
    """What became of an item's certificate of origin (Form E) at verification.

    ``accepted``, ``accepted_with_discrepancies`` and ``rejected`` are the outcomes of
    :mod:`cafta.certificates.verdict`; ``missing`` means no certificate was produced and
    ``waived`` that none was needed (low-value consignment).
    """

    ACCEPTED = "accepted"
    ACCEPTED_WITH_DISCREPANCIES = "accepted_with_discrepancies"
    REJECTED = "rejected"
    MISSING = "missing"
    WAIVED = "waived"

    @classmethod
    def parse(cls, text: str) -> CertificateOutcome:
        return parse_member(cls, text, what="certificate outcome", code=_CODE)


# Every item of every declaration names its currency (a handful of codes): answers remembered.
_currency = Remembered(check_currency_code, size=256)


def _same(normal: str | None, given: object) -> bool:
    """Whether ``given`` is already ``normal``: equal, and plain text (not a subclass, such as
    an enum member, which setting the normal form would have replaced)."""
    return type(given) is str and given == normal


def _problem(message: str, hint: str | None = None) -> InvalidInput:
    return InvalidInput(message, code=_CODE, hint=hint)


@direct_init
@dataclass(frozen=True, slots=True, kw_only=True)
class RiskItem:
    """One item (goods line) of a declaration, as the risk rules see it.

    ``line`` is stored as compact HS digits (``0810.60.00`` becomes ``08106000``); ``origin``
    as an upper-case ISO 3166 alpha-2 code; ``certificate_outcome`` as a
    :class:`CertificateOutcome` member (a ``str``), or ``None`` when no preference is at stake.
    """

    line: str
    origin: str
    value: Decimal
    currency: str
    net_mass_kg: Decimal | None = None
    preference_claimed: bool = False
    certificate_outcome: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        # Views are built from declarations already read, so their values usually arrive in
        # the stored form: a field is set again only when it is not already that very text.
        line = hs.validate(self.line)
        if not _same(line, self.line):
            object.__setattr__(self, "line", line)
        origin = self.origin.strip().upper()
        if len(origin) != 2 or not origin.isascii() or not origin.isalpha():
            raise _problem(
                f"origin '{self.origin}' is not an ISO 3166 alpha-2 code",
                hint="Use two letters, e.g. TH or VN.",
            )
        if not _same(origin, self.origin):
            object.__setattr__(self, "origin", origin)
        currency = _currency(self.currency)
        if not _same(currency, self.currency):
            object.__setattr__(self, "currency", currency)
        if not isinstance(self.value, Decimal) or not self.value.is_finite() or self.value < 0:
            raise _problem(f"item value {self.value!r} must be a Decimal of at least 0")
        mass = self.net_mass_kg
        if mass is not None and (not isinstance(mass, Decimal) or not mass.is_finite() or mass < 0):
            raise _problem(f"net mass {mass!r} must be a Decimal of at least 0 (kg)")
        outcome = self.certificate_outcome
        # A member is kept as it is: parsing it would give it back.
        if outcome is not None and type(outcome) is not CertificateOutcome:
            object.__setattr__(self, "certificate_outcome", CertificateOutcome.parse(outcome))


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = " ".join(value.split())
    return stripped or None


def _locode(text: str) -> str:
    """A UN/LOCODE in compact form (``CN PXG`` becomes ``CNPXG``)."""
    try:
        return locode.validate(text)
    except InvalidInput as error:
        raise _problem(
            f"office '{text}' is not a UN/LOCODE ({error.message})",
            hint="Give the customs office's UN/LOCODE, e.g. CNPXG or VNHPH.",
        ) from None


@direct_init
@dataclass(frozen=True, slots=True, kw_only=True)
class RiskSubject:
    """One import declaration, as the risk engine sees it.

    ``office`` is the UN/LOCODE of the deciding customs office (quotas are per office); ``on``
    the day the declaration was accepted (quotas, watch-list entries and reference values are
    dated). ``importer`` is the importer's party key (a name or a registration number);
    ``trusted_trader`` says whether the importer is an authorised economic operator (AEO).
    """

    declaration_id: str
    office: str
    on: date
    importer: str
    items: tuple[RiskItem, ...]
    declarant: str | None = None
    exporter: str | None = None
    origin_countries: tuple[str, ...] = field(default=())
    transport_mode: str | None = None
    vehicle_plate: str | None = None
    container: str | None = None
    trusted_trader: bool = False

    def __post_init__(self) -> None:
        if not self.declaration_id.strip():
            raise _problem("declaration_id is empty")
        if not self.importer.strip():
            raise _problem(f"declaration {self.declaration_id}: importer is empty")
        if not self.items:
            raise _problem(f"declaration {self.declaration_id} has no items")
        # As for items: a field is set again only when it is not already its normal form.
        importer = " ".join(self.importer.split())
        if not _same(importer, self.importer):
            object.__setattr__(self, "importer", importer)
        office = _locode(self.office)
        if not _same(office, self.office):
            object.__setattr__(self, "office", office)
        if type(self.items) is not tuple:
            object.__setattr__(self, "items", tuple(self.items))
        origins = tuple(o.strip().upper() for o in self.origin_countries)
        object.__setattr__(self, "origin_countries", origins)
        for name in ("declarant", "exporter", "transport_mode", "vehicle_plate", "container"):
            value = getattr(self, name)
            text = _optional_text(value)
            if text is not value and not _same(text, value):
                object.__setattr__(self, name, text)

    @property
    def origins(self) -> tuple[str, ...]:
        """Every origin country named by the declaration or its items, first-seen order."""
        seen = dict.fromkeys(self.origin_countries)
        seen.update(dict.fromkeys(item.origin for item in self.items))
        return tuple(seen)
