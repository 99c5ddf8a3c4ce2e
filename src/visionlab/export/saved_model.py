"""TensorFlow SavedModel: written by Keras's `model.export`, checked with `tf.saved_model.load`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from visionlab.export.errors import ExportError
from visionlab.export.registry import ExportFormat, register_format
from visionlab.export.tensorflow import tensorflow
from visionlab.i18n import Message

ENDPOINT = "serve"  # the signature Keras's ExportArchive writes (also as "serving_default")


def write(model: Any, path: Path) -> dict[str, Any]:
    """Write `model` as a SavedModel folder at `path`."""
    tensorflow("SavedModel")  # fails with a clear message on other Keras backends
    model.export(str(path), format="tf_saved_model", verbose=False)
    return {"endpoint": ENDPOINT, "signature": "serving_default"}


class SavedModelRunner:
    """A SavedModel loaded with `tf.saved_model.load`, called through its `serve` endpoint."""

    def __init__(self, path: str | Path):
        tf = tensorflow("SavedModel")
        loaded = tf.saved_model.load(str(path))
        if not hasattr(loaded, ENDPOINT):
            raise ExportError(Message("error.export.no_endpoint", {"path": path,
                                                                    "endpoint": ENDPOINT}))
        self._loaded = loaded  # keeps the variables the endpoint captures alive
        self._serve = getattr(loaded, ENDPOINT)
        self.runtime = f"tensorflow {tf.__version__} (tf.saved_model.load)"
        (spec,) = self._serve.input_signature
        self.details = {"input_name": spec.name, "input_shape": list(spec.shape),
                        "input_dtype": spec.dtype.name}

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self._serve(np.asarray(batch, dtype=np.float32)))


def requirements() -> dict[str, str]:
    """Return the TensorFlow version (SavedModels need no optional package)."""
    return {"tensorflow": tensorflow("SavedModel").__version__}


FORMAT = register_format(ExportFormat(
    name="saved_model", artifact="model", write=write, load=SavedModelRunner,
    requirements=requirements, aliases=("tf_saved_model", "savedmodel"),
))
