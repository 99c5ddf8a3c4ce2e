"""Top-less Keras applications (VGG16, ResNet50, MobileNetV2 …) with offline-friendly weights.

`weights="imagenet"` first makes sure the weights file is in the Keras cache
(`keras.utils.get_file`, which downloads only when the file is missing), so a failed download
becomes a `ModelError` that names the file and how to supply it by hand.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keras

from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones.catalog import RANDOM_WEIGHTS, BackboneSpec


def keras_cache_dir() -> Path:
    """Return the folder Keras caches application weights in (`$KERAS_HOME` or ~/.keras)."""
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return Path(home) / "models"


def build_keras_backbone(spec: BackboneSpec, input_shape: tuple[int, int, int],
                         weights: Any = "imagenet", name: str = "backbone") -> Any:
    """Build the top-less Keras application `spec` for `input_shape` (channels last, 3 channels).

    Args:
        spec: the backbone (see `catalog.BACKBONES`).
        input_shape: `(height, width, 3)`.
        weights: `"imagenet"` (the Keras cache, downloading when missing), a local weights
            file (`.h5` / `.weights.h5`) of the same top-less architecture, or
            `None`/`"none"`/`"random"` for random initialization. Defaults to `"imagenet"`.
        name: the Keras model name. Defaults to `"backbone"`.
    """
    constructor = getattr(keras.applications, spec.application)
    if weights in RANDOM_WEIGHTS:
        keras_weights = None
    elif weights == "imagenet":
        ensure_imagenet_weights(spec, input_shape)
        keras_weights = "imagenet"
    else:
        keras_weights = str(_existing_weights_file(spec, weights))
    try:
        return constructor(include_top=False, weights=keras_weights, input_shape=input_shape,
                           name=name)
    except (ValueError, OSError, KeyError) as error:
        if keras_weights in (None, "imagenet"):
            raise  # a shape problem: the registry reports it with the input shape
        raise ModelError(Message("error.model.backbone.load_weights", {
            "path": keras_weights, "name": spec.name, "error": error,
            "application": spec.application, "file": spec.weights_file})) from error


def ensure_imagenet_weights(spec: BackboneSpec, input_shape: tuple[int, int, int]) -> Path:
    """Return the cached ImageNet weights file of `spec`, downloading it when missing.

    Raises:
        ModelError: when the file is not cached and cannot be fetched (offline, proxy, …);
            the message names the file and the two ways to supply it.
    """
    file_name, origin = spec.weights_for_size(int(input_shape[0]), int(input_shape[1]))
    try:
        return Path(keras.utils.get_file(file_name, origin, cache_subdir="models",
                                         file_hash=spec.weights_hash))
    except Exception as error:  # get_file raises bare Exception on any fetch failure
        raise ModelError(Message("error.model.backbone.no_imagenet", {
            "name": spec.name, "file": file_name, "origin": origin, "error": error,
            "cache": keras_cache_dir()})) from error


def _existing_weights_file(spec: BackboneSpec, weights: Any) -> Path:
    path = Path(os.fspath(weights)).expanduser()
    if not path.name.endswith((".h5", ".hdf5")):
        raise ModelError(Message("error.model.backbone.weights_value",
                                 {"name": spec.name, "value": repr(weights)}))
    if not path.is_file():
        raise ModelError(Message("error.model.backbone.weights_missing", {
            "path": path, "name": spec.name, "file": spec.weights_file}))
    return path
