"""Reading declarations from CSV files in the data set's format, and hashing them.

The format is that of the Customs Import Declaration Datasets (``docs/risk.md``; the columns are
:data:`cafta.risk.dataset.COLUMNS`). A file that cannot be read, lacks a column or holds an
unparsable number fails with one :class:`~cafta.core.errors.InvalidInput` naming the file, the
column and, for a bad value, the row.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from cafta.core.errors import InvalidInput
from cafta.risk.dataset import Declaration, parse_declarations

__all__ = ["read_declarations", "sha256"]

_CODE = "risk.invalid_dataset"


def read_declarations(path: Path, *, labelled: bool = False) -> list[Declaration]:
    """Every row of the CSV file at ``path``; ``labelled`` requires the label columns."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file", code=_CODE)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InvalidInput(f"{path.name}: the file is empty", code=_CODE)
            return parse_declarations(header, reader, source=path.name, labelled=labelled)
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: not a UTF-8 text file", code=_CODE) from None
    except csv.Error as error:
        raise InvalidInput(f"{path.name}: not a readable CSV file ({error})", code=_CODE) from None


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
