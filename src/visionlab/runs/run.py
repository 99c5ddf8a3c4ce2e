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
from visionlab.i18n import MESSAGES, Message, joined, term
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
_JSON_NAMES = {str: "json.string", dict: "json.object", list: "json.list", int: "json.number",
               float: "json.number", bool: "json.bool"}  # catalog keys of the type names


class Run:
    """A run folder read back from disk.

    Example:
        run = visionlab.load_run("runs/fashion-mnist-dense-128-20261123-101500")
        run.metrics["test_accuracy"], run.history[-1]["val_accuracy"]
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise RunError(Message("error.run.is_a_file", {"path": self.path}))
        if not self.path.is_dir():
            raise RunError(Message("error.run.missing", {"path": self.path}))
        if not (self.path / INFO_FILE).is_file():
            raise RunError(Message("error.run.not_a_run", {"path": self.path, "file": INFO_FILE}))

    def __repr__(self) -> str:
        return f"Run('{self.path}')"

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def info(self) -> dict[str, Any]:
        """The contents of run.json (status, environment, dataset summary, model, timings)."""
        info = self._json(INFO_FILE, term("error.run.fix.info"))
        if not isinstance(info, dict):
            raise RunError(Message("error.run.info_not_object", {"file": self.path / INFO_FILE}))
        for key, kinds in INFO_FIELD_TYPES.items():
            value = info.get(key)
            if value is not None and not isinstance(value, kinds):
                expected = joined([term(name) for name in dict.fromkeys(
                    _JSON_NAMES[kind] for kind in kinds)], " / ")
                actual = (term(_JSON_NAMES[type(value)]) if type(value) in _JSON_NAMES
                          else type(value).__name__)
                raise RunError(Message("error.run.info_field_type", {
                    "file": self.path / INFO_FILE, "key": key, "expected": expected,
                    "actual": actual}))
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
            raise RunError(Message("error.run.no_config", {"path": self.path,
                                                           "file": CONFIG_FILE})) from None

    @cached_property
    def history(self) -> list[dict[str, Any]]:
        """Per-epoch rows of history.csv (empty list when no epoch finished)."""
        path = self.path / HISTORY_FILE
        if not path.is_file():
            return []
        try:
            rows = parse_history_csv(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise RunError(Message("error.run.history_unreadable",
                                   {"file": path, "error": error})) from None
        if rows and not all(isinstance(row.get("epoch"), int) for row in rows):
            raise RunError(Message("error.run.history_bad", {"file": path}))
        return rows

    @cached_property
    def metrics(self) -> dict[str, Any]:
        """Test metrics (metrics.json); empty when the run has not been evaluated."""
        path = self.path / METRICS_FILE
        if not path.is_file():
            return {}
        fix = Message("error.run.fix.metrics", {"path": self.path})
        metrics = self._json(METRICS_FILE, fix)
        if not isinstance(metrics, dict):
            raise RunError(Message("error.run.not_object", {"file": path, "fix": fix}))
        return metrics

    @cached_property
    def class_names(self) -> list[str]:
        names = self._json(CLASS_NAMES_FILE, term("error.run.fix.class_names"))
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise RunError(Message("error.run.class_names_not_list",
                                   {"file": self.path / CLASS_NAMES_FILE}))
        return names

    def _json(self, name: str, fix: Any) -> Any:
        """Read JSON file `name` of the run; a missing or corrupt one is a RunError with `fix`."""
        path = self.path / name
        try:
            return _io.read_json(path)
        except FileNotFoundError:
            raise RunError(Message("error.run.missing_file", {
                "path": self.path, "name": name, "fix": fix})) from None
        except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
            raise RunError(Message("error.run.corrupt_json", {
                "file": path, "error": error, "fix": fix})) from None
        except OSError as error:
            raise RunError(Message("error.run.unreadable", {
                "file": path, "error": error.strerror or error})) from None

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
            raise RunError(Message("error.run.corrupt_predictions", {
                "file": path, "error": error, "path": self.path})) from None

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
            status = f"status.{self.status}"
            raise RunError(Message("error.run.no_model", {
                "path": self.path, "file": MODEL_FILE,
                "status": term(status) if status in MESSAGES["en"] else self.status}))
        try:
            return load_keras_model(self.model_path)
        except (ValueError, OSError, zipfile.BadZipFile, KeyError) as error:
            raise RunError(Message("error.run.bad_model", {
                "file": self.model_path, "kind": type(error).__name__,
                "error": str(error)[:200], "path": self.path})) from None

    def best_epoch(self, metric: str = "val_accuracy") -> dict[str, Any] | None:
        """Return the history row with the best `metric` (max for accuracy, min for loss)."""
        rows = [row for row in self.history if is_finite_number(row.get(metric))]
        if not rows:
            return None
        pick = min if "loss" in metric else max
        return pick(rows, key=lambda row: row[metric])

    def check_same_data(self, dataset: ImageDataset, consequence: Any, fix: Any) -> None:
        """Raise DataError when `dataset` is not the data this run was trained on.

        Args:
            dataset: the freshly prepared dataset.
            consequence: what would go wrong, e.g. `term("error.data_changed.resume")`
                ("resuming would not reproduce it"); a string or an `i18n` term or message.
            fix: what to do, e.g. `term("error.data_changed.fix_restore_or_new")`.
        """
        recorded = (self.info.get("dataset") or {}).get("checksum")
        if recorded and recorded != dataset.checksum:
            raise DataError(Message("error.data_changed", {
                "path": self.path, "recorded": recorded[:12], "current": dataset.checksum[:12],
                "consequence": consequence, "fix": fix}))


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
