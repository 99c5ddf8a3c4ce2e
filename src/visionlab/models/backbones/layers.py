"""`BackbonePreprocessing`: a saveable layer applying a pretrained backbone's input preprocessing.

Registered with Keras under the package "visionlab", so a saved model reloads with
`keras.models.load_model(path)` (safe mode included) once this module has been imported.
"""

from __future__ import annotations

import keras
from keras import ops

from visionlab.errors import ModelError
from visionlab.models.backbones.catalog import PREPROCESSING_MODES

_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


@keras.saving.register_keras_serializable(package="visionlab")
class BackbonePreprocessing(keras.layers.Layer):
    """Map RGB pixels in 0..255 to what a pretrained backbone expects.

    One-channel (grayscale) images are repeated into three channels first, so the output
    always has three channels.

    Args:
        mode: one of `"caffe"`, `"tf"`, `"torch"`, `"none"`, `"lite"` (see
            `backbone_preprocessing(name)["mode"]`).

    Example:
        inputs = keras.Input((96, 96, 3))
        x = BackbonePreprocessing("caffe")(inputs)
    """

    def __init__(self, mode: str, **kwargs):
        super().__init__(**kwargs)
        if mode not in PREPROCESSING_MODES:
            raise ModelError(
                f"Unknown backbone preprocessing mode {mode!r}; choose one of "
                f"{', '.join(PREPROCESSING_MODES)}."
            )
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
