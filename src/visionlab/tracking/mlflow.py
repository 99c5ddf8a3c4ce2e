"""MLflow tracking: the resolved config as parameters, one metric step per epoch, the test
metrics, and the report, config and model as artifacts.

The store is `config.tracking_uri`, else `$MLFLOW_TRACKING_URI`, else a SQLite file beside the
runs (`runs/mlflow.db`, artifacts in `runs/mlflow-artifacts/`; current MLflow refuses its old
file store). The MLflow experiment is the config's `name`, the MLflow run is named after the
run folder. Everything goes through an explicit `MlflowClient`, so no MLflow run is left
active in the process and nothing else in it is affected.

Example:
    visionlab train mnist-codelab-cnn --track mlflow
    mlflow ui --backend-store-uri sqlite:///runs/mlflow.db
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras

from visionlab import i18n
from visionlab.config import ExperimentConfig
from visionlab.runs.folder import (
    CONFIG_FILE,
    FIGURES_DIR,
    HISTORY_FILE,
    INFO_FILE,
    METRICS_FILE,
    MODEL_FILE,
    REPORT_FILE,
    SUMMARY_FILE,
)
from visionlab.runs.run import Run
from visionlab.tracking.epochs import EpochLogger
from visionlab.tracking.errors import missing_extra

DATABASE_FILE = "mlflow.db"
ARTIFACTS_DIR = "mlflow-artifacts"
# Files of the run folder logged as artifacts when the run completes (when present).
ARTIFACT_FILES = (CONFIG_FILE, INFO_FILE, HISTORY_FILE, METRICS_FILE, SUMMARY_FILE, REPORT_FILE,
                  MODEL_FILE)
TEST_METRICS = ("test_loss", "test_accuracy", "macro_f1")
MAX_PARAM_LENGTH = 6000  # MLflow's limit on a parameter value


def require() -> None:
    """Raise TrackingError naming `pip install 'visionlab[mlflow]'` when MLflow is missing."""
    try:
        import mlflow  # noqa: F401  (optional: the `mlflow` extra)
    except ImportError:
        raise missing_extra("mlflow", "mlflow", "tracking = 'mlflow' (--track mlflow)") from None


def default_tracking_uri(runs_dir: str | Path) -> str:
    """The SQLite store beside the runs: `sqlite:///<runs_dir>/mlflow.db` (absolute)."""
    return "sqlite:///" + (Path(runs_dir).resolve() / DATABASE_FILE).as_posix()


def tracking_uri(config: ExperimentConfig, runs_dir: str | Path) -> str:
    """`config.tracking_uri`, else `$MLFLOW_TRACKING_URI`, else `default_tracking_uri`."""
    return (config.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
            or default_tracking_uri(runs_dir))


def flatten_config(config: ExperimentConfig) -> dict[str, str]:
    """The resolved config as MLflow parameters: `{"train.learning_rate": "0.001", ...}`.

    Values read as they would after `--set key=value`: strings as they are, everything else
    as JSON (`true`, `[64, 64]`).
    """
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping) and value:
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
            return
        text = value if isinstance(value, str) else json.dumps(value)
        flat[prefix] = text[:MAX_PARAM_LENGTH]

    walk("", config.to_dict())
    return flat


def _artifact_location(uri: str) -> str | None:
    """Artifacts of a SQLite store go beside its database file; a server keeps its own."""
    if not uri.startswith("sqlite:///"):
        return None
    database = Path(uri.removeprefix("sqlite:///"))  # "/abs/mlflow.db" or "relative/mlflow.db"
    return (database.parent / ARTIFACTS_DIR).resolve().as_uri()


def open_tracker(config: ExperimentConfig, run_dir: Path,
                 record: Mapping[str, Any] | None = None) -> MlflowTracker:
    """Start an MLflow run for `run_dir`, or continue the one in `record` (a resumed run)."""
    require()
    from mlflow.exceptions import MlflowException  # optional: the `mlflow` extra
    from mlflow.tracking import MlflowClient

    if record and record.get("run_id"):
        client = MlflowClient(tracking_uri=record["uri"])
        try:
            client.update_run(record["run_id"], status="RUNNING")
            return MlflowTracker(client, record["uri"], record["experiment_id"], record["run_id"])
        except MlflowException as error:  # deleted, or another store: track anew
            warnings.warn(i18n.t("tracking.mlflow.not_continued", run_id=record["run_id"],
                                 uri=record["uri"], code=error.error_code),
                          RuntimeWarning, stacklevel=2)
    uri = tracking_uri(config, run_dir.parent)
    client = MlflowClient(tracking_uri=uri)
    experiment_id = _experiment_id(client, config.name, _artifact_location(uri))
    run = client.create_run(experiment_id, run_name=run_dir.name, tags={
        "visionlab.run_dir": str(run_dir.resolve()),
        "visionlab.dataset": config.data.dataset,
        "visionlab.model": config.model.name,
    })
    tracker = MlflowTracker(client, uri, experiment_id, run.info.run_id)
    tracker.log_params(flatten_config(config))
    return tracker


def _experiment_id(client: Any, name: str, artifact_location: str | None) -> str:
    from mlflow.exceptions import MlflowException  # optional: the `mlflow` extra

    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    try:
        return client.create_experiment(name, artifact_location=artifact_location)
    except MlflowException:  # created meanwhile by another run
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            raise
        return experiment.experiment_id


class MlflowTracker:
    """One MLflow run fed from one run folder (see `open_tracker`)."""

    name = "mlflow"

    def __init__(self, client: Any, uri: str, experiment_id: str, run_id: str):
        self.client = client
        self.uri = uri
        self.experiment_id = experiment_id
        self.run_id = run_id

    def describe(self) -> str:
        return i18n.t("tracking.mlflow.describe", run_id=self.run_id, uri=self.uri)

    def record(self) -> dict[str, Any]:
        return {"uri": self.uri, "experiment_id": self.experiment_id, "run_id": self.run_id}

    def callbacks(self) -> list[keras.callbacks.Callback]:
        return [EpochLogger(self.log_epoch)]

    def log_params(self, params: Mapping[str, str]) -> None:
        from mlflow.entities import Param  # optional: the `mlflow` extra

        self.client.log_batch(self.run_id, params=[Param(key, value)
                                                   for key, value in params.items()])

    def log_epoch(self, epoch: int, metrics: Mapping[str, float]) -> None:
        """Log one epoch's metrics with the epoch as MLflow's step."""
        self._log_metrics(metrics, step=epoch)

    def _log_metrics(self, metrics: Mapping[str, float], step: int) -> None:
        from mlflow.entities import Metric  # optional: the `mlflow` extra

        now = int(time.time() * 1000)
        self.client.log_batch(self.run_id, metrics=[
            Metric(key, float(value), now, step) for key, value in metrics.items()])

    def complete(self, run: Run) -> None:
        """Log the test metrics and best epoch, the run folder's files, and finish the run."""
        metrics = {key: float(run.metrics[key]) for key in TEST_METRICS
                   if isinstance(run.metrics.get(key), int | float)}
        best = run.info.get("best") or {}
        if isinstance(best.get("value"), int | float) and best.get("metric"):
            metrics[f"best_{best['metric']}"] = float(best["value"])
            metrics["best_epoch"] = float(best["epoch"])
        if metrics:
            self._log_metrics(metrics, step=len(run.history))
        for name in ARTIFACT_FILES:
            if (run.path / name).is_file():
                self.client.log_artifact(self.run_id, str(run.path / name))
        if (run.path / FIGURES_DIR).is_dir():
            self.client.log_artifacts(self.run_id, str(run.path / FIGURES_DIR), FIGURES_DIR)
        self.client.set_terminated(self.run_id, "FINISHED")

    def end(self, status: str) -> None:
        self.client.set_terminated(self.run_id, status)

