"""Countries (ISO 3166-1), the eleven CAFTA parties, and dated country groups.

Countries come from ``pycountry`` (ISO 3166-1 from the
Debian iso-codes project), with Chinese names from its ``zh_CN`` catalogue, except for the
eleven parties, which use the standard short Chinese names (a table below). Currencies are
ISO 4217 codes for the parties only.

Group membership is dated (:class:`cafta.core.dates.Validity`, both ends inclusive) and each
member carries its reference:

* ``ASEAN``: ASEAN Declaration, Bangkok, 8 August 1967; admissions per the ASEAN Secretariat's
  "Introduction to ASEAN" (http://www.businessinasean.com/en/about-asean/introduction-to-asean.html,
  https://www.asean.or.jp/en/asean/base/outline/). Timor-Leste was admitted on 26 October 2025
  (https://www.asiaone.com/asia/timor-leste-officially-admitted-asean-becoming-its-11th-member).
  It is not an ACFTA party, so ACFTA preferences are given to the area ``ACFTA``, never
  ``ASEAN``.
* ``ACFTA``: Agreement on Trade in Goods of the Framework Agreement on Comprehensive Economic
  Co-operation between ASEAN and the People's Republic of China, Vientiane, 29 November 2004.
* ``RCEP``: Regional Comprehensive Economic Partnership Agreement, Article 20.6 (entry into
  force 60 days after each party's deposit with the ASEAN Secretary-General); dates per member.
* ``LDC``: the UN list of least developed countries (UN DESA, "Creation of the LDC category and
  timeline of changes to LDC membership", https://policy.desa.un.org/themes/least-developed-countries-category/creation-of-the-ldc-category-and-timeline-of-changes-to).
* ``NON_MFN``: countries not entitled to most-favoured-nation treatment.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from cafta.core.dates import Validity
from cafta.core.errors import NotFound

__all__ = [
    "CAFTA_PARTIES",
    "Country",
    "CountryGroup",
    "GroupMember",
    "area_contains",
    "country",
    "group",
    "groups",
    "groups_of",
]

CAFTA_PARTIES: tuple[str, ...] = (
    "CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN",
)  # fmt: skip
"""China first, then the ten ASEAN states in ASEAN's order (alphabetical by English name)."""

# Standard short Chinese names of the parties (as used by MOFCOM and the China-ASEAN FTA
# texts). pycountry's zh_CN catalogue is not used for them: it gives the long official forms
# for some ("老挝人民民主共和国") and misspells Cambodia as 柬埔塞 (correct: 柬埔寨).
_PARTY_NAMES_ZH = {
    "CN": "中国", "BN": "文莱", "KH": "柬埔寨", "ID": "印度尼西亚", "LA": "老挝", "MY": "马来西亚",
    "MM": "缅甸", "PH": "菲律宾", "SG": "新加坡", "TH": "泰国", "VN": "越南",
}  # fmt: skip

# The parties' names in Vietnamese (Bộ Ngoại giao's forms and the short forms in common use),
# folded to lower case as look-ups are.
_PARTY_NAMES_VI = {
    "việt nam": "VN", "viet nam": "VN", "trung quốc": "CN", "thái lan": "TH", "lào": "LA",
    "campuchia": "KH", "cam-pu-chia": "KH", "mi-an-ma": "MM", "myanmar": "MM",
    "miến điện": "MM", "ma-lai-xi-a": "MY", "malaysia": "MY", "xin-ga-po": "SG",
    "singapore": "SG", "in-đô-nê-xi-a": "ID", "indonesia": "ID", "phi-líp-pin": "PH",
    "philippines": "PH", "bru-nây": "BN", "brunei": "BN",
}  # fmt: skip

# ISO 4217 currencies of the parties.
_CURRENCIES = {
    "CN": "CNY", "BN": "BND", "KH": "KHR", "ID": "IDR", "LA": "LAK", "MY": "MYR",
    "MM": "MMK", "PH": "PHP", "SG": "SGD", "TH": "THB", "VN": "VND",
}  # fmt: skip

# Names people use that ISO 3166 does not list.
_ALIASES = {"burma": "MM", "brunei": "BN", "lao pdr": "LA", "east timor": "TL"}

