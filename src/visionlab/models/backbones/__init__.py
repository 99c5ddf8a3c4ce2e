"""Pretrained backbones for transfer learning, registered as models of kind "backbone".

`create_model("vgg16", (96, 96, 3), 5)` returns the top-less VGG16 (ImageNet weights) as a
nested model named "backbone", frozen, plus a new head. Importing this package registers the
backbones with the model registry.

Example:
    from visionlab.models.registry import create_model
    from visionlab.models.backbones import backbone_preprocessing, set_trainable

    model = create_model("mobilenet_v2", (160, 160, 3), 10, head_units=[128], dropout=0.2)
    backbone_preprocessing("mobilenet_v2")  # {"mode": "tf", "input_range": "[-1, 1]", ...}
    set_trainable(model, 20)                # fine-tune the top 20 weight layers
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from visionlab.models.backbones.catalog import (
    BACKBONE_LAYER,
    BACKBONES,
    PREPROCESSING_MODES,
    backbone_preprocessing,
    get_backbone_spec,
)
from visionlab.models.backbones.layers import preprocessing_model
from visionlab.models.backbones.transfer import build_transfer_model, set_trainable
from visionlab.models.registry import register_model

__all__ = [
    "BACKBONES",
    "BACKBONE_LAYER",
    "PREPROCESSING_MODES",
    "backbone_preprocessing",
    "get_backbone_spec",
    "preprocessing_layer",
    "set_trainable",
]

_FACTORY_DOC = """{description}

    Args:
        input_shape: `(height, width, channels)`, channels 3 (or 1: repeated to RGB).
        num_outputs: units of the output layer.
        output_activation: `"softmax"`, `"sigmoid"` or `"linear"`. Defaults to `"softmax"`.
        weights: `"imagenet"`, a local weights file path, or `"random"`.
            Defaults to `"imagenet"`.
        pooling: `"avg"`, `"max"` or `"flatten"` on the feature map. Defaults to `"avg"`.
        head_units: dense layers between pooling and output. Defaults to `()` (none).
        head_activation: activation of those layers. Defaults to `"relu"`.
        dropout: dropout after each head layer (or before the output). Defaults to 0.0.
        kernel_l2: L2 factor on the head's kernels. Defaults to 0.0.
        trainable_layers: backbone weight layers to train from the top (0 = frozen,
            `"all"`); BatchNorm always stays frozen. Defaults to 0.
        include_preprocessing: start with the backbone's own preprocessing ("{mode}" mode,
            built-in Keras layers: `preprocessing_model`) so the model takes 0..255 pixels.
            Defaults to False.
"""


def _register_backbone(name: str) -> Callable[..., Any]:
    spec = BACKBONES[name]

    def factory(input_shape: Sequence[int], num_outputs: int,
                output_activation: str = "softmax", *, weights: Any = "imagenet",
                pooling: str = "avg", head_units: Sequence[int] = (),
                head_activation: str = "relu", dropout: float = 0.0, kernel_l2: float = 0.0,
                trainable_layers: int | str = 0, include_preprocessing: bool = False) -> Any:
        return build_transfer_model(
            name, input_shape, num_outputs, output_activation, weights=weights,
            pooling=pooling, head_units=head_units, head_activation=head_activation,
            dropout=dropout, kernel_l2=kernel_l2, trainable_layers=trainable_layers,
            include_preprocessing=include_preprocessing)

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = _FACTORY_DOC.format(description=spec.description,
                                          mode=spec.preprocessing)
    return register_model(name, kind="backbone", description=spec.description)(factory)


for _name in BACKBONES:
    _register_backbone(_name)


def preprocessing_layer(name: str, channels: int = 3, **kwargs: Any) -> Any:
    """Return backbone `name`'s preprocessing (0..255 -> its input) as built-in Keras layers.

    A nested `keras.Model` without weights (`preprocessing_model`); `channels` 1 repeats
    grayscale into RGB first. Keyword arguments go to `preprocessing_model` (e.g. `name`).

    Example:
        x = preprocessing_layer("resnet50")(inputs)  # RGB->BGR minus ImageNet means
    """
    return preprocessing_model(get_backbone_spec(name).preprocessing, channels, **kwargs)
