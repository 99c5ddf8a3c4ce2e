"""`EpochLogger`: the Keras callback that hands each complete epoch's metrics to a tracker."""

from __future__ import annotations

import math
from collections.abc import Callable

import keras


class EpochLogger(keras.callbacks.Callback):
    """Send each complete epoch's finite metrics to `log(epoch, metrics)` (epoch 1-based).

    An epoch cut short (Ctrl-C, a NaN loss) is not sent: it is not in history.csv either, and a
    resumed run trains it again. Keras's `learning_rate` is sent as `lr`, as history.csv has it.
    Put it after visionlab's `EpochTimer` (the trainer's `extra_callbacks` are) to get `lr` and
    `seconds`.

    Args:
        log: called with the 1-based epoch (the global one in a multi-phase run) and a dict of
            metric name -> float.

    Example:
        model.fit(x, y, epochs=3, callbacks=[EpochLogger(lambda epoch, m: print(epoch, m))])
    """

    def __init__(self, log: Callable[[int, dict[str, float]], None]):
        super().__init__()
        self.log = log

    def on_epoch_begin(self, epoch, logs=None):
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches = batch + 1

    def on_epoch_end(self, epoch, logs=None):
        steps = self.params.get("steps")
        if steps and getattr(self, "_batches", 0) < steps:
            return
        values = dict(logs or {})
        if "learning_rate" in values:
            values.setdefault("lr", values.pop("learning_rate"))
        metrics = {}
        for key, value in values.items():
            try:
                number = float(keras.ops.convert_to_numpy(value))
            except (TypeError, ValueError):
                continue
            if math.isfinite(number):
                metrics[key] = number
        if metrics:
            self.log(epoch + 1, metrics)
