"""A pretrained backbone plus a new classification head, and freezing/unfreezing its layers.

Model layout: `image` -> [`gray_to_rgb`] -> [`preprocessing`] -> `backbone` (a nested
`keras.Model`, always called in inference mode so its BatchNorm statistics never move) ->
`pool` -> [`head_dense_{i}` + `head_dropout_{i}`] -> [`dropout`] -> `predictions`.
`preprocessing` is a nested model of built-in layers without weights (`preprocessing_model`;
it repeats grayscale itself), so the whole model is built-in Keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones.catalog import BACKBONE_LAYER, get_backbone_spec
from visionlab.models.backbones.efficientnet_lite import efficientnet_lite0
from visionlab.models.backbones.head import add_head, check_head_arguments
from visionlab.models.backbones.keras_apps import build_keras_backbone
from visionlab.models.backbones.layers import preprocessing_model

POOLINGS = ("avg", "max", "flatten")


def build_transfer_model(name: str, input_shape: Sequence[int], num_outputs: int,
                         output_activation: str = "softmax", *, weights: Any = "imagenet",
                         pooling: str = "avg", head_units: Sequence[int] = (),
                         head_activation: str = "relu", dropout: float = 0.0,
                         kernel_l2: float = 0.0, trainable_layers: int | str = 0,
                         include_preprocessing: bool = False) -> Any:
    """Build backbone `name` (top removed) with a new head; see the registry factories' docs.

    Example:
        model = build_transfer_model("mobilenet_v2", (96, 96, 3), 5, weights="random",
                                     head_units=[128], dropout=0.3)
    """
    spec = get_backbone_spec(name)
    height, width, channels = (int(size) for size in input_shape)
    _check_pooling(name, pooling)
    check_head_arguments(head_units, dropout, kernel_l2)
    if channels not in (1, 3):
        raise ModelError(Message("error.model.backbone.channels", {
            "name": name, "channels": channels, "shape": tuple(input_shape)}))
    if min(height, width) < spec.min_size:
        raise ModelError(Message("error.model.backbone.too_small", {
            "name": name, "min": spec.min_size, "height": height, "width": width,
            "default": spec.default_size}))
    base = _build_base(spec, (height, width, 3), weights)

    inputs = keras.Input(shape=(height, width, channels), name="image")
    x = inputs
    if include_preprocessing:
        x = preprocessing_model(spec.preprocessing, channels, name="preprocessing")(x)
    elif channels == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    x = base(x, training=False)
    pool_layer = {"avg": layers.GlobalAveragePooling2D, "max": layers.GlobalMaxPooling2D,
                  "flatten": layers.Flatten}[pooling]
    x = pool_layer(name="pool")(x)
    outputs = add_head(x, num_outputs, output_activation, head_units=head_units,
                       head_activation=head_activation, dropout=dropout, kernel_l2=kernel_l2)
    model = keras.Model(inputs, outputs, name=name)
    set_trainable(model, None if trainable_layers == "all" else _layer_count(trainable_layers))
    return model


def set_trainable(model: Any, top_layers: int | None) -> list[str]:
    """Freeze the backbone except its top `top_layers` weight layers; BatchNorm stays frozen.

    Layers are counted from the output among those that have weights and are not
    BatchNormalization (those keep their ImageNet statistics and run in inference mode).
    Recompile the model afterwards for the change to take effect in `fit`.

    Args:
        model: a model built by a backbone factory (it has a layer named "backbone").
        top_layers: how many of the backbone's top weight layers to train: 0 freezes the
            whole backbone, `None` unfreezes every non-BatchNorm layer.

    Returns:
        The names of the backbone layers left trainable, bottom to top.

    Example:
        set_trainable(model, 20)
        model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=...)
    """
    try:
        base = model.get_layer(BACKBONE_LAYER)
    except ValueError:
        raise ModelError(Message("error.model.backbone.no_layer",
                                 {"model": model.name, "layer": BACKBONE_LAYER})) from None
    candidates = [layer for layer in base.layers
                  if layer.weights and not isinstance(layer, layers.BatchNormalization)]
    count = len(candidates) if top_layers is None else _layer_count(top_layers)
    chosen = {id(layer) for layer in candidates[len(candidates) - count:]} if count else set()
    base.trainable = bool(chosen)
    for layer in base.layers:
        layer.trainable = id(layer) in chosen
    return [layer.name for layer in candidates if id(layer) in chosen]


def _build_base(spec: Any, input_shape: tuple[int, int, int], weights: Any) -> Any:
    if spec.application:
        return build_keras_backbone(spec, input_shape, weights, name=BACKBONE_LAYER)
    return efficientnet_lite0(input_shape, include_top=False, weights=weights,
                              name=BACKBONE_LAYER)


def _layer_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(Message("error.model.backbone.layer_count", {"value": repr(value)}))
    return value


def _check_pooling(name: str, pooling: str) -> None:
    if pooling not in POOLINGS:
        raise ModelError(Message("error.model.backbone.pooling", {
            "name": name, "choices": ", ".join(POOLINGS), "value": repr(pooling)}))
