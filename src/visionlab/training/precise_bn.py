"""Precise batch-norm statistics: recompute the moving mean and variance exactly.

Keras's `BatchNormalization` keeps exponential moving averages (momentum 0.99) of each training
batch's mean and variance and normalizes with them at inference. On small data a run has too
few steps for them to catch up with the weights: after 280 steps the starting values (mean 0,
variance 1) still weigh 0.99**280 = 6%, and the rest averages over weights that have since
moved. Validation, test and predict then see wrongly scaled activations, and a network at 100%
training accuracy can score near chance. The fix PyTorch users know as "precise BN" (fvcore's
`update_bn_stats`, SWA's `update_bn`) is one pass over training images in training mode, without
a weight update, that sets each layer's statistics to the exact average of its batch statistics.

`recompute_batch_norm_statistics` is that pass, for every *trainable* `BatchNormalization`:
layers that are frozen, or inside a frozen nested model (a transfer backbone), are never
touched. `PreciseBatchNorm` is the callback that applies it at each epoch's end, before the
history, early stopping and the checkpoint read the epoch, and replaces the epoch's validation
numbers with the ones measured with the new statistics. With `mode="auto"` it measures on the
first epoch: validation with Keras's moving statistics against validation with recomputed
ones; it stays on only when that helps, and otherwise puts the old statistics back bit for bit,
so the run is exactly the run without it. The weights never differ either way: training mode
normalizes by each batch's own statistics, so the moving ones never reach a gradient.

Example:
    batches = StatisticsBatches(train.images, train.labels, batch_size=64, seed=0)
    recompute_batch_norm_statistics(model, batches)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from visionlab.data.pipeline import ArrayBatches
from visionlab.i18n import Localized, Message, percent, points
from visionlab.training.determinism import seed_generators

# At most 200 batches, fvcore/detectron2's default (`TEST.PRECISE_BN.NUM_ITER`): small data is
# averaged whole (2,700 MNIST images are 43 batches of 64), and the pass stays at 200 forward
# steps however large the dataset (full MNIST at batch 128: 25,600 of 54,000 images).
MAX_BATCHES = 200
# "auto" keeps precise BN on when the recomputed statistics raise validation accuracy by more
# than half a point or cut validation loss by more than a quarter. On full MNIST (422 steps in
# the first epoch) they gain 0.1 point and 12% of the loss, not worth a statistics pass per
# epoch; on 2,700 images (43 steps) 55-75 points (BENCHMARKS.md, "Precise BN").
AUTO_ACCURACY_GAIN = 0.005
AUTO_LOSS_DROP = 0.25
PROBE_BATCHES = 20  # training batches "auto" measures on when there is no validation split
_STREAM = 0x5EED_B4  # the statistics pass's own random stream: (seed, _STREAM)


def trainable_batch_norms(model: keras.Layer) -> list[keras.layers.BatchNormalization]:
    """Every trainable BatchNormalization in `model`, nested models and layers included.

    A frozen container hides its whole subtree: a BatchNormalization whose own `trainable`
    is True inside a frozen backbone still counts as frozen. Renormalizing layers
    (`renorm=True`) keep their own statistics and are left out.
    """
    found: list[keras.layers.BatchNormalization] = []
    seen: set[int] = set()

    def walk(layer: keras.Layer) -> None:
        for child in layer._flatten_layers(include_self=False, recursive=False):
            if id(child) in seen or not child.trainable:
                continue
            seen.add(id(child))
            if isinstance(child, keras.layers.BatchNormalization):
                if not getattr(child, "renorm", False):
                    found.append(child)
            else:
                walk(child)

    if model.trainable:
        walk(model)
    return found


def batch_norm_facts(model: keras.Model, steps_per_epoch: int) -> dict[str, Any]:
    """What the diagnosis needs: trainable BN layers, their (slowest) momentum, steps per epoch."""
    layers = trainable_batch_norms(model)
    return {"trainable_layers": len(layers),
            "momentum": max((float(layer.momentum) for layer in layers), default=None),
            "steps_per_epoch": int(steps_per_epoch)}


class StatisticsBatches(ArrayBatches):
    """`(images, labels)` batches for the statistics pass: a fixed random sample of the split.

    The order is a permutation drawn from (seed, a stream of its own), so batches mix the
    classes as training batches do (a class-sorted split would give too small variances), it
    holds at most `max_batches` batches, and the same seed gives the same batches in every
    epoch, run and resume.

    Args:
        images: uint8 array or memmap (num_images, height, width, channels).
        labels: int class labels (num_images,).
        batch_size: images per batch: the training batch size, since batch statistics
            depend on it.
        seed: the run's seed. Defaults to 0.
        max_batches: at most this many batches. Defaults to `MAX_BATCHES`; None for all.
        num_classes, one_hot: the label encoding, as `ArrayBatches` takes it.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, *,
                 seed: int = 0, max_batches: int | None = MAX_BATCHES,
                 num_classes: int | None = None, one_hot: bool = False):
        super().__init__(images, labels, batch_size, shuffle=False, seed=seed,
                         num_classes=num_classes, one_hot=one_hot)
        order = np.random.default_rng([int(seed), _STREAM]).permutation(len(self.labels))
        if max_batches is not None:
            order = order[:int(max_batches) * self.batch_size]
        self._order = order

    def __len__(self) -> int:
        return math.ceil(len(self._order) / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)  # the sample is fixed: no reshuffle

    @property
    def image_count(self) -> int:
        """How many images the batches hold."""
        return len(self._order)


