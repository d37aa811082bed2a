"""Benchmark: the learning risk model against a paper-like LightGBM baseline, and live latency.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/risk.py [--seeds 3] [--calls 2000]``. Reads the
Customs Import Declaration Datasets' train (2020) and valid (2021 Q1) files from ../shared/data
(exits with a message when they are absent; nothing is written). Protocol A of risk-anchors.md
§4: fit on train, tune (early stopping, calibration) on valid only, rank every valid row, take
exactly the top ceil(n% x N) rows.

* **ours**: :func:`cafta.adapters.ml.training.train` (out-of-fold risk profiles, fraud and
  critical models, priority with a critical share), ranked by priority; also ranked by the
  fraud score alone;
* **baseline**: plain LightGBM with default parameters (100 trees) on the raw columns,
  categoricals label-encoded from train (unseen values -1), numbers raw, no profiles: the
  re-implementation of the paper's protocol (arXiv:2208.02484, §4.2; risk-anchors.md table B);
* **random**: the expectation of a random ranking.

Then the live path: ``--calls`` single declarations through ``RiskModel.assess`` (feature row in
pure Python, one-row LightGBM calls, reasons) and through ``ModelScorer.score`` on a
``RiskSubject``; p50 and p99 in milliseconds. Record results in docs/risk.md with the command.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from cafta.adapters.ml.csv_files import read_declarations
from cafta.adapters.ml.scorer import ModelScorer
from cafta.adapters.ml.training import TrainingSettings, train
from cafta.risk.dataset import Declaration
from cafta.risk.metrics import RATES, RankReport, rank_report
from cafta.risk.model import evaluate
from cafta.risk.subject import RiskItem, RiskSubject

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "customs-declarations"

_RAW_CATEGORIES = ("office", "process_type", "import_type", "import_use", "payment_type",
                   "transport_mode", "declarant", "importer", "seller", "courier", "hs6",
                   "departure", "origin", "tax_type", "origin_indicator")  # fmt: skip


def _encode(train_rows: Sequence[Declaration], rows: Sequence[Declaration]) -> NDArray[np.float64]:
    codes = {
        name: {v: i for i, v in enumerate(sorted({getattr(d, name) for d in train_rows}))}
        for name in _RAW_CATEGORIES
    }
    out = [
        [float(codes[name].get(getattr(d, name), -1)) for name in _RAW_CATEGORIES]
        + [d.tax_rate, d.net_mass, d.item_price, float(d.day.toordinal())]
        for d in rows
    ]
    return np.array(out, dtype=np.float64)


def baseline(
    train_rows: Sequence[Declaration], valid: Sequence[Declaration], seed: int
) -> RankReport:
    """Default LightGBM on label-encoded raw columns (no profiles)."""
    x, x_valid = _encode(train_rows, train_rows), _encode(train_rows, valid)
    y = np.array([d.is_fraud for d in train_rows], dtype=np.int_)
    params = {"objective": "binary", "seed": seed, "deterministic": True, "num_threads": 1,
              "verbosity": -1}  # fmt: skip
    booster = lgb.train(params, lgb.Dataset(x, y), num_boost_round=100)
    scores = np.asarray(booster.predict(x_valid, num_threads=1), dtype=np.float64)
    return rank_report(
        scores,
        np.array([d.is_fraud for d in valid]),
        np.array([d.is_critical for d in valid]),
    )


def _mean(reports: Sequence[RankReport]) -> tuple[dict[str, str], str]:
    def cell(values: list[float]) -> str:
        if len(values) == 1:
            return f"{values[0]:.3f}"
        return f"{statistics.mean(values):.3f}±{statistics.stdev(values):.3f}"

    cells = {}
    for n in RATES:
        k = str(n)
        cells[f"P@{n}%"] = cell([r.precision_at[k] for r in reports])
    for n in RATES:
        cells[f"R@{n}%"] = cell([r.recall_at[str(n)] for r in reports])
    for n in RATES:
        cells[f"crit@{n}%"] = cell([r.critical_recall_at[str(n)] for r in reports])
    return cells, cell([r.auc for r in reports])


def _latency(call: Callable[[int], object], calls: int) -> tuple[float, float]:
    for i in range(50):
        call(i)
    times = []
    for i in range(calls):
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    times.sort()
    return 1e3 * times[len(times) // 2], 1e3 * times[min(len(times) - 1, int(0.99 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    train_file, valid_file = DATA / "df_syn_train_eng.csv", DATA / "df_syn_valid_eng.csv"
    if not (train_file.exists() and valid_file.exists()):
        sys.exit("bench/risk.py needs ../shared/data/customs-declarations (train and valid files)")
    rows = read_declarations(train_file, labelled=True)
    valid = read_declarations(valid_file, labelled=True)
    print(f"python {platform.python_version()}, lightgbm {lgb.__version__}, "
          f"{platform.machine()}; train {len(rows):,} rows, valid {len(valid):,} rows")  # fmt: skip
    ours, ours_fraud, base, seconds = [], [], [], []
    model = None
    for seed in range(7, 7 + args.seeds):
        start = time.perf_counter()
        trained = train(rows, valid, TrainingSettings(seed=seed))
        seconds.append(time.perf_counter() - start)
        ours.append(evaluate(trained.model, valid))
        ours_fraud.append(evaluate(trained.model, valid, by="fraud"))
        base.append(baseline(rows, valid, seed))
        model = model or trained
    assert model is not None
    frauds, criticals = ours[0].frauds, ours[0].criticals
    table = [
        ("ours (priority)", *_mean(ours)),
        ("ours (fraud score only)", *_mean(ours_fraud)),
        ("LightGBM baseline (raw columns)", *_mean(base)),
        ("random (expected)", *_mean([RankReport.random_baseline(len(valid), frauds, criticals)])),
    ]
    columns = list(table[0][1])
    fit = statistics.mean(seconds)
    print(f"\nvalid 2021 Q1: {len(valid):,} rows, {frauds:,} frauds, {criticals} critical; "
          f"{args.seeds} seed(s), mean±sd; training {fit:.1f} s per fit")  # fmt: skip
    print("| ranking | " + " | ".join(columns) + " | AUC |")
    print("|---" * (len(columns) + 2) + "|")
    for name, cells, area in table:
        print(f"| {name} | " + " | ".join(cells[c] for c in columns) + f" | {area} |")

    risk = model.model
    sample = valid[: args.calls]
    p50, p99 = _latency(lambda i: risk.assess(sample[i % len(sample)]), args.calls)
    print(f"\nlive path, RiskModel.assess (features + 2 models + reasons), {args.calls} calls: "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms")  # fmt: skip
    scorer = ModelScorer(risk, {"CNY": 190.0})
    subjects = [
        RiskSubject(
            declaration_id=d.declaration_id, office="CNPXG", on=date(2026, 11, 30),
            importer=d.importer, declarant=d.declarant, exporter=d.seller or None,
            items=(RiskItem(line=d.hs6, origin=d.origin if len(d.origin) == 2 else "CN",
                            value=Decimal(str(round(d.item_price / 190, 2))), currency="CNY",
                            net_mass_kg=Decimal(str(d.net_mass))),),
        )
        for d in sample
    ]  # fmt: skip
    p50, p99 = _latency(lambda i: scorer.score(subjects[i % len(subjects)]), args.calls)
    print(f"live path, ModelScorer.score on a RiskSubject (1 item), {args.calls} calls: "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
