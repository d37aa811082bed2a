"""``cafta risk``: train, score, evaluate and replay the learning risk model; manage versions.

Data files are CSV in the Customs Import Declaration Datasets format (``docs/risk.md``). A model
directory is a model store (``train --out`` adds a version there and activates it); commands
that read a model take the store (its active version) or one version's directory.

LightGBM, NumPy and SciPy are imported inside the commands: they take a third of a second to
import, which every other ``cafta`` command would otherwise pay at start (and a Ctrl-C then
would interrupt them).
"""

from __future__ import annotations

import csv
import random
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cafta.adapters.ml.csv_files import read_declarations, sha256
from cafta.cli.output import console, emit_json, errors, print_table
from cafta.core.errors import InvalidInput
from cafta.risk.quotas import LaneQuota
from cafta.risk.selection import Candidate, select_lanes

if TYPE_CHECKING:
    from cafta.risk.metrics import RankReport

app = typer.Typer(
    no_args_is_help=True,
    help="The learning risk engine: train, score, evaluate and replay; model versions.",
)
models_app = typer.Typer(no_args_is_help=True, help="List, activate and roll back model versions.")
app.add_typer(models_app, name="models")

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of tables.")]
DataFile = Annotated[
    Path, typer.Option("--data", help="Declarations, CSV in the data set's format.")
]
ModelDir = Annotated[
    Path,
    typer.Option("--model", help="A model store (its active version) or one version directory."),
]
StoreDir = Annotated[Path, typer.Option("--store", help="The model store directory.")]
Seed = Annotated[int, typer.Option(help="Seed of every random choice (same seed, same result).")]


def _share(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            f"--{name} '{text}' is not a number", hint="Write 0.03 for 3%."
        ) from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise InvalidInput(f"--{name} {text} is not a share from 0 to 1", hint="Write 0.03 for 3%.")
    return value


