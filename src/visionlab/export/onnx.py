"""ONNX: written by Keras's `model.export` (tf2onnx on TensorFlow), checked with ONNX Runtime."""

from __future__ import annotations

import importlib
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.export.errors import missing_extra
from visionlab.export.registry import ExportFormat, register_format


def write(model: Any, path: Path) -> dict[str, Any]:
    """Write `model` as an ONNX file at `path`; return its opset."""
    requirements()
    with warnings.catch_warnings():
        # Keras's tf2onnx patch probes `np.object`, which NumPy 2 answers with a FutureWarning.
        warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
        model.export(str(path), format="onnx", verbose=False)
    # onnx is an optional heavy dependency (the `export` extra); checked by requirements().
    import onnx

    opsets = {entry.domain or "ai.onnx": entry.version
              for entry in onnx.load(str(path), load_external_data=False).opset_import}
    return {"opset": opsets.get("ai.onnx")}


class OnnxRunner:
    """An ONNX file in an ONNX Runtime `InferenceSession` on the CPU.

    Args:
        path: the `.onnx` file.
        threads: intra-op threads. Defaults to None (ONNX Runtime's choice: one per core).
    """

    def __init__(self, path: str | Path, threads: int | None = None):
        try:
            # onnxruntime is an optional heavy dependency (the `export` extra).
            import onnxruntime
        except ImportError as error:
            raise missing_extra("onnxruntime", "running the ONNX model") from error
        options = onnxruntime.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
        self._session = onnxruntime.InferenceSession(str(path), options,
                                                     providers=["CPUExecutionProvider"])
        (model_input,) = self._session.get_inputs()
        (model_output,) = self._session.get_outputs()
        self._input_name = model_input.name
        self.runtime = f"onnxruntime {onnxruntime.__version__} (CPUExecutionProvider)"
        self.details = {"input_name": model_input.name, "input_shape": _shape(model_input.shape),
                        "output_name": model_output.name,
                        "output_shape": _shape(model_output.shape)}

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        feed = {self._input_name: np.asarray(batch, dtype=np.float32)}
        return self._session.run(None, feed)[0]


def _shape(dims: list[Any]) -> list[int | None]:
    # ONNX Runtime names symbolic dimensions ("unk__20"); metadata.json writes them as null.
    return [dim if isinstance(dim, int) else None for dim in dims]


def requirements() -> dict[str, str]:
    """Import onnx, tf2onnx and onnxruntime (or raise the missing-extra error); their versions."""
    versions = {}
    for package in ("onnx", "tf2onnx", "onnxruntime"):
        try:
            # optional heavy dependencies (the `export` extra), imported only to export ONNX.
            importlib.import_module(package)
        except ImportError as error:
            raise missing_extra(package, "exporting to ONNX") from error
        versions[package] = metadata.version(package)
    return versions


FORMAT = register_format(ExportFormat(
    name="onnx", artifact="model.onnx", write=write, load=OnnxRunner, requirements=requirements,
))
