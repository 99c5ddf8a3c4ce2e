"""`visionlab recalibrate-bn RUN`: precise batch-norm statistics for a finished run."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from typer.testing import CliRunner

from visionlab import api
from visionlab.api import Run
from visionlab.cli.main import app
from visionlab.data.prepare import prepare_dataset
from visionlab.training.precise_bn import trainable_batch_norms

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()
DIGITS = {
    "name": "digits-stale-bn",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32, 16], "batch_norm": True},
    "train": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01, "seed": 7,
              "precise_bn": False},
}


def _statistics(run: Run) -> list[np.ndarray]:
    return [np.array(keras.ops.convert_to_numpy(variable))
            for layer in trainable_batch_norms(run.load_model())
            for variable in (layer.moving_mean, layer.moving_variance)]


@pytest.fixture(scope="module")
def stale_run(tmp_path_factory) -> Run:
    return api.train(DIGITS, runs_dir=tmp_path_factory.mktemp("stale"), verbose=0,
                     report=False)


def test_recalibrate_bn_rewrites_model_metrics_predictions_and_report(stale_run: Run):
    before_statistics = _statistics(stale_run)
    history_before = (stale_run.path / "history.csv").read_text()
    before = stale_run.metrics["test_accuracy"]

    result = runner.invoke(app, ["recalibrate-bn", str(stale_run.path)], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "Recomputed 2 batch-norm layer(s) over 1,149 training images (18 batches" in \
        result.output
    run = Run(stale_run.path)
    record = run.info["recalibrated_bn"]
    assert f"test accuracy: {before:.2%} -> {record['test_accuracy']:.2%}" in result.output
    assert record["test_accuracy_before"] == pytest.approx(before)
    assert record["layers"] == 2 and record["batches"] == 18 and record["images"] == 1149
    assert record["test_accuracy"] > before  # 2 epochs: the moving statistics lag
    assert run.info["test_accuracy"] == run.metrics["test_accuracy"] == record["test_accuracy"]
    # The new statistics are in model.keras, and metrics/predictions are that model's.
    assert not all(np.array_equal(a, b) for a, b in zip(before_statistics, _statistics(run),
                                                        strict=True))
    test = prepare_dataset(run.config.data, run.config.train.seed, progress=False).split("test")
    probabilities = run.load_model().predict(test.images.astype("float32"), verbose=0)
    np.testing.assert_allclose(run.predictions["y_prob"], probabilities, atol=1e-6)
    assert run.metrics["test_accuracy"] == pytest.approx(
        np.mean(probabilities.argmax(axis=1) == test.labels))
    # What training saw stays: history.csv is untouched. The report is written again.
    assert (run.path / "history.csv").read_text() == history_before
    assert (run.path / "report.html").is_file() and "report_error" not in run.info

    # Running it again changes nothing: the same sample, the same seed, the same statistics.
    again = runner.invoke(app, ["recalibrate-bn", str(run.path), "--no-report"],
                          catch_exceptions=False)
    assert again.exit_code == 0, again.output
    rerun = Run(run.path)
    assert rerun.info["recalibrated_bn"]["test_accuracy"] == record["test_accuracy"]
    for ours, theirs in zip(_statistics(rerun), _statistics(run), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_recalibrate_bn_refuses_a_model_without_batch_norm(tmp_path: Path):
    plain = api.train({**DIGITS, "model": {"name": "mlp", "units": [16]},
                       "train": {**DIGITS["train"], "epochs": 1}},
                      runs_dir=tmp_path, verbose=0, report=False)
    info_before = (plain.path / "run.json").read_text()
    result = runner.invoke(app, ["recalibrate-bn", str(plain.path)])
    assert result.exit_code == 2
    assert "has no trainable batch-norm layer" in result.output
    assert "model.batch_norm = true" in result.output
    assert (plain.path / "run.json").read_text() == info_before
    assert "recalibrated_bn" not in json.loads(info_before)


def test_recalibrate_bn_names_a_missing_run(tmp_path: Path):
    result = runner.invoke(app, ["recalibrate-bn", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output
