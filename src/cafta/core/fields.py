"""Reading a parsed document (JSON or YAML) field by field, with errors that name the field.

Bills of materials, certificate requests and declarations arrive as nested mappings. A
:class:`Fields` wraps one mapping and its path in the document (``materials[2].value``), so
every error says exactly which field is missing or wrong: ``materials[2].value.amount: missing``.
Unknown keys are allowed (documents may carry extensions); :meth:`Fields.unknown` lists them for
callers that want to warn.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput
from cafta.core.money import Money, check_currency_code, to_decimal
from cafta.core.names import has_direction_control, is_visible

__all__ = ["Fields", "field_error"]


def field_error(path: str, problem: str, *, code: str, hint: str | None = None) -> InvalidInput:
    """An :class:`InvalidInput` whose message starts with the field's path."""
    return InvalidInput(f"{path}: {problem}", code=code, hint=hint, details={"field": path})


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, int | float | Decimal):
        return "a number"
    return "text"


_MONEY_KEYS = frozenset({"amount", "currency"})


class Fields:
    """One object of a document, read with its path for error messages.

    The path is built only when an error needs it: a child object keeps its parent and the step
    to it (``items[2]``), since most documents are read without a single error.
    """

    __slots__ = ("_data", "_parent", "_prefix", "_step")

    def __init__(
        self, data: object, path: str = "", *, prefix: str = "", _parent: Fields | None = None
    ) -> None:
        self._parent = _parent
        self._step = path
        self._prefix = prefix or "document"
        if type(data) is not dict and not isinstance(data, Mapping):
            raise field_error(
                self.path,
                f"expected an object, found {_kind(data)}",
                code=f"{self._prefix}.not_an_object",
            )
        self._data: Mapping[str, Any] = data

    @property
    def _path(self) -> str:
        return self._step if self._parent is None else self._parent.where(self._step)

    @property
    def path(self) -> str:
        return self._path or "document"

    def where(self, key: str) -> str:
        path = self._path
        return f"{path}.{key}" if path else key

    def error(self, key: str, problem: str, code: str, hint: str | None = None) -> InvalidInput:
        return field_error(self.where(key), problem, code=f"{self._prefix}.{code}", hint=hint)

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def raw(self, key: str) -> Any:
        return self._data.get(key)

    def only(self, known: Collection[str]) -> None:
        """Refuse a member ``known`` does not name, where a stray one means a misread value:
        ``{amount: 612,000.50}`` in YAML is ``amount`` 612 and a member ``000.50``."""
        for name in self._data:
            if name not in known:
                raise self.error(
                    str(name),
                    f"not a member of {self.path.rsplit('.', 1)[-1]}",
                    "unknown_member",
                    hint=f"It takes {', '.join(sorted(known))}; write a number with commas in "
                    'quotes ("612,000.50").',
                )

    def unknown(self, known: Sequence[str]) -> list[str]:
        """Keys present in the object that ``known`` does not list (for warnings)."""
        return [self.where(k) for k in self._data if k not in known]

    def _required(self, key: str) -> Any:
        value = self._data.get(key)
        if value is None or (type(value) is str and not value.strip()):
            raise self.error(key, "missing", "missing_field")
        return value

    def text(self, key: str) -> str:
        """The member as one line of text, stripped. Refused: missing or empty, not text,
        invisible only (a zero-width space), or holding a control character (NUL, a line
        break): a field is one line, and some databases refuse NUL outright."""
        value = self._data.get(key)
        if type(value) is str:  # the common case first: documents are read in hot paths
            stripped = value.strip()
            if stripped and stripped.isprintable():  # one C call for plain text
                return stripped
            if stripped:
                return self._unusual(key, stripped)
        value = self._required(key)
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            quote = isinstance(value, bool | float)  # a code read as a number or true/false
            raise self.error(key, f"expected text, found {_kind(value)}", "invalid_field",
                             hint='Put the value in quotes ("...") so that it is read as text.'
                             if quote else None)  # fmt: skip
        return str(value).strip()

    def _unusual(self, key: str, text: str) -> str:
        """``text`` with a character that is not plainly printable (a space other than
        U+0020, a format or control character): kept unless it names nothing or holds a
        control character."""
        if not is_visible(text):
            raise self.error(key, "holds only invisible characters", "invalid_field",
                             hint="Type the value in plain characters.")  # fmt: skip
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise self.error(
                key,
                "holds a control character (a line break, a tab, NUL)",
                "invalid_field",
                hint="Write it on one line of plain text.",
            )
        if has_direction_control(text):
            raise self.error(
                key,
                "holds a character that reverses how the text is shown (U+202E and the like)",
                "invalid_field",
                hint="Type the value as it is written.",
            )
        return text

    def optional_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def decimal(self, key: str) -> Decimal:
        value = self._required(key)
        try:
            return to_decimal(value)
        except InvalidInput as error:
            # Most amounts are fine, so the field's path is built only now; the message is
            # to_decimal's without its subject ("'abc' is not a number").
            problem = error.message.removeprefix("amount ")
            raise field_error(self.where(key), problem, code=error.code, hint=error.hint) from None

    def optional_decimal(self, key: str) -> Decimal | None:
        return self.decimal(key) if self.has(key) else None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, found {_kind(value)}", "invalid_field")
        return value

    def date(self, key: str) -> dt.date:
        value = self._required(key)
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise self.error(key, f"expected a date, found {_kind(value)}", "invalid_field")
        return parse_date(value, self.where(key))

    def optional_date(self, key: str) -> dt.date | None:
        return self.date(key) if self.has(key) else None

    def money(self, key: str) -> Money:
        """``{"amount": "1000.00", "currency": "USD"}``; amounts must be exact (not floats)."""
        money = self.object(key)
        money.only(_MONEY_KEYS)
        amount = money.decimal("amount")
        currency = money.text("currency")
        try:
            return Money(amount, check_currency_code(currency))
        except InvalidInput as error:
            raise money.error("currency", error.message, "invalid_currency", error.hint) from None

    def optional_money(self, key: str) -> Money | None:
        return self.money(key) if self.has(key) else None

    def _child(self, data: dict[str, Any], step: str) -> Fields:
        """A child object already known to be a dict: what ``__init__`` would build, without
        its checks (a document's objects are read by the dozen per request)."""
        child = Fields.__new__(Fields)
        child._parent = self
        child._step = step
        child._prefix = self._prefix
        child._data = data
        return child

    def object(self, key: str) -> Fields:
        value = self._data.get(key)
        if type(value) is dict:
            return self._child(value, key)
        return Fields(self._required(key), key, prefix=self._prefix, _parent=self)

    def optional_object(self, key: str) -> Fields | None:
        return self.object(key) if self.has(key) else None

    def objects(self, key: str, *, required: bool = True) -> Iterator[Fields]:
        """The objects of a list field, each with its index in the path."""
        value = self._data.get(key)
        if value is None:
            if required:
                raise self.error(key, "missing", "missing_field")
            return
        if not isinstance(value, list | tuple):
            raise self.error(key, f"expected a list, found {_kind(value)}", "invalid_field")
        for index, item in enumerate(value):
            step = f"{key}[{index}]"
            if type(item) is dict:
                yield self._child(item, step)
            else:
                yield Fields(item, step, prefix=self._prefix, _parent=self)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings (empty when the field is absent)."""
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "expected a list of text", "invalid_field")
        return tuple(v.strip() for v in value)

    def wrap(self, error: InvalidInput, key: str) -> InvalidInput:
        """Re-raise a value error (a bad HS code, an unknown country) with the field's path."""
        return field_error(self.where(key), error.message, code=error.code, hint=error.hint)