def _read(layers: Sequence[keras.layers.BatchNormalization]) -> list[tuple[np.ndarray, ...]]:
    return [(np.array(keras.ops.convert_to_numpy(layer.moving_mean)),
             np.array(keras.ops.convert_to_numpy(layer.moving_variance))) for layer in layers]


def _assign(layers: Sequence[keras.layers.BatchNormalization],
            values: Sequence[tuple[np.ndarray, ...]]) -> None:
    for layer, (mean, variance) in zip(layers, values, strict=True):
        layer.moving_mean.assign(mean.astype(layer.moving_mean.dtype))
        layer.moving_variance.assign(variance.astype(layer.moving_variance.dtype))


def recompute_batch_norm_statistics(model: keras.Model, batches: Sequence[Any],
                                    seed: int = 0) -> int:
    """Set every trainable BN layer's moving statistics to the exact average over `batches`.

    Each batch runs through `model` in training mode (augmentation and dropout as in training)
    with momentum 0, so each layer's moving statistics become that batch's statistics; they are
    averaged in float64, weighted by batch size. Nothing else changes: there is no optimizer
    step, the layers' momentum is put back, and so is every other non-trainable variable
    (frozen layers' statistics, random generators: the pass draws its own noise from `seed`).
    A layer whose statistics did not move (one called with `training=False` inside the model)
    keeps its old values bit for bit.

    Args:
        model: the model as it trains (augmentation layers included).
        batches: a sequence of image batches, or of `(images, labels)` batches, e.g.
            `StatisticsBatches(train.images, train.labels, batch_size, seed=seed)`.
        seed: seed of the pass's augmentation and dropout noise. Defaults to 0.

    Returns:
        The number of layers whose statistics were recomputed.
    """
    layers = trainable_batch_norms(model)
    if not layers or not len(batches):
        return 0
    before = _read(layers)
    # Everything else the forward pass might move (a BatchNormalization that calls itself
    # trainable inside a frozen backbone updates its statistics in training mode; random
    # generators advance) is put back exactly as it was.
    recomputed = {id(variable) for layer in layers
                  for variable in (layer.moving_mean, layer.moving_variance)}
    others = [variable for variable in model.non_trainable_variables
              if id(variable) not in recomputed]
    generators = seed_generators(model)
    others += [generator.state for generator in generators
               if all(generator.state is not variable for variable in others)]
    saved = [np.array(keras.ops.convert_to_numpy(variable)) for variable in others]
    momenta = [layer.momentum for layer in layers]
    sums = [[np.zeros(mean.shape), np.zeros(variance.shape)] for mean, variance in before]
    moved = [False] * len(layers)
    seen = 0
    try:
        for index, generator in enumerate(generators):
            generator.state.assign(keras.ops.convert_to_tensor(
                [(int(seed) * 7919 + (index + 1) * 104729 + _STREAM) % (2**31 - 1), 0],
                dtype=generator.state.dtype))
        for layer in layers:
            layer.momentum = 0.0
        for index in range(len(batches)):
            batch = batches[index]
            images = np.asarray(batch[0] if isinstance(batch, tuple) else batch, "float32")
            model(images, training=True)
            size = len(images)
            for position, (mean, variance) in enumerate(_read(layers)):
                sums[position][0] += size * mean.astype(np.float64)
                sums[position][1] += size * variance.astype(np.float64)
                moved[position] = moved[position] or not (
                    np.array_equal(mean, before[position][0])
                    and np.array_equal(variance, before[position][1]))
            seen += size
    except BaseException:
        _assign(layers, before)
        raise
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
        for variable, value in zip(others, saved, strict=True):
            variable.assign(value)
    _assign(layers, [(total_mean / seen, total_variance / seen) if changed else old
                     for (total_mean, total_variance), old, changed
                     in zip(sums, before, moved, strict=True)])
    return sum(moved)


