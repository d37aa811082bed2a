"""Import declarations in the Customs Import Declaration Datasets format, as the model sees them.

The format is that of the public benchmark (Jeong, Kim, Park, Choi, arXiv:2208.02484; repository
``Seondong/Customs-Declaration-Datasets``, MIT; risk-anchors.md §2c): one row per declared item,
22 columns, ``Fraud`` (0/1) and ``Critical Fraud`` (0 none, 1 fraud, 2 critical: a threat to
public safety). ``HS6 Code`` is read as text (it keeps its leading zero), ``Item Price`` is in
KRW, ``Tax Rate`` in percent. Labels are optional: rows to be scored have none.

This module parses rows already split into fields (the file itself is opened by
:mod:`cafta.adapters.ml.csv_files`); a missing column or an unparsable number is one
:class:`~cafta.core.errors.InvalidInput` naming the column, or the row and the column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from cafta.core.errors import InvalidInput

__all__ = [
    "COLUMNS",
    "CRITICAL",
    "FEATURE_COLUMNS",
    "LABEL_COLUMNS",
    "Declaration",
    "parse_declarations",
]

_CODE = "risk.invalid_dataset"

FEATURE_COLUMNS: tuple[str, ...] = (
    "Declaration ID",
    "Date",
    "Office ID",
    "Process Type",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
    "Declarant ID",
    "Importer ID",
    "Seller ID",
    "Courier ID",
    "HS6 Code",
    "Country of Departure",
    "Country of Origin",
    "Tax Rate",
    "Tax Type",
    "Country of Origin Indicator",
    "Net Mass",
    "Item Price",
)
"""The declaration-stage columns: what is known when a declaration is lodged."""

LABEL_COLUMNS: tuple[str, ...] = ("Fraud", "Critical Fraud")
"""What inspection reveals."""

COLUMNS: tuple[str, ...] = FEATURE_COLUMNS + LABEL_COLUMNS

CRITICAL = 2
"""The ``Critical Fraud`` value that marks a critical case (risk-anchors.md §2c)."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declared item. ``fraud`` and ``critical`` are ``None`` until inspection reveals them.

    ``critical`` is the raw ``Critical Fraud`` value (0, 1 or 2); :attr:`is_critical` says
    whether it is a critical case. Empty party identifiers (``seller``, ``courier``) are ``""``.
    Numbers may be ``nan`` when a live declaration does not have them.
    """

    declaration_id: str
    day: date
    office: str
    process_type: str
    import_type: str
    import_use: str
    payment_type: str
    transport_mode: str
    declarant: str
    importer: str
    seller: str
    courier: str
    hs6: str
    departure: str
    origin: str
    tax_rate: float
    tax_type: str
    origin_indicator: str
    net_mass: float
    item_price: float
    fraud: int | None = None
    critical: int | None = None

    @property
    def is_fraud(self) -> bool:
        return self.fraud == 1

    @property
    def is_critical(self) -> bool:
        return self.critical == CRITICAL


def _problem(message: str) -> InvalidInput:
    return InvalidInput(message, code=_CODE)


def _number(text: str, column: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _problem(f"{where}: {column} '{text}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise _problem(f"{where}: {column} '{text}' must be a finite number of at least 0")
    return value


def _label(text: str, column: str, where: str, allowed: tuple[int, ...]) -> int:
    stripped = text.strip()
    if stripped.endswith(".0"):
        stripped = stripped[:-2]
    if not stripped.isdigit() or int(stripped) not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise _problem(f"{where}: {column} '{text}' is not one of {choices}")
    return int(stripped)


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise _problem(f"{where}: Date '{text}' is not a date (YYYY-MM-DD)") from None


def _hs6(text: str, where: str) -> str:
    digits = text.strip()
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdigit() or len(digits) > 6:
        raise _problem(f"{where}: HS6 Code '{text}' is not a 6-digit HS code")
    return digits.zfill(6)


def parse_declarations(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    source: str = "data",
    labelled: bool = False,
) -> list[Declaration]:
    """Declarations from a header and rows of fields (row 2 is the first after the header).

    Every column of :data:`FEATURE_COLUMNS` must be present, and the label columns too when
    ``labelled``; when the labels are present but not required they are read all the same.
    Extra columns are ignored.
    """
    names = [name.strip().lstrip("\ufeff") for name in header]
    index = {name: i for i, name in enumerate(names)}
    required = COLUMNS if labelled else FEATURE_COLUMNS
    for column in required:
        if column not in index:
            raise _problem(f"{source}: missing column '{column}'")
    with_labels = all(column in index for column in LABEL_COLUMNS)
    at = [index[column] for column in FEATURE_COLUMNS]
    out: list[Declaration] = []
    for number, row in enumerate(rows, start=2):
        where = f"{source} row {number}"
        if len(row) < len(names):
            raise _problem(f"{where}: {len(row)} fields, the header has {len(names)}")
        f = [row[i].strip() for i in at]
        fraud = critical = None
        if with_labels:
            fraud = _label(row[index["Fraud"]], "Fraud", where, (0, 1))
            critical = _label(row[index["Critical Fraud"]], "Critical Fraud", where, (0, 1, 2))
        out.append(
            Declaration(
                declaration_id=f[0],
                day=_day(f[1], where),
                office=f[2],
                process_type=f[3],
                import_type=f[4],
                import_use=f[5],
                payment_type=f[6],
                transport_mode=f[7],
                declarant=f[8],
                importer=f[9],
                seller=f[10],
                courier=f[11],
                hs6=_hs6(f[12], where),
                departure=f[13],
                origin=f[14],
                tax_rate=_number(f[15], "Tax Rate", where),
                tax_type=f[16],
                origin_indicator=f[17],
                net_mass=_number(f[18], "Net Mass", where),
                item_price=_number(f[19], "Item Price", where),
                fraud=fraud,
                critical=critical,
            )
        )
    return out
