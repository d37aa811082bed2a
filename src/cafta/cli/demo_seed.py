"""``cafta demo seed``: a node's database filled with a synthetic day at two border offices.

Everything it writes is made up and labelled so: every importer, exporter and broker is named
"... (demo)", every issuing-authority key is generated in memory for the run (only its public
half is stored, as a trusted key) and never leaves the process. The day is drawn from a seeded
:class:`random.Random`, so the same seed gives the same consignments (the declaration ids and
times are the node's own).

What a day holds, at Youyiguan (``CNYYG``) and Pingxiang (``CNPXG``): durian, mung beans,
natural rubber, lithium-ion cells, crude palm oil and mushrooms from Thailand, Viet Nam,
Malaysia, Myanmar and Indonesia. Most ACFTA claims carry a valid signed Form E in the claim;
some Form E name the consignee misspelt (accepted with discrepancies), some claims cite a
certificate the node never received (missing); a few trucks are on the illustrative
watch-list (``ZZ-0000``) and go red. The trucks arrive over the day by the hour; officers
decide on most held declarations within hours, the last ones stay in the queue. The brokers
lodge for the importers under written authorities (:data:`AUTHORITY_REFERENCE`) that a demo
operator records first, in force from a week before the seeded days
(:mod:`cafta.clearance.representation`).

The blue lane (released at once, audited later) needs a trusted-trader register and a blue
quota: with the demo's (``examples/risk/``, which ``make run`` names in ``CAFTA_TRUSTED_TRADERS``
and ``CAFTA_RISK_QUOTAS``), :data:`DEMO_AEO` is a trusted trader and a few of its declarations
go blue; without them the report says how to turn the lane on.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cafta.adapters.crypto import Ed25519Signer
from cafta.adapters.storage.trust_source import records_of
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.bootstrap import Node, Services
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.core.clock import FixedClock
from cafta.core.errors import Conflict
from cafta.services.clearance import Action, Decide, Lodge
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.tokens import issue_token

__all__ = ["DEMO_AEO", "DEMO_OFFICER", "SeedReport", "is_empty", "seed_node"]

DEMO_OFFICER = "Officer (demo)"
DEMO_OPERATOR = "Demo operator"
"""The administrator who records the brokers' written authorities."""
AUTHORITY_REFERENCE = "DEMO-WT-{:03d}"
"""The number of each demo broker's written authority (``WT``: wei tuo, entrustment)."""
AUTHORITY_LEAD = timedelta(days=7)
"""How long before the first seeded day the authorities run from."""
OFFICES = ("CNYYG", "CNPXG")
WATCHED_PLATE = "ZZ-0000"
"""On the illustrative watch-list of :mod:`cafta.risk.defaults`: a truck that goes red."""

_AUTHORITIES = {
    "TH": ("TH-DFT", "Department of Foreign Trade (demo key)"),
    "VN": ("VN-MOIT", "Ministry of Industry and Trade (demo key)"),
    "MY": ("MY-MITI", "Ministry of Investment, Trade and Industry (demo key)"),
    "MM": ("MM-MOC", "Ministry of Commerce (demo key)"),
    "ID": ("ID-MOT", "Ministry of Trade (demo key)"),
}

_EXPORTERS = {
    "TH": ["Chanthaburi Durian Export (demo)", "Songkhla Rubber Sheets (demo)"],
    "VN": ["Lang Son Agri Export (demo)", "Hai Phong Cell Works (demo)"],
    "MY": ["Johor Palm Oil Mills (demo)", "Penang Rubber Trading (demo)"],
    "MM": ["Mandalay Pulses Co. (demo)", "Yangon Beans Export (demo)"],
    "ID": ["Riau Palm Products (demo)", "Medan Rubber Export (demo)"],
}

IMPORTERS = (
    "Guangxi Fresh Fruit Trading (demo)",
    "Nanning Grain and Oil Imports (demo)",
    "Pingxiang Rubber Industry (demo)",
    "Liuzhou EV Battery Assembly (demo)",
)
BROKERS = ("Pingxiang Border Brokers (demo)", "Youyi Customs Services (demo)")
DEMO_AEO = IMPORTERS[2]
"""The importer that ``examples/risk/trusted-traders-demo.yaml`` registers as a trusted trader."""


@dataclass(frozen=True, slots=True)
class _Product:
    line: str  # the national line declared (cn.csv)
    form_e_line: str  # the subheading on the Form E
    description: str
    origins: tuple[str, ...]
    importer: int
    kg: tuple[int, int]
    cny_per_kg: tuple[str, str]
    claims: bool = True


