"""Benchmark: origin decisions per second for bills of 20 materials, in one process.

Run: ``make bench`` (or ``.venv/bin/python bench/origin.py [--boms N] [--repeats R]``). Writes
nothing; prints the median and spread of R timed passes over the same N bills of materials, a
seeded mix of products (general rule and PSR lines), origins, cumulated and non-originating
materials, so runs can be compared. Two figures: ``assess`` on parsed bills, and ``parse +
assess`` from the JSON-like document (what the CLI and API do). Record results in
docs/performance.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from cafta.origin.bom import parse_bom
from cafta.origin.decision import assess
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA

PRODUCTS = ["8507.60", "8504.40", "8471.30", "6109.10", "3923.21", "1511.90", "8517.13",
            "9403.60", "6403.99", "2105.00"]  # fmt: skip
MATERIAL_LINES = [
    "8507.90", "8542.31", "8532.24", "3926.90", "4819.10", "7318.15", "8544.42", "6006.22",
    "3901.10", "1511.10", "8504.90", "7606.12", "4011.10", "5208.52",
]  # fmt: skip
ORIGINS = ["TH", "VN", "MY", "ID", "KR", "JP", "TW", "DE", "US", "CN"]
PARTIES = ["VN", "TH", "MY", "ID", "PH", "KH"]


def documents(n: int, seed: int, materials: int) -> list[tuple[dict[str, Any], date]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        fob = rng.randint(50_000, 500_000)
        shares = [rng.random() for _ in range(materials)]
        scale = rng.uniform(0.4, 0.95) * fob / sum(shares)
        product = rng.choice(PRODUCTS)
        # One material in ten comes from the product's own heading, so CTH often fails and
        # the decision rests on RVC or de minimis.
        lines = [
            product[:4] + ".90" if rng.random() < 0.1 else rng.choice(MATERIAL_LINES)
            for _ in shares
        ]
        doc = {
            "scheme": "ACFTA",
            "exporting_party": rng.choice(PARTIES),
            "importing_party": "CN",
            "product": {
                "line": product,
                "description": "finished good",
                "fob": {"amount": f"{fob / 100:.2f}", "currency": "USD"},
                "processes": ["assembly", "testing"],
            },
            "materials": [
                {
                    "description": f"material {i}",
                    "line": lines[i],
                    "origin": rng.choice(ORIGINS),
                    "value": {"amount": f"{share * scale / 100:.2f}", "currency": "USD"},
                    "originating": rng.random() < 0.3,
                }
                for i, share in enumerate(shares)
            ],
        }
        out.append((doc, date(2026, 1, 5) + timedelta(days=rng.randint(0, 300))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boms", type=int, default=5_000)
    parser.add_argument("--materials", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    book = Rulebook(ACFTA)
    docs = documents(args.boms, args.seed, args.materials)
    parsed = [(parse_bom(doc), on) for doc, on in docs]
    originating = sum(assess(b, on, rulebook=book).originating for b, on in parsed)

    def timed(label: str, fn: Callable[[], None]) -> None:
        per_second = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            fn()
            per_second.append(args.boms / (time.perf_counter() - t0))
        med = statistics.median(per_second)
        print(
            f"{label:<16} median {med:>8,.0f}/s  min {min(per_second):>8,.0f}/s  "
            f"max {max(per_second):>8,.0f}/s  ({1e6 / med:.0f} µs each)"
        )

    def assess_only() -> None:
        for bom, on in parsed:
            assess(bom, on, rulebook=book)

    def parse_and_assess() -> None:
        for doc, on in docs:
            assess(parse_bom(doc), on, rulebook=book)

    print(
        f"python {platform.python_version()} on {platform.machine()}, {args.boms:,} bills of "
        f"{args.materials} materials x {args.repeats} passes (seed {args.seed}); "
        f"{originating / args.boms:.0%} originating"
    )
    timed("assess", assess_only)
    timed("parse + assess", parse_and_assess)


if __name__ == "__main__":
    main()
