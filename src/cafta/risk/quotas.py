"""Lane quotas: the share of declarations each lane should take, per office and period.

ASYCUDA sets, per lane, an *Expected Rate (%)* that selections are filled up to, and a *Minimum
Random Rate* (MODSEL, UNCTAD ASYCUDA++ Functional Manual §6): capacity quotas matching risk to
examination capacity. risk-anchors.md §5 recommends, per office and configurable, never
hard-coded:

=========  ==========================================  ===========================
lane       target share of declarations                default here
=========  ==========================================  ===========================
red        3%; allowed 1-5%; hard cap 10%              ``red=0.03``, ``red_cap=0.10``
random     about 10% of the red budget (0.3% of all)   ``random_share=0.10``
yellow     5-15%                                       ``yellow=0.10``
blue       optional, 1-2% (trusted traders)            ``blue=0`` (off until an office
                                                       runs post-clearance audits)
green      at least 80%: everything else               (the remainder)
=========  ==========================================  ===========================

The hard cap may not be set above 10% (:data:`MAX_RED_CAP`): Viet Nam's customs singled out
provinces above 10% red as too high (risk-anchors.md §5, "Observed rates in the region"), and
the Philippine experience of 80% red shows what over-inspection does to queues.

A :class:`QuotaTable` holds a default and dated per-office entries (UN/LOCODE); an office entry
gives only the fields it changes. Its document format is in ``docs/risk-rules.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.identifiers import locode
from cafta.risk.documents import check_known, optional_share, validity
from cafta.risk.rules import Lane, percent

__all__ = ["MAX_RED_CAP", "LaneQuota", "OfficeQuota", "QuotaTable"]

MAX_RED_CAP = Decimal("0.10")
"""The highest hard cap on the red share an office may configure (risk-anchors.md §5)."""

_CODE = "risk.invalid_quota"
_SHARES = ("red", "yellow", "blue", "random_share", "red_cap")


def _problem(key: str, message: str, hint: str | None = None) -> InvalidInput:
    """A quota error about ``key``; ``message`` starts with the key when it reads that way."""
    return InvalidInput(message, code=_CODE, hint=hint, details={"quota": key})


@dataclass(frozen=True, slots=True)
class LaneQuota:
    """Target shares of declarations per lane, the random share of red, and the red hard cap.

    Shares are exact fractions (``Decimal('0.03')`` is 3%). ``random_share`` is a share *of the
    red target*: the probability that a declaration is drawn red at random is
    ``red * random_share`` (:attr:`random_rate`).
    """

    red: Decimal = Decimal("0.03")
    yellow: Decimal = Decimal("0.10")
    blue: Decimal = Decimal(0)
    random_share: Decimal = Decimal("0.10")
    red_cap: Decimal = MAX_RED_CAP

    def __post_init__(self) -> None:
        for name in _SHARES:
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise _problem(name, f"{name} {value!r} is not an exact number (a Decimal)")
            if not Decimal(0) <= value <= Decimal(1):
                raise _problem(
                    name, f"{name} {value} is not a share from 0 to 1", "Write 0.03 for 3%."
                )
        if self.red_cap > MAX_RED_CAP:
            raise _problem(
                "red_cap",
                f"red_cap {self.red_cap} is above the highest hard cap {MAX_RED_CAP}",
                f"Examining more than {percent(MAX_RED_CAP)} of declarations is not a "
                "selectivity setting (risk-anchors.md §5).",
            )
        if self.red > self.red_cap:
            raise _problem("red", f"red {self.red} is above red_cap {self.red_cap}")
        if self.red + self.yellow + self.blue > 1:
            raise _problem(
                "yellow",
                f"red + yellow + blue = {self.red + self.yellow + self.blue} is above 1",
                "The lanes share one stream of declarations; green takes the rest.",
            )

    @property
    def random_rate(self) -> Decimal:
        """The probability that a declaration is drawn red at random (0.3% by default)."""
        return self.red * self.random_share

    @property
    def green(self) -> Decimal:
        """What is left for green once the other targets are met."""
        return 1 - self.red - self.yellow - self.blue

    def target(self, lane: Lane) -> Decimal:
        # Asked several times per declaration: no mapping is built for one answer.
        if lane == Lane.RED:
            return self.red
        if lane == Lane.YELLOW:
            return self.yellow
        if lane == Lane.BLUE:
            return self.blue
        if lane == Lane.GREEN:
            return self.green
        raise KeyError(lane)


def _office_code(text: str) -> str:
    return locode.compact(text)


@dataclass(frozen=True, slots=True)
class OfficeQuota:
    """The quota of one office (UN/LOCODE), in force over ``validity`` (always when ``None``)."""

    office: str
    quota: LaneQuota
    validity: Validity | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "office", _office_code(self.office))

    def active(self, on: date) -> bool:
        return self.validity is None or self.validity.contains(on)


def _overlap(a: OfficeQuota, b: OfficeQuota) -> bool:
    if a.validity is None or b.validity is None:
        return True
    return a.validity.overlaps(b.validity)


def _read_quota(fields: Fields, base: LaneQuota) -> LaneQuota:
    """The shares an object gives, over ``base``; a quota error is re-raised at its field."""
    changes: dict[str, Any] = {}
    for name in _SHARES:
        value = optional_share(fields, name)
        if value is not None:
            changes[name] = value
    try:
        return replace(base, **changes)
    except InvalidInput as error:
        key = str(error.details.get("quota", "red"))
        problem = error.message.removeprefix(f"{key} ")
        raise fields.error(key, problem, "invalid_quota", error.hint) from None


@dataclass(frozen=True, slots=True)
class QuotaTable:
    """Lane quotas per office, with a default for offices not listed."""

    default: LaneQuota = field(default_factory=LaneQuota)
    offices: tuple[OfficeQuota, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[str, list[OfficeQuota]] = {}
        for entry in self.offices:
            same = seen.setdefault(entry.office, [])
            if any(_overlap(entry, other) for other in same):
                raise InvalidInput(
                    f"office {entry.office} has two quotas in force on the same day",
                    code=_CODE,
                    hint="Give each quota of one office a validity that does not overlap.",
                )
            same.append(entry)

    def for_office(self, office: str, on: date) -> LaneQuota:
        """The quota in force for ``office`` on ``on``, else the default."""
        code = _office_code(office)
        for entry in self.offices:
            if entry.office == code and entry.active(on):
                return entry.quota
        return self.default

    @classmethod
    def from_document(cls, document: object) -> QuotaTable:
        """``{"default": {...shares}, "offices": [{"office": "VNHPH", ...shares}]}``.

        Shares: ``red``, ``yellow``, ``blue``, ``random_share`` (of red), ``red_cap``. An office
        entry may add ``valid_from`` / ``valid_to``; shares it omits come from ``default``.
        Errors name the field (``offices[1].red: 0.2 is above red_cap 0.1``).
        """
        doc = Fields(document, prefix="risk")
        check_known(doc, ("default", "offices"))
        default = LaneQuota()
        if doc.has("default"):
            base = doc.object("default")
            check_known(base, _SHARES)
            default = _read_quota(base, default)
        entries = []
        for item in doc.objects("offices", required=False):
            check_known(item, ("office", *_SHARES, "valid_from", "valid_to"))
            entries.append(
                OfficeQuota(item.text("office"), _read_quota(item, default), validity(item))
            )
        try:
            return cls(default, tuple(entries))
        except InvalidInput as error:
            raise doc.wrap(error, "offices") from None
