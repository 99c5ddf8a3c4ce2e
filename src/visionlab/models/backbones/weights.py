"""Where visionlab keeps converted weights, and loading EfficientNet-Lite0's into a model.

The converted file lives at `$VISIONLAB_CACHE/weights/efficientnet_lite0.weights.h5`
(default `~/.cache/visionlab/weights/`). Loading it needs neither torch nor the PyTorch
package and works on every Keras backend.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

from visionlab._random import isolated_random_state
from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones import convert as converter
from visionlab.models.backbones.catalog import RANDOM_WEIGHTS
from visionlab.models.backbones.lite_architecture import efficientnet_lite

LITE0_WEIGHTS_FILE = "efficientnet_lite0.weights.h5"
logger = logging.getLogger(__name__)


def weights_cache_dir() -> Path:
    """Return visionlab's weights cache folder: `$VISIONLAB_CACHE/weights` or
    `~/.cache/visionlab/weights`."""
    root = os.environ.get("VISIONLAB_CACHE") or os.path.join("~", ".cache", "visionlab")
    return Path(root).expanduser() / "weights"


def lite0_weights_file(convert: bool = True) -> Path:
    """Return the converted EfficientNet-Lite0 ImageNet weights, converting them on first use.

    Args:
        convert: when the file is missing, convert it from the installed PyTorch package
            (needs torch). Defaults to True.

    Raises:
        ModelError: the file is missing and cannot be converted; says what to install.
    """
    path = weights_cache_dir() / LITE0_WEIGHTS_FILE
    if path.is_file():
        return path
    torch_file = converter.torch_weights_path()
    torch_installed = _module_available("torch")
    if not (convert and torch_file is not None and torch_installed):
        absent = [key for key, is_absent in (("model.lite0.missing_weights", torch_file is None),
                                             ("model.lite0.missing_torch", not torch_installed))
                  if is_absent]
        missing = Message("model.lite0.missing_both" if len(absent) == 2 else
                          absent[0] if absent else "model.lite0.no_permission")
        raise ModelError(Message("error.model.lite0.unavailable",
                                 {"path": path, "missing": missing}))
    # The conversion builds a temporary model: keep it off the seeded run's random streams.
    with isolated_random_state():
        result = converter.convert_efficientnet_lite0(path, torch_file)
    logger.info("Converted %s to %s in %.1f s.", torch_file, path, result["seconds"])
    return path


def load_lite0_weights(model: Any, weights: Any) -> None:
    """Load EfficientNet-Lite0 weights into an `efficientnet_lite` model of any input size.

    The converted file holds the full 224x224 model with its 1000-class top; layers are
    matched by name, so a model without the top (or another input size) takes what it has.

    Args:
        model: a width-1.0 `efficientnet_lite(...)` model.
        weights: `"imagenet"`, a converted `.weights.h5` path, or `None`/`"none"`/`"random"`
            (nothing is loaded).
    """
    if weights in RANDOM_WEIGHTS:
        return
    if weights == "imagenet":
        path = lite0_weights_file()
    else:
        path = Path(os.fspath(weights)).expanduser()
        if not path.is_file() or not path.name.endswith(".weights.h5"):
            raise ModelError(Message("error.model.lite0.bad_file", {"path": path}))
    reference = efficientnet_lite((224, 224, 3), name="efficientnet_lite0")
    try:
        reference.load_weights(path)
    except (ValueError, OSError, KeyError) as error:
        raise ModelError(Message("error.model.lite0.unreadable",
                                 {"path": path, "error": error})) from error
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name == "predictions" and layer.weights[0].shape != (1280, 1000):
            raise ModelError(Message("error.model.lite0.top_classes",
                                     {"classes": layer.weights[0].shape[-1]}))
        layer.set_weights(reference.get_layer(layer.name).get_weights())


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
