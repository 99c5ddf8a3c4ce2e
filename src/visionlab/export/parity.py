"""Parity: the exported artifact, run in its own runtime, against the Keras model it came from."""

from __future__ import annotations

from typing import Any

import numpy as np

from visionlab.evaluation.metrics import predicted_labels
from visionlab.export.errors import ExportError
from visionlab.export.registry import Runner
from visionlab.i18n import Message, number, percent

DEFAULT_TOLERANCE = 1e-5  # largest allowed |artifact - keras| of any output probability
DEFAULT_BATCH_SIZE = 64


def keras_outputs(model: Any, images: np.ndarray,
                  batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """The reference: `model.predict` on `images` (cast to float32), (N, outputs)."""
    images = np.asarray(images, dtype=np.float32)
    if len(images) == 0:
        raise ExportError(Message("error.export.no_images"))
    return np.asarray(model.predict(images, batch_size=batch_size, verbose=0))


def measure_parity(reference: np.ndarray, runner: Runner, images: np.ndarray,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    """Compare `runner`'s outputs with the Keras model's `reference` outputs on the same images.

    Args:
        reference: `keras_outputs(model, images)`.
        runner: the artifact loaded in its runtime (a `Runner`).
        images: (N, height, width, channels) pixels 0..255, any dtype (cast to float32).
        batch_size: images per call of the runner. Defaults to 64.

    Returns:
        `runtime, reference, images, batch_size, max_abs_diff, mean_abs_diff,
        same_predictions` (the share of images whose predicted class is the same).
    """
    images = np.asarray(images, dtype=np.float32)
    outputs = np.concatenate([np.asarray(runner(images[start:start + batch_size]))
                              for start in range(0, len(images), batch_size)])
    if outputs.shape != reference.shape:
        raise ExportError(Message("error.export.shape", {
            "runtime": runner.runtime, "shape": outputs.shape, "expected": reference.shape}))
    difference = np.abs(outputs.astype(np.float64) - reference.astype(np.float64))
    same = predicted_labels(outputs) == predicted_labels(reference)
    return {
        "runtime": runner.runtime,
        "reference": "keras Model.predict",
        "images": len(images),
        "batch_size": batch_size,
        "max_abs_diff": float(difference.max()),
        "mean_abs_diff": float(difference.mean()),
        "same_predictions": float(same.mean()),
    }


def check_parity(parity: dict[str, Any], format_name: str,
                 tolerance: float = DEFAULT_TOLERANCE) -> None:
    """Raise ExportError when `parity["max_abs_diff"]` exceeds `tolerance` (or is NaN)."""
    difference = parity["max_abs_diff"]
    if not difference <= tolerance:  # written so that NaN fails too
        raise ExportError(Message("error.export.parity", {
            "format": format_name, "difference": number(difference, 3),
            "tolerance": number(tolerance, 6), "images": parity["images"],
            "runtime": parity["runtime"], "same": percent(parity["same_predictions"])}))
