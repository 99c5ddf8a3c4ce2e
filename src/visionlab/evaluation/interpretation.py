"""Look inside a trained classifier's results: top losses, most-confused pairs, dead ReLU units.

Example:
    mistakes = top_losses(predictions["y_true"], predictions["y_prob"], k=12)
    pairs = most_confused_pairs(metrics["confusion_matrix"], class_names, k=5)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from visionlab.errors import DataError, ModelError
from visionlab.evaluation.metrics import class_probabilities
from visionlab.i18n import Message
from visionlab.models.backbones import BACKBONE_LAYER

# Probabilities are clipped before the log so a confident mistake has a large, finite loss.
PROBABILITY_FLOOR = 1e-7
DEAD_UNITS_BATCH_SIZE = 64
DEAD_UNITS_SAMPLE = 512  # test images a run's dead-unit measurement looks at
DEAD_UNITS_SEED = 0


class SampleSizeError(DataError, ValueError):
    """A negative population or sample size (a ValueError too, as it always was)."""


@dataclass(frozen=True)
class Mistake:
    """One misclassified example.

    Attributes:
        index: row in the predictions arrays.
        actual: true class index.
        predicted: predicted class index.
        probability: the model's probability for `predicted`.
        loss: cross-entropy of the example, `-log p(actual)`.
    """

    index: int
    actual: int
    predicted: int
    probability: float
    loss: float


@dataclass(frozen=True)
class ConfusedPair:
    """How often class `actual` was predicted as class `predicted`."""

    actual: str
    predicted: str
    count: int
    share: float  # of all examples of `actual`


def top_losses(y_true: np.ndarray, y_prob: np.ndarray, k: int) -> list[Mistake]:
    """Return the `k` mistakes with the largest loss (the most confident wrong predictions).

    Args:
        y_true: integer labels, shape (N,).
        y_prob: probabilities, shape (N, C), or (N, 1) / (N,) for one sigmoid unit (binary).
        k: how many mistakes to return at most.

    Example:
        for mistake in top_losses(labels, probabilities, k=9):
            print(mistake.index, mistake.actual, mistake.predicted, f"{mistake.probability:.0%}")
    """
    y_true = np.asarray(y_true).reshape(-1).astype(np.int64)
    probabilities = class_probabilities(y_prob)
    if len(probabilities) != len(y_true):
        raise DataError(Message("error.evaluation.top_losses.lengths", {
            "labels": len(y_true), "rows": len(probabilities)}))
    num_classes = probabilities.shape[1]
    if len(y_true) and (y_true.min() < 0 or y_true.max() >= num_classes):
        raise DataError(Message("error.evaluation.top_losses.label_range", {
            "low": int(y_true.min()), "high": int(y_true.max()), "num_classes": num_classes,
            "last": num_classes - 1}))
    predicted = np.argmax(probabilities, axis=1)
    rows = np.arange(len(y_true))
    losses = -np.log(np.clip(probabilities[rows, y_true], PROBABILITY_FLOOR, 1.0))
    wrong = np.flatnonzero(predicted != y_true)
    # Stable sort on the negated loss keeps ties in index order (reproducible grids).
    order = wrong[np.argsort(-losses[wrong], kind="stable")][: max(0, int(k))]
    return [Mistake(int(index), int(y_true[index]), int(predicted[index]),
                    float(probabilities[index, predicted[index]]), float(losses[index]))
            for index in order]


def most_confused_pairs(confusion_matrix: Any, class_names: Sequence[str],
                        k: int = 5) -> list[ConfusedPair]:
    """Return the `k` largest off-diagonal cells of a confusion matrix, largest first.

    Args:
        confusion_matrix: (C, C) counts, `matrix[actual][predicted]`.
        class_names: one name per class.
        k: how many pairs to return at most. Defaults to 5.
    """
    matrix = np.asarray(confusion_matrix, dtype=np.int64)
    num_classes = len(class_names)
    if matrix.shape != (num_classes, num_classes):
        raise DataError(Message("error.evaluation.confusion_shape", {
            "shape": matrix.shape, "num_classes": num_classes}))
    row_totals = matrix.sum(axis=1)
    off_diagonal = matrix.copy()
    np.fill_diagonal(off_diagonal, 0)
    flat_order = np.argsort(-off_diagonal, axis=None, kind="stable")
    pairs = []
    for flat_index in flat_order[: max(0, int(k))]:
        actual, predicted = np.unravel_index(flat_index, matrix.shape)
        count = int(off_diagonal[actual, predicted])
        if count == 0:
            break
        pairs.append(ConfusedPair(str(class_names[actual]), str(class_names[predicted]), count,
                                  count / int(row_totals[actual])))
    return pairs


def random_sample_indices(n: int, k: int, seed: int = 0) -> np.ndarray:
    """Return `min(k, n)` distinct indices below `n`, sorted, chosen reproducibly from `seed`.

    Args:
        n: population size.
        k: sample size.
        seed: random seed. Defaults to 0.
    """
    if n < 0 or k < 0:
        raise SampleSizeError(Message("error.evaluation.sample_size", {"n": n, "k": k}))
    generator = np.random.default_rng(seed)
    return np.sort(generator.choice(n, size=min(k, n), replace=False)).astype(np.int64)


def dead_units_sample(count: int) -> np.ndarray:
    """The indices, among `count` test images, that a run's dead-unit measurement looks at."""
    return random_sample_indices(count, DEAD_UNITS_SAMPLE, DEAD_UNITS_SEED)


