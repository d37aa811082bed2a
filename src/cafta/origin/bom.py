"""Bills of materials: the product, its materials and how it travelled, read from JSON or YAML.

The minimal document names the scheme, the exporting and importing parties, the product (line,
description, FOB) and each material (description, line, origin, value, ``originating``).
Optional fields add what some criteria need: the product's and materials' weights (de minimis by
weight for textiles), the processes the producer performed (minimal operations), a
wholly-obtained claim with its evidence, each material's role (retail or transport packing,
accessory, indirect material) and proof, the route (direct consignment), the criterion the
exporter prefers to claim, and the costs for a build-up RVC where a scheme allows it.
``docs/origin.md`` documents every field with examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.core.vocabulary import parse_member
from cafta.identifiers import hs
from cafta.origin.scheme import WhollyObtainedCategory, scheme
from cafta.refdata.countries import country

__all__ = [
    "BillOfMaterials",
    "Consignment",
    "Costs",
    "Material",
    "MaterialRole",
    "Product",
    "RvcMethod",
    "Transit",
    "WhollyObtainedClaim",
    "dotted",
    "material_label",
    "parse_bom",
]


@lru_cache(maxsize=16384)
def dotted(digits: str) -> str:
    """``850790`` → ``8507.90``; cached, since the same codes recur in every bill."""
    return hs.format(digits)


class MaterialRole(StrEnum):
    """How a material counts (acfta-rules.md §1.9, the ASEAN+1 pattern, [U] for ACFTA)."""

    MATERIAL = "material"
    RETAIL_PACKING = "retail-packing"
    """Classified with the good: ignored for tariff shift, counted for RVC."""
    ACCESSORY = "accessory"
    """Accessories, spare parts, tools, manuals delivered with the good: as retail packing."""
    TRANSPORT_PACKING = "transport-packing"
    """Packing and containers for transport: ignored."""
    INDIRECT = "indirect"
    """Fuel, energy, tools, dies, moulds, catalysts: ignored."""


SHIFT_ROLES = frozenset({MaterialRole.MATERIAL})
"""Roles checked for a change of tariff classification."""
VALUE_ROLES = frozenset(
    {MaterialRole.MATERIAL, MaterialRole.RETAIL_PACKING, MaterialRole.ACCESSORY}
)
"""Roles counted in the value of materials (RVC, de minimis)."""


class RvcMethod(StrEnum):
    BUILD_DOWN = "build-down"
    BUILD_UP = "build-up"


@dataclass(frozen=True, slots=True)
class Material:
    index: int
    description: str
    line: str | None
    """Compact HS digits; ``None`` when the material's classification is not known."""
    origin: str | None
    """ISO 3166 alpha-2; ``None`` when the origin is not known."""
    value: Money
    declared_originating: bool
    role: MaterialRole = MaterialRole.MATERIAL
    weight_kg: Decimal | None = None
    proof: str | None = None

    def label(self) -> str:
        """``8507.90 (KR)``: how reasons name a material."""
        return material_label(self.line, self.origin)


@lru_cache(maxsize=16384)
def material_label(line: str | None, origin: str | None) -> str:
    return f"{dotted(line) if line else 'unclassified'} ({origin or 'origin unknown'})"


@dataclass(frozen=True, slots=True)
class WhollyObtainedClaim:
    category: WhollyObtainedCategory
    evidence: str | None


@dataclass(frozen=True, slots=True)
class Product:
    line: str
    description: str
    fob: Money
    weight_kg: Decimal | None = None
    processes: tuple[str, ...] = ()
    wholly_obtained: WhollyObtainedClaim | None = None


@dataclass(frozen=True, slots=True)
class Transit:
    country: str
    customs_control: bool
    operations: tuple[str, ...]
    entered_trade: bool
    stored: bool
    transit_documents: bool


@dataclass(frozen=True, slots=True)
class Consignment:
    transits: tuple[Transit, ...]
    through_bill_of_lading: bool


@dataclass(frozen=True, slots=True)
class Costs:
    """Build-up RVC inputs besides originating materials: labour, overhead, other, profit."""

    labour: Money
    overhead: Money
    other: Money
    profit: Money


@dataclass(frozen=True, slots=True)
class BillOfMaterials:
    scheme: str
    exporting_party: str
    importing_party: str
    product: Product
    materials: tuple[Material, ...]
    consignment: Consignment | None = None
    claim: str | None = None
    """The criterion the exporter prefers when several are met: ``RVC``, ``CTH``, ``CC``, ..."""
    rvc_method: RvcMethod = RvcMethod.BUILD_DOWN
    costs: Costs | None = None


def _line(fields: Fields, key: str, minimum: int) -> str:
    try:
        digits = hs.validate(fields.text(key))
    except InvalidInput as error:
        if error.code.endswith("missing_field"):
            raise
        raise fields.wrap(error, key) from None
    if len(digits) < minimum:
        raise fields.error(
            key,
            f"'{fields.text(key)}' has {len(digits)} digits; at least {minimum} are needed",
            "line_too_short",
            hint="Give the heading and subheading (e.g. 8507.60).",
        )
    return digits


