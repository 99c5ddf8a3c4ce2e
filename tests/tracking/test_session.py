"""The tracking session and its epoch callback, with a recording tracker in place of MLflow."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from visionlab.config import load_config
from visionlab.errors import TrainingInterrupted
from visionlab.tracking.epochs import EpochLogger
from visionlab.tracking.session import TrackingSession, start_tracking


class _Recorder:
    """A tracker that remembers what the session asked of it."""

    name = "recorder"

    def __init__(self, fail_on_complete: bool = False):
        self.ended: list[str] = []
        self.completed = []
        self.fail_on_complete = fail_on_complete

    def describe(self) -> str:
        return "recorder"

    def record(self) -> dict:
        return {"id": 1}

    def callbacks(self) -> list:
        return []

    def complete(self, run) -> None:
        if self.fail_on_complete:
            raise ConnectionError("store unreachable")
        self.completed.append(run)

    def end(self, status: str) -> None:
        self.ended.append(status)


def _fit(callbacks: list, epochs: int = 3) -> None:
    generator = np.random.default_rng(0)
    x = generator.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=epochs, validation_split=0.25, verbose=0,
              shuffle=False, callbacks=callbacks)


def test_epoch_logger_sends_complete_epochs_numbered_from_one():
    logged: list[tuple[int, dict]] = []
    rate = keras.callbacks.LambdaCallback(  # what Keras logs with a schedule
        on_epoch_end=lambda epoch, logs: logs.update(learning_rate=np.float32(0.1)))
    _fit([rate, EpochLogger(lambda epoch, metrics: logged.append((epoch, metrics)))])
    assert [epoch for epoch, _ in logged] == [1, 2, 3]
    for _, metrics in logged:
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(metrics)
        assert metrics["lr"] == pytest.approx(0.1)  # named as history.csv names it
        assert "learning_rate" not in metrics
        assert all(isinstance(value, float) for value in metrics.values())


def test_epoch_logger_leaves_out_an_epoch_cut_short():
    logged: list[int] = []
    epochs: list[int] = []
    # Stops after the first batch of the second epoch, as Ctrl-C or a NaN loss would.
    stop = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: epochs.append(epoch),
        on_train_batch_end=lambda batch, logs: setattr(stop.model, "stop_training",
                                                       epochs[-1] == 1))
    _fit([stop, EpochLogger(lambda epoch, _: logged.append(epoch))])
    assert logged == [1]


@pytest.mark.parametrize(("error", "status"), [
    (TrainingInterrupted("stopped"), "KILLED"),
    (KeyboardInterrupt(), "KILLED"),
    (MemoryError(), "FAILED"),
    (ValueError("bug"), "FAILED"),
])
def test_an_escaping_error_ends_every_tracker_and_still_escapes(error: BaseException,
                                                                status: str):
    trackers = [_Recorder(), _Recorder()]
    session = TrackingSession(trackers)
    with pytest.raises(type(error)), session.during_training():
        raise error
    assert [tracker.ended for tracker in trackers] == [[status], [status]]


def test_a_tracker_that_cannot_record_the_finished_run_is_only_warned_about(tmp_path: Path):
    failing, working = _Recorder(fail_on_complete=True), _Recorder()
    session = TrackingSession([failing, working])
    with session.during_training():
        pass
    assert failing.ended == [] and working.ended == []

    class _Finished:
        path = tmp_path

    with pytest.warns(RuntimeWarning, match="recorder could not record it"):
        session.complete(_Finished())
    assert len(working.completed) == 1
    assert session.record() == {"recorder": {"id": 1}}


def test_no_tracking_is_an_empty_session(tmp_path: Path):
    session = start_tracking(load_config(None), tmp_path)
    assert not session
    assert session.callbacks() == [] and session.record() == {} and session.describe() == []
