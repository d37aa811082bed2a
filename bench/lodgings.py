"""Lodge declarations in process and nothing else: a workload for instruction counts.

Timings on this shared machine move by ±10% from one minute to the next; instruction counts
(``valgrind --tool=callgrind``) do not. Run it twice, with N and with 0, and divide the
difference by N for the instructions of one lodging (start-up and warm-up cancel out)::

    for n in 0 200; do
      OMP_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=cg.$n \\
          .venv/bin/python bench/lodgings.py $n
    done

The declarations are those of ``bench/clearance.py`` (5 items, no Form E); the first 50 warm
the caches (nomenclature, rates, schedule memo) and are not counted.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cafta import bootstrap
from cafta.services.clearance import Lodge
from cafta.services.ports import Principal, Role
from clearance import BROKER, IMPORTERS, declaration

WARM = 50


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as root:
        node = bootstrap.open_node(
            bootstrap.build(), f"sqlite:///{Path(root) / 'lodgings.db'}", upgrade=True,
            risk_seed=1,
        )  # fmt: skip
        broker = Principal(Role.BROKER, BROKER)
        register = getattr(node, "representations", None)  # None: a version before it
        for importer in IMPORTERS if register is not None else ():
            register.grant(Principal(Role.ADMIN, "bench"), BROKER, importer=importer)
        for n in range(WARM + count):
            node.clearance.lodge(Lodge(declaration(n), broker))
        node.close()


if __name__ == "__main__":
    main()
