"""Origin schemes: the settings of one agreement's rules of origin, dated and sourced.

A :class:`Scheme` holds what the decision procedure needs besides product-specific rules: the
general rule, the chapters where its CTH option is open, the RVC formulas allowed, the de minimis
limits, the minimal operations that never confer origin, the cumulation area, the direct
consignment conditions and how Box 8 of the certificate is written. :data:`ACFTA` is the
ASEAN-China scheme as upgraded by the 2015 Protocol (in force in China from 20 August 2019,
GACC Announcement 2019 No. 136). Sources and tags follow acfta-rules.md §1:

* decision order WO → PE → PSR → general rule (KPMG summary of Announcement 136) [S];
* general rule RVC ≥ 40% (FOB) or CTH [C]; CTH only in 46 listed chapters [S], list not
  retrieved [U] — so the bundled chapter table is *illustrative* (every chapter open) until an
  official list is configured (:meth:`Scheme.with_cth_chapters`);
* build-down RVC [S]; build-up not found for ACFTA [U], so it is off;
* de minimis 10% of FOB, and for chapters 50–63 10% of weight or of FOB [C];
* regional cumulation of originating materials [S]; partial cumulation not available [U];
* the minimal-operations list is the ASEAN+1 pattern [U for the exact ACFTA list];
* direct consignment conditions [S/U].
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.provenance import Status
from cafta.core.vocabulary import parse_member
from cafta.origin.rule import Rule, parse_rule
from cafta.refdata.countries import group

__all__ = [
    "ACFTA",
    "ChapterTable",
    "MinimalOperation",
    "Scheme",
    "TransitOperation",
    "WhollyObtainedCategory",
    "parse_chapters",
    "scheme",
]


class WhollyObtainedCategory(StrEnum):
    """The ASEAN+1 wholly-obtained categories (a)–(j) (acfta-rules.md §1.2, [U] wording)."""

    PLANTS = "plants"
    LIVE_ANIMALS = "live-animals"
    FROM_LIVE_ANIMALS = "from-live-animals"
    HUNTING_FISHING = "hunting-fishing"
    MINERALS = "minerals"
    SEA_FISHING = "sea-fishing"
    FACTORY_SHIP = "factory-ship"
    SEABED = "seabed"
    WASTE_SCRAP = "waste-scrap"
    FROM_WHOLLY_OBTAINED = "from-wholly-obtained"

    @classmethod
    def parse(cls, text: str) -> WhollyObtainedCategory:
        letters = {chr(ord("a") + i): m.value for i, m in enumerate(cls)}
        return parse_member(cls, text, what="wholly-obtained category", code="origin.wo_category",
                            aliases=letters)  # fmt: skip


class MinimalOperation(StrEnum):
    """Operations that, alone or together, never confer origin (acfta-rules.md §1.8, [U])."""

    PRESERVATION = "preservation"
    PACKAGING_CHANGE = "packaging-change"
    WASHING = "washing"
    PAINTING = "painting"
    HUSKING = "husking"
    SUGAR_COLOURING = "sugar-colouring"
    PEELING = "peeling"
    CUTTING = "cutting"
    SORTING = "sorting"
    PACKING = "packing"
    MARKING = "marking"
    MIXING = "mixing"
    ASSEMBLY = "assembly"
    SLAUGHTER = "slaughter"
    DILUTION = "dilution"


class TransitOperation(StrEnum):
    """What may happen to goods in a transit country without breaking direct consignment."""

    UNLOADING = "unloading"
    RELOADING = "reloading"
    PRESERVATION = "preservation"


@dataclass(frozen=True, slots=True)
class ChapterTable:
    """The chapters where the general rule's CTH option is open, with its source."""

    chapters: frozenset[str]
    reference: str
    status: Status

    def allows(self, chapter: str) -> bool:
        return chapter in self.chapters


