"""TensorBoard tracking: Keras's TensorBoard callback writes event files into the run folder,
read back with TensorBoard's own reader; a resumed run appends to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from needs import needs_module
from visionlab import api
from visionlab.errors import TrainingInterrupted

pytestmark = pytest.mark.xdist_group("training")

DIGITS = {
    "name": "digits-tensorboard",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01, "seed": 1},
}


def _scalars(folder: Path, tag: str) -> dict[int, float]:
    """Step -> value of `tag` in every event file of `folder` (TensorBoard's reader)."""
    accumulator = needs_module("tensorboard.backend.event_processing.event_accumulator",
                               "tensorboard")
    tensor_util = needs_module("tensorboard.util.tensor_util", "tensorboard")
    values: dict[int, float] = {}
    for events in sorted(folder.glob("events.out.tfevents.*")):
        reader = accumulator.EventAccumulator(str(events), size_guidance={"tensors": 0})
        reader.Reload()
        for event in reader.Tensors(tag):
            values[event.step] = float(tensor_util.make_ndarray(event.tensor_proto))
    return values


def test_tensorboard_events_of_every_epoch_are_in_the_run_folder_across_a_resume(
        tmp_path: Path, ctrl_c_at_epoch):
    needs_module("tensorboard", "tensorboard")
    with pytest.raises(TrainingInterrupted):
        api.train(DIGITS, runs_dir=tmp_path, verbose=0, report=False, track="tensorboard",
                  callbacks=[ctrl_c_at_epoch(1)])
    (partial,) = api.list_runs(tmp_path)
    assert partial.info["tracking"] == {"tensorboard": {"log_dir": "tensorboard"}}
    run = api.resume(partial.path, verbose=0, report=False)
    logs = run.path / "tensorboard"
    assert {path.name for path in logs.iterdir()} == {"train", "validation"}
    # Keras numbers the epochs from 0; the resumed run continues at epoch 2's step.
    train_loss = _scalars(logs / "train", "epoch_loss")
    assert sorted(train_loss) == [0, 1, 2]
    assert [train_loss[step] for step in (0, 2)] == pytest.approx(
        [run.history[0]["loss"], run.history[2]["loss"]], rel=1e-5)
    validation = _scalars(logs / "validation", "epoch_accuracy")
    assert validation[2] == pytest.approx(run.history[2]["val_accuracy"], rel=1e-5)
