"""Loading saved Keras models that contain visionlab's serializable objects.

Run models and checkpoints may hold `BackbonePreprocessing` layers and the per-step
`OneCycleSchedule`; both are registered with Keras (package "visionlab") when their modules are
imported, which this module does, so `load_keras_model` works in safe mode.
"""

from __future__ import annotations

import os
from typing import Any

import keras

# Imported for their side effect: each registers its serializable classes with Keras.
from visionlab.models.backbones import layers as _backbone_layers  # noqa: F401
from visionlab.training import schedules as _schedules  # noqa: F401


def load_keras_model(path: str | os.PathLike[str]) -> Any:
    """Load a `.keras` file written by visionlab (safe mode)."""
    return keras.models.load_model(path)
