"""Evaluate a model on a split: predictions, metrics and the head's own loss.

Example:
    metrics = evaluate_split(model, dataset.split("test"), dataset.class_names, spec,
                             config.train)
    metrics["test_accuracy"], metrics["_y_prob"].shape
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from visionlab.config import TrainConfig
from visionlab.data.dataset import Split
from visionlab.errors import ModelError
from visionlab.evaluation.interpretation import DeadUnitProbe, padded_batches
from visionlab.evaluation.metrics import classification_metrics
from visionlab.training.heads import OutputSpec, get_loss
from visionlab.training.trainer import make_batches


def evaluate_split(model: keras.Model, split: Split, class_names: list[str], spec: OutputSpec,
                   train: TrainConfig, *, dead_units_sample: np.ndarray | None = None,
                   features: tuple[keras.Model, np.ndarray] | None = None) -> dict[str, Any]:
    """Predict `split` and return metrics (accuracy, per-class, confusion matrix, loss).

    The class probabilities are returned under `"_y_prob"` for the caller to store.

    Args:
        model: the classifier.
        split: the images and labels.
        class_names: the dataset's classes.
        spec: the head (its loss gives `test_loss`).
        train: the train section (batch size).
        dead_units_sample: indices into `split` whose ReLU activity is recorded in the same
            pass over the images (`interpretation.DeadUnitProbe`); the shares are returned
            under `"_dead_units"` (None when the model cannot be probed). Defaults to None
            (not measured).
        features: (top, features): the split's images already through the frozen bottom of
            `model` (`training.phases.test_features`), and the model's top that predicts from
            them; the base is then not run again. Defaults to None (predict from the images).
    """
    dead_units: dict[str, float] | None = None
    if dead_units_sample is None and features is None:
        probabilities = np.asarray(model.predict(make_batches(split, train), verbose=0))
    else:
        probabilities, dead_units = _predicted_and_probed(model, split, train,
                                                          dead_units_sample, features)
    metrics = classification_metrics(split.labels, probabilities, class_names)
    metrics["test_loss"] = cross_entropy(split.labels, probabilities, spec, len(class_names))
    metrics["test_count"] = len(split)
    metrics["_y_prob"] = probabilities
    if dead_units_sample is not None:
        metrics["_dead_units"] = dead_units
    return metrics


def _predicted_and_probed(model: keras.Model, split: Split, train: TrainConfig,
                          sample: np.ndarray | None,
                          features: tuple[keras.Model, np.ndarray] | None,
                          ) -> tuple[np.ndarray, dict[str, float] | None]:
    """One pass over `split` (or its features, through the model's top): the model's outputs
    and, for the sampled rows, its ReLU activity (a second pass would cost as much as the
    evaluation itself on a 224x224 base)."""
    predictor, inputs = features if features is not None else (model, split.images)
    probe: DeadUnitProbe | None = None
    dead_units: dict[str, float] | None = None
    if sample is not None:
        try:
            probe = DeadUnitProbe(predictor, like=model)
            dead_units = {}
        except ModelError:  # an architecture that cannot be probed: the rule is skipped
            probe = None
        if probe is not None and probe.empty:
            probe = None
    if (probe is None and features is None) or not len(split):
        return np.asarray(model.predict(make_batches(split, train), verbose=0)), dead_units
    runner = probe.model if probe is not None else predictor
    predictions = probe.prediction_count if probe is not None else 1
    sampled = np.zeros(len(split), dtype=bool)
    if probe is not None:
        sampled[np.asarray(sample, dtype=np.int64)] = True
    parts, start = [], 0
    for batch in padded_batches(inputs, train.batch_size):
        count = min(train.batch_size, len(split) - start)
        outputs = [keras.ops.convert_to_numpy(output)
                   for output in _as_outputs(runner.predict_on_batch(batch))]
        parts.append(outputs[0][:count])
        rows = np.flatnonzero(sampled[start:start + count])
        if probe is not None and rows.size:
            probe.record([output[rows] for output in outputs[predictions:]])
        start += count
    return np.concatenate(parts), probe.shares() if probe is not None else dead_units


def _as_outputs(outputs: Any) -> list[Any]:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def cross_entropy(labels: np.ndarray, probabilities: np.ndarray, spec: OutputSpec,
                  num_classes: int) -> float:
    """Mean data loss of the head's loss function (without regularization terms)."""
    labels = np.asarray(labels, dtype=np.int64)
    if spec.binary_single_unit:
        targets = labels.reshape(-1, 1).astype(np.float32)
    elif spec.one_hot or spec.loss == "categorical_crossentropy":
        targets = np.eye(num_classes, dtype=np.float32)[labels]
    else:
        targets = labels
    loss = get_loss(spec.loss)(targets, probabilities)
    return float(np.mean(keras.ops.convert_to_numpy(loss)))
