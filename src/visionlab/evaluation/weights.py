"""`visionlab weights`: per-layer weight and bias statistics, the tutorials' look inside a model."""

from __future__ import annotations

from typing import Any

import numpy as np

from visionlab.errors import ModelError


def _all_layers(model: Any) -> list[Any]:
    layers = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            layers += _all_layers(layer)
        else:
            layers.append(layer)
    return layers


def weight_statistics(model: Any, layer_name: str | None = None) -> list[dict[str, Any]]:
    """Return one row per weight tensor: layer, name, shape, mean, std, min, max, zero share.

    `identical_columns` counts output units (last axis) whose incoming weights equal another
    unit's: the symmetry that zero/one initialization causes, which stops units learning apart.

    Args:
        model: a Keras model (nested models are walked).
        layer_name: only this layer. Defaults to every layer with weights.

    Raises:
        ModelError: `layer_name` does not exist (the message lists the layers with weights).
    """
    layers = [layer for layer in _all_layers(model) if layer.weights]
    if layer_name is not None:
        chosen = [layer for layer in layers if layer.name == layer_name]
        if not chosen:
            names = ", ".join(layer.name for layer in layers)
            raise ModelError(f"No layer named '{layer_name}' with weights. Layers: {names}.")
        layers = chosen
    rows = []
    for layer in layers:
        for variable in layer.weights:
            values = np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable)
            columns = values.reshape(-1, values.shape[-1]) if values.ndim >= 2 else None
            identical = 0
            if columns is not None and columns.shape[1] > 1:
                unique = np.unique(columns.T, axis=0)
                identical = int(columns.shape[1] - len(unique))
            rows.append({
                "layer": layer.name,
                "weight": variable.path if hasattr(variable, "path") else variable.name,
                "shape": list(values.shape),
                "mean": float(values.mean()),
                "std": float(values.std()),
                "min": float(values.min()),
                "max": float(values.max()),
                "zero_share": float(np.mean(values == 0)),
                "identical_columns": identical,
                "_values": values,
            })
    return rows
