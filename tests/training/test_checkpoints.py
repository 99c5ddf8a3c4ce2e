"""A checkpoint is one unit: state.json names and checksums its model; a torn one falls back."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits

from visionlab.errors import RunError
from visionlab.training.checkpoints import (
    PREVIOUS_STATE_FILE,
    STATE_FILE,
    EpochCheckpoint,
    load_checkpoint,
)


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return (data.data[:256] / 16.0).astype("float32"), data.target[:256]


def _model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


@pytest.fixture
def checkpointed(tmp_path: Path, digits) -> tuple[Path, keras.Model]:
    images, labels = digits
    model = _model()
    model.fit(images, labels, epochs=3, batch_size=64, verbose=0,
              callbacks=[EpochCheckpoint(tmp_path, extra_state={"phase": ""})])
    return tmp_path, model


def _state(directory: Path, name: str = STATE_FILE) -> dict:
    return json.loads((directory / name).read_text())


def test_state_names_its_model_file_and_keeps_the_previous_checkpoint(checkpointed):
    directory, model = checkpointed
    state, previous = _state(directory), _state(directory, PREVIOUS_STATE_FILE)
    assert (state["next_epoch"], state["model"]) == (3, "epoch-0003.keras")
    assert (previous["next_epoch"], previous["model"]) == (2, "epoch-0002.keras")
    assert len(state["model_sha256"]) == 64
    assert sorted(path.name for path in directory.glob("*.keras")) == [
        "epoch-0002.keras", "epoch-0003.keras"]  # epoch 1's file was removed
    loaded, loaded_state = load_checkpoint(directory)
    assert loaded_state == state
    for ours, theirs in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("damage", ["truncate model", "delete model", "garbage state"])
def test_a_torn_checkpoint_falls_back_to_the_previous_one(checkpointed, damage):
    directory, _ = checkpointed
    model_file = directory / "epoch-0003.keras"
    if damage == "truncate model":
        model_file.write_bytes(model_file.read_bytes()[: model_file.stat().st_size // 2])
    elif damage == "delete model":
        model_file.unlink()
    else:
        (directory / STATE_FILE).write_text('{"next_epoch": 3, "mod')
    with pytest.warns(RuntimeWarning, match="damaged.*after epoch 2"):
        _, state = load_checkpoint(directory)
    assert state["next_epoch"] == 2 and state["model"] == "epoch-0002.keras"


def test_no_whole_checkpoint_is_one_clear_error(checkpointed):
    directory, _ = checkpointed
    for name in ("epoch-0002.keras", "epoch-0003.keras"):
        (directory / name).unlink()
    with pytest.raises(RunError, match=r"No usable checkpoint.*epoch-0003.keras is missing.*"
                                       r"epoch-0002.keras is missing"):
        load_checkpoint(directory)


def test_a_checkpoint_of_the_old_layout_still_loads(tmp_path: Path, digits):
    model = _model()
    model.fit(*digits, epochs=1, verbose=0)
    model.save(tmp_path / "last.keras")
    (tmp_path / STATE_FILE).write_text(json.dumps({"next_epoch": 4, "phase": ""}))
    loaded, state = load_checkpoint(tmp_path)
    assert state["next_epoch"] == 4 and len(loaded.get_weights()) == 2
