"""Documents people write (requests, declarations, bills of materials, trust lists): reading JSON
or YAML files, and writing files atomically.

:func:`load_document` picks the parser by extension (``.json``; ``.yaml`` or ``.yml``), and for
any other name tries JSON, then YAML. A syntax error becomes one :class:`InvalidInput` line
naming the file, line and column. JSON numbers with a fraction are read as exact ``Decimal``
(the text is exact); YAML reads them as floats, which amounts and quantities refuse with a clear
message, so write amounts in YAML as strings (``amount: "23750.00"``). A missing file is
:class:`NotFound` (``file.not_found``).

:func:`write_atomically` writes a temporary file in the target's directory, flushes it to disk
and renames it over the target (``os.replace``), so a reader never sees half a file; the mode is
set before any byte is written, so a private key is never readable by others, even briefly.
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import yaml

from cafta.core.errors import Conflict, InvalidInput, NotFound

__all__ = ["load_document", "write_atomically"]

_JSON = frozenset({".json"})
_YAML = frozenset({".yaml", ".yml"})


def _not_a_number(word: str) -> NoReturn:
    raise ValueError(f"{word} is not a number JSON allows")


def _parse_json(text: str, path: Path) -> object:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_not_a_number)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            code="document.invalid_json",
            details={"file": str(path), "line": error.lineno, "column": error.colno},
        ) from None
    except (ValueError, RecursionError) as error:
        raise InvalidInput(
            f"{path}: not valid JSON ({error})", code="document.invalid_json"
        ) from None


def _parse_yaml(text: str, path: Path) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = " ".join(str(getattr(error, "problem", None) or "syntax error").split())
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise InvalidInput(
            f"{path}: not valid YAML ({where}{problem})",
            code="document.invalid_yaml",
            details={"file": str(path)},
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"{path}: YAML nested too deeply", code="document.invalid_yaml"
        ) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFound(
            f"no file at {path}", code="file.not_found", hint="Check the path and the file name."
        ) from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a directory, not a file", code="file.not_a_file") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path}: not UTF-8 text (byte {error.start})",
            code="document.not_utf8",
            hint="Save the file as UTF-8.",
        ) from None
    except OSError as error:
        raise InvalidInput(
            f"{path} cannot be read: {error.strerror}", code="file.unreadable"
        ) from None


def load_document(path: Path) -> object:
    """The parsed content of a JSON or YAML file (a mapping, a list or a scalar)."""
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix in _JSON:
        return _parse_json(text, path)
    if suffix in _YAML:
        return _parse_yaml(text, path)
    try:
        return _parse_json(text, path)
    except InvalidInput:
        return _parse_yaml(text, path)


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` all at once, with permissions ``mode``.

    With ``overwrite=False`` an existing file is a :class:`Conflict` (``file.exists``), checked
    again at the rename (a hard link that fails if the target appeared in between).
    """
    if not overwrite and path.exists():
        raise Conflict(
            f"{path} already exists", code="file.exists", hint="Choose another path, or remove it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise Conflict(f"{path} already exists", code="file.exists") from None
            except OSError:
                # Some file systems have no hard links: fall back to the plain check above.
                os.replace(tmp, path)
            else:
                Path(tmp).unlink()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
