"""TensorFlow for the formats that need it (SavedModel, TFLite): the Keras backend must be it."""

from __future__ import annotations

from types import ModuleType

import keras

from visionlab.export.errors import ExportError
from visionlab.i18n import Message


def tensorflow(purpose: str) -> ModuleType:
    """Return the `tensorflow` module, or raise ExportError when Keras runs on another backend.

    Args:
        purpose: the format that needs it, e.g. `"TFLite"`, for the message.
    """
    if keras.backend.backend() != "tensorflow":
        raise ExportError(Message("error.export.backend", {
            "format": purpose, "backend": keras.backend.backend()}))
    # TensorFlow is the backend here, so already imported; not imported at all on JAX/PyTorch.
    import tensorflow as tf

    return tf