def dead_unit_shares(model: Any, sample_images: np.ndarray) -> dict[str, float]:
    """Return, per ReLU layer, the share of units that never activate on `sample_images`.

    A unit (a Dense neuron or a Conv filter) is dead when its output is 0 for every sampled
    image (and, for convolutions, every position). Layers counted: Dense/Conv layers with a
    `relu` activation, and standalone `ReLU` / `Activation("relu")` layers, including those of
    trainable nested models (named `inner_model/layer`; frozen backbones are skipped).

    Args:
        model: a built Keras functional or Sequential model.
        sample_images: images as the model takes them, shape (N, H, W, C); uint8 is cast to
            float32.

    Example:
        dead_unit_shares(run.load_model(), test_images[:512])  # {"mlp/dense": 0.37}
    """
    images = np.asarray(sample_images)
    if len(images) == 0:
        raise DataError(Message("error.evaluation.dead_units.no_images"))
    probe = DeadUnitProbe(model)
    if probe.empty:
        return {}
    for batch in padded_batches(images, DEAD_UNITS_BATCH_SIZE):
        probe.record(probe.predict_on_batch(batch.astype("float32")))
    return probe.shares()


def padded_batches(array: np.ndarray, batch_size: int):
    """`array` in batches of `batch_size` rows, the last filled up with the first rows.

    One shape for every call (a new one retraces a compiled graph); the repeated rows change no
    unit's "ever active". An array shorter than one batch is one (shorter) batch.
    """
    for start in range(0, len(array), batch_size):
        batch = np.asarray(array[start:start + batch_size])
        if len(batch) < batch_size and start > 0:
            batch = np.concatenate([batch, np.asarray(array[:batch_size - len(batch)])])
        yield batch


