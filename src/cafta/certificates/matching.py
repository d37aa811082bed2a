"""Item by item: which certificate item each declared item is, and how well they agree.

Each declaration item that claims ACFTA preference with the certificate is matched to one
certificate item: the one its ``preference.certificate_item`` names, else the best candidate.
Candidates are the certificate items whose description is not a different good (else, when
none is, those in the same HS chapter); among them the one sharing the most HS digits wins,
then the closest description. A declared item with no candidate is rejected
(``item.unmatched``). Several declared items may share one certificate item (a consignment
declared in parts): their quantities are added before the comparison.

Every item is judged on its own (Circular 12/2019/TT-BCT Art. 27(3): a problem with one item
must not delay the others) [C]. The checks: the certificate item's criterion (an RVC needs its
FOB value and at least the threshold), the declared origin, the HS code against the origin rule
(:mod:`.policy`), the description, and the quantity (:mod:`.discrepancy`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from cafta.certificates.declaration import Declaration, DeclarationItem
from cafta.certificates.discrepancy import (
    Comparison,
    compare_descriptions,
    compare_quantities,
    describe_lines,
    hs_agreement,
)
from cafta.certificates.form_e import FormE, Item
from cafta.certificates.policy import OriginRuleView, VerificationPolicy
from cafta.certificates.verdict import Finding, ItemVerdict, Severity, item_outcome
from cafta.core.errors import InvalidInput
from cafta.core.quantity import Quantity

__all__ = ["claiming_items", "criterion_findings", "judge_items", "match"]

_RANK = {None: 3, Severity.INFO: 2, Severity.MINOR: 1, Severity.SUBSTANTIVE: 0}
_CODES = {
    "hs": {Severity.MINOR: "item.hs_detail", Severity.SUBSTANTIVE: "item.hs_mismatch"},
    "description": {
        Severity.INFO: "item.description_detail",
        Severity.MINOR: "item.description_wording",
        Severity.SUBSTANTIVE: "item.description_mismatch",
    },
    "quantity": {
        Severity.MINOR: "item.quantity_within_tolerance",
        Severity.SUBSTANTIVE: "item.quantity_mismatch",
    },
}


def criterion_findings(item: Item, policy: VerificationPolicy) -> list[Finding]:
    """Box 8 against Box 9: an RVC criterion needs the FOB value and at least the threshold."""
    criterion = item.criterion
    if criterion.percent is None:
        return []
    found = []
    if item.fob is None:
        found.append(Finding(
            "item.rvc_without_fob", Severity.SUBSTANTIVE,
            f"item {item.number} claims {criterion} but shows no FOB value (Box 9)", item.number,
        ))  # fmt: skip
    if criterion.percent < policy.rvc_threshold:
        found.append(Finding(
            "item.rvc_below_threshold", Severity.SUBSTANTIVE,
            f"item {item.number} claims {criterion}, below the {policy.rvc_threshold:f}% "
            "threshold", item.number,
        ))  # fmt: skip
    return found


def claiming_items(
    declaration: Declaration, reference: str, envelope: str | None
) -> tuple[DeclarationItem, ...]:
    return tuple(
        d
        for d in declaration.items
        if d.preference is not None and d.preference.cites(reference, envelope)
    )


def _shared_digits(certified: str, declared: str) -> int:
    shared = hs_agreement(certified, declared)
    return min(len(certified), len(declared)) if shared is None else shared


def match(declared: DeclarationItem, form: FormE, policy: VerificationPolicy) -> Item | None:
    """The certificate item a declared item is (module docstring), or ``None``."""
    wanted = declared.preference.certificate_item if declared.preference else None
    if wanted is not None:
        return form.item(wanted)
    described = {
        item.number: compare_descriptions(
            item.description, declared.description, policy.description_overlap
        ).severity
        for item in form.items
    }
    pool = [i for i in form.items if described[i.number] is not Severity.SUBSTANTIVE] or [
        i for i in form.items if i.line[:2] == declared.line[:2]
    ]
    if not pool:
        return None
    return max(
        pool, key=lambda i: (_shared_digits(i.line, declared.line), _RANK[described[i.number]])
    )


def _line_comparison(
    certified: str, declared: str, rules: OriginRuleView, on: date, floor: int
) -> Comparison:
    shared = hs_agreement(certified, declared)
    if shared is None:
        return Comparison(None)
    rule_c, digits_c = rules.rule_for(certified, on)
    rule_d, digits_d = rules.rule_for(declared, on)
    level = max(floor, digits_c, digits_d)
    shown = describe_lines(certified, declared)
    if rule_c != rule_d:
        return Comparison(
            Severity.SUBSTANTIVE,
            f"{shown}: they fall under different origin rules ({rule_c}, {rule_d})",
        )
    if shared >= level:
        return Comparison(
            Severity.MINOR,
            f"{shown}: they agree to {shared} digits, and the origin rule ({rule_c}, written at "
            f"{level} digits) is the same",
        )
    return Comparison(
        Severity.SUBSTANTIVE,
        f"{shown}: they agree to {shared} digits only, above the origin rule's level ({level})",
    )


def _total(parts: Sequence[DeclarationItem]) -> Quantity | None:
    """The declared items' quantities added up, or ``None`` if they are in other dimensions."""
    unit = parts[0].quantity.unit
    try:
        return Quantity(sum((p.quantity.to(unit).amount for p in parts), Decimal(0)), unit)
    except InvalidInput:
        return None


