"""MLflow tracking against a real SQLite store: runs on scikit-learn's digits, read back with
MLflow's own client (params, metric history per epoch, test metrics, artifacts, run status)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from needs import needs_module
from visionlab import api
from visionlab.config import load_config
from visionlab.errors import TrainingError, TrainingInterrupted
from visionlab.tracking.errors import TrackingError
from visionlab.tracking.mlflow import flatten_config

pytestmark = pytest.mark.xdist_group("training")

DIGITS = {
    "name": "digits-tracked",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32]},
    "train": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01, "seed": 3},
}
EPOCH_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds")


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory) -> str:
    """One SQLite store for the tests that pass `tracking_uri` (creating one takes seconds)."""
    needs_module("mlflow", "mlflow")
    return "sqlite:///" + (tmp_path_factory.mktemp("store") / "mlflow.db").as_posix()


def _client(uri: str):
    return needs_module("mlflow.tracking", "mlflow").MlflowClient(tracking_uri=uri)


def _steps(client, run_id: str, metric: str) -> list[int]:
    return [point.step for point in client.get_metric_history(run_id, metric)]


def test_a_tracked_run_has_its_config_epochs_test_metrics_and_files_in_mlflow(tmp_path: Path):
    needs_module("mlflow", "mlflow")
    runs_dir = tmp_path / "runs"
    run = api.train(DIGITS, runs_dir=runs_dir, verbose=0, track="mlflow")
    record = run.info["tracking"]["mlflow"]
    # The default store: a SQLite file beside the runs, its artifacts beside it.
    assert record["uri"] == "sqlite:///" + (runs_dir / "mlflow.db").resolve().as_posix()
    client = _client(record["uri"])
    tracked = client.get_run(record["run_id"])
    assert tracked.info.status == "FINISHED"
    assert tracked.info.run_name == run.path.name
    assert client.get_experiment(tracked.info.experiment_id).name == "digits-tracked"

    params = tracked.data.params
    assert params == flatten_config(run.config)
    assert params["train.learning_rate"] == "0.01"
    assert params["model.units"] == "[32]"
    assert params["data.dataset"] == "digits"
    assert params["tracking"] == '["mlflow"]'

    for metric in EPOCH_METRICS:
        history = client.get_metric_history(record["run_id"], metric)
        assert [point.step for point in history] == [1, 2], metric
        if metric != "seconds":  # history.csv rounds the seconds
            assert [point.value for point in history] == pytest.approx(
                [row[metric] for row in run.history], rel=1e-5), metric
    metrics = tracked.data.metrics
    assert metrics["test_accuracy"] == pytest.approx(run.metrics["test_accuracy"])
    assert metrics["test_loss"] == pytest.approx(run.metrics["test_loss"])
    assert metrics["macro_f1"] == pytest.approx(run.metrics["macro_f1"])
    assert metrics["best_epoch"] == run.info["best"]["epoch"]

    artifacts = {item.path for item in client.list_artifacts(record["run_id"])}
    assert {"config.toml", "run.json", "history.csv", "metrics.json", "report.html",
            "model.keras", "figures"} <= artifacts
    figures = {item.path for item in client.list_artifacts(record["run_id"], "figures")}
    assert "figures/learning_curves.png" in figures
    stored = Path(unquote(urlparse(tracked.info.artifact_uri).path))
    assert stored.is_relative_to((runs_dir / "mlflow-artifacts").resolve())
    assert (stored / "config.toml").read_text() == (run.path / "config.toml").read_text()


def test_an_interrupted_run_is_killed_in_mlflow_and_resumes_into_the_same_mlflow_run(
        tmp_path: Path, shared_store: str, ctrl_c_at_epoch):
    config = {**DIGITS, "train": {**DIGITS["train"], "epochs": 3}}
    with pytest.raises(TrainingInterrupted):
        api.train(config, runs_dir=tmp_path, verbose=0, report=False, track=["mlflow"],
                  tracking_uri=shared_store, callbacks=[ctrl_c_at_epoch(1)])
    (partial,) = api.list_runs(tmp_path)
    record = partial.info["tracking"]["mlflow"]
    assert record["uri"] == shared_store
    client = _client(shared_store)
    assert client.get_run(record["run_id"]).info.status == "KILLED"
    assert _steps(client, record["run_id"], "loss") == [1]  # epoch 2 was cut short

    resumed = api.resume(partial.path, verbose=0, report=False)
    assert resumed.info["tracking"]["mlflow"]["run_id"] == record["run_id"]
    tracked = client.get_run(record["run_id"])
    assert tracked.info.status == "FINISHED"
    assert _steps(client, record["run_id"], "loss") == [1, 2, 3]
    assert [point.value for point in client.get_metric_history(record["run_id"], "val_loss")] \
        == pytest.approx([row["val_loss"] for row in resumed.history], rel=1e-5)
    assert tracked.data.metrics["test_accuracy"] == pytest.approx(
        resumed.metrics["test_accuracy"])
    runs = client.search_runs([tracked.info.experiment_id],
                              filter_string=f"attributes.run_name = '{partial.path.name}'")
    assert [found.info.run_id for found in runs] == [record["run_id"]]


def test_a_diverged_run_is_marked_failed_in_mlflow(tmp_path: Path, shared_store: str):
    overrides = ["data.normalize='none'", "model.activation='linear'", "train.optimizer='sgd'",
                 "train.learning_rate=1e6"]
    with pytest.raises(TrainingError, match="NaN"):
        api.train(DIGITS, overrides=overrides, runs_dir=tmp_path, verbose=0, report=False,
                  track="mlflow", tracking_uri=shared_store)
    (failed,) = api.list_runs(tmp_path)
    assert failed.status == "failed"
    record = failed.info["tracking"]["mlflow"]
    assert _client(shared_store).get_run(record["run_id"]).info.status == "FAILED"


@pytest.mark.parametrize("tracker", ["mlflow", "tensorboard"])
def test_a_missing_extra_is_named_before_any_data_is_loaded(tmp_path: Path, monkeypatch,
                                                            tracker: str):
    monkeypatch.setitem(sys.modules, tracker, None)  # `import mlflow` now fails
    with pytest.raises(TrackingError, match=rf"pip install 'visionlab\[{tracker}\]'"):
        api.train(DIGITS, runs_dir=tmp_path, verbose=0, track=tracker)
    assert api.list_runs(tmp_path) == []


def test_config_flattens_into_set_style_parameters():
    config = load_config(DIGITS, ["tracking='mlflow'",
                                  "train.schedule={name='exponential', decay=0.5}"])
    flat = flatten_config(config)
    assert flat["train.schedule.name"] == "exponential"
    assert flat["train.schedule.decay"] == "0.5"
    assert flat["train.deterministic"] == "true"
    assert flat["name"] == "digits-tracked"
    assert "reference" not in flat and "transfer" not in flat  # unset sections are left out
