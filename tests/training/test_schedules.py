"""Tests for visionlab.training.schedules: formulas, validation, serialization, safe-mode reload."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from visionlab.errors import ConfigError
from visionlab.training import schedules
from visionlab.training.schedules import (
    EpochSchedule,
    describe_schedule,
    get_schedule,
    learning_rate_and_callbacks,
    list_schedules,
)


@pytest.mark.parametrize(
    ("identifier", "epoch", "expected"),
    [
        ("constant", 7, 0.01),
        ({"name": "exponential", "decay": 0.6}, 3, 0.01 * 0.6**3),
        ({"name": "constant_then_exponential", "hold_epochs": 5, "rate": 0.2}, 4, 0.01),
        ({"name": "constant_then_exponential", "hold_epochs": 5, "rate": 0.2}, 7,
         0.01 * math.exp(-0.2 * 3)),
        ({"name": "step", "factor": 0.1, "step_epochs": 4}, 3, 0.01),
        ({"name": "step", "factor": 0.1, "step_epochs": 4}, 9, 0.01 * 0.1**2),
        ({"name": "codelab_decay", "decay": 0.666, "min_lr": 1e-4}, 4,
         1e-4 + (0.01 - 1e-4) * 0.666**4),
        ({"name": "lr_range", "epochs_per_decade": 20}, 40, 0.01 * 100),
        ({"name": "cosine", "min_lr": 0.001}, 5, 0.001 + 0.009 * 0.5),
        ({"name": "cosine", "warmup_epochs": 3}, 0, 0.01 / 4),
        ({"name": "cosine", "warmup_epochs": 3}, 3, 0.01),
        ({"name": "one_cycle", "pct_start": 0.3, "div_factor": 25}, 0, 0.01 / 25),
        ({"name": "one_cycle", "pct_start": 0.3, "div_factor": 25}, 3, 0.01),
    ],
)
def test_epoch_values_follow_the_formula(identifier, epoch, expected):
    schedule = get_schedule(identifier, base_lr=0.01, epochs=10, per_step=False)
    assert isinstance(schedule, EpochSchedule)
    assert schedule(epoch) == pytest.approx(expected, rel=1e-9)
    # LearningRateScheduler passes the current lr too; the closed form ignores it.
    assert schedule(epoch, 123.0) == pytest.approx(expected, rel=1e-9)


def test_tutorial_exponential_sequence():
    values = describe_schedule({"name": "exponential", "decay": 0.6}, base_lr=0.01, epochs=5)
    np.testing.assert_allclose(values, [0.01 * 0.6**epoch for epoch in range(5)])


def test_constant_then_exponential_matches_the_keras_docs_example():
    # Keras docs: `lr if epoch < 10 else lr * exp(-0.1)` applied each epoch from lr 0.01.
    lr, stateful = 0.01, []
    for epoch in range(15):
        lr = lr if epoch < 10 else lr * math.exp(-0.1)
        stateful.append(lr)
    closed = describe_schedule("constant_then_exponential", base_lr=0.01, epochs=15)
    np.testing.assert_allclose(closed, stateful, rtol=1e-12)
    assert round(closed[-1], 5) == 0.00607


def test_one_cycle_ends_near_max_lr_over_final_div():
    values = describe_schedule({"name": "one_cycle", "final_div": 100.0}, base_lr=0.1,
                               epochs=40, per_step=False)
    assert max(values) == pytest.approx(0.1)
    assert values[-1] < 0.1 / 50 and values[-1] >= 0.1 / 100


@pytest.mark.parametrize("name", ["cosine", "one_cycle"])
def test_per_step_schedule_agrees_with_per_epoch_form(name):
    per_step = get_schedule(name, base_lr=0.05, epochs=8, steps_per_epoch=10)
    assert isinstance(per_step, keras.optimizers.schedules.LearningRateSchedule)
    # With one step per epoch the two forms are the same curve.
    step_values = describe_schedule(name, base_lr=0.05, epochs=8, steps_per_epoch=1)
    epoch_values = describe_schedule(name, base_lr=0.05, epochs=8, per_step=False)
    np.testing.assert_allclose(step_values, epoch_values, rtol=1e-5)
    mid_epoch = float(keras.ops.convert_to_numpy(per_step(15)))
    assert per_step(10) is not None and min(step_values) <= mid_epoch <= max(step_values)


def test_cosine_uses_keras_cosine_decay_with_warmup_and_floor():
    schedule = get_schedule({"name": "cosine", "warmup_epochs": 2, "min_lr": 0.001},
                            base_lr=0.01, epochs=6, steps_per_epoch=5)
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert schedule.warmup_steps == 10 and schedule.decay_steps == 20
    assert float(schedule(10)) == pytest.approx(0.01)
    assert float(schedule(30)) == pytest.approx(0.001)


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("cosin", "Did you mean 'cosine'"),
        ({"name": "expnential"}, "Did you mean 'exponential'"),
        ({"name": "step", "decay": 0.5}, "accepted parameters are: factor, step_epochs"),
        ({"name": "exponential", "decay": 1.5}, "decay must be in (0, 1]"),
        ({"name": "step", "step_epochs": 2.5}, "whole number"),
        ({"name": "exponential", "decay": "fast"}, "finite number"),
        ({"decay": 0.5}, "needs a 'name' key"),
        ({"name": "cosine", "warmup_epochs": 10}, "smaller than the number of epochs"),
        (3.0, "Cannot interpret"),
    ],
)
def test_bad_configs_raise_config_error(identifier, message):
    with pytest.raises(ConfigError) as error:
        get_schedule(identifier, base_lr=0.01, epochs=10, steps_per_epoch=4)
    assert message in str(error.value)


def test_per_step_needs_steps_per_epoch_and_base_lr_must_be_positive():
    with pytest.raises(ConfigError, match="steps_per_epoch"):
        get_schedule("one_cycle", base_lr=0.01, epochs=3)
    with pytest.raises(ConfigError, match="base learning rate"):
        get_schedule("constant", base_lr=0.0, epochs=3)


def test_instances_and_functions_pass_through():
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert get_schedule(decay, base_lr=1.0, epochs=2) is decay
    epoch_schedule = get_schedule("step", base_lr=0.1, epochs=3)
    assert get_schedule(epoch_schedule, base_lr=9.0, epochs=9) is epoch_schedule
    halving = get_schedule(lambda epoch, lr: 0.1 / (epoch + 1), base_lr=0.1, epochs=3)
    assert halving(1) == pytest.approx(0.05)
    again = get_schedule(epoch_schedule.get_config(), base_lr=0.1, epochs=3)
    assert again.params == epoch_schedule.params and again.name == "step"
    assert set(list_schedules()) >= {"constant", "exponential", "one_cycle", "lr_range"}


def test_one_cycle_serializes_and_deserializes():
    schedule = get_schedule("one_cycle", base_lr=0.02, epochs=4, steps_per_epoch=25)
    config = keras.optimizers.schedules.serialize(schedule)
    assert config["registered_name"] == "visionlab>OneCycleSchedule"
    restored = keras.optimizers.schedules.deserialize(config)
    for step in (0, 10, 25, 99):
        assert float(restored(step)) == pytest.approx(float(schedule(step)), rel=1e-6)


@pytest.mark.parametrize("name", ["one_cycle", "cosine"])
def test_model_compiled_with_per_step_schedule_reloads_in_safe_mode(tmp_path, name):
    schedule = get_schedule(name, base_lr=0.05, epochs=2, steps_per_epoch=4)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 3)), rng.integers(0, 2, 16), batch_size=4, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    schedules.register_serializables()
    loaded = keras.models.load_model(path, safe_mode=True)
    assert type(loaded.optimizer._learning_rate) is type(schedule)
    assert int(loaded.optimizer.iterations) == 4
    assert float(keras.ops.convert_to_numpy(loaded.optimizer.learning_rate)) == pytest.approx(
        float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), rel=1e-6)


def test_epoch_schedule_drives_learning_rate_scheduler():
    schedule = get_schedule({"name": "exponential", "decay": 0.5}, base_lr=0.08, epochs=3)
    learning_rate, callbacks = learning_rate_and_callbacks(schedule)
    assert learning_rate == pytest.approx(0.08)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    history = model.fit(np.zeros((4, 2)), np.zeros(4), epochs=3, verbose=0, callbacks=callbacks)
    np.testing.assert_allclose(history.history["learning_rate"], [0.08, 0.04, 0.02], rtol=1e-6)
    per_step = get_schedule("cosine", base_lr=0.1, epochs=2, steps_per_epoch=3)
    assert learning_rate_and_callbacks(per_step) == (per_step, [])


@pytest.mark.parametrize("name", sorted(schedules.SCHEDULES))
def test_every_registered_schedule_is_one_consistent_definition(name):
    definition = schedules.SCHEDULES[name]
    assert definition.name == name and name in list_schedules()
    assert f"- {name}: " in schedules.__doc__
    schedule = get_schedule(name, base_lr=0.01, epochs=12, per_step=False)
    values = [schedule(epoch) for epoch in range(12)]
    assert all(math.isfinite(value) and value > 0 for value in values)
    assert get_schedule(schedule.get_config(), base_lr=0.01, epochs=12,
                        per_step=False).params == schedule.params
    per_step = get_schedule(name, base_lr=0.01, epochs=12, steps_per_epoch=3)
    assert isinstance(per_step, keras.optimizers.schedules.LearningRateSchedule) == (
        definition.per_step_builder is not None)
    for key, allowed in definition.ranges.items():
        assert allowed.contains(definition.defaults[key])


def test_a_new_schedule_is_one_registered_function(monkeypatch):
    monkeypatch.setattr(schedules, "SCHEDULES", dict(schedules.SCHEDULES))

    @schedules.register_schedule("linear_decay", description="`base_lr * (1 - e / epochs)`",
                                 defaults={"floor": 0.0},
                                 ranges={"floor": schedules.ParameterRange(0)})
    def _linear_decay(epoch, base_lr, epochs, params):
        return max(params["floor"], base_lr * (1 - epoch / epochs))

    assert "linear_decay" in list_schedules()
    assert describe_schedule("linear_decay", base_lr=1.0, epochs=4) == [1.0, 0.75, 0.5, 0.25]
    with pytest.raises(ConfigError, match=r"floor must be >= 0, got -1.0"):
        get_schedule({"name": "linear_decay", "floor": -1}, base_lr=1.0, epochs=4)
    with pytest.raises(ValueError, match="already registered"):
        schedules.register_schedule("linear_decay", description="again")
    with pytest.raises(ValueError, match="no default"):
        schedules.register_schedule("broken", description="", ranges={
            "decay": schedules.ParameterRange(0)})(_linear_decay)


@pytest.mark.parametrize(
    ("allowed", "words", "inside", "outside"),
    [
        (schedules.ParameterRange(0, 1, low_open=True), "in (0, 1]", [1.0, 0.5], [0.0, 1.5]),
        (schedules.ParameterRange(0, 1, low_open=True, high_open=True), "in (0, 1)", [0.5],
         [0.0, 1.0]),
        (schedules.ParameterRange(1), ">= 1", [1, 7.5], [0.99]),
        (schedules.ParameterRange(0, low_open=True), "> 0", [1e-9], [0.0, -2.0]),
    ],
)
def test_parameter_range_checks_and_describes_its_ends(allowed, words, inside, outside):
    assert allowed.describe() == words
    assert all(allowed.contains(value) for value in inside)
    assert not any(allowed.contains(value) for value in outside)


def test_one_cycle_schedule_is_a_module_level_keras_serializable():
    assert schedules.register_serializables() is schedules.OneCycleSchedule
    assert keras.saving.get_registered_object("visionlab>OneCycleSchedule") is (
        schedules.OneCycleSchedule)
