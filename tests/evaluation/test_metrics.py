"""Metrics from probabilities match scikit-learn definitions on a hand-checked example."""

import numpy as np
import pytest

from visionlab.evaluation.metrics import (
    class_probabilities,
    classification_metrics,
    predicted_labels,
)


def test_multiclass_metrics():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_prob = np.eye(3)[[0, 1, 1, 1, 2, 0]]
    metrics = classification_metrics(y_true, y_prob, ["a", "b", "c"])
    assert metrics["test_accuracy"] == pytest.approx(4 / 6)
    assert metrics["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert metrics["per_class"]["b"]["precision"] == pytest.approx(2 / 3)
    assert metrics["per_class"]["a"]["recall"] == pytest.approx(0.5)
    assert metrics["per_class"]["c"]["support"] == 2


def test_single_sigmoid_unit_is_thresholded():
    y_prob = np.array([[0.2], [0.7], [0.51]])
    assert predicted_labels(y_prob).tolist() == [0, 1, 1]
    np.testing.assert_allclose(class_probabilities(y_prob)[0], [0.8, 0.2])
    metrics = classification_metrics(np.array([0, 1, 0]), y_prob, ["cat", "dog"])
    assert metrics["test_accuracy"] == pytest.approx(2 / 3)