def _country(fields: Fields, key: str) -> str:
    try:
        return country(fields.text(key)).alpha2
    except LookupError as error:
        raise fields.error(key, str(error), "unknown_country") from None


def _weight(fields: Fields, key: str) -> Decimal | None:
    weight = fields.optional_object(key)
    if weight is None:
        return None
    try:
        return Quantity.of(weight.decimal("amount"), weight.text("unit")).to("kg").amount
    except InvalidInput as error:
        if error.details.get("field"):
            raise
        raise fields.wrap(error, key) from None


def _processes(fields: Fields) -> tuple[str, ...]:
    return tuple(p.lower().replace(" ", "-").replace("_", "-") for p in fields.texts("processes"))


def _product(fields: Fields) -> Product:
    claim = None
    wo = fields.optional_object("wholly_obtained")
    if wo is not None:
        try:
            category = WhollyObtainedCategory.parse(wo.text("category"))
        except InvalidInput as error:
            if error.details.get("field"):
                raise
            raise wo.wrap(error, "category") from None
        claim = WhollyObtainedClaim(category, wo.optional_text("evidence"))
    return Product(
        line=_line(fields, "line", 6),
        description=fields.text("description"),
        fob=fields.money("fob"),
        weight_kg=_weight(fields, "weight"),
        processes=_processes(fields),
        wholly_obtained=claim,
    )


def _material(fields: Fields, index: int) -> Material:
    role = MaterialRole.MATERIAL
    if fields.has("role"):
        try:
            role = parse_member(MaterialRole, fields.text("role"), what="role", code="bom.role")
        except InvalidInput as error:
            raise fields.wrap(error, "role") from None
    value = fields.money("value")
    if value.is_negative:
        raise fields.error("value", "must not be negative", "negative_value")
    return Material(
        index=index,
        description=fields.text("description"),
        line=_line(fields, "line", 2) if fields.has("line") else None,
        origin=_country(fields, "origin") if fields.has("origin") else None,
        value=value,
        declared_originating=fields.flag("originating"),
        role=role,
        weight_kg=_weight(fields, "weight"),
        proof=fields.optional_text("proof"),
    )


def _consignment(fields: Fields) -> Consignment:
    transits = tuple(
        Transit(
            country=_country(t, "country"),
            customs_control=t.flag("customs_control"),
            operations=tuple(o.lower() for o in t.texts("operations")),
            entered_trade=t.flag("entered_trade"),
            stored=t.flag("stored"),
            transit_documents=t.flag("transit_documents"),
        )
        for t in fields.objects("transit", required=False)
    )
    return Consignment(transits, fields.flag("through_bill_of_lading"))


def _costs(fields: Fields) -> Costs:
    return Costs(
        labour=fields.money("labour"),
        overhead=fields.money("overhead"),
        other=fields.money("other"),
        profit=fields.money("profit"),
    )


_CLAIMS = ("WO", "PE", "RVC", "CC", "CTH", "CTSH", "PROCESS")


def _claim(fields: Fields) -> str | None:
    claim = fields.optional_text("claim")
    if claim is None:
        return None
    word = claim.upper().split("(")[0].strip()
    if word not in _CLAIMS:
        raise fields.error("claim", f"unknown criterion '{claim}'", "invalid_claim",
                           hint=f"Use one of: {', '.join(_CLAIMS)}.")  # fmt: skip
    return word


def _scheme(fields: Fields) -> str:
    """The scheme's code, upper-cased; one the engine has no rules for is refused here."""
    code = fields.text("scheme").upper()
    try:
        scheme(code)
    except LookupError as error:
        raise fields.error("scheme", f"unknown origin scheme '{code}'", "unknown_scheme",
                           hint=getattr(error, "hint", None)) from None  # fmt: skip
    return code


def parse_bom(document: Mapping[str, object] | object) -> BillOfMaterials:
    """Read a bill of materials from a parsed JSON/YAML document; errors name the field."""
    fields = Fields(document, prefix="bom")
    product = _product(fields.object("product"))
    if product.fob.amount <= 0:
        raise fields.error("product.fob", "must be more than zero", "invalid_fob")
    materials = tuple(_material(m, i) for i, m in enumerate(fields.objects("materials")))
    method = RvcMethod.BUILD_DOWN
    if fields.has("rvc_method"):
        try:
            method = parse_member(
                RvcMethod, fields.text("rvc_method"), what="RVC method", code="bom.rvc_method"
            )
        except InvalidInput as error:
            raise fields.wrap(error, "rvc_method") from None
    consignment = fields.optional_object("consignment")
    costs = fields.optional_object("costs")
    return BillOfMaterials(
        scheme=_scheme(fields),
        exporting_party=_country(fields, "exporting_party"),
        importing_party=_country(fields, "importing_party"),
        product=product,
        materials=materials,
        consignment=_consignment(consignment) if consignment is not None else None,
        claim=_claim(fields),
        rvc_method=method,
        costs=_costs(costs) if costs is not None else None,
    )