class PreciseBatchNorm(keras.callbacks.Callback):
    """Recompute the trainable BN statistics at each epoch's end and validate with them.

    Put it before the callbacks that read an epoch's logs or save the model (history, early
    stopping, checkpoint): the epoch's `val_*` entries are replaced in place.

    Args:
        mode: True (every epoch), False (never) or "auto" (measure on the first epoch).
        batches: the statistics batches (`StatisticsBatches`).
        validation_batches: the validation batches, or None (then "auto" measures on the
            first `PROBE_BATCHES` statistics batches). Defaults to None.
        seed: the run's seed (the pass's noise). Defaults to 0.
        decided: the decision an earlier `fit` of this run recorded (resume, a later phase).
            Defaults to None.
        on_decision: called with the decision record (a JSON-ready dict) once it is made.
            Defaults to None.
        interrupt: a `GracefulInterrupt`; an epoch cut short by Ctrl-C is left alone.
            Defaults to None.
    """

    def __init__(self, mode: bool | str, batches: Sequence[Any], validation_batches: Any = None,
                 *, seed: int = 0, decided: dict[str, Any] | None = None,
                 on_decision: Callable[[dict[str, Any]], None] | None = None,
                 interrupt: Any = None):
        super().__init__()
        if mode not in (True, False, "auto"):
            raise ValueError(f"mode must be True, False or 'auto'; got {mode!r}.")
        self.mode = mode
        self.batches = batches
        self.validation_batches = validation_batches
        self.seed = seed
        self.decision = decided if mode == "auto" else None
        self.on_decision = on_decision
        self.reason: Message | None = None  # the "auto" decision's reason, in any language
        self.interrupt = interrupt

    @property
    def active(self) -> bool:
        """Whether the statistics are recomputed at each epoch's end."""
        if self.mode == "auto":
            return bool(self.decision and self.decision.get("active"))
        return bool(self.mode)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.mode != "auto" and trainable_batch_norms(self.model):
            self._record({"mode": self.mode, "active": self.mode})

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.mode is False or _skip_epoch(self.model, self.interrupt, logs):
            return
        if not trainable_batch_norms(self.model):
            return
        logs = logs if logs is not None else {}
        if self.mode == "auto" and self.decision is None:
            self._decide(epoch, logs)
        elif self.active:
            recompute_batch_norm_statistics(self.model, self.batches, self.seed)
            if self.validation_batches is not None:
                logs.update(self._validate(self.validation_batches))

    def _decide(self, epoch: int, logs: dict[str, Any]) -> None:
        layers = trainable_batch_norms(self.model)
        moving = _read(layers)
        if self.validation_batches is not None and "val_loss" in logs:
            probe, measured_on = self.validation_batches, "validation"
            # Keras validated with the moving statistics a moment ago.
            stale = {key: float(value) for key, value in logs.items() if key.startswith("val_")}
        else:
            probe, measured_on = _Head(self.batches, PROBE_BATCHES), "training images"
            stale = self._validate(probe)
        recompute_batch_norm_statistics(self.model, self.batches, self.seed)
        recomputed = self._validate(probe)
        active, reason = auto_decision(stale, recomputed)
        self.reason = reason
        if active:
            if measured_on == "validation":
                logs.update(recomputed)
        else:
            _assign(layers, moving)  # bit for bit the run without precise BN
        self._record({"mode": "auto", "active": active, "decided_at_epoch": epoch + 1,
                      "measured_on": measured_on, "reason": reason.render("en"),
                      "moving": _rounded(stale), "recomputed": _rounded(recomputed)})

    def _record(self, decision: dict[str, Any]) -> None:
        self.decision = decision
        if self.on_decision is not None:
            self.on_decision(decision)

    def _validate(self, batches: Any) -> dict[str, float]:
        result = self.model.evaluate(batches, verbose=0, return_dict=True)
        return {f"val_{key}": float(value) for key, value in result.items()}


def auto_decision(moving: dict[str, float], recomputed: dict[str, float]) -> tuple[bool, Message]:
    """Decide "auto" from two validations; return (keep precise BN on, the reason)."""
    accuracy_gain = recomputed.get("val_accuracy", math.nan) - moving.get("val_accuracy",
                                                                          math.nan)
    old_loss, new_loss = moving.get("val_loss", math.nan), recomputed.get("val_loss", math.nan)
    loss_drop = (old_loss - new_loss) / old_loss if old_loss > 0 else math.nan
    if math.isfinite(accuracy_gain) and accuracy_gain > AUTO_ACCURACY_GAIN:
        return True, Message("training.precise_bn.reason.accuracy", {
            "gain": points(accuracy_gain), "threshold": points(AUTO_ACCURACY_GAIN)})
    if math.isfinite(loss_drop) and loss_drop > AUTO_LOSS_DROP:
        return True, Message("training.precise_bn.reason.loss", {
            "drop": percent(loss_drop, 0), "threshold": percent(AUTO_LOSS_DROP, 0)})
    gain = (Localized("signed_points", accuracy_gain) if math.isfinite(accuracy_gain)
            else "n/a")
    drop = Localized("signed_percent", loss_drop, 0) if math.isfinite(loss_drop) else "n/a"
    return False, Message("training.precise_bn.reason.same", {"gain": gain, "drop": drop})


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(float(value), 6) for key, value in values.items()}


def _skip_epoch(model: keras.Model, interrupt: Any, logs: dict[str, Any] | None) -> bool:
    """An epoch cut short by Ctrl-C, or one whose loss blew up, is left as it is."""
    if interrupt is not None and getattr(interrupt, "interrupted", False):
        return True
    loss = (logs or {}).get("loss")
    return loss is not None and not math.isfinite(float(loss))


class _Head(keras.utils.PyDataset):
    """The first `count` batches of a sequence of `(images, labels)` batches."""

    def __init__(self, batches: Sequence[Any], count: int):
        super().__init__()
        self.batches, self.count = batches, min(count, len(batches))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Any:
        return self.batches[index]
