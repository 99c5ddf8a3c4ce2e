"""`Run`: a run folder read back from disk (config, history, metrics, predictions, model).

`visionlab.runs.folder.RunFolder` writes the folder; this module only reads it. Evaluation and
prediction on a run are wired in `visionlab.api`, whose `Run` adds them to this reader.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from visionlab import _io
from visionlab.config import ExperimentConfig, load_config
from visionlab.data.dataset import ImageDataset
from visionlab.errors import DataError, RunError
from visionlab.runs.folder import (
    CLASS_NAMES_FILE,
    CONFIG_FILE,
    HISTORY_FILE,
    INFO_FILE,
    METRICS_FILE,
    MODEL_FILE,
    PREDICTIONS_FILE,
    default_runs_dir,
)
from visionlab.training.history import is_finite_number, parse_history_csv
from visionlab.training.saving import load_keras_model


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
    def config(self) -> ExperimentConfig:
        """The resolved `ExperimentConfig` this run was trained with."""
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
        return load_keras_model(self.model_path)

    def best_epoch(self, metric: str = "val_accuracy") -> dict[str, Any] | None:
        """Return the history row with the best `metric` (max for accuracy, min for loss)."""
        rows = [row for row in self.history if is_finite_number(row.get(metric))]
        if not rows:
            return None
        pick = min if "loss" in metric else max
        return pick(rows, key=lambda row: row[metric])

    def check_same_data(self, dataset: ImageDataset, consequence: str, fix: str) -> None:
        """Raise DataError when `dataset` is not the data this run was trained on.

        Args:
            dataset: the freshly prepared dataset.
            consequence: what would go wrong, e.g. "resuming would not reproduce it".
            fix: what to do, e.g. "Restore the original files or start a new run."
        """
        recorded = (self.info.get("dataset") or {}).get("checksum")
        if recorded and recorded != dataset.checksum:
            raise DataError(
                f"The data of run '{self.path}' changed since it was trained (checksum "
                f"{recorded[:12]}… became {dataset.checksum[:12]}…), so {consequence}. {fix}"
            )


def load_run(path: str | os.PathLike[str]) -> Run:
    """Open a run folder written by `visionlab train`."""
    return Run(path)


def list_runs(runs_dir: str | os.PathLike[str] | None = None,
              run_class: type[Run] = Run) -> list[Run]:
    """Return every run folder under `runs_dir` (default `./runs`), oldest first.

    Args:
        runs_dir: the parent folder. Defaults to `$VISIONLAB_RUNS` or `./runs`.
        run_class: the `Run` class to open each folder with. Defaults to `Run`.
    """
    parent = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    if not parent.is_dir():
        return []
    runs = [run_class(child) for child in parent.iterdir() if (child / INFO_FILE).is_file()]
    return sorted(runs, key=lambda run: run.info.get("created", ""))
