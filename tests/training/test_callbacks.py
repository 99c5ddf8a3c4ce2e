"""Tests for visionlab.training.callbacks on tiny Keras models."""

from __future__ import annotations

import csv
import io
import os
import signal

import keras
import numpy as np
import pytest
from rich.console import Console

from visionlab.training.callbacks import (
    EpochTimer,
    GracefulInterrupt,
    HistoryWriter,
    NanGuard,
    RichProgress,
    read_history,
)
from visionlab.training.schedules import get_schedule


def _data(samples=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    return x, y


def _model(learning_rate=0.05, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class _Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)


def test_epoch_timer_adds_lr_and_seconds_with_a_per_step_schedule():
    x, y = _data()
    model = _model()
    schedule = get_schedule({"name": "cosine"}, base_lr=0.1, epochs=2, steps_per_epoch=4)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[EpochTimer()])
    assert len(history.history["seconds"]) == 2
    assert all(seconds > 0 for seconds in history.history["seconds"])
    expected = [float(schedule(4)), float(schedule(8))]
    np.testing.assert_allclose(history.history["lr"], expected, rtol=1e-6)


def test_nan_guard_stops_restores_finite_weights_and_explains():
    x, y = _data()

    class PoisonSecondEpoch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if self._epoch == 1 and batch == 2:
                weights = self.model.get_weights()
                weights[-1] = weights[-1] * np.nan  # output bias, so the logits are NaN
                self.model.set_weights(weights)

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

    model = _model(learning_rate=0.5)
    guard = NanGuard()
    good = {}

    class KeepFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                good["weights"] = self.model.get_weights()

    history = model.fit(x, y, batch_size=4, epochs=5, verbose=0,
                        callbacks=[KeepFirstEpoch(), PoisonSecondEpoch(), guard])
    assert guard.stopped and guard.epoch == 2 and guard.batch == 3
    assert len(history.history["loss"]) == 2  # stopped inside epoch 2, no epoch 3
    assert np.isfinite(guard.last_finite_loss)
    for restored, kept in zip(model.get_weights(), good["weights"]):
        np.testing.assert_array_equal(restored, kept)
    assert "epoch 2, batch 3" in guard.diagnosis and "0.5" in guard.diagnosis
    assert "lr-find" in guard.diagnosis


def test_nan_guard_with_a_learning_rate_that_explodes():
    x, y = _data(64)
    x = x * 1e3
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e3), loss="mse")
    guard = NanGuard()
    model.fit(x, y.astype("float32") * 1e3, batch_size=8, epochs=20, verbose=0, callbacks=[guard])
    assert guard.stopped
    assert all(np.isfinite(weight).all() for weight in model.get_weights())
    assert f"epoch {guard.epoch}" in guard.diagnosis


def test_nan_guard_quiet_on_healthy_run_and_resets():
    x, y = _data()
    model = _model()
    guard = NanGuard()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[guard])
    assert not guard.stopped and guard.diagnosis is None
    guard.stopped = True
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[guard])
    assert not guard.stopped


def test_history_writer_rows_phase_offset_and_resume(tmp_path):
    x, y = _data()
    path = tmp_path / "run" / "history.csv"
    model = _model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_data=(x, y),
              callbacks=[EpochTimer(), HistoryWriter(path, phase="head")])
    rows = read_history(path)
    assert [(row["epoch"], row["phase"]) for row in rows] == [(1, "head"), (2, "head")]
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["epoch", "phase", "loss", "accuracy", "val_loss", "val_accuracy", "lr",
                      "seconds"]
    assert rows[1]["lr"] == pytest.approx(0.05) and rows[1]["seconds"] > 0

    # Second phase continues the numbering; resuming it at its epoch 2 from the file replaces,
    # not duplicates, row 4.
    writer = HistoryWriter(path, phase="finetune", initial_rows=rows, epoch_offset=2)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[writer])
    resumed = HistoryWriter(path, phase="finetune", initial_rows=read_history(path),
                            epoch_offset=2)
    model.fit(x, y, batch_size=8, epochs=2, initial_epoch=1, verbose=0, callbacks=[resumed])
    rows = read_history(path)
    assert [(row["epoch"], row["phase"]) for row in rows] == [
        (1, "head"), (2, "head"), (3, "finetune"), (4, "finetune")]
    assert np.isnan(rows[2]["val_loss"]) and np.isfinite(rows[3]["loss"])
    assert not list(path.parent.glob(".history.csv.*"))  # no temporary files left


