"""What a verification concludes: findings, a verdict per item, and the certificate's outcome.

A rejected certificate is a business outcome, so it is a value with reasons, not an exception.
Each :class:`Finding` has a stable dotted ``code`` (listed in ``docs/certificates.md``) and a
:class:`Severity`:

* ``info``: worth knowing, changes nothing;
* ``minor``: a minor discrepancy, which does not invalidate a Form E that corresponds to the
  goods when origin is not in doubt (Viet Nam Circular 12/2019/TT-BCT Art. 27, transposing the
  upgraded ACFTA operational certification procedures; domain brief acfta-rules.md §1.14) [C];
* ``substantive``: the certificate (when it is about the certificate) or the item is rejected.

Outcome rules (:func:`decide`): ``rejected`` when a certificate-level finding is substantive or
no item is accepted; otherwise ``accepted_with_discrepancies`` when any finding is minor or any
item is rejected (one item's problem must not hold up the others, Art. 27(3)); else
``accepted``. An item's own status follows its own findings the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cafta.certificates.form_e import FormE

__all__ = [
    "Finding",
    "ItemVerdict",
    "Outcome",
    "Severity",
    "Verification",
    "decide",
    "item_outcome",
]


class Severity(StrEnum):
    INFO = "info"
    MINOR = "minor"
    SUBSTANTIVE = "substantive"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_DISCREPANCIES = "accepted_with_discrepancies"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation. ``item`` is the certificate's item number (Box 5), ``declaration_item``
    the declaration's item number (1 = the first); both ``None`` for the certificate as a whole."""

    code: str
    severity: Severity
    message: str
    item: int | None = None
    declaration_item: int | None = None

    @property
    def about_certificate(self) -> bool:
        return self.item is None and self.declaration_item is None


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    """The verdict on one item: a declaration item and the certificate item it was matched to
    (without a declaration, each certificate item on its own)."""

    certificate_item: int | None
    declaration_item: int | None
    status: Outcome
    findings: tuple[Finding, ...] = ()


def item_outcome(findings: Iterable[Finding]) -> Outcome:
    severities = {f.severity for f in findings}
    if Severity.SUBSTANTIVE in severities:
        return Outcome.REJECTED
    if Severity.MINOR in severities:
        return Outcome.ACCEPTED_WITH_DISCREPANCIES
    return Outcome.ACCEPTED


def decide(certificate_findings: Iterable[Finding], items: Iterable[ItemVerdict]) -> Outcome:
    """The certificate's outcome (module docstring)."""
    general = tuple(certificate_findings)
    verdicts = tuple(items)
    if any(f.severity is Severity.SUBSTANTIVE for f in general):
        return Outcome.REJECTED
    if not any(v.status is not Outcome.REJECTED for v in verdicts):
        return Outcome.REJECTED
    minor = any(f.severity is Severity.MINOR for f in general) or any(
        v.status is not Outcome.ACCEPTED for v in verdicts
    )
    return Outcome.ACCEPTED_WITH_DISCREPANCIES if minor else Outcome.ACCEPTED


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of checking a certificate (and optionally a declaration) on a day.

    ``findings`` holds every finding, the certificate's first; ``items`` the verdict per item
    with that item's findings. ``certificate`` is the Form E when its signature checked out.
    """

    status: Outcome
    on: date
    reference: str | None
    findings: tuple[Finding, ...]
    items: tuple[ItemVerdict, ...] = ()
    certificate: FormE | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not Outcome.REJECTED

    @property
    def accepted_items(self) -> tuple[ItemVerdict, ...]:
        """The items that get the preference: none when the certificate is rejected."""
        if not self.accepted:
            return ()
        return tuple(v for v in self.items if v.status is not Outcome.REJECTED)

    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    @property
    def official_use(self) -> str:
        """What the importing customs would write in Box 4."""
        if not self.accepted:
            reasons = "; ".join(
                f.message for f in self.findings if f.severity is Severity.SUBSTANTIVE
            )
            return f"Preferential treatment not given: {reasons or 'no item accepted'}"
        refused = [v for v in self.items if v.status is Outcome.REJECTED]
        if not refused:
            minor = any(f.severity is Severity.MINOR for f in self.findings)
            return "Preferential treatment given" + (
                " (minor discrepancies noted)" if minor else ""
            )

        def label(v: ItemVerdict) -> str:
            if v.certificate_item is not None:
                return f"item {v.certificate_item}"
            return f"declaration item {v.declaration_item}"

        reasons = "; ".join(
            f"{label(v)}: "
            + ", ".join(f.message for f in v.findings if f.severity is Severity.SUBSTANTIVE)
            for v in refused
        )
        return f"Preferential treatment given, except for {reasons}"
