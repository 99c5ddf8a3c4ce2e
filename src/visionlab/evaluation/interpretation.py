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
    if not probe.outputs:
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
    """Which ReLU units ever fire, recorded batch by batch.

    `outputs` are the tensors (of `model`'s own graph) to record: a caller that runs the model
    anyway adds them to its outputs and passes what they give to `record`, so the measurement
    costs no second pass over the images (`evaluate_split(..., dead_units_sample=...)`).

    Args:
        model: a built Keras functional or Sequential model.

    Raises:
        ModelError: the model's intermediate outputs cannot be read.

    Example:
        probe = DeadUnitProbe(model)
        probe.record(probe.predict_on_batch(images[:64]))
        probe.shares()  # {"mlp/dense": 0.37}
    """

    def __init__(self, model: Any) -> None:
        self._plan = _probe_plan(model, keras, prefix="")
        self._ever_active: dict[str, np.ndarray] = {}
        self._nested_inputs: dict[int, list[np.ndarray]] = {}

    @property
    def outputs(self) -> list[Any]:
        """The graph tensors `record` takes, in order; empty when there is nothing to probe."""
        return list(self._plan[0].outputs) if self._plan is not None else []

    def predict_on_batch(self, batch: np.ndarray) -> list[np.ndarray]:
        """`outputs` computed on `batch` alone (when no other pass runs the model)."""
        if self._plan is None:
            return []
        return _as_list(self._plan[0].predict_on_batch(batch))

    def record(self, outputs: Sequence[Any]) -> None:
        """Record one batch's values of `outputs` (the rows of the images sampled).

        Nested models' inputs are kept and run through their own probes by `shares`, in
        batches of one shape.
        """
        if self._plan is None:
            return
        _, names, children = self._plan
        _record_layers(names, list(outputs), keras, self._ever_active)
        for index, (child, child_input) in enumerate(zip(children, outputs[len(names):])):
            if child is not None:
                self._nested_inputs.setdefault(index, []).append(
                    keras.ops.convert_to_numpy(child_input))

    def shares(self) -> dict[str, float]:
        """Layer name -> share of its units that never fired on the recorded images."""
        if self._plan is not None:
            children = self._plan[2]
            for index, parts in self._nested_inputs.items():
                for batch in padded_batches(np.concatenate(parts), DEAD_UNITS_BATCH_SIZE):
                    _record_activity(children[index], batch, keras, self._ever_active)
            self._nested_inputs.clear()
        return {name: float(1.0 - active.mean()) for name, active in self._ever_active.items()}


def _probe_plan(model: Any, keras: Any, prefix: str) -> tuple | None:
    """(probe model, ReLU layer names, child plans): the probe outputs every ReLU layer's output,
    then the input of every nested model, so nested models are probed on what they receive."""
    relu_layers = [layer for layer in model.layers if _is_relu_layer(layer, keras)]
    # A pretrained base, frozen or fine-tuned at its top, has no knob the rule could turn (its
    # units were learned on ImageNet), and probing its every activation of every image costs
    # minutes and gigabytes at 224x224: leave it out.
    nested = [layer for layer in model.layers
              if isinstance(layer, keras.Model) and layer.trainable
              and layer.name != BACKBONE_LAYER]
    if not relu_layers and not nested:
        return None
    nested_inputs = [_called_on(layer) for layer in nested]
    for layer, nested_input in zip(nested, nested_inputs):
        if nested_input is None:
            raise ModelError(Message("error.evaluation.dead_units.nested_input", {
                "model": model.name, "nested": layer.name}))
    try:
        probe = keras.Model(inputs=model.inputs,
                            outputs=[layer.output for layer in relu_layers] + nested_inputs)
    except (AttributeError, ValueError) as error:
        raise ModelError(Message("error.evaluation.dead_units.unreadable", {
            "model": model.name, "error": error})) from error
    children = [_probe_plan(layer, keras, prefix=f"{prefix}{layer.name}/") for layer in nested]
    return probe, [f"{prefix}{layer.name}" for layer in relu_layers], children


def _called_on(nested_model: Any) -> Any:
    """The outer-graph tensor a nested model was called on, or None when it was not called
    once on one input.

    `nested_model.input` is the nested model's own input, not connected to the outer graph, and
    Keras has no public accessor for the call's input, so read the first inbound node.
    """
    nodes = getattr(nested_model, "_inbound_nodes", None)
    if not nodes or len(nodes[0].input_tensors) != 1:
        return None
    return nodes[0].input_tensors[0]


def _record_activity(plan: tuple, batch: Any, keras: Any,
                     ever_active: dict[str, np.ndarray]) -> None:
    # predict_on_batch runs a compiled graph: an eager call of a 224x224 base keeps every
    # intermediate activation alive (gigabytes, and 5x slower).
    _record_outputs(plan, _as_list(plan[0].predict_on_batch(batch)), keras, ever_active)


def _record_outputs(plan: tuple, outputs: list[Any], keras: Any,
                    ever_active: dict[str, np.ndarray]) -> None:
    _, names, children = plan
    _record_layers(names, outputs, keras, ever_active)
    for child, child_input in zip(children, outputs[len(names):]):
        if child is not None:
            _record_activity(child, child_input, keras, ever_active)


def _record_layers(names: list[str], outputs: list[Any], keras: Any,
                   ever_active: dict[str, np.ndarray]) -> None:
    for name, output in zip(names, outputs):
        output = keras.ops.convert_to_numpy(output)
        # (batch, ..., units) -> (units,): did the unit fire anywhere in this batch?
        active = (output.reshape(-1, output.shape[-1]) > 0).any(axis=0)
        ever_active[name] = ever_active[name] | active if name in ever_active else active


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
