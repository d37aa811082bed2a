"""An office's risk configuration on disk: its rule set, lane quotas and trusted-trader register.

Each is a JSON or YAML file in the format of ``docs/risk-rules.md``, named by a setting
(``CAFTA_RISK_RULES``, ``CAFTA_RISK_QUOTAS``, ``CAFTA_TRUSTED_TRADERS``), read with
:func:`cafta.adapters.document_files.load_document` and built by the risk package's strict
readers. A file that is missing is ``config.file_not_found``, as for ``CAFTA_PSR_FILE``; one
that cannot be parsed or built is ``config.invalid``, its message naming the variable, the
file and the field (``CAFTA_RISK_QUOTAS: /etc/cafta/quotas.yaml: offices[1].red: 0.2 is above
red_cap 0.10``) and its details the risk package's own code (``cause``). Both are the
operator's to fix: ``cafta`` commands stop with that line, and the server does not start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cafta.adapters.document_files import load_document
from cafta.core.errors import InvalidInput, NotFound
from cafta.risk.quotas import QuotaTable
from cafta.risk.ruleset import RuleSet
from cafta.risk.traders import TrustedTraders

__all__ = ["read_quota_table", "read_rule_set", "read_trusted_traders"]

_T = TypeVar("_T")


def _read(path: Path, variable: str, what: str, build: Callable[[object], _T]) -> _T:
    if not path.is_file():
        raise NotFound(
            f"{variable} names {path}, which is not a file",
            code="config.file_not_found",
            hint=f"Point {variable} at an existing {what}, or unset it.",
            details={"variable": variable, "file": str(path)},
        )
    try:
        return build(load_document(path))
    except InvalidInput as error:
        # Syntax errors already start with the file's path; the risk readers' start with the field.
        message = error.message
        if not message.startswith(str(path)):
            message = f"{path}: {message}"
        details: dict[str, object] = {"variable": variable, "file": str(path), "cause": error.code}
        if "field" in error.details:
            details["field"] = error.details["field"]
        raise InvalidInput(
            f"{variable}: {message}",
            code="config.invalid",
            hint=error.hint or f"Correct the {what} (docs/risk-rules.md), or unset {variable}.",
            details=details,
        ) from None


def read_rule_set(path: Path, variable: str = "CAFTA_RISK_RULES") -> RuleSet:
    """The rule set in ``path`` (``RuleSet.from_document``)."""
    return _read(path, variable, "rule set", RuleSet.from_document)


def read_quota_table(path: Path, variable: str = "CAFTA_RISK_QUOTAS") -> QuotaTable:
    """The lane quotas in ``path`` (``QuotaTable.from_document``)."""
    return _read(path, variable, "quota table", QuotaTable.from_document)


def read_trusted_traders(path: Path, variable: str = "CAFTA_TRUSTED_TRADERS") -> TrustedTraders:
    """The trusted-trader register in ``path`` (``TrustedTraders.from_document``)."""
    return _read(path, variable, "trusted-trader register", TrustedTraders.from_document)
