"""Documents pasted or uploaded in the portal (bills of materials, declarations): JSON or YAML.

As with files given to the CLI (:mod:`cafta.adapters.document_files`), JSON numbers with a
fraction are read as exact decimals; YAML reads them as floats, which amounts refuse with a clear
message. A ``.yaml``/``.yml`` name is read as YAML, anything else as JSON and then as YAML.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import NoReturn

import yaml

from cafta.adapters.document_files import parse_yaml_text
from cafta.core.errors import InvalidInput

__all__ = ["parse_document"]


def _not_a_number(word: str) -> NoReturn:
    raise ValueError(f"{word} is not a number JSON allows")


def _json(text: str) -> object:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_not_a_number)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            code="document.invalid_json",
        ) from None
    except (ValueError, RecursionError) as error:
        raise InvalidInput(f"not valid JSON ({error})", code="document.invalid_json") from None


def _yaml(text: str) -> object:
    try:
        return parse_yaml_text(text)  # numbers and booleans in plain forms only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = " ".join(str(getattr(error, "problem", None) or "syntax error").split())
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise InvalidInput(
            f"not valid JSON or YAML ({where}{problem})", code="document.invalid_yaml"
        ) from None
    except RecursionError:
        raise InvalidInput("YAML nested too deeply", code="document.invalid_yaml") from None


def parse_document(text: str, name: str = "") -> object:
    """The parsed document; ``name`` (a file name) picks YAML by its extension."""
    if name.lower().endswith((".yaml", ".yml")):
        return _yaml(text)
    try:
        return _json(text)
    except InvalidInput:
        if name.lower().endswith(".json"):
            raise
        return _yaml(text)
