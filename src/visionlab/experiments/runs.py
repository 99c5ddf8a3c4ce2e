"""Run folders: every training run is a self-describing folder (see docs/architecture.md).

`RunFolder` creates and writes one atomically, file by file; `Run` reads one back and offers
evaluation and prediction with the run's own preprocessing and class names.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from visionlab import _io
from visionlab.errors import RunError
from visionlab.training.history import (  # noqa: F401  (re-exported for run readers)
    HISTORY_COLUMNS,
    format_history_csv,
    is_finite_number,
    parse_history_csv,
)

CONFIG_FILE = "config.toml"
INFO_FILE = "run.json"
HISTORY_FILE = "history.csv"
METRICS_FILE = "metrics.json"
CLASS_NAMES_FILE = "class_names.json"
PREDICTIONS_FILE = "predictions.npz"
MODEL_FILE = "model.keras"
CHECKPOINT_DIR = "checkpoint"
SKIPPED_FILE = "skipped.txt"
SUMMARY_FILE = "summary.txt"
REPORT_FILE = "report.html"
FIGURES_DIR = "figures"


def default_runs_dir() -> Path:
    """Return the folder new runs go into: `$VISIONLAB_RUNS` or `./runs`."""
    return Path(os.environ.get("VISIONLAB_RUNS", "runs"))


def new_run_dir(name: str, runs_dir: str | os.PathLike[str] | None = None) -> Path:
    """Create and return an empty `runs/<name>-<YYYYmmdd-HHMMSS>` folder (suffix added if taken)."""
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "run"
    parent = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = parent / f"{safe_name}-{stamp}"
    counter = 1
    while True:
        try:
            candidate.mkdir(parents=True, exist_ok=False)
            return candidate
        except FileExistsError:
            counter += 1
            candidate = parent / f"{safe_name}-{stamp}-{counter}"


class Run:
    """A run folder read back from disk.

    Example:
        run = visionlab.load_run("runs/fashion-mnist-dense-128-20261123-101500")
        run.metrics["test_accuracy"], run.history[-1]["val_accuracy"]
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        if not self.path.is_dir():
            raise RunError(
                f"Run folder '{self.path}' does not exist. List runs with `visionlab runs`."
            )
        if not (self.path / INFO_FILE).is_file():
            raise RunError(
                f"'{self.path}' is not a visionlab run folder (it has no {INFO_FILE}). "
                "Pass a folder created by `visionlab train`."
            )

    def __repr__(self) -> str:
        return f"Run('{self.path}')"

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def info(self) -> dict[str, Any]:
        """The contents of run.json (status, environment, dataset summary, model, timings)."""
        return _io.read_json(self.path / INFO_FILE)

    @property
    def status(self) -> str:
        return str(self.info.get("status", "unknown"))

    @cached_property
    def config_text(self) -> str:
        return (self.path / CONFIG_FILE).read_text(encoding="utf-8")

    @cached_property
    def config(self) -> Any:
        """The resolved `ExperimentConfig` this run was trained with."""
        from visionlab.experiments.config import load_config

        return load_config(self.path / CONFIG_FILE)

    @cached_property
    def history(self) -> list[dict[str, Any]]:
        """Per-epoch rows of history.csv (empty list when no epoch finished)."""
        path = self.path / HISTORY_FILE
        if not path.is_file():
            return []
        return parse_history_csv(path.read_text(encoding="utf-8"))

    @cached_property
    def metrics(self) -> dict[str, Any]:
        """Test metrics (metrics.json); empty when the run has not been evaluated."""
        path = self.path / METRICS_FILE
        return _io.read_json(path) if path.is_file() else {}

    @cached_property
    def class_names(self) -> list[str]:
        return list(_io.read_json(self.path / CLASS_NAMES_FILE))

    @cached_property
    def predictions(self) -> dict[str, np.ndarray] | None:
        """Test-set `y_true`, `y_prob` and `indices` (predictions.npz), or None."""
        path = self.path / PREDICTIONS_FILE
        if not path.is_file():
            return None
        with np.load(path) as data:
            return {key: data[key] for key in data.files}

    @property
    def model_path(self) -> Path:
        return self.path / MODEL_FILE

    def load_model(self) -> Any:
        """Load model.keras with plain Keras (safe mode)."""
        if not self.model_path.is_file():
            raise RunError(
                f"Run '{self.path}' has no {MODEL_FILE} (status: {self.status}). "
                f"Resume it with `visionlab train --resume {self.path}`."
            )
        import keras

        register_custom_objects()
        return keras.models.load_model(self.model_path)

    def best_epoch(self, metric: str = "val_accuracy") -> dict[str, Any] | None:
        """Return the history row with the best `metric` (max for accuracy, min for loss)."""
        rows = [row for row in self.history if is_finite_number(row.get(metric))]
        if not rows:
            return None
        pick = min if "loss" in metric else max
        return pick(rows, key=lambda row: row[metric])

    def evaluate(self, **kwargs: Any) -> dict[str, Any]:
        """Evaluate the run's model on its test data (or `data=`).

        See `experiments.api.evaluate`.
        """
        from visionlab.experiments.api import evaluate

        return evaluate(self, **kwargs)

    def predict(self, paths: list[str | os.PathLike[str]], top_k: int = 3) -> list[dict[str, Any]]:
        """Predict image files with the run's preprocessing; see `experiments.api.predict`."""
        from visionlab.experiments.api import predict

        return predict(self, paths, top_k=top_k)


def register_custom_objects() -> None:
    """Register visionlab's serializable Keras objects (layers, schedules) before loading."""
    import visionlab.models.backbones.layers  # noqa: F401  (registers BackbonePreprocessing)
    from visionlab.training.schedules import register_serializables

    register_serializables()


def load_run(path: str | os.PathLike[str]) -> Run:
    """Open a run folder written by `visionlab train`."""
    return Run(path)


def list_runs(runs_dir: str | os.PathLike[str] | None = None) -> list[Run]:
    """Return every run folder under `runs_dir` (default `./runs`), oldest first."""
    parent = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    if not parent.is_dir():
        return []
    runs = [Run(child) for child in parent.iterdir() if (child / INFO_FILE).is_file()]
    return sorted(runs, key=lambda run: run.info.get("created", ""))
