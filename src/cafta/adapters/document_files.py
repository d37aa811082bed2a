"""Documents people write (requests, declarations, bills of materials, trust lists): reading JSON
or YAML files, and writing files atomically.

:func:`load_document` picks the parser by extension (``.json``; ``.yaml`` or ``.yml``), and for
any other name tries JSON, then YAML. A syntax error becomes one :class:`InvalidInput` line
naming the file, line and column. Numbers with a fraction are read as floats in both, which
amounts and quantities refuse with a clear message, as the API does: write amounts as strings
(``"amount": "23750.00"``). A mapping's keys must be text. A missing file is
:class:`NotFound` (``file.not_found``).

YAML is read with :class:`DocumentLoader`, not as YAML 1.1 reads it: 1.1 makes numbers and
booleans of words by rules nobody expects in a customs document (``amount: 00612000`` is the
octal 201728, ``0x1F`` is 31, ``1:30`` is 90 in base 60, ``1_000`` is 1000, ``origin: NO`` is
false, ``line: 0810.60`` the float 810.6). Only plain decimal forms are numbers here (``612000``,
``-3``, ``612000.50``, without leading zeros) and only ``true`` and ``false`` booleans; every
other plain scalar stays the text it was written as, for the domain to accept or refuse as text
(``0810.60`` is a fine HS code, ``NO`` a fine country). Dates (``2026-06-01``) and ``null`` are
read as before.

:func:`write_atomically` writes a temporary file in the target's directory, flushes it to disk
and renames it over the target (``os.replace``), so a reader never sees half a file; the mode is
set before any byte is written, so a private key is never readable by others, even briefly.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import yaml

from cafta.core.errors import CaftaError, Conflict, InvalidInput, NotFound

__all__ = ["DocumentLoader", "load_document", "parse_yaml_text", "write_atomically"]

_JSON = frozenset({".json"})
_YAML = frozenset({".yaml", ".yml"})


def _not_a_number(word: str) -> NoReturn:
    raise ValueError(f"{word} is not a number JSON allows")


def _parse_json(text: str, path: Path) -> object:
    try:
        return json.loads(text, parse_constant=_not_a_number)
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


_PLAIN = {
    "tag:yaml.org,2002:bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    "tag:yaml.org,2002:int": re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
    "tag:yaml.org,2002:float": re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"),
}


class DocumentLoader(yaml.SafeLoader):
    """PyYAML's safe loader with numbers and booleans only in their plain forms (see the module's
    docstring). A scalar tagged ``!!int``, ``!!float`` or ``!!bool`` that is not in such a form
    is kept as its text too."""

    def _plain_or_text(self, node: yaml.ScalarNode, read: Callable[[yaml.ScalarNode], Any]) -> Any:
        text = self.construct_scalar(node)
        return read(node) if _PLAIN[node.tag].match(str(text)) else text

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> Any:
        return self._plain_or_text(node, super().construct_yaml_bool)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        return self._plain_or_text(node, super().construct_yaml_int)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        return self._plain_or_text(node, super().construct_yaml_float)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are all text (``500: x``, or ``{amount: 1,500}`` whose comma
        makes ``500`` a key, is refused where it is written)."""
        mapping = super().construct_mapping(node, deep=deep)
        for key in mapping:
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be text, not {key!r}", node.start_mark
                )
        return mapping


DocumentLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _PLAIN]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _first in (("bool", "tTfF"), ("int", "-+0123456789"), ("float", "-+0123456789")):
    _name = f"tag:yaml.org,2002:{_tag}"
    DocumentLoader.add_implicit_resolver(_name, _PLAIN[_name], list(_first))
    DocumentLoader.add_constructor(_name, getattr(DocumentLoader, f"construct_yaml_{_tag}"))


def parse_yaml_text(text: str) -> object:
    """``text`` read as YAML with :class:`DocumentLoader` (raises :class:`yaml.YAMLError`)."""
    return yaml.load(text, Loader=DocumentLoader)


def _parse_yaml(text: str, path: Path) -> object:
    try:
        return parse_yaml_text(text)
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


def _unwritable(path: Path, error: OSError) -> InvalidInput:
    """The one line for a path ``write_atomically`` cannot write to (exit 2 on the CLI)."""
    if isinstance(error, IsADirectoryError) or path.is_dir():
        return InvalidInput(
            f"{path} is a directory; name a file",
            code="file.is_directory",
            details={"file": str(path)},
        )
    return InvalidInput(
        f"{path} cannot be written ({error.strerror or error})",
        code="file.unwritable",
        hint="Name a file in a folder you may write to.",
        details={"file": str(path)},
    )


def _folder_for(path: Path) -> None:
    """Create the folder ``path`` goes in; a file in the way, or a folder that cannot be
    created, is :class:`InvalidInput` naming it."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()),
                        folder)  # fmt: skip
        raise InvalidInput(
            f"{blocking} is a file, not a folder, so {path} cannot be written",
            code="file.not_a_folder",
            hint="Name a path in a folder.",
            details={"file": str(path)},
        ) from None
    except OSError as error:
        raise InvalidInput(
            f"the folder {folder} cannot be created ({error.strerror or error})",
            code="file.unwritable",
            hint="Name a file in a folder you may write to.",
            details={"file": str(path)},
        ) from None


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` all at once, with permissions ``mode``.

    With ``overwrite=False`` an existing file is a :class:`Conflict` (``file.exists``), checked
    again at the rename (a hard link that fails if the target appeared in between). A ``path``
    that cannot be written (a directory, a file in place of its folder, a folder that cannot be
    created or written to) is :class:`InvalidInput` naming it; a failure while writing (a full
    disk) is a :class:`CaftaError` (``file.write_failed``). Nothing is left behind either way.
    """
    if path.is_dir():
        raise _unwritable(path, IsADirectoryError(21, "Is a directory"))
    if not overwrite and path.exists():
        raise Conflict(
            f"{path} already exists", code="file.exists", hint="Choose another path, or remove it."
        )
    _folder_for(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _unwritable(path, error) from None
    try:
        os.fchmod(fd, mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise CaftaError(
                f"{path} could not be written ({error.strerror or error})",
                code="file.write_failed",
            ) from error
        _move(Path(tmp), path, overwrite=overwrite)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _move(tmp: Path, path: Path, *, overwrite: bool) -> None:
    """Put the written ``tmp`` in ``path``'s place (see :func:`write_atomically`)."""
    try:
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise Conflict(f"{path} already exists", code="file.exists") from None
        except OSError:
            # Some file systems have no hard links: fall back to the plain check above.
            os.replace(tmp, path)
        else:
            tmp.unlink()
    except OSError as error:
        raise _unwritable(path, error) from None
