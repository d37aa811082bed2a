"""Which rule applies to a line: the product-specific rule, or the scheme's general rule.

A :class:`Rulebook` joins a scheme and its PSR table. :meth:`Rulebook.applicable` gives the rule
for a product line on a date with where it comes from; :meth:`Rulebook.rule_for` answers the
question certificate checks ask — which rule governs this line, and at how many HS digits is it
written? — so that an HS code on a certificate that differs from the declaration only below that
level is a minor discrepancy (acfta-rules.md §1.14).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cafta.core.provenance import Status
from cafta.identifiers import hs
from cafta.origin.psr import PsrTable, bundled_psr
from cafta.origin.rule import AllOf, AnyOf, Rule, TariffShift
from cafta.origin.scheme import Scheme

__all__ = ["AppliedRule", "Rulebook"]


@dataclass(frozen=True, slots=True)
class AppliedRule:
    """The rule a decision rests on: WO, PE, a PSR row or the general rule."""

    source: str
    """``WO``, ``PE``, ``PSR``, ``general`` or ``none`` (origin denied before any rule)."""
    text: str
    reference: str
    status: Status


def _without_cth(rule: Rule) -> Rule | None:
    if isinstance(rule, TariffShift) and rule.level.name == "CTH":
        return None
    if isinstance(rule, AnyOf):
        kept = [r for r in (_without_cth(o) for o in rule.options) if r is not None]
        return None if not kept else kept[0] if len(kept) == 1 else AnyOf(tuple(kept))
    return rule


def _digits(rule: Rule) -> int:
    """The finest HS level a rule compares: 6 for CTSH, 4 for CTH, 2 for CC, 0 otherwise."""
    if isinstance(rule, TariffShift):
        finest = max((len(r.low) for r in rule.exceptions), default=0)
        return max(int(rule.level), finest)
    if isinstance(rule, AnyOf):
        return max(_digits(o) for o in rule.options)
    if isinstance(rule, AllOf):
        return max(_digits(p) for p in rule.parts)
    return 0


@dataclass(frozen=True)
class Rulebook:
    scheme: Scheme
    psr: PsrTable = field(default_factory=bundled_psr)

    def applicable(self, line: str, on: date) -> tuple[Rule, AppliedRule, list[str]]:
        """The rule for a (compact) product line on ``on``, where it comes from, and notes."""
        row = self.psr.rule_for(self.scheme.code, line, on)
        if row is not None:
            span = row.lines.text()
            shown = span if "-" in span else hs.format(span)
            note = f"the product-specific rule for {shown} applies instead of the general rule"
            return row.rule, AppliedRule("PSR", row.rule.text(), row.reference, row.status), [note]
        rule: Rule | None = self.scheme.general_rule
        notes = []
        chapter = line[:2]
        if not self.scheme.cth_chapters.allows(chapter):
            rule = _without_cth(self.scheme.general_rule)
            notes.append(f"the general rule's CTH option is not open for chapter {chapter}")
        if rule is None:  # a general rule made of CTH alone, closed for this chapter
            rule = self.scheme.general_rule
        applied = AppliedRule(
            "general", rule.text(), self.scheme.general_rule_reference, Status.OFFICIAL
        )
        return rule, applied, notes

    def rule_for(self, line: str, on: date) -> tuple[str, int]:
        """An identifier of the rule governing ``line`` and the HS digits it is written at."""
        digits = hs.validate(line)
        row = self.psr.rule_for(self.scheme.code, digits, on)
        if row is not None:
            return row.key, max(row.digits, _digits(row.rule))
        rule, _, _ = self.applicable(digits, on)
        return f"{self.scheme.code} general rule {rule.text()}", max(2, _digits(rule))