_PRODUCTS = (
    _Product("0810.60.00", "0810.60", "Fresh durian (Monthong)", ("TH", "VN", "MY"), 0,
             (8000, 20000), ("32", "42")),
    _Product("0713.31.90", "0713.31", "Mung beans, dried", ("MM", "TH"), 1,
             (15000, 30000), ("6", "9")),
    _Product("4001.21.00", "4001.21", "Smoked sheets of natural rubber", ("TH", "MY", "ID", "VN"),
             2, (10000, 25000), ("10", "14")),
    _Product("8507.60.00.30", "8507.60", "Lithium-ion cells for electric vehicles", ("VN",), 3,
             (2000, 6000), ("180", "240"), claims=False),
    _Product("1511.10.00", "1511.10", "Crude palm oil", ("MY", "ID"), 1,
             (20000, 30000), ("7", "9")),
    _Product("0709.59.40", "0709.59", "Fresh mushrooms", ("VN", "TH"), 0,
             (3000, 8000), ("10", "16")),
)  # fmt: skip


@dataclass
class SeedReport:
    """What the seed wrote."""

    declarations: int = 0
    lanes: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    certificates: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    authorities: int = 0
    """Brokers' authorities in force for the whole seeded period (recorded or found)."""
    authorities_from: date | None = None
    """The day from which all of them are in force."""
    tokens: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """``{"trader": (role, party, token), "broker": ..., "officer": ..., "analyst": ...}``."""


def is_empty(node: Node) -> bool:
    """Whether the node's database holds no declaration yet."""
    with node.uow(read_only=True) as uow:
        return not uow.declarations.list(DeclarationFilter(limit=1))


def _misspelt(name: str) -> str:
    """The consignee as a careless clerk types it on the Form E."""
    return (
        name.replace(" Trading", " Tradng")
        .replace(" Imports", " Import")
        .replace(" Industry", " Industries")
        .replace(" Assembly", " Assembley")
    )


def _money(amount: Decimal) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": "CNY"}


def _form_e(rng: random.Random, origin: str, exporter: str, consignee: str, product: _Product,
            kg: int, on: date, number: int) -> dict[str, Any]:  # fmt: skip
    shipped = on - timedelta(days=rng.randint(1, 4))
    authority, _ = _AUTHORITIES[origin]
    return {
        "authority": authority, "exporting_party": origin, "importing_party": "CN",
        "issue_date": shipped.isoformat(),
        "exporter": {"name": exporter, "country": origin},
        "consignee": {"name": consignee, "country": "CN"},
        "transport": {"departure_date": shipped.isoformat(), "means": "truck (demo)",
                      "port_of_loading": "border depot (demo)", "port_of_discharge": "Youyiguan"},
        "invoice": {"number": f"DEMO-{on:%Y%m%d}-{number:03d}", "date": shipped.isoformat()},
        "items": [{"line": product.form_e_line, "description": product.description,
                   "criterion": "WO", "quantity": {"amount": str(kg), "unit": "kg"}}],
    }  # fmt: skip


def _declaration(rng: random.Random, number: int, on: date,
                 signers: dict[str, Ed25519Signer]) -> tuple[dict[str, Any], str]:  # fmt: skip
    """One consignment and what its claim holds (``valid``, ``discrepancy``, ``missing``,
    ``none``)."""
    product = rng.choice(_PRODUCTS)
    origin = rng.choice(product.origins)
    exporter = rng.choice(_EXPORTERS[origin])
    importer = IMPORTERS[product.importer]
    kg = rng.randint(*product.kg) // 100 * 100
    low, high = (Decimal(p) for p in product.cny_per_kg)
    price = low + (high - low) * Decimal(rng.randint(0, 100)) / 100
    value = (price * kg).quantize(Decimal("0.01"))
    plate = (
        WATCHED_PLATE
        if rng.random() < 0.06
        else f"GX-{rng.choice('ABFKL')}-{rng.randint(10000, 99999)}"
    )
    item: dict[str, Any] = {
        "line": product.line, "description": product.description, "origin": origin,
        "quantity": {"amount": str(kg), "unit": "kg"},
        "net_mass": {"amount": str(kg), "unit": "kg"},
        "value": _money(value), "incoterm": "CIF",
    }  # fmt: skip
    kind = "none"
    if product.claims:
        draw = rng.random()
        kind = "missing" if draw < 0.08 else "discrepancy" if draw < 0.2 else "valid"
        if draw > 0.92:
            kind = "none"  # no claim: MFN
        if kind == "missing":
            item["preference"] = {"scheme": "ACFTA",
                                  "certificate": f"E{on:%Y}{origin}-DEMO{number:06d}"}  # fmt: skip
        elif kind != "none":
            consignee = _misspelt(importer) if kind == "discrepancy" else importer
            request = _form_e(rng, origin, exporter, consignee, product, kg, on, number)
            _, envelope = issue(request, signers[origin])
            item["preference"] = {"scheme": "ACFTA", "certificate": envelope}
    document = {
        "type": "import", "office": OFFICES[0] if rng.random() < 0.7 else OFFICES[1],
        "declarant": {"name": rng.choice(BROKERS), "country": "CN"},
        "importer": {"name": importer, "country": "CN"},
        "exporter": {"name": exporter, "country": origin},
        "transport": {"mode": "road", "vehicle_plate": plate},
        "items": [item],
    }  # fmt: skip
    return document, kind


