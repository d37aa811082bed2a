"""The model store: versioned risk-model artefacts, an active pointer, and rollback.

Layout of a store at ``DIR``::

    DIR/active.json            {"version": "v0002", "previous": ["v0001"]}
    DIR/v0001/manifest.json    version, created, training data SHA-256, rows, parameters,
                               features, calibration, metrics on the tuning rows, status
    DIR/v0001/model.txt        the fraud model (LightGBM's text format)
    DIR/v0001/critical.txt     the critical-fraud model (LightGBM's text format)
    DIR/v0001/features.json    vocabularies, reference values per kg and risk profiles
    DIR/v0001/priority.json    the priority's reference score distributions

A version is written into a temporary directory and renamed into place, so it appears whole or
not at all; the pointer is written to a temporary file, flushed and renamed over the old one
(atomic on POSIX). The clearance pipeline loads the active version. Activating a version pushes
the one it replaces onto ``previous``; :meth:`ModelStore.rollback` activates the top of that
list. A version's ``status`` is ``validated`` when it was tuned and measured on a separate
validation file, ``unvalidated`` when on a held-out share of its training file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb

from cafta.adapters.ml.booster import LightGbmTrees
from cafta.adapters.ml.training import TrainedModel, booster_params
from cafta.core.clock import Clock, SystemClock
from cafta.core.errors import Conflict, InvalidInput, NotFound
from cafta.risk.calibration import Platt, Priority, Stakes
from cafta.risk.features import FEATURES, FeatureBuilder
from cafta.risk.model import RiskModel

__all__ = ["LoadedModel", "ModelStore", "open_model"]

_VERSION = re.compile(r"^v(\d{4,})$")
_POINTER = "active.json"
_MANIFEST = "manifest.json"
_CODE = "risk.model_store"


def _write_json(path: Path, document: Any) -> None:
    """Write ``document`` to ``path`` atomically (temporary file, fsync, rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file", code=_CODE) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: not a JSON document ({error})", code=_CODE) from None


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model read from the store, with its manifest."""

    model: RiskModel
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


def load_version(directory: Path) -> LoadedModel:
    """The model in one version directory."""
    manifest = _read_json(directory / _MANIFEST)
    if manifest.get("features") != list(FEATURES):
        raise InvalidInput(
            f"{directory.name}: the model was trained on other features than this release "
            "computes; train a new version",
            code=_CODE,
        )
    for name in ("model.txt", "critical.txt"):
        if not (directory / name).is_file():
            raise NotFound(f"{directory}: {name} is missing", code=_CODE)
    calibration = manifest["calibration"]
    model = RiskModel(
        FeatureBuilder.from_document(_read_json(directory / "features.json")),
        LightGbmTrees.load(directory / "model.txt"),
        LightGbmTrees.load(directory / "critical.txt"),
        Platt.from_document(calibration["fraud"]),
        Platt.from_document(calibration["critical"]),
        Priority.from_document(_read_json(directory / "priority.json")),
        Stakes.parse(str(calibration["stakes"])),
    )
    return LoadedModel(model, manifest)


class ModelStore:
    """Versions of the risk model under one directory (see the module docstring)."""

    def __init__(self, root: Path, clock: Clock | None = None) -> None:
        self.root = root
        self._clock: Clock = clock or SystemClock()

    def versions(self) -> list[dict[str, Any]]:
        """Every version's manifest, oldest first."""
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            match = _VERSION.match(child.name)
            if match and (child / _MANIFEST).is_file():
                found.append((int(match.group(1)), _read_json(child / _MANIFEST)))
        return [manifest for _, manifest in sorted(found, key=lambda pair: pair[0])]

    def _pointer(self) -> dict[str, Any]:
        path = self.root / _POINTER
        if not path.is_file():
            return {"version": None, "previous": []}
        return dict(_read_json(path))

    def active(self) -> str | None:
        """The active version, or ``None`` when none has been activated."""
        version = self._pointer().get("version")
        return str(version) if version else None

    def add(self, trained: TrainedModel, training_data: dict[str, dict[str, str]]) -> str:
        """Write ``trained`` as a new version (not yet active) and return its id."""
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for c in self.root.iterdir() if (m := _VERSION.match(c.name))]
        version = f"v{max(numbers, default=0) + 1:04d}"
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{version}."))
        staging.chmod(0o755)
        try:
            trained.fraud.save(staging / "model.txt")
            trained.critical.save(staging / "critical.txt")
            model = trained.model
            _write_json(staging / "features.json", model.features.to_document())
            _write_json(staging / "priority.json", model.priority.to_document())
            manifest = {
                "version": version,
                "created": self._clock.now().isoformat(timespec="seconds"),
                "training_data": training_data,
                "rows": trained.rows,
                "parameters": {
                    "settings": trained.settings.to_document(),
                    "fraud": booster_params(trained.settings),
                    "critical": booster_params(trained.settings, critical=True),
                    "lightgbm": lgb.__version__,
                },
                "features": list(FEATURES),
                "calibration": {
                    "method": "platt",
                    "fraud": model.fraud_calibration.to_document(),
                    "critical": model.critical_calibration.to_document(),
                    "critical_share": model.priority.critical_share,
                    "stakes": str(model.stakes),
                },
                "metrics": trained.metrics,
                "status": "validated"
                if trained.metrics.get("tuned_on") == "valid"
                else ("unvalidated"),
            }
            _write_json(staging / _MANIFEST, manifest)
            try:
                staging.rename(self.root / version)
            except OSError:
                raise Conflict(
                    f"{self.root}: version {version} was written concurrently; train again",
                    code=_CODE,
                ) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def activate(self, version: str) -> None:
        """Make ``version`` the active one; the one it replaces can be rolled back to."""
        if not (self.root / version / _MANIFEST).is_file():
            known = ", ".join(m["version"] for m in self.versions()) or "none"
            raise NotFound(
                f"no model version '{version}' in {self.root} (known: {known})", code=_CODE
            )
        pointer = self._pointer()
        current = pointer.get("version")
        previous = [str(v) for v in pointer.get("previous", [])]
        if current == version:
            return
        if current:
            previous.append(str(current))
        _write_json(self.root / _POINTER, {"version": version, "previous": previous})

    def rollback(self) -> str:
        """Activate the previously active version again and return it."""
        pointer = self._pointer()
        previous = [str(v) for v in pointer.get("previous", [])]
        while previous and not (self.root / previous[-1] / _MANIFEST).is_file():
            previous.pop()
        if not previous:
            raise NotFound(f"{self.root}: no previous active version to roll back to", code=_CODE)
        version = previous.pop()
        _write_json(self.root / _POINTER, {"version": version, "previous": previous})
        return version

    def load(self, version: str | None = None) -> LoadedModel:
        """A version, by default the active one."""
        chosen = version or self.active()
        if chosen is None:
            raise NotFound(
                f"{self.root}: no active model version",
                code=_CODE,
                hint="Train one with 'cafta risk train' or activate one with "
                "'cafta risk models activate VERSION'.",
            )
        if not (self.root / chosen / _MANIFEST).is_file():
            raise NotFound(f"{self.root}: model version '{chosen}' is missing", code=_CODE)
        return load_version(self.root / chosen)


def open_model(path: Path) -> LoadedModel:
    """The model at ``path``: a version directory itself, or a store's active version."""
    if (path / _MANIFEST).is_file():
        return load_version(path)
    if not path.is_dir():
        raise NotFound(f"{path}: no such model directory", code=_CODE)
    return ModelStore(path).load()
