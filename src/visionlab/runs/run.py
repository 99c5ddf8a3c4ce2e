"""`Run`: a run folder read back from disk (config, history, metrics, predictions, model).

`visionlab.runs.folder.RunFolder` writes the folder; this module only reads it. Evaluation and
prediction on a run are wired in `visionlab.api`, whose `Run` adds them to this reader.
"""

from __future__ import annotations

import csv
import os
import warnings
import zipfile
from collections.abc import Callable
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

# The run.json fields that readers use, and the JSON types a hand edit must keep them in.
INFO_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("name", "experiment", "status", "created", "finished"), (str,)),
    **dict.fromkeys(("environment", "dataset", "model", "best", "transfer", "batch_norm",
                     "precise_bn", "recalibrated_bn", "dead_units"), (dict,)),
    **dict.fromkeys(("seconds", "test_accuracy"), (int, float)),
    "warnings": (list,),
}
_JSON_NAMES = {str: "a string", dict: "an object", list: "a list", int: "a number",
               float: "a number", bool: "true/false"}


class Run:
    """A run folder read back from disk.

    Example:
        run = visionlab.load_run("runs/fashion-mnist-dense-128-20261123-101500")
        run.metrics["test_accuracy"], run.history[-1]["val_accuracy"]
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise RunError(f"'{self.path}' is a file, not a run folder. Pass the folder that "
                           "`visionlab train` created (list them with `visionlab runs`).")
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
        info = self._json(INFO_FILE, "It is rewritten only by training; restore it from a "
                                     "backup, or train the run again.")
        if not isinstance(info, dict):
            raise RunError(f"{self.path / INFO_FILE} does not hold a JSON object; restore it "
                           "from a backup, or train the run again.")
        for key, kinds in INFO_FIELD_TYPES.items():
            value = info.get(key)
            if value is not None and not isinstance(value, kinds):
                expected = " or ".join(_JSON_NAMES[kind] for kind in kinds)
                raise RunError(
                    f"{self.path / INFO_FILE}: '{key}' must be {expected}, not "
                    f"{_JSON_NAMES.get(type(value), type(value).__name__)} (was the file edited "
                    "by hand?). Restore it from a backup, or train the run again.")
        return info

    @property
    def status(self) -> str:
        return str(self.info.get("status", "unknown"))

    @cached_property
    def config_text(self) -> str:
        return (self.path / CONFIG_FILE).read_text(encoding="utf-8")

    @cached_property
    def config(self) -> ExperimentConfig:
        """The resolved `ExperimentConfig` this run was trained with."""
        try:
            return load_config(self.path / CONFIG_FILE)
        except FileNotFoundError:
            raise RunError(f"Run '{self.path}' has no {CONFIG_FILE}; restore it from a "
                           "backup.") from None

    @cached_property
    def history(self) -> list[dict[str, Any]]:
        """Per-epoch rows of history.csv (empty list when no epoch finished)."""
        path = self.path / HISTORY_FILE
        if not path.is_file():
            return []
        try:
            rows = parse_history_csv(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise RunError(f"{path} cannot be read ({error}).") from None
        if rows and not all(isinstance(row.get("epoch"), int) for row in rows):
            raise RunError(
                f"{path} is not a visionlab history: every row needs a whole-number 'epoch' "
                "column. Restore it, or delete it to read the run without its curves."
            )
        return rows

    @cached_property
    def metrics(self) -> dict[str, Any]:
        """Test metrics (metrics.json); empty when the run has not been evaluated."""
        path = self.path / METRICS_FILE
        if not path.is_file():
            return {}
        fix = f"Recompute it with `visionlab evaluate {self.path}`."
        metrics = self._json(METRICS_FILE, fix)
        if not isinstance(metrics, dict):
            raise RunError(f"{path} does not hold a JSON object (was the file edited by "
                           f"hand?). {fix}")
        return metrics

    @cached_property
    def class_names(self) -> list[str]:
        names = self._json(CLASS_NAMES_FILE, "Restore it from a backup (it lists the class "
                                             "folder names in training order).")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise RunError(f"{self.path / CLASS_NAMES_FILE} must hold a JSON list of class "
                           "names; restore it from a backup.")
        return names

    def _json(self, name: str, fix: str) -> Any:
        """Read JSON file `name` of the run; a missing or corrupt one is a RunError with `fix`."""
        path = self.path / name
        try:
            return _io.read_json(path)
        except FileNotFoundError:
            raise RunError(f"Run '{self.path}' has no {name}. {fix}") from None
        except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
            raise RunError(f"{path} is corrupt (not valid JSON: {error}). {fix}") from None
        except OSError as error:
            raise RunError(f"{path} cannot be read ({error.strerror or error}). Check the "
                           "file's permissions.") from None

    @cached_property
    def predictions(self) -> dict[str, np.ndarray] | None:
        """Test-set `y_true`, `y_prob` and `indices` (predictions.npz), or None."""
        path = self.path / PREDICTIONS_FILE
        if not path.is_file():
            return None
        try:
            with np.load(path) as data:
                return {key: data[key] for key in data.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
            raise RunError(f"{path} is corrupt ({error}). Rewrite it with `visionlab evaluate "
                           f"{self.path}`.") from None

    @property
    def model_path(self) -> Path:
        return self.path / MODEL_FILE

    @property
    def batch_norm(self) -> dict[str, Any] | None:
        """The batch-norm facts for `diagnose(batch_norm=...)`, or None without batch norm.

        run.json's `batch_norm` (trainable layers, momentum, steps per epoch) with the
        `precise_bn` decision and the `recalibrated_bn` record (`visionlab recalibrate-bn`).
        """
        facts = self.info.get("batch_norm")
        if not isinstance(facts, dict):
            return None
        return {**facts, "precise_bn": self.info.get("precise_bn"),
                "recalibrated": self.info.get("recalibrated_bn")}

    def load_model(self) -> Any:
        """Load model.keras with plain Keras (safe mode)."""
        if not self.model_path.is_file():
            raise RunError(
                f"Run '{self.path}' has no {MODEL_FILE} (status: {self.status}). "
                f"Resume it with `visionlab train --resume {self.path}`."
            )
        try:
            return load_keras_model(self.model_path)
        except (ValueError, OSError, zipfile.BadZipFile, KeyError) as error:
            raise RunError(
                f"{self.model_path} is not a readable Keras model ({type(error).__name__}: "
                f"{str(error)[:200]}). Restore it from a backup, or retrain the run; an "
                f"unfinished run can continue with `visionlab train --resume {self.path}`."
            ) from None

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
              run_class: type[Run] = Run,
              on_error: Callable[[RunError], None] | None = None) -> list[Run]:
    """Return every readable run folder under `runs_dir` (default `./runs`), oldest first.

    A folder whose run.json cannot be read is left out, so one damaged run never hides the
    others; its `RunError` (naming the file and the fix) goes to `on_error`.

    Args:
        runs_dir: the parent folder. Defaults to `$VISIONLAB_RUNS` or `./runs`.
        run_class: the `Run` class to open each folder with. Defaults to `Run`.
        on_error: called with the error of each unreadable run. Defaults to None (a warning).
    """
    parent = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    if not parent.is_dir():
        return []
    runs = []
    for child in sorted(parent.iterdir()):
        if not (child / INFO_FILE).is_file():
            continue
        run = run_class(child)
        try:
            run.info  # noqa: B018 - parsed and checked here, so a damaged run.json is found now
        except RunError as error:
            if on_error is None:
                warnings.warn(str(error), stacklevel=2)
            else:
                on_error(error)
            continue
        runs.append(run)
    return sorted(runs, key=lambda run: run.info.get("created", ""))
