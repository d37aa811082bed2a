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
watch-list (``ZZ-0000``) and go red. Officers then decide on a few of the held declarations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cafta.adapters.crypto import Ed25519Signer
from cafta.adapters.storage.trust_source import records_of
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.bootstrap import Node, Services
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.core.errors import Conflict
from cafta.services.clearance import Action, Decide, Lodge
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.tokens import issue_token

__all__ = ["DEMO_OFFICER", "SeedReport", "is_empty", "seed_node"]

DEMO_OFFICER = "Officer (demo)"
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
    tokens: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """``{"trader": (role, party, token), "officer": ..., "analyst": ...}``."""


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


def seed_node(
    node: Node, services: Services, *, days: int = 1, seed: int = 2026, force: bool = False
) -> SeedReport:
    """Fill ``node`` with ``days`` synthetic days of declarations (refused when it already
    holds declarations, unless ``force``) and create three sign-in tokens."""
    if not force and not is_empty(node):
        raise Conflict(
            "the database already has declarations; the demo seed fills an empty one only",
            code="demo.not_empty",
            hint="Use another --database, or --force to add the demo data anyway.",
        )
    rng = random.Random(seed)
    now = services.clock.now()
    on = services.clock.today()
    signers = {country: Ed25519Signer.generate() for country in _AUTHORITIES}
    with SqlUnitOfWork(node.engine) as uow:
        uow.trusted_keys.add_many(records_of(_trust(signers)), now)
        uow.commit()
    report = SeedReport()
    held = []
    for number in range(1, days * rng.randint(80, 110) + 1):
        document, kind = _declaration(rng, number, on, signers)
        declarant = document["declarant"]["name"]
        lodged = node.clearance.lodge(Lodge(document, Principal(Role.BROKER, declarant)))
        declaration = lodged.declaration
        report.declarations += 1
        _count(report.lanes, declaration.lane.lane.value if declaration.lane else "none")
        _count(report.certificates, kind)
        if declaration.status.value.startswith("held"):
            held.append(declaration.id)
    officer = Principal(Role.OFFICER, DEMO_OFFICER)
    for position, declaration_id in enumerate(held[: max(2, len(held) // 2)]):
        if position % 3 == 2:
            outcome = {"found": position % 2 == 0, "what": "undeclared goods (demo)"}
            if outcome["found"]:
                outcome["revenue_recovered"] = {"amount": "1200.00", "currency": "CNY"}
            command = Decide(declaration_id, officer, Action.INSPECT, "inspected (demo)", outcome)
        else:
            command = Decide(declaration_id, officer, Action.RELEASE, "documents in order (demo)")
        node.clearance.decide(command)
        report.decisions += 1
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    for record in records:
        _count(report.statuses, record.status)
    with node.uow() as uow:
        for name, role, party in (
            ("trader", Role.TRADER, IMPORTERS[0]),
            ("officer", Role.OFFICER, DEMO_OFFICER),
            ("analyst", Role.ADMIN, "Risk analyst (demo)"),
        ):
            token = issue_token(uow.tokens, role, party, now)
            report.tokens[name] = (role.value, party, token)
        uow.commit()
    return report


SIGNIN_URL = "http://127.0.0.1:8000/signin"


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
        f"Sign in at {SIGNIN_URL} (after 'cafta serve') with one of these tokens; they are "
        "shown once, only their hashes are stored:",
        markup=False,
    )
    notes = {"analyst": " (there is no analyst role: the analyst signs in as admin)"}
    for name, (role, party, token) in report.tokens.items():
        console.print(f"  {name}: {party}, role {role}{notes.get(name, '')}\n    {token}",
                      markup=False)  # fmt: skip
