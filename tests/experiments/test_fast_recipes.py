"""The Fashion-MNIST CNN recipes train end to end on a slice of the real Fashion-MNIST.

The Debian package `dataset-fashion-mnist` is installed by `make test`; without it the tests skip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from visionlab.experiments import api

pytestmark = [
    pytest.mark.xdist_group("training"),
    pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(),
                       reason="needs the Debian package dataset-fashion-mnist"),
]


def test_fast_recipe_runs_one_cycle_with_light_dropout(tmp_path: Path):
    run = api.train("fashion-mnist-cnn-fast",
                    overrides=["data.train_per_class=400", "data.test_per_class=50"],
                    runs_dir=tmp_path / "runs", verbose=0, report=False)
    assert run.status == "completed"
    assert run.config.model.arguments["dropout"] == pytest.approx(0.1)
    assert len(run.history) == 3  # the recipe's whole point: 3 epochs
    rates = [row["lr"] for row in run.history]
    # One-cycle, logged at each epoch's end: the warm-up (first 25% of the steps) is over by
    # the end of epoch 1, which sits near the 0.01 peak; then it anneals to almost nothing.
    assert rates[0] == pytest.approx(0.01, rel=0.1)
    assert rates[0] > rates[1] > rates[2]
    assert rates[-1] < 1e-4
    losses = [row["loss"] for row in run.history]
    assert losses[0] > losses[1] > losses[2] and np.isfinite(losses[-1])
    # 3,600 training images (about 90 steps) is too few for batch norm's moving statistics
    # (momentum 0.99) to settle, so judge the learning on the training accuracy: chance is 10%.
    assert run.history[-1]["accuracy"] > 0.75
    assert 0.0 <= run.metrics["test_accuracy"] <= 1.0