def _trust(signers: dict[str, Ed25519Signer]) -> TrustList:
    authorities = []
    keys = []
    for country, signer in signers.items():
        authority_id, name = _AUTHORITIES[country]
        authority = IssuingAuthority(authority_id, country, name)
        authorities.append(authority)
        keys.append(TrustedKey(authority, signer.public_key))
    return TrustList(tuple(authorities), tuple(keys), party="CN")


def _count(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


_HOURLY_PROFILE = (0, 0, 0, 0, 0, 0, 1, 3, 6, 9, 10, 8, 5, 6, 9, 10, 9, 7, 5, 3, 2, 1, 0, 0)
"""Relative arrivals per local hour at the border: the gates open at 06:00, the morning peak
comes when the first trucks have queued, a lull at midday, a second peak in the afternoon
(synthetic, shaped after the ports' own accounts of their opening hours)."""


def _arrivals(rng: random.Random, now: datetime, days: int) -> list[datetime]:
    """When the day's (or days') trucks arrive, oldest first, all before ``now``."""
    start = (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    hours = [start + timedelta(hours=h) for h in range(days * 24 + 1)]
    hours = [h for h in hours if h < now]
    weights = [_HOURLY_PROFILE[h.hour] for h in hours]
    if not any(weights):  # pragma: no cover - a window of a few night hours only
        weights = [1] * len(hours)
    count = sum(rng.randint(80, 110) for _ in range(days))
    times: list[datetime] = []
    while len(times) < count:
        hour = rng.choices(hours, weights)[0]
        at = hour + timedelta(seconds=rng.randint(0, 3599))
        if at < now:
            times.append(at)
    return sorted(times)


def _decision(rng: random.Random, declaration_id: str, status: str, officer: Principal) -> Decide:
    """What the officer decides on a held declaration."""
    if status == "held_for_inspection":
        found = rng.random() < 0.35
        outcome: dict[str, Any] = {
            "found": found,
            "what": "undeclared goods (demo)" if found else "nothing irregular (demo)",
        }
        if found:
            outcome["revenue_recovered"] = _money(Decimal(rng.randint(8, 60) * 100))
        return Decide(declaration_id, officer, Action.INSPECT, "inspected (demo)", outcome)
    if rng.random() < 0.1:
        return Decide(declaration_id, officer, Action.REJECT, "documents not produced (demo)")
    return Decide(declaration_id, officer, Action.RELEASE, "documents in order (demo)")


def _grant_authorities(node: Node, report: SeedReport, first: date, last: date) -> None:
    """Every demo broker given every demo importer's authority from :data:`AUTHORITY_LEAD`
    before ``first``, recorded by :data:`DEMO_OPERATOR`; one already in force from ``first`` to
    ``last`` (a database seeded again with ``--force``) is kept instead."""
    operator = Principal(Role.ADMIN, DEMO_OPERATOR)
    pairs = [(importer, broker) for importer in IMPORTERS for broker in BROKERS]
    for number, (importer, broker) in enumerate(pairs, start=1):
        held = node.representations.list(operator, importer=importer, broker=broker)
        kept = [r for r in held if r.in_force(first) and r.in_force(last)]
        if kept:
            since = kept[0].valid_from
        else:
            since = node.representations.grant(
                operator, broker, importer=importer, valid_from=first - AUTHORITY_LEAD,
                reference=AUTHORITY_REFERENCE.format(number),
            ).valid_from  # fmt: skip
        report.authorities += 1
        latest = report.authorities_from
        report.authorities_from = since if latest is None else max(latest, since)


def seed_node(
    node: Node, services: Services, *, days: int = 1, seed: int = 2026, force: bool = False
) -> SeedReport:
    """Fill ``node`` with ``days`` synthetic days of declarations (refused when it already
    holds declarations, unless ``force``) and create four sign-in tokens.

    The declarations arrive over the ``days`` days up to now, by the hour as trucks reach
    the border (:data:`_HOURLY_PROFILE`), each lodged at its own time; an officer decides on
    most held declarations 10 minutes to 3 hours later (those whose time has not come yet stay
    in the queue), so the timeline, the clearance times and the officers' queue look like a
    real day's."""
    if not force and not is_empty(node):
        raise Conflict(
            "the database already has declarations; the demo seed fills an empty one only",
            code="demo.not_empty",
            hint="Use another --database, or --force to add the demo data anyway.",
        )
    rng = random.Random(seed)
    now = services.clock.now()
    report = SeedReport()
    _grant_authorities(node, report, (now - timedelta(days=days)).date(), now.date())
    signers = {country: Ed25519Signer.generate() for country in _AUTHORITIES}
    with SqlUnitOfWork(node.engine) as keys:
        keys.trusted_keys.add_many(records_of(_trust(signers)), now)
        keys.commit()
    clock = FixedClock(now)
    clearance = replace(node.clearance, clock=clock)
    officer = Principal(Role.OFFICER, DEMO_OFFICER)
    pending: list[tuple[datetime, int, str, str]] = []
    seeded: set[str] = set()

    def decide_until(until: datetime) -> None:
        while pending and pending[0][0] <= until:
            at, _, declaration_id, status = heapq.heappop(pending)
            clock.instant = at
            clearance.decide(_decision(rng, declaration_id, status, officer))
            report.decisions += 1

    for number, at in enumerate(_arrivals(rng, now, days), start=1):
        decide_until(at)
        clock.instant = at
        document, kind = _declaration(rng, number, at.date(), signers)
        declarant = document["declarant"]["name"]
        lodged = clearance.lodge(Lodge(document, Principal(Role.BROKER, declarant)))
        declaration = lodged.declaration
        seeded.add(declaration.id)
        report.declarations += 1
        _count(report.lanes, declaration.lane.lane.value if declaration.lane else "none")
        _count(report.certificates, kind)
        if declaration.status.held and rng.random() < 0.8:
            decided = at + timedelta(minutes=rng.randint(10, 180))
            if decided < now:
                entry = (decided, number, declaration.id, declaration.status.value)
                heapq.heappush(pending, entry)
    decide_until(now)
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=100_000))
    for record in records:
        if record.id in seeded:  # with --force, what was there before is not the seed's
            _count(report.statuses, record.status)
    with node.uow() as uow:
        for name, role, party in (
            ("trader", Role.TRADER, IMPORTERS[0]),
            ("broker", Role.BROKER, BROKERS[0]),
            ("officer", Role.OFFICER, DEMO_OFFICER),
            ("analyst", Role.ADMIN, "Risk analyst (demo)"),
        ):
            token = issue_token(uow.tokens, role, party, now)
            report.tokens[name] = (role.value, party, token)
        uow.commit()
    return report