_UNKNOWN_HINT = "Use an ISO 3166 code such as TH or VN."


@dataclass(frozen=True, slots=True)
class Country:
    """A country: ISO 3166-1 codes, English and Chinese names, and (for parties) its currency.

    ``name_en`` is the common name where ISO has one ("Vietnam", "Laos"), ``iso_name`` the ISO
    3166-1 short name ("Viet Nam", "Lao People's Democratic Republic").
    """

    alpha2: str
    alpha3: str
    numeric: str
    name_en: str
    name_zh: str
    currency: str | None
    iso_name: str

    @property
    def is_cafta_party(self) -> bool:
        return self.alpha2 in CAFTA_PARTIES


@cache
def _zh_catalogue() -> gettext.NullTranslations:
    import pycountry  # noqa: PLC0415 - loaded on first use

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])


@cache
def _by_alpha2(alpha2: str) -> Country:
    import pycountry  # noqa: PLC0415 - loaded on first use

    record = pycountry.countries.get(alpha_2=alpha2)
    if record is None:
        raise NotFound(
            f"no country has the code '{alpha2}'", code="country.unknown", hint=_UNKNOWN_HINT
        )
    iso_name = str(record.name)
    return Country(
        alpha2=alpha2,
        alpha3=str(record.alpha_3),
        numeric=str(record.numeric),
        name_en=str(getattr(record, "common_name", iso_name)),
        name_zh=_PARTY_NAMES_ZH.get(alpha2) or _zh_catalogue().gettext(iso_name),
        currency=_CURRENCIES.get(alpha2),
        iso_name=iso_name,
    )


@lru_cache(maxsize=1024)
def _resolve(key: str) -> str | None:
    import pycountry  # noqa: PLC0415 - loaded on first use

    if key in _ALIASES:
        return _ALIASES[key]
    if key in _PARTY_NAMES_VI:
        return _PARTY_NAMES_VI[key]
    for alpha2, name in _PARTY_NAMES_ZH.items():
        if key == name:
            return alpha2
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


def country(text: str) -> Country:
    """A country by alpha-2 or alpha-3 code (any case), ISO or common English name.

    The parties can also be named in Chinese (泰国) and Vietnamese (Thái Lan). Unknown text raises
    ``NotFound`` with code ``country.unknown``.
    """
    # NFC: a name typed on some keyboards arrives with its accents as separate characters.
    key = unicodedata.normalize("NFC", " ".join(text.split()).lower())
    alpha2 = _resolve(key) if key else None
    if alpha2 is None:
        raise NotFound(
            f"no country is known as '{text}'",
            code="country.unknown",
            hint=_UNKNOWN_HINT,
            details={"text": text},
        )
    return _by_alpha2(alpha2)


# --- groups ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupMember:
    """A country's membership of a group over a validity period, with its reference."""

    alpha2: str
    validity: Validity
    reference: str


@dataclass(frozen=True, slots=True)
class CountryGroup:
    """A named, dated set of countries (an FTA's parties, a UN category)."""

    code: str
    name: str
    members: tuple[GroupMember, ...]
    reference: str

    def members_on(self, on: date) -> frozenset[str]:
        """Alpha-2 codes of the members on a day."""
        return frozenset(m.alpha2 for m in self.members if m.validity.contains(on))

    def contains(self, alpha2: str, on: date) -> bool:
        code = alpha2.strip().upper()
        return any(m.alpha2 == code and m.validity.contains(on) for m in self.members)


def _members(refs: Mapping[str, tuple[date, date | None, str]]) -> tuple[GroupMember, ...]:
    return tuple(
        GroupMember(alpha2, Validity(start, end), reference)
        for alpha2, (start, end, reference) in refs.items()
    )


_ASEAN_SECRETARIAT = (
    "ASEAN Secretariat, Introduction to ASEAN "
    "(http://www.businessinasean.com/en/about-asean/introduction-to-asean.html)"
)


