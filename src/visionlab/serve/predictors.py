"""Predictors: a loaded model behind one call, `(N, H, W, C) pixels -> (N, classes)`.

`KerasPredictor` wraps the run's Keras model, `OnnxPredictor` its ONNX export in ONNX Runtime
(`visionlab.export`'s runner). Both are built once when the app is created and called once per
request with that request's images as one batch. `top_classes` turns probabilities into the
`top` lists `visionlab predict` prints.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol

import numpy as np

from visionlab.evaluation.metrics import class_probabilities
from visionlab.export import get_format


class Predictor(Protocol):
    """A model that classifies a batch of raw pixels."""

    backend: str  # "keras" or "onnx"

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """(N, height, width, channels) float32 pixels 0..255 -> (N, classes) probabilities."""
        ...


class KerasPredictor:
    """A Keras model (preprocessing inside), called with `predict_on_batch`.

    Calls are serialized with a lock: the first call traces the predict function, and on a
    few cores one batch at a time is as fast as interleaved ones.

    Example:
        predictor = KerasPredictor(run.load_model())
        predictor(np.stack(images).astype("float32"))   # (N, classes)
    """

    backend = "keras"

    def __init__(self, model: Any) -> None:
        self.model = model
        self._lock = threading.Lock()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        with self._lock:
            outputs = self.model.predict_on_batch(np.asarray(batch, dtype=np.float32))
        return class_probabilities(np.asarray(outputs))


class OnnxPredictor:
    """An exported `model.onnx` in an ONNX Runtime session (thread-safe, no lock).

    Args:
        path: the `.onnx` file (`<run>/exports/onnx/model.onnx`).
    """

    backend = "onnx"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.runner = get_format("onnx").load(path)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return class_probabilities(np.asarray(self.runner(np.asarray(batch, dtype=np.float32))))


def top_classes(probabilities: np.ndarray, class_names: list[str],
                k: int) -> list[list[dict[str, Any]]]:
    """The `k` most probable classes of each row, most probable first.

    Returns:
        One list per row of `{"class": name, "probability": p}` (as `visionlab predict`).
    """
    k = max(1, min(k, len(class_names)))
    rows = []
    for row in probabilities:
        order = np.argsort(row)[::-1][:k]
        rows.append([{"class": class_names[i], "probability": float(row[i])} for i in order])
    return rows
