"""The canonical document of a Form E and its canonical bytes: what an issuing authority signs.

The document is a JSON object (format ``cafta.form-e/1``): the issue request in normal form
(countries as alpha-2 codes, HS lines as digits, criteria as ``WO`` or ``RVC 45%``, amounts and
quantities as decimal strings, dates as ``YYYY-MM-DD``) plus ``format`` and ``reference``. Keys
whose value would be ``null`` are left out. :func:`to_document` and :func:`from_document` are
inverses: ``from_document(to_document(form)) == form``.

The bytes follow the JSON Canonicalization Scheme (RFC 8785) on the subset of JSON used here:
objects with keys sorted, no insignificant whitespace, UTF-8, and only strings, integers of at
most 2^53 - 1, booleans, ``null``, arrays and objects (no floating-point numbers, where RFC 8785
and Python would format differently). Python's ``sort_keys`` orders keys by code point and
RFC 8785 by UTF-16 code unit; they agree on every key used here (all ASCII). Escaping matches
RFC 8785 §3.2.2.2: only ``"``, ``\\`` and control characters are escaped, the latter in the
short form where JSON has one, else as lower-case ``\\u00xx``.

A request without a reference gets one derived from the content (:func:`derive_reference`):
``E`` + issue year + exporting party + ``-`` + the first 10 characters of the base32 SHA-256 of
the canonical bytes of the document without its reference, e.g. ``E2026MM-4F7KQ2ZJXA``. The same
content always gets the same reference, so issuing twice does not create two certificates.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from cafta.certificates.boxes import read_form
from cafta.certificates.form_e import FormE, Item, Party
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.quantity import Quantity

__all__ = [
    "FORMAT",
    "canonical_bytes",
    "check_reference",
    "derive_reference",
    "form_bytes",
    "from_document",
    "to_document",
]

FORMAT = "cafta.form-e/1"
_MAX_INT = 2**53 - 1
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,63}$")
_REFERENCE_HASH_CHARS = 10


def _check_json(value: object, where: str) -> None:
    if value is None or isinstance(value, str | bool):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_INT:
            raise InvalidInput(f"{where}: integer {value} is too large", code="canonical.number")
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{where}: key {key!r} is not text", code="canonical.key")
            _check_json(inner, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            _check_json(inner, f"{where}[{index}]")
        return
    raise InvalidInput(
        f"{where}: {type(value).__name__} has no canonical JSON form (write it as text)",
        code="canonical.type",
    )


def canonical_bytes(value: object) -> bytes:
    """The RFC 8785-style bytes of a JSON value built from str, int, bool, None, list, dict."""
    _check_json(value, "document")
    return _encode(value)


def _encode(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidInput(
            f"document: text contains an unpaired surrogate at {error.start}",
            code="canonical.text",
        ) from None


def check_reference(text: str, where: str = "reference") -> str:
    if not _REFERENCE.match(text):
        raise InvalidInput(
            f"{where}: '{text}' cannot be a certificate reference",
            code="certificate.invalid_reference",
            hint="Use 1 to 64 letters, digits, '.', '/', '_' or '-', starting with a letter or "
            "digit; or leave it out to have one derived from the content.",
        )
    return text


# --- to and from the document -----------------------------------------------------------------


def _present(**parts: Any) -> dict[str, Any]:
    return {key: value for key, value in parts.items() if value is not None}


def _decimal_text(value: Any) -> str:
    return f"{value:f}"


def _quantity(quantity: Quantity | None) -> dict[str, Any] | None:
    if quantity is None:
        return None
    return {"amount": _decimal_text(quantity.amount), "unit": quantity.unit}


def _money(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"amount": _decimal_text(money.amount), "currency": money.currency}


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return _present(name=party.name, address=party.address, country=party.country)


def _item(item: Item) -> dict[str, Any]:
    return _present(
        number=item.number,
        marks=item.marks,
        packages=(
            {"count": item.packages.count, "kind": item.packages.kind} if item.packages else None
        ),
        description=item.description,
        line=item.line,
        criterion=str(item.criterion),
        quantity=_quantity(item.quantity),
        gross_weight=_quantity(item.gross_weight),
        fob=_money(item.fob),
    )


def to_document(form: FormE) -> dict[str, Any]:
    """The canonical document of a certificate (a JSON-ready mapping)."""
    transport = form.transport
    declaration = form.exporter_declaration
    flags = form.flags
    return _present(
        format=FORMAT,
        reference=form.reference,
        authority=form.authority,
        exporting_party=form.exporting_party,
        importing_party=form.importing_party,
        issue_date=form.issue_date.isoformat(),
        issue_place=form.issue_place,
        certified_by=form.certified_by,
        exporter=_party(form.exporter),
        consignee=_party(form.consignee),
        transport=(
            _present(
                departure_date=(
                    transport.departure_date.isoformat() if transport.departure_date else None
                ),
                means=transport.means,
                port_of_loading=transport.port_of_loading,
                port_of_discharge=transport.port_of_discharge,
            )
            if transport is not None
            else None
        ),
        items=[_item(item) for item in form.items],
        invoice={"number": form.invoice.number, "date": form.invoice.date.isoformat()},
        flags=_present(
            issued_retroactively=flags.issued_retroactively,
            back_to_back=flags.back_to_back,
            exhibition=flags.exhibition,
            third_party_invoicing=flags.third_party_invoicing,
            third_party=_party(flags.third_party),
        ),
        exporter_declaration=(
            _present(
                place=declaration.place,
                date=declaration.date.isoformat() if declaration.date else None,
                signatory=declaration.signatory,
            )
            if declaration is not None
            else None
        ),
    )


def form_bytes(form: FormE) -> bytes:
    """The canonical bytes of a certificate: what its issuing authority signs."""
    # to_document builds only text, booleans, lists, objects and integers below 10^15 (item
    # numbers, package counts: read through to_decimal's bound), so the type check is skipped.
    return _encode(to_document(form))


def from_document(document: object) -> FormE:
    """Read a canonical document back; errors are ``certificate.*`` and name the field."""
    fields = Fields(document, prefix="certificate")
    found = fields.text("format")
    if found != FORMAT:
        raise fields.error(
            "format", f"'{found}' is not a format this version reads", "unknown_format",
            f"Expected '{FORMAT}'.",
        )  # fmt: skip
    reference = check_reference(fields.text("reference"))
    return read_form(fields, reference)


def derive_reference(form: FormE) -> str:
    """The reference a certificate gets from its content (the module docstring gives the form)."""
    document = to_document(form)
    document.pop("reference", None)
    digest = hashlib.sha256(canonical_bytes(document)).digest()
    tag = base64.b32encode(digest).decode("ascii")[:_REFERENCE_HASH_CHARS]
    return f"E{form.issue_date.year}{form.exporting_party}-{tag}"
