"""TFLite (LiteRT): written by Keras's `model.export(format="litert")` (the TensorFlow Lite
converter), checked with the LiteRT interpreter of `ai-edge-litert`."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.export.errors import missing_extra
from visionlab.export.registry import ExportFormat, register_format
from visionlab.export.tensorflow import tensorflow

# How a caller runs another batch size; written into metadata.json.
RESIZE_HINT = ("any batch size: interpreter.resize_tensor_input(input_index, (n, h, w, c)) "
               "then interpreter.allocate_tensors()")


def write(model: Any, path: Path) -> dict[str, Any]:
    """Write `model` as a `.tflite` flatbuffer at `path` (float32, no quantization)."""
    tensorflow("TFLite")
    model.export(str(path), format="litert", verbose=False)
    return {"quantization": "none (float32 weights and activations)"}


def _interpreter_class() -> Any:
    try:
        # ai-edge-litert is an optional dependency (the `export` extra); TF's own
        # tf.lite.Interpreter is deprecated in its favour.
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as error:
        raise missing_extra("ai-edge-litert", "running the TFLite model") from error
    return Interpreter


class LiteRTRunner:
    """A `.tflite` file in the LiteRT interpreter; any batch size (the input is resized).

    Args:
        path: the `.tflite` file.
        threads: interpreter threads. Defaults to None (LiteRT's choice).
    """

    def __init__(self, path: str | Path, threads: int | None = None):
        self._interpreter = _interpreter_class()(model_path=str(path), num_threads=threads)
        self._interpreter.allocate_tensors()
        (self._input,) = self._interpreter.get_input_details()
        (self._output,) = self._interpreter.get_output_details()
        self._allocated = tuple(int(dim) for dim in self._input["shape"])
        # (batch, height, width, channels) with -1 for a dimension that can be resized
        signature = [int(dim) for dim in self._input["shape_signature"]]
        self.any_batch = signature[0] == -1
        self.runtime = f"ai-edge-litert {metadata.version('ai-edge-litert')} (Interpreter)"
        self.details = {
            "input_name": self._input["name"],
            "input_shape": [None if dim == -1 else dim for dim in signature],
            "output_name": self._output["name"],
            "batch": RESIZE_HINT if self.any_batch else "1 (call once per image)",
        }

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(batch, dtype=self._input["dtype"])
        if not self.any_batch:
            return np.concatenate([self._invoke(image[np.newaxis]) for image in batch])
        return self._invoke(batch)

    def _invoke(self, batch: np.ndarray) -> np.ndarray:
        if batch.shape != self._allocated:
            self._interpreter.resize_tensor_input(self._input["index"], batch.shape)
            self._interpreter.allocate_tensors()
            self._allocated = batch.shape
        self._interpreter.set_tensor(self._input["index"], batch)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output["index"]).copy()


def requirements() -> dict[str, str]:
    """Check the interpreter can be imported; return the TensorFlow and LiteRT versions."""
    _interpreter_class()
    return {"tensorflow": tensorflow("TFLite").__version__,
            "ai-edge-litert": metadata.version("ai-edge-litert")}


FORMAT = register_format(ExportFormat(
    name="tflite", artifact="model.tflite", write=write, load=LiteRTRunner,
    requirements=requirements, aliases=("litert",),
))
