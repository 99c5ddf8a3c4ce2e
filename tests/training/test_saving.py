"""`save_portable_model`: a schedule in the optimizer becomes the float rate it has reached."""

from __future__ import annotations

import json
import zipfile

import keras
import numpy as np
import pytest

from visionlab.training.one_cycle import OneCycleSchedule
from visionlab.training.saving import load_keras_model, portable_twin, save_portable_model


def _trained(learning_rate) -> keras.Model:
    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(5, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="predictions")(hidden)
    model = keras.Model(inputs, outputs, name="tiny")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(24, 4)).astype("float32"), np.arange(24) % 3, batch_size=8,
              epochs=1, verbose=0)  # three steps
    return model


def _saved_config(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


@pytest.mark.parametrize("schedule", [
    OneCycleSchedule(max_lr=0.01, total_steps=6),
    keras.optimizers.schedules.CosineDecay(0.01, decay_steps=6),
], ids=["one_cycle", "keras_cosine"])
def test_a_schedule_is_saved_as_the_rate_it_reached_with_the_optimizer_state(schedule, tmp_path):
    model = _trained(schedule)
    reached = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    path = tmp_path / "model.keras"
    save_portable_model(model, path)

    saved = _saved_config(path)
    assert "visionlab" not in json.dumps(saved)
    optimizer_config = saved["compile_config"]["optimizer"]["config"]
    assert optimizer_config["learning_rate"] == pytest.approx(reached)
    model.save(tmp_path / "as_is.keras")
    assert saved["config"] == _saved_config(tmp_path / "as_is.keras")["config"]  # same layers

    reloaded = keras.models.load_model(path)
    assert float(keras.ops.convert_to_numpy(reloaded.optimizer.learning_rate)) == \
        pytest.approx(reached)
    state = [variable for variable in reloaded.optimizer.variables
             if variable is not reloaded.optimizer.learning_rate]
    assert int(keras.ops.convert_to_numpy(reloaded.optimizer.iterations)) == 3
    for loaded, original in zip(state, model.optimizer.variables, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded),
                                      keras.ops.convert_to_numpy(original))
    features = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(reloaded.predict(features, verbose=0),
                                  model.predict(features, verbose=0))
    # The model itself is untouched: it keeps its schedule and trains on.
    assert model.optimizer.get_config()["learning_rate"]["class_name"] == \
        type(schedule).__name__
    model.train_on_batch(features, np.array([0, 1]))


def test_a_float_rate_or_an_uncompiled_model_is_saved_as_it_is(tmp_path):
    model = _trained(0.01)
    assert portable_twin(model) is model
    uncompiled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert portable_twin(uncompiled) is uncompiled
    save_portable_model(model, tmp_path / "model.keras")
    assert load_keras_model(tmp_path / "model.keras").optimizer.learning_rate.numpy() == \
        pytest.approx(0.01)