def parse_chapters(text: str) -> frozenset[str]:
    """``"01-24, 28, 39-40"`` → the two-digit chapters listed."""
    chapters: set[str] = set()
    for raw in text.replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise InvalidInput(
                f"'{part}' is not a chapter or a range of chapters",
                code="origin.invalid_chapters",
                hint="Write chapters like '01-24, 28, 39-40'.",
            ) from None
        if not 1 <= first <= last <= 97:
            raise InvalidInput(
                f"chapters '{part}' are not between 01 and 97", code="origin.invalid_chapters"
            )
        chapters.update(f"{c:02d}" for c in range(first, last + 1))
    if not chapters:
        raise InvalidInput("no chapters given", code="origin.invalid_chapters")
    return frozenset(chapters)


@dataclass(frozen=True, slots=True)
class Scheme:
    """One agreement's rules of origin; see the module docstring for ACFTA's sources."""

    code: str
    title: str
    validity: Validity
    reference: str
    parties_area: str
    """The country group (:mod:`cafta.refdata.countries`) whose members are parties."""
    general_rule: Rule
    general_rule_reference: str
    cth_chapters: ChapterTable
    build_up_allowed: bool
    de_minimis_percent: Decimal
    de_minimis_weight_chapters: frozenset[str]
    minimal_operations: frozenset[MinimalOperation]
    minimal_operations_status: Status
    transit_operations: frozenset[TransitOperation]
    consignment_status: Status
    rvc_box8: str
    """How Box 8 reads for an RVC claim; ``{percent}`` is the whole percentage, rounded down."""
    psr_box8: str

    def in_force(self, on: date) -> bool:
        return self.validity.contains(on)

    def parties_on(self, on: date) -> frozenset[str]:
        """The parties (alpha-2 codes) on a day."""
        return _members_on(self.parties_area, on)

    def with_cth_chapters(self, chapters: frozenset[str], reference: str) -> Scheme:
        """The scheme with an official list of chapters where the general CTH option is open."""
        table = ChapterTable(chapters, reference, Status.OFFICIAL)
        return replace(self, cth_chapters=table)

    def box8_for_rvc(self, percent: Decimal) -> str:
        whole = int(percent)  # toward zero: Box 8 never overstates the content
        return self.rvc_box8.format(percent=whole)


@lru_cache(maxsize=4096)
def _members_on(area: str, on: date) -> frozenset[str]:
    return group(area).members_on(on)


_ALL_CHAPTERS = frozenset(f"{c:02d}" for c in range(1, 98) if c != 77)

ACFTA = Scheme(
    code="ACFTA",
    title="ASEAN-China Free Trade Area, rules of origin as upgraded by the 2015 Protocol",
    validity=Validity(date(2019, 8, 20)),
    reference=(
        "Protocol to Amend the Framework Agreement (Kuala Lumpur, 21 Nov 2015), Annex 3 as "
        "revised; China: GACC Announcement 2019 No. 136 (in force 20 Aug 2019)"
    ),
    parties_area="ACFTA",
    general_rule=parse_rule("RVC(40) OR CTH"),
    general_rule_reference=(
        "ACFTA Rules of Origin, Rule 4 as revised: RVC not less than 40% of FOB, or CTH "
        "(MITI Malaysia; KPMG summary of GACC Announcement 2019 No. 136)"
    ),
    cth_chapters=ChapterTable(
        _ALL_CHAPTERS,
        "GACC Announcement 2019 No. 136 limits the general CTH option to 46 listed chapters "
        "(KPMG); the list was not retrieved, so every chapter is open here (illustrative)",
        Status.ILLUSTRATIVE,
    ),
    build_up_allowed=False,
    de_minimis_percent=Decimal(10),
    de_minimis_weight_chapters=frozenset(f"{c}" for c in range(50, 64)),
    minimal_operations=frozenset(MinimalOperation),
    minimal_operations_status=Status.ILLUSTRATIVE,
    transit_operations=frozenset(TransitOperation),
    consignment_status=Status.ILLUSTRATIVE,
    rvc_box8="RVC {percent}%",
    psr_box8="PSR",
)

_SCHEMES = {ACFTA.code: ACFTA}


def scheme(code: str) -> Scheme:
    """The scheme named ``code`` (case-insensitive): only ``ACFTA`` so far."""
    found = _SCHEMES.get(code.strip().upper())
    if found is None:
        raise NotFound(
            f"unknown origin scheme '{code}'",
            code="origin.unknown_scheme",
            hint=f"Use one of: {', '.join(_SCHEMES)}.",
        )
    return found
