"""Benchmark: building the HS 2022 search index, and free-text queries on it, in one process.

Run: ``make bench`` (or ``.venv/bin/python bench/nomenclature.py [--builds B] [--queries N]
[--repeats R]``).
Writes nothing; prints the median and spread of B index builds (``LexicalSearcher`` over the
nomenclature's 6,936 documents, what the first HS search of a process pays) and of R timed
passes of N queries each, cycling through a fixed list of goods descriptions, so runs can be
compared. Record results in docs/performance.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from itertools import cycle, islice

from cafta.refdata.nomenclature import LexicalSearcher, Nomenclature

QUERIES = [
    "natural rubber smoked sheets", "durian", "durians fresh", "lithium ion battery",
    "lithium-ion batteries", "mung beans", "crude palm oil", "frozen shrimps and prawns",
    "motor cars with spark-ignition engine", "cotton t-shirts knitted", "dried cassava chips",
    "mobile telephones for cellular networks",
]  # fmt: skip
"""Goods descriptions as traders type them: the search tests' queries and a few more."""


def _spread(label: str, seconds: list[float], unit: str, scale: float) -> None:
    med = statistics.median(seconds)
    print(
        f"{label:<28} median {med * scale:>9,.2f} {unit}  min {min(seconds) * scale:>9,.2f} "
        f"{unit}  max {max(seconds) * scale:>9,.2f} {unit}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    nomenclature = Nomenclature.hs2022()
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    documents = nomenclature.documents()
    prepared = time.perf_counter() - t0
    print(
        f"python {platform.python_version()} on {platform.machine()}, {len(documents):,} "
        f"documents; {args.builds} builds, {args.repeats} passes of {args.queries:,} queries"
    )
    print(f"{'load HS 2022 (once)':<28} {loaded * 1e3:>16,.2f} ms")
    print(f"{'documents() (once)':<28} {prepared * 1e3:>16,.2f} ms")

    builds = []
    searcher = None
    for _ in range(args.builds):
        t0 = time.perf_counter()
        searcher = LexicalSearcher(documents)
        builds.append(time.perf_counter() - t0)
    _spread("index build", builds, "ms", 1e3)
    assert searcher is not None

    batch = list(islice(cycle(QUERIES), args.queries))
    for text in QUERIES:  # warm: every query once, outside the timing
        searcher.search(text)
    per_query = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for text in batch:
            searcher.search(text)
        per_query.append((time.perf_counter() - t0) / len(batch))
    _spread("query (limit 10)", per_query, "µs", 1e6)


if __name__ == "__main__":
    main()
