"""metadata.json beside an exported artifact: what it expects, what it returns, where it came from.

A program that serves the artifact needs nothing else: the class names, the input (raw pixels
0..255, colour mode, shape with the batch dimension, dtype), the output, the run and the
versions it was written with, and the parity numbers measured at export time.
"""

from __future__ import annotations

import datetime as _datetime
from typing import Any

from visionlab.config import color_mode_for_channels
from visionlab.runs.environment import environment_info
from visionlab.runs.run import Run

METADATA_FILE = "metadata.json"
SCHEMA_VERSION = 1

_PIXELS = {
    "rgb": "raw RGB pixels 0..255 (not scaled: the model rescales inside)",
    "grayscale": "raw grayscale pixels 0..255, one channel (not scaled: the model rescales "
                 "inside)",
}


def describe_run(run: Run) -> dict[str, Any]:
    """Return what metadata.json says about `run`: class names, preprocessing, output, source."""
    info = run.info
    height, width, channels = info["dataset"]["image_shape"]
    model = info.get("model") or {}
    return {
        "class_names": run.class_names,
        "image_size": [int(height), int(width)],
        "color_mode": color_mode_for_channels(channels),
        "resize_mode": run.config.data.resize_mode,
        "output_activation": model.get("output_activation"),
        "run": {
            "path": str(run.path.resolve()),
            "name": run.name,
            "experiment": info.get("experiment"),
            "id": info.get("run_id"),
            "status": info.get("status"),
            "test_accuracy": info.get("test_accuracy"),
        },
    }


def build_metadata(model: Any, *, format_name: str, artifact: str, description: dict[str, Any],
                   runner_details: dict[str, Any], format_details: dict[str, Any],
                   versions: dict[str, str], parity: dict[str, Any]) -> dict[str, Any]:
    """Assemble metadata.json for one export.

    Args:
        model: the exported Keras model (its input and output shapes are recorded).
        format_name: the export format, e.g. `"onnx"`.
        artifact: the artifact's file or folder name beside metadata.json.
        description: `describe_run(run)`, or the same keys for a model outside a run.
        runner_details: what the runtime reports (input/output names, batch handling).
        format_details: what the writer reports (e.g. the ONNX opset).
        versions: the format's packages and their versions.
        parity: `measure_parity(...)`'s numbers plus the tolerance.
    """
    (model_input,) = model.inputs
    (model_output,) = model.outputs
    color_mode = description["color_mode"]
    input_shape = [None if dim is None else int(dim) for dim in model_input.shape]
    environment = environment_info()
    return {
        "schema_version": SCHEMA_VERSION,
        "format": format_name,
        "artifact": artifact,
        "created": _datetime.datetime.now().isoformat(timespec="seconds"),
        "class_names": list(description["class_names"]),
        "input": {
            "name": runner_details.get("input_name", model_input.name),
            "shape": input_shape,  # (batch, height, width, channels); null = any size
            "dtype": str(model_input.dtype),
            "pixels": _PIXELS[color_mode],
            "value_range": [0, 255],
            "color_mode": color_mode,
            "channels": input_shape[-1],
            "image_size": description["image_size"],
            "resize_mode": description["resize_mode"],
            "batch": runner_details.get("batch", "any"),
        },
        "output": {
            "name": runner_details.get("output_name"),
            "shape": [None if dim is None else int(dim) for dim in model_output.shape],
            "activation": description.get("output_activation"),
            "meaning": ("probability of class_names[1] (one sigmoid unit)"
                        if model_output.shape[-1] == 1 else
                        "one probability per class, in the order of class_names"),
        },
        "run": description.get("run"),
        "versions": {
            "visionlab": environment["visionlab"],
            "visionlab_commit": environment["visionlab_commit"],
            "keras": environment["keras"],
            "backend": environment["backend"],
            "backend_version": environment["backend_version"],
            "python": environment["python"],
            "numpy": environment["numpy"],
            **versions,
        },
        "details": format_details,
        "parity": parity,
    }
