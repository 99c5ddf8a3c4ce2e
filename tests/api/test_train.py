"""End-to-end training on real data (scikit-learn's 8x8 digits): run folders, determinism,
resume after Ctrl-C and SIGKILL, NaN handling, evaluate and predict."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

import visionlab
from visionlab import api
from visionlab.api import Run, list_runs
from visionlab.data.dataset import Split
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import TrainingError, TrainingInterrupted

pytestmark = pytest.mark.xdist_group("training")

DIGITS = {
    "name": "digits-mlp",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32], "dropout": 0.1},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01, "seed": 3},
}


def _train(runs_dir: Path, overrides=None, **kwargs) -> Run:
    return api.train(DIGITS, overrides=overrides, runs_dir=runs_dir, verbose=0, report=False,
                     **kwargs)


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory) -> Run:
    return _train(tmp_path_factory.mktemp("runs"))


def _losses(run: Run) -> list[float]:
    return [value for row in run.history for value in (row["loss"], row["val_loss"])]


def _split(run: Run, name: str) -> Split:
    """The run's `name` split, prepared again from its config as `evaluate` does."""
    return prepare_dataset(run.config.data, run.config.train.seed, progress=False).split(name)


def _predict(model: keras.Model, images: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(np.asarray(images, dtype="float32"), verbose=0))


def test_run_folder_describes_itself(digits_run: Run):
    files = {path.name for path in digits_run.path.iterdir()}
    assert {"config.toml", "run.json", "class_names.json", "history.csv", "metrics.json",
            "predictions.npz", "model.keras", "checkpoint", "summary.txt", "skipped.txt"} <= files
    info = digits_run.info
    assert info["status"] == "completed"
    assert info["environment"]["keras"] == keras.__version__
    assert info["environment"]["backend"] == keras.backend.backend()
    assert len(info["dataset"]["checksum"]) == 64
    assert info["dataset"]["splits"]["validation"]["count"] > 0
    assert digits_run.config.model.arguments["units"] == [32]
    assert digits_run.class_names == [str(digit) for digit in range(10)]


def test_history_has_every_epoch_with_lr_and_time(digits_run: Run):
    history = digits_run.history
    assert [row["epoch"] for row in history] == [1, 2, 3]
    for row in history:
        assert row["lr"] == pytest.approx(0.01)
        assert row["seconds"] > 0
    assert history[-1]["loss"] < history[0]["loss"]
    # Each val_accuracy counts right answers on the validation images, and is well above chance
    # (1 in 10) from the first epoch on; the last one is the saved model's own accuracy there.
    validation = _split(digits_run, "validation")
    count = len(validation.labels)
    assert count == digits_run.info["dataset"]["splits"]["validation"]["count"]
    for row in history:
        right = row["val_accuracy"] * count
        assert right == pytest.approx(round(right), abs=1e-3)
        assert row["val_accuracy"] > 0.5
    predicted = _predict(digits_run.load_model(), validation.images).argmax(axis=1)
    assert history[-1]["val_accuracy"] == pytest.approx(np.mean(predicted == validation.labels))


def test_metrics_are_consistent_with_predictions(digits_run: Run):
    metrics = digits_run.metrics
    predictions = digits_run.predictions
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.sum() == metrics["test_count"] == len(predictions["y_true"])
    predicted = predictions["y_prob"].argmax(axis=1)
    assert metrics["test_accuracy"] == pytest.approx(np.mean(predicted == predictions["y_true"]))
    assert metrics["test_accuracy"] > 0.5  # 3 epochs on digits learn something real
    assert set(metrics["per_class"]) == set(digits_run.class_names)


