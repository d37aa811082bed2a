"""Benchmark: duty calculations per second in one process.

Run: ``make bench`` (or ``.venv/bin/python bench/tariff.py [--requests N] [--repeats R]``).
Writes nothing; prints the median and spread of R timed passes over the same N requests, a
seeded mix of lines, origins, currencies, proofs and dates, so runs can be compared. Record
results in docs/performance.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.refdata.exchange_rates import default_rate_provider
from cafta.tariff.duty import DutyRequest, Incoterm, assess
from cafta.tariff.lookup import lookup
from cafta.tariff.measure import Proof
from cafta.tariff.schedule import Schedule, bundled_schedule

LINES = [
    "0810.60", "4001.21", "8507.60.00.30", "8507.60.00.90", "8703.24.29", "1511.90.20.01",
    "0713.31.90", "3004.49", "0709.59.40", "1507.90",
]  # fmt: skip
ORIGINS = ["TH", "VN", "MY", "ID", "MM", "LA", "PH", "KR", "US"]


def requests(n: int, seed: int, days: int) -> list[DutyRequest]:
    """``n`` requests declared over ``days`` days (1: one day at the port)."""
    rng = random.Random(seed)
    start = date(2025, 1, 6)
    out = []
    for _ in range(n):
        currency = rng.choice(["CNY", "CNY", "CNY", "USD"])
        value = Decimal(rng.randint(1_000, 2_000_000)) / 100
        fob = rng.random() < 0.3
        out.append(
            DutyRequest(
                line=rng.choice(LINES),
                origin=rng.choice(ORIGINS),
                destination="CN",
                value=Money(value, currency),
                on=start + timedelta(days=rng.randint(0, days - 1)),
                incoterm=Incoterm.FOB if fob else Incoterm.CIF,
                freight=Money(value / 20, currency) if fob else None,
                quantity=Quantity(Decimal(rng.randint(1, 50_000)), "kg"),
                proofs=frozenset({Proof.FORM_E}) if rng.random() < 0.6 else frozenset(),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    def timed(
        label: str, batch: list[DutyRequest], fn: Callable[[Schedule, DutyRequest], object]
    ) -> None:
        per_second = []
        for _ in range(args.repeats):
            schedule = Schedule(bundled_schedule())  # every pass starts with an empty memo
            t0 = time.perf_counter()
            for req in batch:
                fn(schedule, req)
            per_second.append(len(batch) / (time.perf_counter() - t0))
        med = statistics.median(per_second)
        print(
            f"{label:<24} median {med:>10,.0f}/s  min {min(per_second):>10,.0f}/s  "
            f"max {max(per_second):>10,.0f}/s  ({1e6 / med:.1f} µs each)"
        )

    rates = default_rate_provider()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {args.requests:,} "
        f"requests x {args.repeats} passes (seed {args.seed}), each pass from an empty memo"
    )
    for req in requests(200, args.seed + 1, 30):  # load the nomenclature, countries, ECB table
        assess(req, bundled_schedule(), rates)
    for days, mix in ((1, "one day"), (600, "over 600 days")):
        batch = requests(args.requests, args.seed, days)
        timed(f"lookup, {mix}", batch, lambda s, r: lookup(s, r.line, r.origin, "CN", r.on))
        timed(f"assess, {mix}", batch, lambda s, r: assess(r, s, rates))


if __name__ == "__main__":
    main()