def _progress() -> Progress:
    """A progress bar on a terminal's standard error; none elsewhere (Rich's transient bar
    would leave an empty line there, before an error's one line)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )


@app.command("train")
def train_command(
    train_file: Annotated[Path, typer.Option("--train", help="Labelled training declarations.")],
    out: Annotated[Path, typer.Option("--out", help="The model store to add the version to.")],
    valid: Annotated[
        Path | None,
        typer.Option(help="Labelled validation declarations: early stopping and calibration."),
    ] = None,
    seed: Seed = 7,
    critical_share: Annotated[
        float, typer.Option(min=0.0, max=0.5, help="Share of inspections set by critical score.")
    ] = 0.15,
    stakes: Annotated[
        str, typer.Option(help="Rank by expected 'count' of frauds or expected 'duty'.")
    ] = "count",
    max_rounds: Annotated[int, typer.Option(min=1, help="Most boosting rounds.")] = 1000,
    as_json: Json = False,
) -> None:
    """Train a model, add it to the store at --out and activate it.

    Example: cafta risk train --train df_syn_train_eng.csv --valid df_syn_valid_eng.csv
    --out models/risk
    """
    from cafta.adapters.ml.store import ModelStore  # noqa: PLC0415 - loads LightGBM
    from cafta.adapters.ml.training import TrainingSettings, train  # noqa: PLC0415
    from cafta.risk.calibration import Stakes  # noqa: PLC0415 - loads NumPy

    settings = TrainingSettings(
        seed=seed,
        critical_share=critical_share,
        stakes=Stakes.parse(stakes),
        max_rounds=max_rounds,
        critical_rounds=min(TrainingSettings().critical_rounds, max_rounds),
    )
    with _progress() as progress:
        task = progress.add_task("reading data", total=3)
        rows = read_declarations(train_file, labelled=True)
        tune = read_declarations(valid, labelled=True) if valid else None
        progress.update(task, advance=1, description="training (out-of-fold features, 2 models)")
        trained = train(rows, tune, settings)
        progress.update(task, advance=1, description="writing the version")
        data = {"train": {"file": train_file.name, "sha256": sha256(train_file)}}
        if valid:
            data["valid"] = {"file": valid.name, "sha256": sha256(valid)}
        store = ModelStore(out)
        version = store.add(trained, data)
        store.activate(version)
        progress.update(task, advance=1)
    if as_json:
        emit_json({"version": version, "active": True, "store": str(out), **trained.metrics})
        return
    report = _report(trained.metrics)
    tuned = "the validation file" if valid else "the latest 15% of the training file"
    console.print(
        f"Trained {version} on {trained.rows['train']:,} rows ({trained.metrics['fraud_trees']} "
        f"fraud trees, {trained.metrics['critical_trees']} critical trees), tuned on {tuned}.",
        markup=False,
    )
    console.print(f"Added {version} to {out} and activated it.", markup=False)
    print_table(_table(f"On {tuned} ({report.rows:,} rows)", [("model", report)]))


def _report(metrics: dict[str, Any]) -> RankReport:
    from cafta.risk.metrics import RankReport  # noqa: PLC0415 - loads NumPy

    return RankReport(
        int(metrics["rows"]),
        int(metrics["frauds"]),
        int(metrics["criticals"]),
        metrics["precision_at"],
        metrics["recall_at"],
        metrics["critical_recall_at"],
        float(metrics["auc"]),
    )


def _table(title: str, reports: list[tuple[str, RankReport]]) -> Table:
    """One row per inspection rate; precision, recall and critical recall per ranking."""
    from cafta.risk.metrics import RATES  # noqa: PLC0415 - loads NumPy

    table = Table(title=title)
    table.add_column("top", justify="right")
    for name, _ in reports:
        table.add_column(f"{name}\nprecision", justify="right")
        table.add_column("recall", justify="right")
        table.add_column("critical\nrecall", justify="right")
    for n in RATES:
        cells = []
        for _, r in reports:
            key = str(n)
            cells += [
                f"{r.precision_at[key]:.3f}",
                f"{r.recall_at[key]:.3f}",
                f"{r.critical_recall_at[key]:.3f}",
            ]
        table.add_row(f"{n}%", *cells)
    table.add_row("AUC", *(cell for _, r in reports for cell in (f"{r.auc:.3f}", "", "")))
    return table


@app.command("score")
def score_command(
    model: ModelDir,
    data: DataFile,
    out: Annotated[Path, typer.Option("--out", help="Where to write the scores (CSV).")],
    red: Annotated[str, typer.Option(help="Red quota per office, a share.")] = "0.03",
    yellow: Annotated[str, typer.Option(help="Yellow quota per office, a share.")] = "0.10",
    random_share: Annotated[str, typer.Option(help="Share of the red quota drawn at random.")] = (
        "0.10"
    ),
    seed: Seed = 0,
) -> None:
    """Score declarations and choose their lanes by per-office quota; write a CSV.

    Columns: Declaration ID, fraud_score, critical_score, lane, reasons.
    Example: cafta risk score --model models/risk --data new.csv --out scores.csv
    """
    from cafta.adapters.ml.store import open_model  # noqa: PLC0415 - loads LightGBM

    quota = LaneQuota(
        red=_share(red, "red"),
        yellow=_share(yellow, "yellow"),
        random_share=_share(random_share, "random-share"),
    )
    loaded = open_model(model)
    rows = read_declarations(data)
    assessed = []
    with _progress() as progress:
        task = progress.add_task(f"scoring with {escape(loaded.version)}", total=len(rows))
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            assessed += loaded.model.assess_all(chunk)
            progress.update(task, advance=len(chunk))
    candidates = [
        Candidate(str(i), d.office, a.priority, a.expected_value)
        for i, (d, a) in enumerate(zip(rows, assessed, strict=True))
    ]
    lanes = select_lanes(candidates, lambda _: quota, random.Random(seed))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Declaration ID", "fraud_score", "critical_score", "lane", "reasons"])
        for a, lane in zip(assessed, lanes, strict=True):
            reasons = "; ".join((lane.reason, *a.reasons))
            writer.writerow(
                [a.declaration_id, f"{a.fraud_score:.6f}", f"{a.critical_score:.6f}",
                 str(lane.lane), reasons]
            )  # fmt: skip
    counts = {lane: sum(1 for s in lanes if s.lane == lane) for lane in ("red", "yellow", "green")}
    console.print(
        f"Scored {len(rows):,} declarations with model {loaded.version}: "
        f"{counts['red']:,} red, {counts['yellow']:,} yellow, {counts['green']:,} green; "
        f"wrote {out}.",
        markup=False,
    )


@app.command("evaluate")
def evaluate_command(model: ModelDir, data: DataFile, as_json: Json = False) -> None:
    """Precision and recall at 1, 2, 5 and 10% inspection, AUC, critical recall, random baseline.

    The top n% are exactly ceil(n% x rows) rows in the model's inspection order (priority).
    Example: cafta risk evaluate --model models/risk --data df_syn_valid_eng.csv --json
    """
    from cafta.adapters.ml.store import open_model  # noqa: PLC0415 - loads LightGBM
    from cafta.risk.metrics import RankReport  # noqa: PLC0415
    from cafta.risk.model import evaluate as evaluate_model  # noqa: PLC0415

    loaded = open_model(model)
    rows = read_declarations(data, labelled=True)
    report = evaluate_model(loaded.model, rows)
    by_fraud = evaluate_model(loaded.model, rows, by="fraud")
    baseline = RankReport.random_baseline(report.rows, report.frauds, report.criticals)
    if as_json:
        emit_json(
            {
                "model_version": loaded.version,
                **report.to_dict(),
                "fraud_score_only": by_fraud.to_dict(),
                "random": baseline.to_dict(),
            }
        )
        return
    print_table(
        _table(
            f"Model {escape(loaded.version)} on {escape(data.name)} ({report.rows:,} rows, "
            f"{report.frauds:,} frauds, {report.criticals:,} critical)",
            [
                ("model", report),
                ("fraud score", by_fraud),
                ("random", baseline),
            ],
        )
    )


@app.command("replay")
def replay_command(
    data: DataFile,
    inspection_rate: Annotated[str, typer.Option(help="Share inspected (red) each week.")] = "0.10",
    random_share: Annotated[str, typer.Option(help="Share of inspections drawn at random.")] = (
        "0.10"
    ),
    initial_days: Annotated[int, typer.Option(min=1, help="Days of fully labelled start.")] = 28,
    retrain_every: Annotated[int, typer.Option(min=1, help="Refit every N weeks.")] = 1,
    weeks: Annotated[int | None, typer.Option(min=1, help="Stop after N weeks.")] = None,
    rounds: Annotated[int, typer.Option(min=1, help="Boosting rounds per refit.")] = 150,
    seed: Seed = 7,
    as_json: Json = False,
) -> None:
    """Replay the data week by week: inspect what the policy selects, learn only those labels.

    Compares the learning policy with a static model and random selection at the same quota.
    Example: cafta risk replay --data df_syn_train_eng.csv --inspection-rate 0.05 --weeks 20
    """
    from cafta.adapters.ml.learner import LightGbmLearner  # noqa: PLC0415 - loads LightGBM
    from cafta.adapters.ml.training import TrainingSettings  # noqa: PLC0415
    from cafta.risk.replay import ReplaySettings, replay  # noqa: PLC0415 - loads NumPy

    settings = ReplaySettings(
        inspection_rate=_share(inspection_rate, "inspection-rate"),
        random_share=_share(random_share, "random-share"),
        initial_days=initial_days,
        retrain_every=retrain_every,
        max_weeks=weeks,
    )
    try:
        settings.quota  # noqa: B018 - checks the rate against the red hard cap
    except InvalidInput as error:
        raise InvalidInput(f"--inspection-rate: {error.message}") from None
    rows = read_declarations(data, labelled=True)
    learner = LightGbmLearner(TrainingSettings(seed=seed), rounds=rounds)
    with _progress() as progress:
        task = progress.add_task("replaying weeks", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = replay(rows, learner, settings, random.Random(seed), step)
    if as_json:
        emit_json(report.to_dict())
        return
    table = Table(title=f"Replay of {escape(data.name)}: {len(report.weeks)} weeks, "
                  f"{settings.inspection_rate * 100:g}% inspected, "
                  f"{settings.random_share * 100:g}% of it at random")  # fmt: skip
    for column in ("week", "rows", "inspected", "oracle", "policy", "static", "random",
                   "policy P", "static P", "random P"):  # fmt: skip
        table.add_column(column, justify="left" if column == "week" else "right")
    for w in report.weeks:
        table.add_row(
            w.start.isoformat(), str(w.rows), str(w.policy.inspected), str(w.oracle),
            str(w.policy.frauds), str(w.static.frauds), str(w.random.frauds),
            f"{w.policy.precision:.3f}", f"{w.static.precision:.3f}",
            f"{w.random.precision:.3f}",
        )  # fmt: skip
    p, s, r = report.total("policy"), report.total("static"), report.total("random")
    table.add_row(
        "total", str(sum(w.rows for w in report.weeks)), str(p.inspected), str(report.oracle),
        str(p.frauds), str(s.frauds), str(r.frauds), f"{p.precision:.3f}",
        f"{s.precision:.3f}", f"{r.precision:.3f}",
    )  # fmt: skip
    print_table(table)
    console.print(
        f"Critical cases caught: policy {p.criticals}, static {s.criticals}, random {r.criticals}."
    )


@models_app.command("list")
def models_list(store: StoreDir, as_json: Json = False) -> None:
    """List the versions in a model store; the active one is marked.

    Example: cafta risk models list --store models/risk
    """
    from cafta.adapters.ml.store import ModelStore  # noqa: PLC0415 - loads LightGBM

    models = ModelStore(store)
    versions = models.versions()
    active = models.active()
    if as_json:
        emit_json(
            [
                {
                    "version": m["version"],
                    "created": m["created"],
                    "active": m["version"] == active,
                    "status": m["status"],
                    "metrics": m["metrics"],
                }
                for m in versions
            ]
        )
        return
    if not versions:
        console.print(
            f"No model versions in {store}. Train one with 'cafta risk train'.", markup=False
        )
        return
    table = Table(title=f"Model versions in {escape(str(store))}")
    for column in ("version", "created", "status", "active", "P@5%", "P@10%", "AUC", "train"):
        table.add_column(column)
    for m in versions:
        metrics = m["metrics"]
        table.add_row(
            escape(m["version"]), escape(m["created"]), escape(m["status"]),
            "yes" if m["version"] == active else "",
            f"{metrics['precision_at']['5']:.3f}", f"{metrics['precision_at']['10']:.3f}",
            f"{metrics['auc']:.3f}", escape(m["training_data"]["train"]["file"]),
        )  # fmt: skip
    print_table(table)


@models_app.command("activate")
def models_activate(
    version: Annotated[str, typer.Argument(help="The version to activate, e.g. v0002.")],
    store: StoreDir,
) -> None:
    """Make a version the active one (scoring and the clearance pipeline use it).

    Example: cafta risk models activate v0002 --store models/risk
    """
    from cafta.adapters.ml.store import ModelStore  # noqa: PLC0415 - loads LightGBM

    ModelStore(store).activate(version)
    console.print(f"Activated {version} in {store}.", markup=False)


@models_app.command("rollback")
def models_rollback(store: StoreDir) -> None:
    """Activate the previously active version again.

    Example: cafta risk models rollback --store models/risk
    """
    from cafta.adapters.ml.store import ModelStore  # noqa: PLC0415 - loads LightGBM

    version = ModelStore(store).rollback()
    console.print(f"Rolled back {store} to {version}.", markup=False)
