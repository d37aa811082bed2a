"""Reason codes: the features that raised a declaration's fraud score, in an officer's words.

A model's score is the sum of per-feature contributions (for boosted trees, the change in the
tree's expected value at each split on the declaration's path, summed over the trees: Saabas'
method, as in ``treeinterpreter`` and LightGBM's ``pred_contrib`` for the exact variant). The
reasons are the ``top`` features that raised the score most, each said with the declaration's
own value and, for a risk profile, the history behind it::

    importer QLRUBN9: fraud found in 12 of 14 past inspections (+1.35)
    value per kg 9.1x below the usual for HS 4408.90 (+0.62)

The number in brackets is the contribution to the log-odds. Features that lowered the score
are not listed: a reason explains why a declaration was selected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from cafta.risk.dataset import Declaration
from cafta.risk.features import FEATURES, FeatureBuilder
from cafta.risk.profiles import ENTITIES

__all__ = ["explain", "phrase"]

_KIND_NAMES = {
    "importer": "importer",
    "declarant": "declarant",
    "seller": "seller",
    "courier": "courier",
    "hs6": "HS line",
    "hs4": "HS heading",
    "origin": "origin",
    "office": "office",
    "hs6_origin": "HS line and origin",
    "office_importer": "importer at this office",
    "importer_hs6": "importer and HS line",
    "declarant_importer": "declarant and importer",
    "seller_importer": "seller and importer",
}

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hs(code: str) -> str:
    return f"{code[:4]}.{code[4:]}" if len(code) == 6 else code


def _money(value: float) -> str:
    return f"{value:,.0f} KRW"


def _key_text(kind: str, d: Declaration) -> str:
    parts = {
        "importer": d.importer,
        "declarant": d.declarant,
        "seller": d.seller,
        "courier": d.courier,
        "hs6": _hs(d.hs6),
        "hs4": d.hs6[:4],
        "origin": d.origin,
        "office": d.office,
        "hs6_origin": f"{_hs(d.hs6)} from {d.origin}",
        "office_importer": f"{d.importer} at {d.office}",
        "importer_hs6": f"{d.importer} with {_hs(d.hs6)}",
        "declarant_importer": f"{d.declarant} for {d.importer}",
        "seller_importer": f"{d.seller} to {d.importer}",
    }
    return f"{_KIND_NAMES[kind]} {parts[kind]}"


def _profile_kind(name: str) -> tuple[str, str]:
    for suffix in ("_fraud_rate", "_critical_rate", "_count"):
        if name.endswith(suffix):
            return name.removesuffix(suffix), suffix.split("_")[1]
    raise KeyError(name)


def _profile(name: str, d: Declaration, builder: FeatureBuilder) -> str:
    kind, what = _profile_kind(name)
    key = ENTITIES[kind](d)
    count, frauds, criticals = builder.profiles.tally(kind, key)
    subject = _key_text(kind, d)
    if count == 0:
        return f"{subject}: no inspected history"
    if what == "critical":
        return f"{subject}: {criticals} critical case(s) in {count} past inspections"
    if what == "count":
        return f"{subject}: {count} past inspections, {frauds} with fraud"
    return f"{subject}: fraud found in {frauds} of {count} past inspections"


def _unit_value(d: Declaration, builder: FeatureBuilder) -> str:
    if not (d.item_price > 0 and d.net_mass > 0):
        return "value per kg unknown"
    ratio = math.exp(math.log(d.item_price / d.net_mass) - builder.reference(d.hs6))
    where = f"the usual for HS {_hs(d.hs6)}"
    if ratio >= 1:
        return f"value per kg {ratio:.1f}x above {where}"
    return f"value per kg {1 / ratio:.1f}x below {where}"


_FIXED: dict[str, Callable[[Declaration, FeatureBuilder], str]] = {
    "office": lambda d, _: f"office {d.office}",
    "process_type": lambda d, _: f"process type {d.process_type}",
    "import_type": lambda d, _: f"import type {d.import_type}",
    "import_use": lambda d, _: f"intended use {d.import_use}",
    "payment_type": lambda d, _: f"payment type {d.payment_type}",
    "transport_mode": lambda d, _: f"mode of transport {d.transport_mode}",
    "tax_type": lambda d, _: f"tax type {d.tax_type}",
    "origin_indicator": lambda d, _: f"origin marked as {d.origin_indicator}",
    "origin": lambda d, _: f"origin {d.origin}",
    "departure": lambda d, _: f"shipped from {d.departure}",
    "hs2": lambda d, _: f"HS chapter {d.hs6[:2]}",
    "hs4_code": lambda d, _: f"HS heading {d.hs6[:4]}",
    "hs6_code": lambda d, _: f"HS line {_hs(d.hs6)}",
    "tax_rate": lambda d, _: f"tax rate {d.tax_rate:g}%",
    "log_value": lambda d, _: f"declared value {_money(d.item_price)}",
    "log_mass": lambda d, _: f"net mass {d.net_mass:,.1f} kg",
    "log_value_per_kg": lambda d, _: (
        f"value per kg {_money(d.item_price / d.net_mass)}" if d.net_mass > 0 else "no net mass"
    ),
    "value_per_kg_vs_reference": _unit_value,
    "log_duty_at_stake": lambda d, _: f"duty at stake {_money(d.item_price * d.tax_rate / 100)}",
    "departure_differs": lambda d, _: (
        f"shipped from {d.departure}, origin {d.origin}"
        if d.departure != d.origin
        else f"shipped from its origin {d.origin}"
    ),
    "weekday": lambda d, _: f"filed on a {_WEEKDAYS[d.day.weekday()]}",
    "day_of_month": lambda d, _: f"filed on day {d.day.day} of the month",
}


def phrase(name: str, d: Declaration, builder: FeatureBuilder) -> str:
    """What feature ``name`` says about ``d``, in words."""
    fixed = _FIXED.get(name)
    if fixed is not None:
        return fixed(d, builder)
    return _profile(name, d, builder)


def explain(
    d: Declaration,
    contributions: Sequence[float],
    builder: FeatureBuilder,
    top: int = 3,
    row: Sequence[float] | None = None,
) -> tuple[str, ...]:
    """The ``top`` features that raised ``d``'s score most, strongest first, in words.

    ``contributions`` are per feature, in :data:`~cafta.risk.features.FEATURES` order. The
    profile features of one entity (its fraud rate, critical rate, count) make one reason.
    When the feature ``row`` is given, a feature it lacks (``nan``) is said to be missing.
    """
    ranked = sorted(
        (i for i, c in enumerate(contributions) if c > 0), key=lambda i: (-contributions[i], i)
    )
    out: list[str] = []
    seen: set[str] = set()
    for i in ranked:
        name = FEATURES[i]
        topic = _profile_kind(name)[0] if name not in _FIXED else name
        if topic in seen:
            continue
        seen.add(topic)
        if row is not None and math.isnan(row[i]):
            text = f"{name.replace('_', ' ')} not known"
        else:
            text = phrase(name, d, builder)
        out.append(f"{text} (+{contributions[i]:.2f})")
        if len(out) == top:
            break
    return tuple(out)
