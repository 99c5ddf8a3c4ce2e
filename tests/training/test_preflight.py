"""Pre-flight checks fail before training with the fix in the message."""

import dataclasses

import numpy as np
import pytest

from visionlab.errors import TrainingError
from visionlab.training.preflight import (
    PreflightFacts,
    estimate_memory_bytes,
    in_memory_bytes,
    run_preflight,
)

GOOD = PreflightFacts(loss="sparse_categorical_crossentropy", output_units=10,
                      output_activation="softmax", one_hot_labels=False, num_classes=10,
                      train_size=1000, batch_size=32, model_params=10_000, optimizer="adam",
                      image_shape=(28, 28, 1), in_memory_bytes=1_000_000)


def test_good_plan_passes():
    assert run_preflight(GOOD, available_bytes=8 * 2**30) == []


@pytest.mark.parametrize("change, expected", [
    ({"batch_size": 5000}, "larger than the training set"),
    ({"output_units": 1, "output_activation": "softmax", "num_classes": 2,
      "loss": "binary_crossentropy"}, "always outputs 1.0"),
    ({"output_units": 5}, "one output unit per class"),
    ({"loss": "categorical_crossentropy"}, "needs one-hot labels"),
    ({"one_hot_labels": True}, "needs integer labels"),
    ({"backbone_preprocessing": "scale to [-1, 1]"}, "data.normalize = 'none'"),
])
def test_each_problem_is_caught(change, expected):
    with pytest.raises(TrainingError, match="Pre-flight") as error:
        run_preflight(dataclasses.replace(GOOD, **change), available_bytes=8 * 2**30)
    assert expected in str(error.value)


def test_memory_over_available_is_refused():
    big = dataclasses.replace(GOOD, in_memory_bytes=10 * 2**30)
    with pytest.raises(TrainingError, match="GiB of memory"):
        run_preflight(big, available_bytes=4 * 2**30)


def test_all_problems_listed_together():
    bad = dataclasses.replace(GOOD, batch_size=5000, output_units=3)
    with pytest.raises(TrainingError) as error:
        run_preflight(bad, available_bytes=8 * 2**30)
    assert str(error.value).count("\n  - ") == 2


def test_memory_estimate_grows_with_batch_and_memmap_counts_zero(tmp_path):
    small = estimate_memory_bytes(GOOD)
    assert estimate_memory_bytes(dataclasses.replace(GOOD, batch_size=64)) > small
    mapped = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=np.uint8,
                                       shape=(10, 4))
    assert in_memory_bytes(mapped, np.zeros(8, dtype=np.uint8)) == 8
