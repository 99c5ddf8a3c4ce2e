"""A sweep in MLflow: one parent run for the sweep, each trial's own MLflow run nested under it.

The trials are tracked as any run is (`tracking/mlflow.py`, opened by `api.train` in each Ray
worker); the sweep only points them all at one store and, once their run folders are known,
tags each with `mlflow.parentRunId` (how MLflow nests runs) and `visionlab.sweep_status`. A
trial that the scheduler stopped early ends `KILLED`. The parent run holds the base config as
parameters, the best point's value, and `sweep.json`, `sweep.toml` and `sweep.html`.

Example:
    visionlab sweep mnist-ablation --track mlflow
    mlflow ui --backend-store-uri sqlite:///sweeps/mlflow.db
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from visionlab import i18n
from visionlab.config import ExperimentConfig
from visionlab.errors import RunError
from visionlab.runs.run import Run
from visionlab.tracking.mlflow import MlflowTracker, default_tracking_uri, open_tracker

PARENT_TAG = "mlflow.parentRunId"
STATUS_TAG = "visionlab.sweep_status"
SWEEP_TAG = "visionlab.sweep"
# Files of the sweep folder logged to the parent run when the sweep finishes.
SWEEP_ARTIFACTS = ("sweep.json", "sweep.toml", "sweep.html")


def open_sweep_tracker(base: ExperimentConfig, sweep_dir: Path,
                       record: Mapping[str, Any] | None = None) -> MlflowSweepTracker | None:
    """Start the sweep's parent MLflow run (or continue `record`'s); None without MLflow.

    The store is `base.tracking_uri`, else `$MLFLOW_TRACKING_URI`, else a SQLite file beside
    the sweeps (`sweeps/mlflow.db`); every trial is tracked in the same one.

    Args:
        base: the sweep's base config (`tracking` must name `"mlflow"` for a tracker).
        sweep_dir: the sweep folder (the parent run is named after it).
        record: sweep.json's `tracking` of a sweep being resumed. Defaults to None.
    """
    if "mlflow" not in (base.tracking or []):
        return None
    mlflow_record = (record or {}).get("mlflow")
    uri = (mlflow_record or {}).get("uri") or base.tracking_uri \
        or os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri(sweep_dir.parent)
    tracked = base.model_copy(update={"tracking_uri": uri})
    parent = open_tracker(tracked, sweep_dir, mlflow_record)
    parent.client.set_tag(parent.run_id, SWEEP_TAG, sweep_dir.name)
    return MlflowSweepTracker(parent, sweep_dir.name)


class MlflowSweepTracker:
    """The sweep's parent MLflow run and the grouping of its trials' runs under it."""

    def __init__(self, parent: MlflowTracker, sweep_name: str):
        self.parent = parent
        self.sweep_name = sweep_name

    def describe(self) -> str:
        return i18n.t("tracking.mlflow.describe_parent", run_id=self.parent.run_id,
                      uri=self.parent.uri)

    def record(self) -> dict[str, Any]:
        return {"mlflow": self.parent.record()}

    def trial_config(self, base: ExperimentConfig) -> ExperimentConfig:
        """The base config with the parent's store, so every trial is tracked beside it."""
        return base.model_copy(update={"tracking_uri": self.parent.uri})

    def adopt(self, run_dir: Path, status: str) -> None:
        """Nest the trial run folder's MLflow run under the parent; a stopped one ends KILLED.

        A trial without an MLflow run in this store (refused before training) is skipped.
        """
        try:
            record = (Run(run_dir).info.get("tracking") or {}).get("mlflow") or {}
        except RunError:
            return
        if not record.get("run_id") or record.get("uri") != self.parent.uri:
            return
        client = self.parent.client
        client.set_tag(record["run_id"], PARENT_TAG, self.parent.run_id)
        client.set_tag(record["run_id"], SWEEP_TAG, self.sweep_name)
        client.set_tag(record["run_id"], STATUS_TAG, status)
        if status in ("stopped_early", "interrupted"):
            client.set_terminated(record["run_id"], "KILLED")

    def complete(self, sweep_dir: Path, summary: Mapping[str, Any]) -> None:
        """Log the best point's value and the sweep's files, and finish the parent run."""
        try:
            points = summary.get("points") or []
            metric = summary["spec"]["metric"]
            best = points[0]["mean"] if points else None
            metrics = {f"best_{metric}": float(best)} if best is not None else {}
            metrics["trials"] = float(len(summary.get("trials") or []))
            for key, value in metrics.items():
                self.parent.client.log_metric(self.parent.run_id, key, value)
            for name in SWEEP_ARTIFACTS:
                if (sweep_dir / name).is_file():
                    self.parent.client.log_artifact(self.parent.run_id, str(sweep_dir / name))
        except Exception as error:  # the sweep's results are complete either way
            warnings.warn(i18n.t("tracking.mlflow.sweep_not_logged", run_id=self.parent.run_id,
                                 error=error), RuntimeWarning, stacklevel=2)
        self.parent.client.set_terminated(self.parent.run_id, "FINISHED")

    def end(self, status: str) -> None:
        self.parent.end(status)