def test_history_writer_keeps_extra_metrics_and_learning_rate_scheduler_column(tmp_path):
    x, y = _data()
    model = _model()
    path = tmp_path / "history.csv"
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * (epoch + 1))
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[scheduler, HistoryWriter(path)])
    rows = read_history(path)
    assert [row["lr"] for row in rows] == pytest.approx([0.01, 0.02])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=1,
                                                                                   name="top1")])
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[HistoryWriter(path)])
    with open(path, encoding="utf-8") as handle:
        assert next(csv.reader(handle))[-1] == "top1"


def test_rich_progress_prints_one_line_per_epoch_and_summary_when_not_a_terminal():
    x, y = _data()
    model = _model()
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    progress = RichProgress(console=console)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, validation_data=(x, y),
              callbacks=[EpochTimer(), progress])
    text = buffer.getvalue()
    epoch_lines = [line for line in text.splitlines() if line.startswith("Epoch ")]
    assert [line.split()[1] for line in epoch_lines] == ["1/3", "2/3", "3/3"]
    assert "val_accuracy" in epoch_lines[0] and "lr 0.05" in epoch_lines[0]
    _, best_logs = progress.best_epoch()
    assert best_logs["val_accuracy"] == max(logs["val_accuracy"] for _, logs in progress.records)
    assert "Training summary" in text and "best epoch" in text and "total time" in text


def test_rich_progress_terminal_mode_and_quiet_mode():
    x, y = _data()
    model = _model()
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[RichProgress(console=console)])
    assert "Epoch 2/2" in buffer.getvalue() and "best epoch" in buffer.getvalue()
    quiet = io.StringIO()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0,
              callbacks=[RichProgress(verbose=0, console=Console(file=quiet))])
    assert quiet.getvalue() == ""


def test_graceful_interrupt_stops_after_the_batch_that_saw_ctrl_c():
    x, y = _data(64)
    model = _model()
    previous = signal.getsignal(signal.SIGINT)

    class SendCtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                os.kill(os.getpid(), signal.SIGINT)

    recorder = _Recorder()
    interrupt = GracefulInterrupt()
    history = model.fit(x, y, batch_size=4, epochs=3, verbose=0,
                        callbacks=[recorder, SendCtrlC(), interrupt])
    assert interrupt.interrupted
    assert recorder.batches == [0, 1, 2]
    assert (interrupt.epoch, interrupt.batch) == (1, 3)
    assert len(history.history["loss"]) == 1
    assert signal.getsignal(signal.SIGINT) is previous


def test_ctrl_c_after_the_last_batch_still_stops_the_caller():
    """Ctrl-C while the last epoch's checkpoint is written: the fit is complete, but the caller
    (the next phase, the evaluation) must still see the request."""
    x, y = _data(64)
    model = _model()
    previous = signal.getsignal(signal.SIGINT)

    class CtrlCAtTheEnd(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                os.kill(os.getpid(), signal.SIGINT)

    interrupt = GracefulInterrupt()
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0,
                        callbacks=[interrupt, CtrlCAtTheEnd()])
    assert len(history.history["loss"]) == 2  # both epochs complete
    assert interrupt.interrupted and interrupt.epoch is None  # none cut short
    assert signal.getsignal(signal.SIGINT) is previous


def test_second_ctrl_c_raises_keyboard_interrupt_and_restores_handler():
    x, y = _data(64)
    model = _model()
    previous = signal.getsignal(signal.SIGINT)

    class SendTwice(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                # Call the installed SIGINT handler synchronously, as the interpreter would for
                # two presses; real async delivery could land inside a TensorFlow __del__, where
                # Python swallows the KeyboardInterrupt (test_ctrl_c covers real delivery).
                handler = signal.getsignal(signal.SIGINT)
                handler(signal.SIGINT, None)
                handler(signal.SIGINT, None)

    interrupt = GracefulInterrupt()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[SendTwice(), interrupt])
    assert signal.getsignal(signal.SIGINT) is previous
    # A fresh fit resets the flags.
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[interrupt])
    assert not interrupt.interrupted and not interrupt.requested
