"""The origin criterion shown in Box 8 of a Form E.

The 2019 Form E (GACC Announcement 2019 No. 136, Annex 2; domain brief acfta-rules.md §1.13)
names the criterion the goods meet: ``WO`` (wholly obtained), ``PE`` (produced entirely from
originating materials), ``CTH`` (change of tariff heading), ``PSR`` (a product-specific rule), or a
regional value content with its percentage. ``CTSH`` and ``CC`` are accepted too, as they appear
in product-specific rules. How the percentage is written is not confirmed [U], so the parser is
tolerant: ``RVC 45%``, ``RVC45%``, ``rvc 45.5 %`` and a bare ``45%`` all read as RVC 45.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cafta.core.errors import InvalidInput

__all__ = ["CriterionKind", "OriginCriterion"]


class CriterionKind(StrEnum):
    WO = "WO"
    PE = "PE"
    CTH = "CTH"
    CTSH = "CTSH"
    CC = "CC"
    PSR = "PSR"
    RVC = "RVC"


_RVC = re.compile(r"^(?:RVC)?\s*(\d{1,3}(?:\.\d{1,4})?)\s*%?$")
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class OriginCriterion:
    """A Box 8 criterion; ``percent`` is set for RVC only."""

    kind: CriterionKind
    percent: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.kind is CriterionKind.RVC) != (self.percent is not None):
            raise InvalidInput(
                "a percentage goes with the RVC criterion and only with it",
                code="certificate.invalid_criterion",
            )
        if self.percent is not None and not Decimal(0) <= self.percent <= _HUNDRED:
            raise InvalidInput(
                f"RVC {self.percent}% is not a percentage between 0 and 100",
                code="certificate.invalid_criterion",
            )

    @classmethod
    def parse(cls, text: str) -> OriginCriterion:
        """Read ``WO``, ``PE``, ``CTH``, ``CTSH``, ``CC``, ``PSR`` or an RVC with a percentage."""
        word = " ".join(text.split()).upper()
        if word in CriterionKind.__members__ and word != "RVC":
            return cls(CriterionKind(word))
        found = _RVC.match(word)
        if found is None or not (word.startswith("RVC") or word.endswith("%")):
            raise InvalidInput(
                f"'{text}' is not an origin criterion",
                code="certificate.invalid_criterion",
                hint="Use WO, PE, CTH, CTSH, CC, PSR, or RVC with its percentage, e.g. 'RVC 45%'.",
            )
        return cls(CriterionKind.RVC, Decimal(found.group(1)))

    @property
    def is_rvc(self) -> bool:
        return self.kind is CriterionKind.RVC

    def __str__(self) -> str:
        return f"RVC {self.percent:f}%" if self.percent is not None else self.kind.value
