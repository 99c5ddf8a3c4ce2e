"""The run folder: its file names, where new runs go, and `RunFolder`, which writes one.

Every training run is a self-describing folder (see docs/architecture.md). `RunFolder` creates
it and writes each file atomically: the resolved config, class names and skipped files before
the first batch, run.json on every change of state, and the model, metrics and predictions at
the end. The training layer writes history.csv and the checkpoint through the paths it offers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import keras
import numpy as np

from visionlab import _io
from visionlab.config import ExperimentConfig
from visionlab.data.dataset import ImageDataset
from visionlab.models.registry import summary_text
from visionlab.runs.environment import environment_info
from visionlab.training.heads import OutputSpec
from visionlab.training.saving import save_portable_model

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
EVALUATIONS_DIR = "evaluations"


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


class RunFolder:
    """Write one run folder; implements the training layer's `RunRecorder`.

    Args:
        path: the folder (from `new_run_dir`, or an existing run being resumed).
        info: run.json's content so far (an existing run's, when resuming). Defaults to empty.

    Example:
        folder = RunFolder(new_run_dir("digits-mlp"))
        folder.write_header(config, dataset, spec, model)
        folder.save_info(status="completed")
    """

    def __init__(self, path: str | os.PathLike[str], info: dict[str, Any] | None = None):
        self.path = Path(path)
        self.info: dict[str, Any] = dict(info or {})

    @property
    def history_path(self) -> Path:
        return self.path / HISTORY_FILE

    @property
    def checkpoint_dir(self) -> Path:
        return self.path / CHECKPOINT_DIR

    @property
    def model_path(self) -> Path:
        return self.path / MODEL_FILE

    def write_header(self, config: ExperimentConfig, dataset: ImageDataset, spec: OutputSpec,
                     model: keras.Model, extra: dict[str, Any] | None = None) -> None:
        """Write config.toml, class_names.json, skipped.txt, summary.txt and run.json."""
        _io.write_text(self.path / CONFIG_FILE, config.to_toml())
        _io.write_json(self.path / CLASS_NAMES_FILE, dataset.class_names)
        _io.write_text(self.path / SKIPPED_FILE, "".join(
            f"{bad.path}\t{bad.reason}\n" for bad in dataset.skipped))
        _io.write_text(self.path / SUMMARY_FILE, summary_text(model, expand_nested=True))
        self.info = {
            "name": self.path.name,
            "experiment": config.name,
            "status": "running",
            "created": dt.datetime.now().isoformat(timespec="seconds"),
            "environment": environment_info(),
            "dataset": dataset.summary(),
            "model": {
                "name": config.model.name,
                "params": int(model.count_params()),
                "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                "output_units": spec.num_outputs,
                "output_activation": spec.activation,
            },
            "seconds": 0.0,
            **(extra or {}),
        }
        self.save_info()

    def save_info(self, **updates: Any) -> None:
        """Merge `updates` into run.json and rewrite it atomically."""
        self.info.update(updates)
        _io.write_json(self.path / INFO_FILE, self.info)

    def save_model(self, model: keras.Model) -> None:
        """Save model.keras atomically, openable by plain Keras (`save_portable_model`).

        Its optimizer's learning rate is the float the schedule ended at; the checkpoint keeps
        the schedule itself for resuming.
        """
        with _io.atomic_path(self.model_path, suffix=".keras") as tmp:
            save_portable_model(model, tmp)

    def write_metrics(self, metrics: dict[str, Any]) -> None:
        _io.write_json(self.path / METRICS_FILE, metrics)

    def write_predictions(self, labels: np.ndarray, probabilities: np.ndarray) -> None:
        """Write predictions.npz: test `y_true`, `y_prob` and `indices` into the test split."""
        with _io.atomic_path(self.path / PREDICTIONS_FILE, suffix=".npz") as tmp:
            np.savez_compressed(tmp, y_true=np.asarray(labels, dtype=np.int64),
                                y_prob=probabilities.astype(np.float32),
                                indices=np.arange(len(labels), dtype=np.int64))
