"""Where visionlab keeps converted weights, and loading EfficientNet-Lite0's into a model.

The converted file lives at `$VISIONLAB_CACHE/weights/efficientnet_lite0.weights.h5`
(default `~/.cache/visionlab/weights/`). Loading it needs neither torch nor the PyTorch
package and works on every Keras backend.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from visionlab import _io
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
    by_name = _weights_by_name(path)
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name == "predictions" and layer.weights[0].shape != (1280, 1000):
            raise ModelError(Message("error.model.lite0.top_classes",
                                     {"classes": layer.weights[0].shape[-1]}))
        if layer.name not in by_name:
            raise ModelError(Message("error.model.lite0.unreadable", {
                "path": path, "error": f"no weights for layer {layer.name!r}"}))
        layer.set_weights(by_name[layer.name])


def _weights_by_name(path: Path) -> dict[str, list[np.ndarray]]:
    """Layer name -> weights of the full Lite0 in the `.weights.h5` file at `path`.

    Keras reads a `.weights.h5` by model structure, so the file goes into a reference Lite0
    (about 1 s to build). The arrays it gives are kept, by layer name, in an index beside the
    converted weights (`weights/by-name/<digest of the path>.npz`, tied to the file's size and
    modification time) that later runs read in milliseconds.
    """
    stat = path.stat()
    stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    index = weights_cache_dir() / "by-name" / (
        hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24] + ".npz")
    with contextlib.suppress(OSError, ValueError, KeyError, zipfile.BadZipFile), \
            np.load(index, allow_pickle=False) as stored:
        if str(stored[_INDEX_STAMP]) == stamp:
            return _grouped({key: stored[key] for key in stored.files
                             if key != _INDEX_STAMP})
    # Built only when the index is missing or stale: keep it off the seeded run's random
    # streams, so a run draws the same numbers either way.
    with isolated_random_state():
        reference = efficientnet_lite((224, 224, 3), name="efficientnet_lite0")
    try:
        reference.load_weights(path)
    except (ValueError, OSError, KeyError) as error:
        raise ModelError(Message("error.model.lite0.unreadable",
                                 {"path": path, "error": error})) from error
    arrays = {f"{layer.name}/{position}": value for layer in reference.layers
              for position, value in enumerate(layer.get_weights())}
    with contextlib.suppress(OSError):  # a read-only cache costs the next run a second only
        index.parent.mkdir(parents=True, exist_ok=True)
        with _io.atomic_path(index, suffix=".npz") as temporary, open(temporary, "wb") as out:
            np.savez(out, **arrays, **{_INDEX_STAMP: np.array(stamp)})
    return _grouped(arrays)


_INDEX_STAMP = "__source__"


def _grouped(arrays: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    grouped: dict[str, dict[int, np.ndarray]] = {}
    for key, value in arrays.items():
        name, position = key.rsplit("/", 1)
        grouped.setdefault(name, {})[int(position)] = value
    return {name: [parts[index] for index in sorted(parts)] for name, parts in grouped.items()}


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
