"""Export a trained model for inference outside Keras: SavedModel, ONNX, TFLite (LiteRT).

Each format is an `ExportFormat` in the registry (`registry.py`), written by Keras's own
`model.export` and checked by running the artifact in its own runtime (TensorFlow, ONNX Runtime,
the LiteRT interpreter) against the Keras model: any output probability off by more than 1e-5
fails the export and nothing is written. Beside the artifact, metadata.json describes the input,
output, class names, source run, versions and the parity numbers.

This package reads run folders (`metadata.describe_run`) but never loads data: the API layer
passes the test images in (`visionlab.api.export_run`).

Example:
    result = export_model(model, "onnx", "exports/onnx", images=test_images,
                          description=describe_run(run))
    runner = get_format("onnx").load(result.artifact)  # the artifact in ONNX Runtime
    probabilities = runner(test_images[:8].astype("float32"))
"""

from __future__ import annotations

# Every format module registers itself when imported; these imports fill the registry.
from visionlab.export import litert, onnx, saved_model
from visionlab.export.errors import ExportError
from visionlab.export.exporter import EXPORTS_DIR, ExportResult, export_directory, export_model
from visionlab.export.metadata import METADATA_FILE, build_metadata, describe_run
from visionlab.export.parity import (
    DEFAULT_TOLERANCE,
    check_parity,
    keras_outputs,
    measure_parity,
)
from visionlab.export.registry import ExportFormat, Runner, get_format, list_formats

__all__ = [
    "DEFAULT_TOLERANCE",
    "EXPORTS_DIR",
    "METADATA_FILE",
    "ExportError",
    "ExportFormat",
    "ExportResult",
    "Runner",
    "build_metadata",
    "check_parity",
    "describe_run",
    "export_directory",
    "export_model",
    "get_format",
    "keras_outputs",
    "list_formats",
    "litert",
    "measure_parity",
    "onnx",
    "saved_model",
]
