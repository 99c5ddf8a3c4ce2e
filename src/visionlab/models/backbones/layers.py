"""A pretrained backbone's input preprocessing, made of built-in Keras layers only.

`preprocessing_model(mode, channels)` returns a small nested `keras.Model` (Concatenate,
Permute, Cropping2D, Rescaling, Identity) with no weights, so a saved model that contains it
opens with plain `keras.models.load_model` in a process that never imported visionlab, and
nothing in it can ever be trained.

`BackbonePreprocessing`, the custom layer that models built before it held, stays registered
with Keras (package "visionlab") so their run folders still load in visionlab;
`legacy_preprocessing_replaced(model)` swaps it for the built-in form.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops

from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones.catalog import PREPROCESSING_MODES

_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
# mode -> (scale, offset) of the one Rescaling layer: output = input * scale + offset, per
# channel where a tuple (RGB order, or BGR after the caffe channel swap).
_RESCALING: dict[str, tuple[Any, Any]] = {
    "caffe": (1.0, tuple(-mean for mean in _CAFFE_BGR_MEAN)),
    "tf": (1.0 / 127.5, -1.0),
    # (x / 255 - mean) / std = x * (1 / (255 std)) - mean / std
    "torch": (tuple(1.0 / (255.0 * std) for std in _TORCH_STD),
              tuple(-mean / std for mean, std in zip(_TORCH_MEAN, _TORCH_STD))),
    "lite": (1.0 / 128.0, -127.0 / 128.0),  # (x - 127) / 128, exact in float32
}


def preprocessing_model(mode: str, channels: int = 3, name: str = "preprocessing") -> Any:
    """Return a model mapping 0..255 pixels to what a backbone trained in `mode` expects.

    Built from Keras's own layers, without weights: grayscale is repeated into three channels
    (`Concatenate`), "caffe" reverses RGB to BGR (`Permute` + `Cropping2D` + `Concatenate`:
    pure data movement, exact), and the scaling is one `Rescaling` with per-channel scale and
    offset where the mode needs them. Height and width may be anything.

    Args:
        mode: one of `"caffe"`, `"tf"`, `"torch"`, `"none"`, `"lite"` (see
            `backbone_preprocessing(name)["mode"]`).
        channels: channels of the input, 3 (RGB) or 1 (grayscale). Defaults to 3.
        name: the model's name. Defaults to `"preprocessing"`.

    Returns:
        A `keras.Model` from `(batch, height, width, channels)` to `(batch, height, width, 3)`.

    Example:
        inputs = keras.Input((96, 96, 3))
        x = preprocessing_model("caffe")(inputs)  # BGR minus the ImageNet means
    """
    if mode not in PREPROCESSING_MODES:
        raise ModelError(Message("error.model.backbone.preprocessing", {
            "value": repr(mode), "choices": ", ".join(PREPROCESSING_MODES)}))
    if channels not in (1, 3):
        raise ModelError(Message("error.model.backbone.preprocessing_channels",
                                 {"channels": channels}))
    inputs = keras.Input(shape=(None, None, channels), name=f"{name}_pixels")
    x = inputs
    if channels == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    elif mode == "caffe":  # three equal channels need no swap
        x = _rgb_to_bgr(x)
    if mode in _RESCALING:
        scale, offset = _RESCALING[mode]
        x = layers.Rescaling(_as_list(scale), offset=_as_list(offset), name=f"{mode}_scaling")(x)
    if x is inputs:
        x = layers.Identity(name="unchanged")(x)
    return keras.Model(inputs, x, name=name)


def _rgb_to_bgr(x: Any) -> Any:
    """Reverse the channel order with weightless built-in layers."""
    planes = layers.Permute((3, 1, 2), name="channels_first")(x)  # (batch, 3, height, width)
    # Cropping2D reads (batch, 3, height, width) as rows = channels: keep one row each.
    picked = [layers.Cropping2D(((index, 2 - index), (0, 0)), data_format="channels_last",
                                name=f"channel_{index}")(planes) for index in (2, 1, 0)]
    planes = layers.Concatenate(axis=1, name="bgr")(picked)
    return layers.Permute((2, 3, 1), name="channels_last")(planes)  # (batch, height, width, 3)


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def legacy_preprocessing_replaced(model: Any) -> Any:
    """Return `model` with each top-level `BackbonePreprocessing` swapped for the built-in form.

    Every other layer is shared, not copied, and keeps its call arguments (a base called with
    `training=False` stays so). A model without the legacy layer is returned as it is.
    """
    legacy = [layer for layer in model.layers if isinstance(layer, BackbonePreprocessing)]
    if not legacy:
        return model

    def replacement(layer: Any) -> Any:
        if not isinstance(layer, BackbonePreprocessing):
            return layer
        return preprocessing_model(layer.mode, int(layer.input.shape[-1]), name=layer.name)

    return keras.models.clone_model(model, clone_function=replacement)


@keras.saving.register_keras_serializable(package="visionlab")
class BackbonePreprocessing(keras.layers.Layer):
    """The custom preprocessing layer of models built before `preprocessing_model` (legacy).

    Kept so those saved models still load in visionlab; new models never contain it. It
    computes what `preprocessing_model(mode, channels)` computes.

    Args:
        mode: one of `"caffe"`, `"tf"`, `"torch"`, `"none"`, `"lite"`.
    """

    def __init__(self, mode: str, **kwargs):
        super().__init__(**kwargs)
        if mode not in PREPROCESSING_MODES:
            raise ModelError(Message("error.model.backbone.preprocessing", {
                "value": repr(mode), "choices": ", ".join(PREPROCESSING_MODES)}))
        self.mode = mode

    def call(self, inputs):
        images = ops.cast(inputs, self.compute_dtype)
        if images.shape[-1] == 1:
            images = ops.concatenate([images, images, images], axis=-1)
        if self.mode == "caffe":
            return ops.flip(images, axis=-1) - ops.convert_to_tensor(_CAFFE_BGR_MEAN,
                                                                     self.compute_dtype)
        if self.mode == "tf":
            return images / 127.5 - 1.0
        if self.mode == "torch":
            mean = ops.convert_to_tensor(_TORCH_MEAN, self.compute_dtype)
            std = ops.convert_to_tensor(_TORCH_STD, self.compute_dtype)
            return (images / 255.0 - mean) / std
        if self.mode == "lite":
            return (images - 127.0) / 128.0
        return images

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 3)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
