"""The example rule-set document: every entry in it is illustrative.

:data:`DEFAULT_RULES_DOCUMENT` shows the format that ``RuleSet.from_document`` reads (see
``docs/risk-rules.md``) and is what :func:`cafta.risk.ruleset.default_rules` builds. Every
watch-list entry, reference unit value and restricted prefix in it has status
``illustrative``: made up so that the rules have something to hit in demonstrations and tests.
No entry names a real party, vehicle or container; the reference values are round figures
chosen for the demonstration, not customs reference prices; the restricted prefixes are
plausible examples of licensed goods, not a statement of any party's law.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DEFAULT_RULES_DOCUMENT"]

_ILLUSTRATIVE = "illustrative: made up for demonstration; not an official list or price"


def _illustrative_value(line: str, cny_per_kg: str) -> dict[str, str]:
    return {
        "line": line,
        "value_per_kg": cny_per_kg,
        "currency": "CNY",
        "reference": _ILLUSTRATIVE,
        "status": "illustrative",
    }


DEFAULT_RULES_DOCUMENT: Mapping[str, Any] = {
    "lane_weights": {"red": "0.9", "yellow": "0.5", "blue": "0.2"},
    "watch_lists": [
        {
            "id": "W1",
            "title": "Illustrative watch-list (demonstration entries, no real party)",
            "reference": _ILLUSTRATIVE,
            "status": "illustrative",
            "entries": [
                {
                    "kind": "importer",
                    "value": "Example Undervaluation Trading Co.",
                    "reason": "repeated undervaluation findings",
                    "lane": "red",
                },
                {
                    "kind": "declarant",
                    "value": "Example Customs Brokerage",
                    "reason": "documentary errors under review",
                    "lane": "yellow",
                },
                {
                    "kind": "plate",
                    "value": "ZZ-0000",
                    "reason": "vehicle linked to a smuggling case",
                    "lane": "red",
                },
                {
                    "kind": "container",
                    "value": "ZZZU 000000 0",
                    "reason": "container reported tampered",
                    "lane": "red",
                },
            ],
        }
    ],
    "unit_values": {
        "yellow_ratio": "0.25",
        "red_ratio": "0.10",
        "references": [
            _illustrative_value("0810.60", "30.00"),  # durians, fresh
            _illustrative_value("0810.90", "8.00"),  # other fresh fruit (longans, lychees ...)
            _illustrative_value("0804.50", "6.00"),  # guavas, mangoes and mangosteens
            _illustrative_value("1006.30", "4.00"),  # semi-milled or wholly milled rice
            _illustrative_value("4001.22", "11.00"),  # technically specified natural rubber
        ],
    },
    "certificates": {"discrepancies": "yellow", "rejected": "yellow", "missing": "yellow"},
    "restricted_goods": [
        {
            "prefix": "93",
            "control": "restricted",
            "description": "arms and ammunition, import licence required",
            "lane": "red",
            "reference": _ILLUSTRATIVE,
            "status": "illustrative",
        },
        {
            "prefix": "3602",
            "control": "restricted",
            "description": "prepared explosives, import permit required",
            "lane": "red",
            "reference": _ILLUSTRATIVE,
            "status": "illustrative",
        },
    ],
}
"""The example configuration; every entry in it is illustrative."""
