"""Request bodies of the API, as msgspec Structs (they are the OpenAPI document's schemas).

The Structs check the shape and the JSON types; the domain parsers then check the meaning
(a known country, an HS code, a positive value) and name the field of any error, since each
body goes to them as plain data (``msgspec.to_builtins``). Amounts and quantities are strings
holding exact decimals (``"1000.00"``): a JSON number is refused, because ``0.1`` cannot be
held exactly. Unknown members are ignored, as in the documents the CLI reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import Meta

from cafta.certificates.envelope import MAX_ENVELOPE_CHARS

__all__ = [
    "DECIMAL_PATTERN",
    "PATTERN_MESSAGES",
    "BillOfMaterialsBody",
    "ConsignmentBody",
    "CostsBody",
    "DeclarationBody",
    "DeclarationItemBody",
    "DutyBody",
    "MaterialBody",
    "Money",
    "PreferenceBody",
    "ProductBody",
    "Quantity",
    "TraderBody",
    "TransitBody",
    "VerificationBody",
    "WhollyObtainedBody",
]

DECIMAL_PATTERN = r"^-?[0-9]{1,18}(\.[0-9]{1,18})?$"
CURRENCY_PATTERN = r"^[A-Za-z]{3}$"
PATTERN_MESSAGES = {
    DECIMAL_PATTERN: 'expected an exact decimal written as text, e.g. "1000.00"',
    CURRENCY_PATTERN: "expected a three-letter ISO 4217 currency code, e.g. CNY",
}
"""What a trader is told when a field does not match its pattern."""

DecimalText = Annotated[
    str,
    Meta(
        pattern=DECIMAL_PATTERN,
        description="An exact decimal written as text (never a JSON number).",
        examples=["1000.00"],
    ),
]
CurrencyCode = Annotated[
    str, Meta(pattern=CURRENCY_PATTERN, description="ISO 4217 code.", examples=["CNY"])
]
Text = Annotated[str, Meta(max_length=1000)]
Country = Annotated[
    str, Meta(max_length=100, description="ISO 3166 code or English name.", examples=["TH"])
]
Line = Annotated[
    str, Meta(max_length=40, description="HS code or national tariff line.", examples=["0810.60"])
]


class Money(msgspec.Struct, frozen=True):
    """``{"amount": "1000.00", "currency": "USD"}``."""

    amount: DecimalText
    currency: CurrencyCode


class Quantity(msgspec.Struct, frozen=True):
    """``{"amount": "25000", "unit": "kg"}``; units ``g``, ``kg``, ``t``, ``l``, ``m3``, ``u``."""

    amount: DecimalText
    unit: Annotated[str, Meta(max_length=20, examples=["kg"])]


# --- duty -------------------------------------------------------------------------------------


class DutyBody(msgspec.Struct, frozen=True):
    """A consignment whose duty and import taxes to assess (``cafta duty``)."""

    line: Line
    origin: Country
    destination: Country
    value: Money
    on: Annotated[
        dt.date | None,
        Meta(description="Day the declaration is accepted; default today in the server's zone."),
    ] = None
    incoterm: Annotated[str, Meta(max_length=10, description="CIF, CFR or FOB.")] = "CIF"
    freight: Money | None = None
    insurance: Money | None = None
    quantity: Annotated[
        Quantity | None, Meta(description="Needed for specific duties (per kg, per litre...).")
    ] = None
    proofs: Annotated[
        list[Annotated[str, Meta(max_length=20)]],
        Meta(description="Proofs of origin presented: form-e, rcep, ldc."),
    ] = []


# --- origin: a bill of materials (docs/origin.md) --------------------------------------------


class WhollyObtainedBody(msgspec.Struct, frozen=True):
    category: Annotated[str, Meta(max_length=40, examples=["plants"])]
    evidence: Text | None = None


class ProductBody(msgspec.Struct, frozen=True):
    line: Line
    description: Text
    fob: Money
    weight: Quantity | None = None
    processes: list[Annotated[str, Meta(max_length=60)]] | None = None
    wholly_obtained: WhollyObtainedBody | None = None


class MaterialBody(msgspec.Struct, frozen=True):
    description: Text
    value: Money
    line: Line | None = None
    origin: Country | None = None
    originating: bool = False
    proof: Text | None = None
    role: Annotated[str, Meta(max_length=40)] | None = None
    weight: Quantity | None = None


class TransitBody(msgspec.Struct, frozen=True):
    country: Country
    customs_control: bool = False
    operations: list[Annotated[str, Meta(max_length=60)]] = []
    entered_trade: bool = False
    stored: bool = False
    transit_documents: bool = False


class ConsignmentBody(msgspec.Struct, frozen=True):
    through_bill_of_lading: bool = False
    transit: list[TransitBody] = []


class CostsBody(msgspec.Struct, frozen=True):
    labour: Money
    overhead: Money
    other: Money
    profit: Money


class BillOfMaterialsBody(msgspec.Struct, frozen=True):
    """A bill of materials as in ``docs/origin.md``, and the day of the assessment."""

    scheme: Annotated[str, Meta(max_length=20, examples=["ACFTA"])]
    exporting_party: Country
    importing_party: Country
    product: ProductBody
    materials: list[MaterialBody]
    on: Annotated[
        dt.date | None,
        Meta(description="Day of the assessment; default today in the server's zone."),
    ] = None
    consignment: ConsignmentBody | None = None
    claim: Annotated[str, Meta(max_length=40)] | None = None
    rvc_method: Annotated[str, Meta(max_length=20)] | None = None
    costs: CostsBody | None = None


# --- certificates: a Form E and the declaration it is checked against ------------------------


class TraderBody(msgspec.Struct, frozen=True):
    name: Text
    country: Country | None = None


class PreferenceBody(msgspec.Struct, frozen=True):
    scheme: Annotated[str, Meta(max_length=20, examples=["ACFTA"])]
    certificate: (
        Annotated[
            str,
            Meta(
                max_length=MAX_ENVELOPE_CHARS,
                description="The certificate's reference, or the signed certificate itself.",
            ),
        ]
        | None
    ) = None
    certificate_item: Annotated[int, Meta(ge=1, le=999)] | None = None


class DeclarationItemBody(msgspec.Struct, frozen=True):
    line: Line
    description: Text
    quantity: Quantity
    origin: Country | None = None
    value: Money | None = None
    incoterm: Annotated[str, Meta(max_length=10)] | None = None
    preference: PreferenceBody | None = None


class DeclarationBody(msgspec.Struct, frozen=True):
    """The parts of an import declaration a certificate is checked against."""

    importer: TraderBody
    items: list[DeclarationItemBody]
    exporter: TraderBody | None = None
    office: Annotated[str, Meta(max_length=10, examples=["CNQIN"])] | None = None


class VerificationBody(msgspec.Struct, frozen=True):
    """A signed Form E (compact JWS) to verify, optionally against a declaration."""

    certificate: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=MAX_ENVELOPE_CHARS,
            description="The signed Form E: its compact JWS (three parts separated by '.').",
        ),
    ]
    declaration: DeclarationBody | None = None
    on: Annotated[
        dt.date | None, Meta(description="Day of the check; default today in the server's zone.")
    ] = None
