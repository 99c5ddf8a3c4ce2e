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
from visionlab.evaluation.metrics import classification_metrics
from visionlab.training.heads import OutputSpec, get_loss
from visionlab.training.trainer import make_batches


def evaluate_split(model: keras.Model, split: Split, class_names: list[str], spec: OutputSpec,
                   train: TrainConfig) -> dict[str, Any]:
    """Predict `split` and return metrics (accuracy, per-class, confusion matrix, loss).

    The class probabilities are returned under `"_y_prob"` for the caller to store.
    """
    probabilities = np.asarray(model.predict(make_batches(split, train), verbose=0))
    metrics = classification_metrics(split.labels, probabilities, class_names)
    metrics["test_loss"] = cross_entropy(split.labels, probabilities, spec, len(class_names))
    metrics["test_count"] = len(split)
    metrics["_y_prob"] = probabilities
    return metrics


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
