"""Tests for visionlab.training.lr_finder on a tiny dense model over scikit-learn digits."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits

from visionlab.errors import TrainingError
from visionlab.training.lr_finder import (
    LRFinderResult,
    find_learning_rate,
    per_epoch_lr_range,
    suggest,
    valley_index,
)


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y.astype("int64")


def _model(optimizer=None, seed=0, activation="relu"):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation=activation),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _state(model):
    return ([w.copy() for w in model.get_weights()],
            [keras.ops.convert_to_numpy(v).copy() for v in model.optimizer.variables])


def _assert_same_state(model, state):
    weights, optimizer_values = state
    for now, before in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(now, before)
    values_now = [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables]
    assert len(values_now) == len(optimizer_values)
    for now, before in zip(values_now, optimizer_values):
        np.testing.assert_array_equal(now, before)


def test_finder_suggests_in_range_stops_on_divergence_and_restores_state(digits):
    x, y = digits
    model = _model()
    # Train a little first so the optimizer has non-trivial momentum and iteration count.
    model.fit(x[:256], y[:256], batch_size=64, epochs=1, verbose=0)
    state = _state(model)
    result = find_learning_rate(model, (x, y), start_lr=1e-4, end_lr=100.0, num_steps=100,
                                batch_size=64)
    assert isinstance(result, LRFinderResult)
    assert result.stopped_early and len(result.learning_rates) < 100
    assert "exceeded" in result.reason or "became" in result.reason
    assert result.rule == "valley"
    assert result.suggested_lr == result.suggestions["valley"]
    # Both rules pick a swept rate on the falling part of the smoothed curve: before its
    # minimum, with the loss still going down after it, far below where the sweep diverged.
    lowest = int(np.nanargmin(result.smoothed_losses))
    for rule, rate in result.suggestions.items():
        index = result.learning_rates.index(rate)
        assert index < lowest, f"{rule}: {rate:.3g} is at or past the loss minimum"
        assert result.smoothed_losses[index + 1] < result.smoothed_losses[index - 1], rule
        assert rate < result.learning_rates[-1] / 100, rule
    np.testing.assert_allclose(np.diff(np.log(result.learning_rates)),
                               math.log(1e6) / 99, rtol=1e-9)
    _assert_same_state(model, state)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.01)


def test_suggested_rate_trains_better_than_the_divergent_end(digits):
    x, y = digits
    model = _model(keras.optimizers.SGD(learning_rate=1e-3))
    result = find_learning_rate(model, (x, y), start_lr=1e-4, end_lr=50.0, num_steps=60,
                                rule="steepest", batch_size=64)
    assert result.suggested_lr == result.suggestions["steepest"]
    model.optimizer.learning_rate = result.suggested_lr
    model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    suggested_accuracy = model.evaluate(x, y, verbose=0)[1]
    # The same start (seed 0) trained just as long at the sweep's last rate.
    end = _model(keras.optimizers.SGD(learning_rate=result.learning_rates[-1]))
    end.fit(x, y, batch_size=64, epochs=2, verbose=0)
    end_loss, end_accuracy = end.evaluate(x, y, verbose=0)
    assert suggested_accuracy > 0.8
    assert suggested_accuracy > end_accuracy + 0.3
    assert not end_loss < math.log(10)  # no better than chance (or NaN): it diverged


def test_finder_on_a_pydataset_cycles_and_builds_adam_state(digits):
    x, y = digits

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.epochs_seen = 0

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 32:(index + 1) * 32], y[index * 32:(index + 1) * 32]

        def on_epoch_end(self):
            self.epochs_seen += 1

    data = Batches()
    model = _model(keras.optimizers.Adam(learning_rate=1e-3))
    before = [w.copy() for w in model.get_weights()]
    result = find_learning_rate(model, data, start_lr=1e-5, end_lr=1e-2, num_steps=12)
    assert data.epochs_seen >= 2 and not result.stopped_early
    assert len(result.losses) == 12 and "reached end_lr" in result.reason
    for now, then in zip(model.get_weights(), before):
        np.testing.assert_array_equal(now, then)
    assert int(model.optimizer.iterations) == 0
    assert all(not np.any(keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables[2:])


def test_smoothed_losses_are_bias_corrected(digits):
    x, y = digits
    result = find_learning_rate(_model(), (x, y), start_lr=1e-5, end_lr=1e-4, num_steps=5,
                                smoothing=0.9, skip_start=0)
    assert result.smoothed_losses[0] == pytest.approx(result.losses[0])
    average = 0.9 * (0.1 * result.losses[0]) + 0.1 * result.losses[1]
    assert result.smoothed_losses[1] == pytest.approx(average / (1 - 0.9**2))


def test_nan_loss_stops_the_sweep_and_weights_come_back(digits):
    x, y = digits
    x = x.copy()
    x[200:] = np.nan  # every batch after the first few produces a NaN loss

    model = _model(activation="tanh")  # TensorFlow's relu maps NaN to 0; tanh keeps it
    model.optimizer.build(model.trainable_variables)  # the finder builds it; compare like for like
    state = _state(model)
    result = find_learning_rate(model, (x, y), num_steps=50, batch_size=16, seed=1)
    assert result.stopped_early and "became nan" in result.reason
    assert not math.isfinite(result.losses[-1])
    _assert_same_state(model, state)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"start_lr": 1.0, "end_lr": 0.1}, "start_lr < end_lr"),
     ({"num_steps": 1}, "num_steps"),
     ({"rule": "steep"}, "valley, steepest"),
     ({"smoothing": 1.0}, "smoothing")],
)
def test_bad_arguments_raise_training_error(digits, kwargs, message):
    with pytest.raises(TrainingError, match=message):
        find_learning_rate(_model(), digits, **kwargs)


def test_uncompiled_model_or_schedule_or_bad_data_raise_training_error(digits):
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    with pytest.raises(TrainingError, match="compiled model"):
        find_learning_rate(model, digits)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    with pytest.raises(TrainingError, match="not a schedule"):
        find_learning_rate(_model(keras.optimizers.SGD(learning_rate=schedule)), digits)
    with pytest.raises(TrainingError, match="PyDataset"):
        find_learning_rate(_model(), {"x": 1})
    with pytest.raises(TrainingError, match="same non-zero length"):
        find_learning_rate(_model(), (digits[0], digits[1][:5]))


def test_rules_on_a_synthetic_curve():
    rates = list(np.logspace(-6, 0, 61))
    # Flat, then a steep drop centred at 1e-3, then a rise.
    logs = np.log10(rates)
    losses = list(2.0 - 1.5 / (1 + np.exp(-(logs + 3) * 4)) + np.clip(logs + 1, 0, None) * 5)
    picks = suggest(rates, losses)
    assert picks["steepest"] == pytest.approx(1e-3, rel=0.3)
    assert 1e-4 < picks["valley"] < 1e-1
    assert valley_index([3.0, 2.0]) is None
    assert suggest([1e-3, 1e-2], [1.0, float("nan")]) == {"valley": None, "steepest": None}


def test_per_epoch_lr_range_reads_a_history(digits):
    history = {"lr": [1e-3 * 10 ** (epoch / 20) for epoch in range(60)]}
    logs = np.log10(history["lr"])
    history["val_loss"] = list(1.0 + (logs + 1.5) ** 2)  # minimum at 10**-1.5
    history["val_loss"][-1] = float("nan")
    result = per_epoch_lr_range(history, rule="steepest")
    assert result.stopped_early and result.learning_rates == history["lr"]
    assert 1e-3 <= result.suggested_lr < 10**-1.5
    rows = [{"lr": lr, "val_loss": loss} for lr, loss in zip(history["lr"], history["val_loss"])]
    assert per_epoch_lr_range(rows).suggested_lr == per_epoch_lr_range(history).suggested_lr
    with pytest.raises(TrainingError, match="no 'lr'"):
        per_epoch_lr_range({"val_loss": [1.0]})
    with pytest.raises(TrainingError, match="no 'accuracy' column"):
        per_epoch_lr_range(history, monitor="accuracy")


def test_weights_and_optimizer_come_back_when_the_sweep_raises(digits):
    x, y = digits
    model = _model()
    model.fit(x[:128], y[:128], batch_size=64, epochs=1, verbose=0)
    state = _state(model)
    train_on_batch, calls = model.train_on_batch, []

    def failing_train_on_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("interrupted")
        return train_on_batch(*args, **kwargs)

    model.train_on_batch = failing_train_on_batch
    with pytest.raises(RuntimeError, match="interrupted"):
        find_learning_rate(model, (x, y), num_steps=20, batch_size=64)
    _assert_same_state(model, state)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.01)
