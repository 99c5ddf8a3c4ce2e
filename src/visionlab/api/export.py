"""Exporting a run's model: `export_run(run, "onnx")` -> `<run>/exports/onnx/model.onnx`.

The export package writes and checks the artifact; this module wires it to a run: it loads the
run's model and test images (for the parity check) and picks the default folder.

Example:
    result = visionlab.api.export_run("runs/mnist-cnn-20261201-101500", "tflite")
    result.artifact, result.parity["max_abs_diff"]
"""

from __future__ import annotations

import os
from pathlib import Path

from visionlab.api.runs import load_test_images, open_run
from visionlab.export import (
    DEFAULT_TOLERANCE,
    ExportFormat,
    ExportResult,
    describe_run,
    export_directory,
    export_model,
    get_format,
)
from visionlab.runs import run as run_reader

DEFAULT_PARITY_IMAGES = 256


def export_run(run: run_reader.Run | str | os.PathLike[str], format: str | ExportFormat, *,
               output: str | os.PathLike[str] | None = None,
               parity_images: int | None = DEFAULT_PARITY_IMAGES,
               tolerance: float = DEFAULT_TOLERANCE) -> ExportResult:
    """Export a run's model as `saved_model`, `onnx` or `tflite`, checked against Keras.

    The artifact is run in its own runtime on the run's test images (its dataset is prepared
    again, as `visionlab report` does) and compared with the Keras model; a difference above
    `tolerance` fails the export and writes nothing.

    Args:
        run: a run or its folder.
        format: `"saved_model"`, `"onnx"` or `"tflite"` (alias `"litert"`), or an
            `ExportFormat`.
        output: the export folder. Defaults to `<run folder>/exports/<format>/`.
        parity_images: test images compared (the first ones of the test split); None for all.
            Defaults to 256.
        tolerance: largest allowed difference of any output probability. Defaults to 1e-5.

    Returns:
        An `ExportResult`: `directory`, `artifact`, `metadata_path`, `metadata`, `parity`.

    Raises:
        ExportError: unknown format, missing `export` extra, conversion or parity failure.
        DataError: the run's test data cannot be loaded or changed since training.
    """
    export_format = get_format(format)
    export_format.requirements()  # a missing extra fails before the data is loaded
    run = open_run(run)
    model = run.load_model()
    images = load_test_images(run)
    if parity_images is not None:
        images = images[:max(1, parity_images)]
    directory = Path(output) if output is not None else export_directory(run.path, export_format)
    return export_model(model, export_format, directory, images=images,
                        description=describe_run(run), tolerance=tolerance)