@dataclass(frozen=True, slots=True)
class _Checks:
    form: FormE
    rules: OriginRuleView
    on: date
    policy: VerificationPolicy

    def unmatched(self, declared: DeclarationItem) -> ItemVerdict:
        wanted = declared.preference.certificate_item if declared.preference else None
        why = (
            f"the certificate has no item {wanted}"
            if wanted is not None
            else "no certificate item describes these goods or shares their HS chapter"
        )
        finding = Finding(
            "item.unmatched", Severity.SUBSTANTIVE,
            f"declaration item {declared.number} ({declared.description}, HS "
            f"{declared.line}) claims this certificate, but {why}", None, declared.number,
        )  # fmt: skip
        return ItemVerdict(None, declared.number, item_outcome([finding]), (finding,))

    def pair(
        self, item: Item, declared: DeclarationItem, group: Sequence[DeclarationItem]
    ) -> list[Finding]:
        """What differs between a certificate item and the declared item(s) matched to it."""
        form, policy = self.form, self.policy
        found: list[Finding] = []

        def add(code: str, severity: Severity, message: str) -> None:
            found.append(Finding(code, severity, message, item.number, declared.number))

        def compared(kind: str, comparison: Comparison) -> None:
            if comparison.severity is not None:
                add(_CODES[kind][comparison.severity], comparison.severity, comparison.detail)

        # A movement (back-to-back) certificate is issued by an intermediate party for goods
        # originating in another (acfta-rules.md §1.12) [C].
        origin = declared.origin
        if origin is not None and origin != form.exporting_party and not form.flags.back_to_back:
            add(
                "item.origin_mismatch", Severity.SUBSTANTIVE,
                f"origin {origin} declared, but the certificate was issued in "
                f"{form.exporting_party} and is not a movement certificate",
            )  # fmt: skip
        compared(
            "hs",
            _line_comparison(item.line, declared.line, self.rules, self.on, policy.hs_floor_digits),
        )
        compared(
            "description",
            compare_descriptions(
                item.description, declared.description, policy.description_overlap
            ),
        )
        total = _total(group) if len(group) > 1 else None
        comparison = compare_quantities(
            item.quantity, total or declared.quantity, policy.quantity_tolerance, item.gross_weight
        )
        if total is not None and comparison.severity is not None:
            numbers = ", ".join(str(g.number) for g in group)
            comparison = replace(
                comparison, detail=f"declaration items {numbers} together: {comparison.detail}"
            )
        if comparison.comparable:
            compared("quantity", comparison)
        else:
            add("item.quantity_incomparable", Severity.MINOR, comparison.detail)
        return found


def judge_items(
    form: FormE,
    declared: Sequence[DeclarationItem],
    *,
    rules: OriginRuleView,
    on: date,
    policy: VerificationPolicy,
) -> tuple[ItemVerdict, ...]:
    """A verdict per declared item; without declared items, one per certificate item."""
    criteria = {item.number: criterion_findings(item, policy) for item in form.items}
    if not declared:
        return tuple(
            ItemVerdict(item.number, None, item_outcome(found), tuple(found))
            for item, found in ((i, criteria[i.number]) for i in form.items)
        )
    checks = _Checks(form, rules, on, policy)
    matched = [(d, match(d, form, policy)) for d in declared]
    groups: dict[int, list[DeclarationItem]] = defaultdict(list)
    for d, item in matched:
        if item is not None:
            groups[item.number].append(d)
    verdicts = []
    for d, item in matched:
        if item is None:
            verdicts.append(checks.unmatched(d))
            continue
        findings = [replace(f, declaration_item=d.number) for f in criteria[item.number]]
        findings += checks.pair(item, d, groups[item.number])
        verdicts.append(ItemVerdict(item.number, d.number, item_outcome(findings), tuple(findings)))
    return tuple(verdicts)