class DeadUnitProbe:
    """Which ReLU units ever fire, recorded batch by batch, in the pass that predicts.

    `model` is the classifier rebuilt from its own layers (same weights) so that one call gives
    its outputs followed by the output of every ReLU layer the rule looks at (those inside
    trainable nested models included; not the pretrained base's): a caller that runs the
    classifier anyway (`evaluate_split(..., dead_units_sample=...)`) runs `model` instead and
    passes the extra outputs to `record`, so the measurement costs no second pass.

    Args:
        classifier: a built Keras functional or Sequential model.
        like: the classifier whose layers are named and chosen, when `classifier` is another
            model made of (some of) its layers, e.g. the top of a transfer model that predicts
            from stored features. Defaults to None (`classifier` itself).

    Raises:
        ModelError: the classifier cannot be rebuilt (a subclassed model).

    Example:
        probe = DeadUnitProbe(classifier)
        probe.record(probe.predict_on_batch(images[:64]))
        probe.shares()  # {"mlp/dense": 0.37}
    """

    def __init__(self, classifier: Any, like: Any = None) -> None:
        watched = _watched_layers(like if like is not None else classifier, prefix="")
        self.model, self.names = _instrumented(classifier, watched)
        self.prediction_count = len(classifier.outputs)
        self._ever_active: dict[str, np.ndarray] = {}

    @property
    def empty(self) -> bool:
        """True when the classifier has no ReLU layer to watch."""
        return not self.names

    def predict_on_batch(self, batch: np.ndarray) -> list[np.ndarray]:
        """The watched layers' outputs on `batch` (when no other pass runs the classifier)."""
        return _as_list(self.model.predict_on_batch(batch))[self.prediction_count:]

    def record(self, outputs: Sequence[Any]) -> None:
        """Record one batch's ReLU outputs (in `names` order; the rows of the images sampled)."""
        for name, output in zip(self.names, outputs):
            output = keras.ops.convert_to_numpy(output)
            # (batch, ..., units) -> (units,): did the unit fire anywhere in this batch?
            active = (output.reshape(-1, output.shape[-1]) > 0).any(axis=0)
            previous = self._ever_active.get(name)
            self._ever_active[name] = active if previous is None else previous | active

    def shares(self) -> dict[str, float]:
        """Layer name -> share of its units that never fired on the recorded images."""
        return {name: float(1.0 - active.mean()) for name, active in self._ever_active.items()}


def _watched_layers(model: Any, prefix: str) -> dict[int, str]:
    """id(layer) -> name ("nested/layer") of every ReLU layer the rule looks at: the model's
    own and those of its trainable nested models, recursively. A pretrained base, frozen or
    fine-tuned at its top, has no knob the rule could turn (its units were learned on
    ImageNet), and recording its every activation at 224x224 costs gigabytes: left out."""
    watched: dict[int, str] = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            if layer.trainable and layer.name != BACKBONE_LAYER:
                watched.update(_watched_layers(layer, f"{prefix}{layer.name}/"))
        elif _is_relu_layer(layer, keras):
            watched[id(layer)] = f"{prefix}{layer.name}"
    return watched


def _instrumented(model: Any, watched: dict[int, str]) -> tuple[Any, list[str]]:
    """(`model` rebuilt from the same layers with the output of each `watched` layer appended
    to its outputs, their names). Nested models holding watched layers are rebuilt the same way
    and called where the original was called."""
    names: list[str] = []
    extra: list[Any] = []

    def call(layer: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(layer, keras.Model) and any(id(inner) in watched
                                                  for inner in _all_layers(layer)):
            inner, inner_names = _instrumented(layer, watched)
            outputs = _as_list(inner(*args, **kwargs))
            count = len(layer.outputs)
            names.extend(inner_names)
            extra.extend(outputs[count:])
            return outputs[0] if count == 1 else outputs[:count]
        output = layer(*args, **kwargs)
        if id(layer) in watched:
            names.append(watched[id(layer)])
            extra.append(output)
        return output

    try:
        if isinstance(model, keras.Sequential):
            inputs = [keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype)
                      for tensor in model.inputs]
            outputs: Any = inputs[0]
            for layer in model.layers:
                outputs = call(layer, outputs)
            outputs = _as_list(outputs)
        else:
            # The same layer objects (so the same weights), each call going through `call`.
            rebuilt = keras.models.clone_model(model, clone_function=lambda layer: layer,
                                               call_function=call)
            inputs, outputs = rebuilt.inputs, list(rebuilt.outputs)
        return keras.Model(inputs, [*outputs, *extra], name=f"{model.name}_probed"), names
    except (AttributeError, TypeError, ValueError) as error:
        raise ModelError(Message("error.evaluation.dead_units.unreadable", {
            "model": model.name, "error": error})) from error


def _all_layers(model: Any) -> list[Any]:
    found: list[Any] = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found += _all_layers(layer)
    return found


def _as_list(outputs: Any) -> list[Any]:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _is_relu_layer(layer: Any, keras: Any) -> bool:
    if isinstance(layer, keras.layers.ReLU):
        return True
    activation = getattr(layer, "activation", None)
    if activation is None or getattr(activation, "__name__", "") != "relu":
        return False
    convolution = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D,
                   keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)
    return isinstance(layer, (keras.layers.Dense, keras.layers.Activation, *convolution))
