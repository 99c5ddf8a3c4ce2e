"""TensorFlow for the formats that need it (SavedModel, TFLite): the Keras backend must be it."""

from __future__ import annotations

from types import ModuleType

import keras

from visionlab.export.errors import ExportError


def tensorflow(purpose: str) -> ModuleType:
    """Return the `tensorflow` module, or raise ExportError when Keras runs on another backend.

    Args:
        purpose: the format that needs it, e.g. `"TFLite"`, for the message.
    """
    if keras.backend.backend() != "tensorflow":
        raise ExportError(
            f"Exporting to {purpose} needs the TensorFlow backend, but Keras runs on "
            f"'{keras.backend.backend()}'. Run again with KERAS_BACKEND=tensorflow."
        )
    # TensorFlow is the backend here, so already imported; not imported at all on JAX/PyTorch.
    import tensorflow as tf

    return tf