def test_model_reloads_with_plain_keras_and_predicts_the_same(digits_run: Run):
    plain = keras.models.load_model(digits_run.path / "model.keras")  # safe mode
    batch = np.random.default_rng(0).integers(0, 256, size=(4, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(plain.predict(batch, verbose=0),
                               digits_run.load_model().predict(batch, verbose=0), atol=1e-6)


def test_same_config_and_seed_give_identical_history(digits_run: Run, tmp_path: Path):
    again = _train(tmp_path)
    assert _losses(again) == _losses(digits_run)


def test_dead_units_are_measured_in_the_test_pass(digits_run: Run):
    """run.json holds the dead-unit shares the report would measure on the saved model."""
    from visionlab.evaluation.interpretation import dead_unit_shares, dead_units_sample

    test = _split(digits_run, "test")
    expected = dead_unit_shares(digits_run.load_model(),
                                test.images[dead_units_sample(len(test))])
    assert expected and digits_run.info["dead_units"] == pytest.approx(expected)


def test_evaluate_reproduces_test_accuracy(digits_run: Run):
    metrics = digits_run.evaluate()
    assert metrics["test_accuracy"] == pytest.approx(digits_run.info["test_accuracy"])


def test_predict_uses_run_preprocessing_and_reports_bad_files(digits_run: Run, tmp_path: Path):
    from sklearn.datasets import load_digits

    digits = load_digits()
    paths = []
    for index in range(6):
        path = tmp_path / f"digit-{digits.target[index]}-{index}.png"
        Image.fromarray((digits.images[index] * 255 / 16).astype(np.uint8)).save(path)
        paths.append(path)
    (tmp_path / "broken.png").write_bytes(b"not an image")
    results = digits_run.predict([*paths, tmp_path / "broken.png"], top_k=3)
    assert len(results) == 7
    assert "error" in results[-1] and "broken.png" in results[-1]["path"]
    good = results[:-1]
    assert all(len(result["top"]) == 3 for result in good)
    correct = sum(r["predicted"] == str(digits.target[i]) for i, r in enumerate(good))
    assert correct >= 3
    # The listed probabilities are the model's softmax for the very pixels saved above: the
    # three largest, largest first, each under its own class name.
    pixels = np.stack([(digits.images[index] * 255 / 16).astype(np.uint8)
                       for index in range(6)])[..., None]  # (6, 8, 8, 1)
    names = digits_run.class_names
    for result, row in zip(good, _predict(digits_run.load_model(), pixels), strict=True):
        shown = [entry["probability"] for entry in result["top"]]
        assert shown == sorted(shown, reverse=True)
        listed = [names.index(entry["class"]) for entry in result["top"]]
        np.testing.assert_allclose(shown, row[listed], rtol=1e-5, atol=1e-7)
        assert min(shown) >= np.delete(row, listed).max()
        assert (result["predicted"], result["probability"]) == (names[listed[0]], shown[0])
    for result in digits_run.predict(paths, top_k=len(names)):
        assert sorted(entry["class"] for entry in result["top"]) == sorted(names)
        assert sum(entry["probability"] for entry in result["top"]) == pytest.approx(1, abs=1e-5)


class _InterruptDuring(keras.callbacks.Callback):
    """Press Ctrl-C (a real SIGINT) in the middle of a given epoch."""

    def __init__(self, epoch: int, batch: int = 3):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, -1

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_saves_partial_run_and_resume_is_identical(digits_run: Run, tmp_path: Path):
    with pytest.raises(TrainingInterrupted, match="--resume"):
        _train(tmp_path, callbacks=[_InterruptDuring(epoch=1)])
    (partial,) = list_runs(tmp_path)
    assert partial.status == "interrupted"
    assert [row["epoch"] for row in partial.history] == [1]  # the cut-short epoch is not kept
    resumed = api.resume(partial.path, verbose=0, report=False)
    assert resumed.status == "completed"
    assert _losses(resumed) == pytest.approx(_losses(digits_run), rel=1e-6)
    assert resumed.metrics["test_accuracy"] == pytest.approx(
        digits_run.metrics["test_accuracy"])


def test_resume_keeps_early_stopping_counters_and_best_weights(tmp_path: Path):
    # min_delta 1.0: no epoch after the first counts as better, so patience 2 stops after
    # epoch 3 and restores epoch 1's weights. A resume that forgot the wait counter would
    # start counting again and run to epoch 5; one that forgot the best weights would restore
    # the wrong epoch.
    config = {**DIGITS, "train": {**DIGITS["train"], "epochs": 6, "early_stopping": {
        "monitor": "val_accuracy", "patience": 2, "min_delta": 1.0,
        "restore_best_weights": True}}}
    straight = api.train(config, runs_dir=tmp_path / "straight", verbose=0, report=False)
    assert [row["epoch"] for row in straight.history] == [1, 2, 3]
    with pytest.raises(TrainingInterrupted):
        api.train(config, runs_dir=tmp_path / "cut", verbose=0, report=False,
                  callbacks=[_InterruptDuring(epoch=2)])
    (partial,) = list_runs(tmp_path / "cut")
    assert [row["epoch"] for row in partial.history] == [1, 2]
    saved = json.loads((partial.path / "checkpoint" / "state.json").read_text())
    assert saved["early_stopping"]["wait"] == 1
    assert saved["early_stopping"]["best_epoch"] == 0
    best_files = (partial.path / "checkpoint").glob("best-*.npz")
    assert [path.name for path in best_files] == ["best-1.npz"]
    resumed = api.resume(partial.path, verbose=0, report=False)
    assert [row["epoch"] for row in resumed.history] == [1, 2, 3]
    assert _losses(resumed) == pytest.approx(_losses(straight), rel=1e-6)
    for ours, theirs in zip(resumed.load_model().get_weights(),
                            straight.load_model().get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_sigkill_loses_at_most_the_current_epoch(tmp_path: Path):
    script = textwrap.dedent(f"""
        import os, signal, keras
        from visionlab import api

        class Kill(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                if epoch == 2:
                    os.kill(os.getpid(), signal.SIGKILL)

        api.train({DIGITS!r}, runs_dir={str(tmp_path)!r}, verbose=0, report=False,
                  callbacks=[Kill()])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert result.returncode == -signal.SIGKILL
    (killed,) = list_runs(tmp_path)
    assert [row["epoch"] for row in killed.history] == [1, 2]
    state = json.loads((killed.path / "checkpoint" / "state.json").read_text())
    assert state["next_epoch"] == 2
    resumed = api.resume(killed.path, verbose=0, report=False)
    assert [row["epoch"] for row in resumed.history] == [1, 2, 3]


def test_nan_loss_stops_with_diagnosis_and_keeps_last_good_model(tmp_path: Path):
    overrides = ["data.normalize='none'", "model.activation='linear'", "train.optimizer='sgd'",
                 "train.learning_rate=1e6"]
    with pytest.raises(TrainingError, match="NaN") as error:
        _train(tmp_path, overrides=overrides)
    assert "learning rate" in str(error.value)
    (failed,) = list_runs(tmp_path)
    assert failed.status == "failed"
    model = failed.load_model()
    assert all(np.all(np.isfinite(weight)) for weight in model.get_weights())


def test_preflight_refuses_before_creating_a_run(tmp_path: Path):
    with pytest.raises(TrainingError, match="batch_size"):
        _train(tmp_path, overrides=["train.batch_size=100000"])
    assert list_runs(tmp_path) == []


def test_binary_sigmoid_head_and_one_hot_sigmoid_head_train(tmp_path: Path):
    run = _train(tmp_path, overrides=["train.loss='binary_crossentropy'", "train.epochs=1"])
    assert run.info["model"]["output_activation"] == "sigmoid"
    assert run.info["model"]["output_units"] == 10  # one sigmoid per class, one-hot labels
    # The saved predictions are the model's ten sigmoids on the test split, scored by argmax.
    predictions = run.predictions
    test = _split(run, "test")
    np.testing.assert_array_equal(predictions["y_true"], test.labels)
    np.testing.assert_allclose(predictions["y_prob"], _predict(run.load_model(), test.images),
                               atol=1e-6)
    predicted = predictions["y_prob"].argmax(axis=1)
    assert run.metrics["test_accuracy"] == pytest.approx(np.mean(predicted == test.labels))
    assert run.metrics["test_accuracy"] > 0.1 + 0.1  # chance is 1 in 10; one epoch beats it


def test_public_api_exposes_the_library_functions():
    from visionlab.api import load_run

    assert visionlab.train is api.train
    assert visionlab.load_run is load_run
    assert visionlab.resume is api.resume and visionlab.predict is api.predict
    for name in visionlab.__all__:
        assert getattr(visionlab, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'trian'"):
        visionlab.trian  # noqa: B018


def test_report_failure_keeps_the_completed_run(tmp_path: Path, monkeypatch):
    import visionlab.reports.html as html

    def broken_report(*args, **kwargs):
        raise ValueError("template bug")

    monkeypatch.setattr(html, "build_report", broken_report)
    with pytest.warns(RuntimeWarning, match="visionlab report"):
        run = api.train(DIGITS, overrides=["train.epochs=1"], runs_dir=tmp_path, verbose=0)
    assert run.status == "completed"
    assert "template bug" in run.info["report_error"]
    assert (run.path / "model.keras").is_file()


def test_train_on_a_folder_says_how_many_files_were_skipped_and_where(tmp_path: Path, capsys,
                                                                       monkeypatch):
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "pets"
    for label, shade in (("cat", 40), ("dog", 200)):
        (root / label).mkdir(parents=True)
        for index in range(10):
            Image.new("L", (8, 8), shade + index).save(root / label / f"{index}.png")
    (root / "dog" / "broken.png").write_text("not an image")
    config = {"name": "skips",
              "data": {"dataset": str(root), "image_size": [8, 8], "color_mode": "grayscale"},
              "model": {"name": "mlp", "units": [8]},
              "train": {"epochs": 1, "batch_size": 8}}
    run = api.train(config, runs_dir=tmp_path / "runs", verbose=1, report=False)
    printed = capsys.readouterr().out
    assert (f"Skipped 1 file(s) that could not be decoded; the list is in "
            f"{run.path / 'skipped.txt'}") in printed
    assert (run.path / "skipped.txt").read_text().startswith(f"{root / 'dog' / 'broken.png'}\t")