SIGNIN_URL = "http://127.0.0.1:8000/signin"
_NO_BLUE = (
    "  no blue lane: it needs a blue quota and a trusted-trader register; set "
    "CAFTA_RISK_QUOTAS=examples/risk/quotas-demo.yaml and "
    "CAFTA_TRUSTED_TRADERS=examples/risk/trusted-traders-demo.yaml (make run does)\n"
)


def _authorities_line(report: SeedReport) -> str:
    if not report.authorities:
        return ""
    since = f", in force from {report.authorities_from}" if report.authorities_from else ""
    return (
        f"Brokers hold authorities: {len(BROKERS)} demo brokers may declare for "
        f"{len(IMPORTERS)} demo importers (written authorities {AUTHORITY_REFERENCE.format(1)} "
        f"to {AUTHORITY_REFERENCE.format(report.authorities)}{since}; "
        "'cafta representations list')\n"
    )


def print_report(report: SeedReport) -> None:
    """What was written, and how to sign in with each token."""
    from cafta.cli.output import console  # noqa: PLC0415

    def counts(values: dict[str, int]) -> str:
        return ", ".join(f"{key} {value}" for key, value in sorted(values.items()))

    console.print(
        f"Seeded {report.declarations} synthetic declarations (demo data, not real trade) at "
        f"{' and '.join(OFFICES)}; {report.decisions} officer decisions.\n"
        f"  lanes: {counts(report.lanes)}\n"
        f"  statuses: {counts(report.statuses)}\n"
        f"  Form E claims: {counts(report.certificates)}\n"
        f"{'' if report.lanes.get('blue') else _NO_BLUE}"
        f"{_authorities_line(report)}"
        f"Sign in at {SIGNIN_URL} (after 'cafta serve') with one of these tokens; they are "
        "shown once, only their hashes are stored:",
        markup=False,
    )
    notes = {
        "broker": " (lodges for the demo importers under their authorities)",
        "analyst": " (there is no analyst role: the analyst signs in as admin)",
    }
    for name, (role, party, token) in report.tokens.items():
        console.print(f"  {name}: {party}, role {role}{notes.get(name, '')}\n    {token}",
                      markup=False)  # fmt: skip
