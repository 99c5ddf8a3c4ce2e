"""Loading saved Keras models that contain visionlab's serializable objects.

Run models and checkpoints may hold `BackbonePreprocessing` layers and the per-step
`OneCycleSchedule`; both are registered with Keras (package "visionlab") when their modules are
imported, which this module does, so `load_keras_model` works in safe mode.
"""

from __future__ import annotations

import os
from typing import Any

import keras

from visionlab.models.backbones import layers as backbone_layers
from visionlab.training import schedules


def register_custom_objects() -> None:
    """Make sure visionlab's serializable Keras objects are registered (idempotent)."""
    assert backbone_layers.BackbonePreprocessing is not None  # registered on import
    schedules.register_serializables()


def load_keras_model(path: str | os.PathLike[str]) -> Any:
    """Load a `.keras` file written by visionlab (safe mode)."""
    register_custom_objects()
    return keras.models.load_model(path)
