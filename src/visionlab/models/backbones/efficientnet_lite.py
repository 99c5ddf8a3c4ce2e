"""EfficientNet-Lite0 with its ImageNet weights: the architecture plus the converted weights.

The architecture is in `lite_architecture.py`; the weights file and its conversion from the
PyTorch package in `weights.py` and `convert.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from visionlab.models.backbones.lite_architecture import block_arguments, efficientnet_lite
from visionlab.models.backbones.weights import load_lite0_weights

__all__ = ["block_arguments", "efficientnet_lite", "efficientnet_lite0"]


def efficientnet_lite0(input_shape: Sequence[int] = (224, 224, 3), include_top: bool = True,
                       weights: Any = "imagenet", classes: int = 1000,
                       classifier_activation: str | None = "softmax",
                       name: str = "efficientnet_lite0") -> Any:
    """Build EfficientNet-Lite0, by default with its ImageNet weights (no torch needed).

    Args:
        input_shape: `(height, width, 3)`, pixels scaled by `(x - 127) / 128`
            (`preprocessing_model("lite")`). Defaults to `(224, 224, 3)`.
        include_top: keep the 1000-class ImageNet top. Defaults to True.
        weights: `"imagenet"` (visionlab's converted file, converted on first use when
            torch and the PyTorch package are installed), a `.weights.h5` path written by
            `convert_efficientnet_lite0`, or `None`/`"none"`/`"random"`.
            Defaults to `"imagenet"`.
        classes: units of the top; must be 1000 with ImageNet weights and a top.
            Defaults to 1000.
        classifier_activation: activation of the top (`None` for logits).
            Defaults to `"softmax"`.
        name: the model name. Defaults to `"efficientnet_lite0"`.

    Example:
        model = efficientnet_lite0(classifier_activation=None)
        logits = model.predict((images - 127.0) / 128.0)
    """
    model = efficientnet_lite(input_shape, include_top=include_top, classes=classes,
                              classifier_activation=classifier_activation, name=name)
    load_lite0_weights(model, weights)
    return model
