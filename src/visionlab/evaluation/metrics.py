"""Test-set metrics from predicted probabilities, computed with scikit-learn."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def predicted_labels(y_prob: np.ndarray) -> np.ndarray:
    """Turn model outputs into class indices: argmax, or `p > 0.5` for one sigmoid unit."""
    y_prob = np.asarray(y_prob)
    if y_prob.ndim == 1 or y_prob.shape[-1] == 1:
        return (y_prob.reshape(-1) > 0.5).astype(np.int64)
    return np.argmax(y_prob, axis=-1).astype(np.int64)


def class_probabilities(y_prob: np.ndarray) -> np.ndarray:
    """Return (N, C) class probabilities; one sigmoid unit p becomes columns [1 - p, p]."""
    y_prob = np.asarray(y_prob, dtype=np.float64)
    if y_prob.ndim == 1 or y_prob.shape[-1] == 1:
        positive = y_prob.reshape(-1)
        return np.stack([1.0 - positive, positive], axis=1)
    return y_prob


def classification_metrics(
    y_true: np.ndarray, y_prob: np.ndarray, class_names: list[str]
) -> dict[str, Any]:
    """Return accuracy, per-class precision/recall/F1/support, macro F1 and the confusion matrix.

    Args:
        y_true: integer labels, shape (N,).
        y_prob: model outputs, shape (N, C) or (N, 1) for a single sigmoid unit.
        class_names: one name per label index.
    """
    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    y_pred = predicted_labels(y_prob)
    labels = list(range(len(class_names)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "test_accuracy": float(np.mean(y_true == y_pred)) if len(y_true) else float("nan"),
        "macro_f1": float(np.mean(f1)),
        "per_class": {
            name: {
                "precision": float(precision[index]),
                "recall": float(recall[index]),
                "f1": float(f1[index]),
                "support": int(support[index]),
            }
            for index, name in enumerate(class_names)
        },
        "confusion_matrix": matrix.tolist(),
        "class_names": list(class_names),
    }