def _asean() -> CountryGroup:
    founding = (date(1967, 8, 8), None, "ASEAN Declaration (Bangkok), 8 August 1967")
    return CountryGroup(
        code="ASEAN",
        name="Association of Southeast Asian Nations",
        reference="ASEAN Declaration (Bangkok Declaration), 8 August 1967",
        members=_members(
            {
                "ID": founding,
                "MY": founding,
                "PH": founding,
                "SG": founding,
                "TH": founding,
                # The ASEAN-Japan Centre gives 8 January 1984; the Secretariat's text 7 January.
                "BN": (date(1984, 1, 7), None, f"{_ASEAN_SECRETARIAT}: joined 7 January 1984"),
                "VN": (date(1995, 7, 28), None, f"{_ASEAN_SECRETARIAT}: joined 28 July 1995"),
                "LA": (date(1997, 7, 23), None, f"{_ASEAN_SECRETARIAT}: joined 23 July 1997"),
                "MM": (date(1997, 7, 23), None, f"{_ASEAN_SECRETARIAT}: joined 23 July 1997"),
                "KH": (date(1999, 4, 30), None, f"{_ASEAN_SECRETARIAT}: joined 30 April 1999"),
                "TL": (
                    date(2025, 10, 26),
                    None,
                    "Admitted as the 11th member at the 47th ASEAN Summit, Kuala Lumpur, 26 "
                    "October 2025 (https://www.asiaone.com/asia/timor-leste-officially-admitted-"
                    "asean-becoming-its-11th-member)",
                ),
            }
        ),
    )


def _acfta() -> CountryGroup:
    reference = (
        "Agreement on Trade in Goods of the ASEAN-China Framework Agreement on Comprehensive "
        "Economic Co-operation, Vientiane, 29 November 2004. Tariff reduction was scheduled "
        "from 1 July 2005 and began on 20 July 2005 (MOFCOM via China Daily, 28 June 2005, "
        "http://english.china.org.cn/english/international/133318.htm; China Daily, 21 July "
        "2005, http://english.china.org.cn/english/2005/Jul/135617.htm); each party's own "
        "schedule governs its rates"
    )
    start = date(2005, 7, 20)
    return CountryGroup(
        code="ACFTA",
        name="ASEAN-China Free Trade Area",
        reference=reference,
        members=_members(dict.fromkeys(CAFTA_PARTIES, (start, None, reference))),
    )


def _rcep() -> CountryGroup:
    first = (
        date(2022, 1, 1),
        None,
        "In force 1 January 2022 for the first ten ratifying states (ASEAN Secretariat "
        "statement of 3 November 2021, reported at https://www.medcom.id/english/business/"
        "GNlg0MgK-rcep-agreement-to-enter-into-force-in-january-2022)",
    )
    members: dict[str, tuple[date, date | None, str]] = dict.fromkeys(
        ("BN", "KH", "LA", "SG", "TH", "VN", "CN", "JP", "NZ", "AU"), first
    )
    members["KR"] = (
        date(2022, 2, 1),
        None,
        "In force for Korea 1 February 2022 (https://pakistantoday.com.pk/2022/02/01/"
        "rcep-trade-pact-takes-effect-in-south-korea)",
    )
    members["MY"] = (
        date(2022, 3, 18),
        None,
        "Deposit 17 January 2022, in force 18 March 2022 under Art. 20.6 (MITI statement, "
        "https://themalaysianreserve.com/2022/01/21/malaysia-to-ratify-rcep-on-march-18/)",
    )
    members["MM"] = (
        date(2022, 5, 1),
        None,
        "CONTESTED: in force 1 May 2022 by the depositary's count "
        "(https://www.scirp.org/journal/paperinformation.aspx?paperid=132629), but New Zealand "
        "and the Philippines declared they do not accept Myanmar's instrument of ratification "
        "(https://www.bilaterals.org/spip.php?page=print-art&id_article=45880); treatment "
        "differs by importing party",
    )
    members["ID"] = (
        date(2023, 1, 2),
        None,
        "Deposit 3 November 2022, in force 2 January 2023 (Japan METI/MOFA notice, "
        "https://portal-worlds.com/news/asean/29182)",
    )
    members["PH"] = (
        date(2023, 6, 2),
        None,
        "Deposit 3 April 2023, in force 2 June 2023 "
        "(https://www.portcalls.com/rcep-to-take-effect-in-ph-on-june-2/)",
    )
    return CountryGroup(
        code="RCEP",
        name="Regional Comprehensive Economic Partnership",
        reference="RCEP Agreement, signed 15 November 2020; entry into force per Article 20.6",
        members=_members(members),
    )


