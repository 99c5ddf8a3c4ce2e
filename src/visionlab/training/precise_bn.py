"""Precise batch-norm statistics: recompute the moving mean and variance exactly after training.

Keras's `BatchNormalization` keeps exponential moving averages (momentum 0.99) of each batch's
mean and variance. On small data a run has too few steps for them to catch up with the
weights, so inference (validation, test, predict) normalizes with stale statistics: a network
at 100% training accuracy can score near chance. The fix PyTorch users know as "precise BN"
(fvcore's `update_bn_stats`, SWA's `update_bn`) is one pass over the training images in
training mode, no weight update, averaging each layer's batch statistics exactly.

`recompute_batch_norm_statistics` does that pass for every *trainable* `BatchNormalization`
(frozen backbone layers run in inference mode and are never touched). `PreciseBatchNorm` is the
callback that applies it at the end of each epoch, before the history and the checkpoint see
the epoch, and re-validates with the new statistics. With `mode="auto"` it measures on the
first epoch: validation with the current and with the recomputed statistics; precise BN stays
on only when it helps, otherwise the old statistics are put back, so the run is exactly the run
without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

AUTO_MARGIN = 0.005  # validation accuracy the recomputed statistics must gain (half a point)


def trainable_batch_norms(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    """Every BatchNormalization of `model` (nested models included) that is trainable."""
    found, stack = [], list(model.layers)
    while stack:
        layer = stack.pop(0)
        if isinstance(layer, keras.layers.BatchNormalization):
            if layer.trainable:
                found.append(layer)
        elif hasattr(layer, "layers"):
            stack[:0] = list(layer.layers)
    return found


def batch_norm_facts(model: keras.Model, steps_per_epoch: int) -> dict[str, Any]:
    """What the diagnosis needs: trainable BN layers, their momentum and the steps per epoch."""
    layers = trainable_batch_norms(model)
    return {"trainable_layers": len(layers),
            "momentum": float(layers[0].momentum) if layers else None,
            "steps_per_epoch": int(steps_per_epoch)}


def _statistics(layers: list[keras.layers.BatchNormalization]) -> list[list[np.ndarray]]:
    return [[np.array(keras.ops.convert_to_numpy(layer.moving_mean)),
             np.array(keras.ops.convert_to_numpy(layer.moving_variance))] for layer in layers]


def _assign(layers: list[keras.layers.BatchNormalization], values: list[list[np.ndarray]]) -> None:
    for layer, (mean, variance) in zip(layers, values, strict=True):
        layer.moving_mean.assign(mean)
        layer.moving_variance.assign(variance)


def recompute_batch_norm_statistics(model: keras.Model, batches: Any,
                                    max_batches: int | None = None) -> int:
    """Set every trainable BN layer's moving statistics to their exact average over `batches`.

    Each batch runs through `model` in training mode with momentum 0, so each layer's moving
    statistics become that batch's statistics; they are averaged, weighted by batch size. No
    weight changes (there is no optimizer step). Returns the number of layers recomputed.

    Args:
        model: the model (training model, augmentation included, as it trains).
        batches: a sequence of `(images, labels)` or images batches (`len` and indexing), e.g.
            a non-shuffled `ArrayBatches`.
        max_batches: stop after this many batches. Defaults to None (all).
    """
    layers = trainable_batch_norms(model)
    if not layers:
        return 0
    momenta = [layer.momentum for layer in layers]
    sums = [[np.zeros(layer.moving_mean.shape, "float64"),
             np.zeros(layer.moving_variance.shape, "float64")] for layer in layers]
    seen = 0
    try:
        for layer in layers:
            layer.momentum = 0.0
        count = len(batches) if max_batches is None else min(max_batches, len(batches))
        for index in range(count):
            batch = batches[index]
            images = batch[0] if isinstance(batch, tuple) else batch
            size = int(images.shape[0])
            model(images, training=True)
            for total, (mean, variance) in zip(sums, _statistics(layers), strict=True):
                total[0] += size * mean
                total[1] += size * variance
            seen += size
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
    if seen:
        _assign(layers, [[(mean / seen).astype("float32"), (variance / seen).astype("float32")]
                         for mean, variance in sums])
    return len(layers)


class PreciseBatchNorm(keras.callbacks.Callback):
    """Recompute the trainable BN statistics at each epoch's end and re-validate with them.

    Args:
        mode: True (every epoch), False (never) or "auto" (measure on the first epoch).
        statistics_batches: the training images, not shuffled, for the recomputation.
        validation_batches: the validation batches, or None (then "auto" measures on the
            first batches of the training images).
        decided: a decision recorded earlier in this run (when resuming). Defaults to None.
        on_decision: called with the decision record once "auto" has decided (or at once for
            True/False), so the run can store it in run.json. Defaults to None.
        interrupt: a `GracefulInterrupt`; an epoch cut short by Ctrl-C is left alone.
    """

    def __init__(self, mode: bool | str, statistics_batches: Any, validation_batches: Any = None,
                 decided: dict[str, Any] | None = None,
                 on_decision: Callable[[dict[str, Any]], None] | None = None,
                 interrupt: Any = None):
        super().__init__()
        self.mode = mode
        self.statistics_batches = statistics_batches
        self.validation_batches = validation_batches
        self.on_decision = on_decision
        self.decision: dict[str, Any] | None = decided
        self.interrupt = interrupt

    @property
    def active(self) -> bool:
        """Whether the statistics are recomputed (decided, or mode True)."""
        if self.mode is True:
            return True
        return bool(self.decision and self.decision.get("active"))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.interrupt is not None and getattr(self.interrupt, "interrupted", False):
            return
        if self.mode is False or not trainable_batch_norms(self.model):
            return
        if getattr(self.model, "stop_training", False) and _bad(logs):
            return
        logs = logs if logs is not None else {}
        if self.mode == "auto" and self.decision is None:
            self._decide(epoch, logs)
        elif self.active:
            recompute_batch_norm_statistics(self.model, self.statistics_batches)
            if self.validation_batches is not None:
                logs.update(self._validate())
            if self.decision is None:
                self._record({"mode": True, "active": True, "decided_at_epoch": epoch + 1})

    def _decide(self, epoch: int, logs: dict[str, Any]) -> None:
        layers = trainable_batch_norms(self.model)
        stale = _statistics(layers)
        before = self._validate()
        recompute_batch_norm_statistics(self.model, self.statistics_batches)
        after = self._validate()
        metric = "val_accuracy" if "val_accuracy" in after else "val_loss"
        gain = (after[metric] - before[metric] if metric == "val_accuracy"
                else before[metric] - after[metric])
        threshold = AUTO_MARGIN if metric == "val_accuracy" else 0.02 * abs(before[metric])
        active = bool(np.isfinite(gain) and gain > threshold)
        if active and self.validation_batches is not None:
            logs.update(after)
        else:
            _assign(layers, stale)  # exactly the run without precise BN
        self._record({"mode": "auto", "active": active, "decided_at_epoch": epoch + 1,
                      "measured_on": ("validation" if self.validation_batches is not None
                                      else "training images"),
                      "metric": metric, "stale": float(before[metric]),
                      "recomputed": float(after[metric])})

    def _record(self, decision: dict[str, Any]) -> None:
        self.decision = decision
        if self.on_decision is not None:
            self.on_decision(decision)

    def _validate(self) -> dict[str, float]:
        batches = self.validation_batches
        if batches is None:  # measure on (at most 20 batches of) the training images
            batches = _Head(self.statistics_batches, 20)
        result = self.model.evaluate(batches, verbose=0, return_dict=True)
        # Without validation data the training probe's numbers are only used to decide.
        return {f"val_{key}": float(value) for key, value in result.items()}


class _Head(keras.utils.PyDataset):
    """The first `count` batches of a PyDataset."""

    def __init__(self, batches: Any, count: int):
        super().__init__()
        self.batches, self.count = batches, min(count, len(batches))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Any:
        return self.batches[index]


def _bad(logs: dict[str, Any] | None) -> bool:
    loss = (logs or {}).get("loss")
    return loss is not None and not np.isfinite(float(loss))