_UN_LDC_TIMELINE = (
    "UN DESA, timeline of LDC membership (https://policy.desa.un.org/themes/"
    "least-developed-countries-category/creation-of-the-ldc-category-and-timeline-of-changes-to)"
)


def _ldc() -> CountryGroup:
    return CountryGroup(
        code="LDC",
        name="UN least developed countries (among the CAFTA parties)",
        reference=_UN_LDC_TIMELINE,
        members=_members(
            {
                # Inclusion years from the UN DESA timeline; the day within 1987 and 1991 is not
                # sourced and 1 January is used (it predates ACFTA, so no computation sees it).
                "KH": (
                    date(1991, 1, 1),
                    None,
                    f"{_UN_LDC_TIMELINE}: included 1991; graduation scheduled for 2029, exact "
                    "date not confirmed, so left open",
                ),
                "LA": (
                    date(1971, 11, 18),
                    date(2026, 11, 23),
                    "Listed by GA resolution 2768 (XXVI) of 18 November 1971; graduates on "
                    "24 November 2026 under GA resolution A/RES/76/8 (UN Resident Coordinator, "
                    "https://laopdr.un.org/en/285830-opening-remarks-smooth-transition-strategy-"
                    "dissemination-meeting), so an LDC up to 23 November 2026",
                ),
                "MM": (date(1987, 1, 1), None, f"{_UN_LDC_TIMELINE}: included 1987"),
            }
        ),
    )


def _non_mfn() -> CountryGroup:
    return CountryGroup(
        code="NON_MFN",
        name="Countries without most-favoured-nation treatment",
        reference=(
            "Regulations of the PRC on Import and Export Duties and Tariff Law of the PRC: goods "
            "originating outside the MFN, agreement and special-preferential groups, or of "
            "unknown origin, pay the general (普通) rate"
        ),
        members=(),
    )


_GROUP_BUILDERS: dict[str, Callable[[], CountryGroup]] = {
    "ASEAN": _asean,
    "ACFTA": _acfta,
    "RCEP": _rcep,
    "LDC": _ldc,
    "NON_MFN": _non_mfn,
}


@cache
def _built(code: str) -> CountryGroup:
    return _GROUP_BUILDERS[code]()


def group(code: str) -> CountryGroup:
    """A country group by code (any case): ``ASEAN``, ``ACFTA``, ``RCEP``, ``LDC``, ``NON_MFN``.

    ``NON_MFN`` lists countries not entitled to MFN treatment (none by default); the "general"
    tariff column applies to goods originating in them. Unknown codes raise ``NotFound``
    (``country.unknown_group``).
    """
    key = code.strip().upper()
    if key not in _GROUP_BUILDERS:
        raise NotFound(
            f"no country group is called '{code}'",
            code="country.unknown_group",
            hint=f"Known groups: {', '.join(_GROUP_BUILDERS)}.",
            details={"group": code},
        )
    return _built(key)


def groups() -> list[CountryGroup]:
    """Every known group."""
    return [group(code) for code in _GROUP_BUILDERS]


def groups_of(alpha2: str, on: date) -> list[str]:
    """Codes of the groups a country belongs to on a day."""
    return [g.code for g in groups() if g.contains(alpha2, on)]


def area_contains(area: str, alpha2: str, on: date) -> bool:
    """Whether a geographical area covers a country on a day.

    ``area`` is ``*`` (every country), an alpha-2 code, or a group code. An unknown alpha-2
    code raises ``NotFound`` (``country.unknown``), any other unknown area
    ``country.unknown_group``.
    """
    area_code = area.strip().upper()
    code = alpha2.strip().upper()
    if area_code == "*":
        return True
    if len(area_code) == 2 and area_code not in _GROUP_BUILDERS:
        return country(area_code).alpha2 == code
    return group(area_code).contains(code, on)
