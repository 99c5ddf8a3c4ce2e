"""Convolutional networks: `tinyvgg`, `codelab_cnn` and the configurable `cnn`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from visionlab.models import layers
from visionlab.models.registry import register_model

HEADS = ("flatten", "gap")
POOLS = ("max", "avg")


@register_model(
    "tinyvgg",
    description="TinyVGG (CNN Explainer): 2 blocks of 2 valid 3x3 convs + max-pool, flatten.",
)
def tinyvgg(
    input_shape: Sequence[int],
    num_outputs: int,
    output_activation: str = "softmax",
    *,
    filters: int = 10,
    kernel_size: int = 3,
    activation: str = "relu",
    kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    kernel_l2: float = 0.0,
    bias_l2: float = 0.0,
    bn_momentum: float = 0.99,
    dropout: float = 0.0,
    batch_norm: bool = False,
) -> Any:
    """Build TinyVGG, the tutorial's `model_1`.

    Conv(filters, 3) x2, MaxPool(2), Conv(filters, 3) x2, MaxPool(2), Flatten, predictions; valid
    padding throughout. On 224x224x3 with one sigmoid output it has 31,101 parameters.
    Layers: `block1_conv1`, `block1_conv2`, `block1_pool`, `block2_…`, `flatten`, `predictions`.

    Args:
        input_shape: `(height, width, channels)`.
        num_outputs: units of the output layer.
        output_activation: "softmax", "sigmoid" or "linear". Defaults to "softmax".
        filters: filters of every convolution. Defaults to 10.
        kernel_size: side of every convolution kernel. Defaults to 3.
        activation: convolution activation. Defaults to "relu".
        kernel_initializer: initializer of every kernel. Defaults to "glorot_uniform".
        bias_initializer: initializer of every bias. Defaults to "zeros".
        kernel_l2: L2 factor on every kernel. Defaults to 0.0 (none).
        bias_l2: L2 factor on every bias. Defaults to 0.0 (none).
        dropout: dropout rate before the output layer. Defaults to 0.0 (none).
        batch_norm: convolutions without bias + BatchNormalization. Defaults to False.
        bn_momentum: momentum of the BatchNormalization moving statistics, in [0, 1).
            Defaults to 0.99 (Keras's); only with `batch_norm`.
    """
    filters = layers.check_positive_int(filters, "filters")
    kernel_size = layers.check_positive_int(kernel_size, "kernel_size")
    activation = layers.check_activation(activation)
    rate = layers.check_rate(dropout)
    batch_norm = layers.check_bool(batch_norm, "batch_norm")
    settings = layers.layer_settings(kernel_initializer, bias_initializer, kernel_l2, bias_l2,
                                     bn_momentum, batch_norm)

    image = layers.image_input(input_shape)
    features = image
    for block in (1, 2):
        for conv in (1, 2):
            features = layers.conv_block(
                features, filters, kernel_size, name=f"block{block}_conv{conv}",
                settings=settings, activation=activation, batch_norm=batch_norm,
            )
        features = keras.layers.MaxPooling2D(pool_size=2, name=f"block{block}_pool")(features)
    features = keras.layers.Flatten(name="flatten")(features)
    features = layers.dropout(features, rate, name="head_dropout")
    predictions = layers.output_layer(features, num_outputs, output_activation, settings)
    return keras.Model(image, predictions, name="tinyvgg")


@register_model(
    "codelab_cnn",
    description="'TensorFlow without a PhD' MNIST CNN: 3 strided same convs, dense 200.",
)
def codelab_cnn(
    input_shape: Sequence[int],
    num_outputs: int,
    output_activation: str = "softmax",
    *,
    filters: Sequence[int] = (24, 48, 64),
    kernel_sizes: Sequence[int] = (6, 5, 4),
    strides: Sequence[int] = (1, 2, 2),
    dense_units: int = 200,
    head: str = "flatten",
    activation: str = "relu",
    kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    kernel_l2: float = 0.0,
    bias_l2: float = 0.0,
    bn_momentum: float = 0.99,
    dropout: float = 0.0,
    batch_norm: bool = False,
) -> Any:
    """Build the "TensorFlow and deep learning, without a PhD" convolutional network.

    Conv 6x6/24 stride 1, Conv 5x5/48 stride 2, Conv 4x4/64 stride 2 (same padding), then either
    Flatten + Dense(dense_units) + dropout (`head="flatten"`) or global average pooling + dropout
    (`head="gap"`), then predictions. Layers: `conv1`…`conv3` (+ `_bn`, `_act`), `flatten`,
    `fc1`, `fc1_dropout` or `global_pool`, `head_dropout`, and `predictions`.

    Args:
        input_shape: `(height, width, channels)`.
        num_outputs: units of the output layer.
        output_activation: "softmax", "sigmoid" or "linear". Defaults to "softmax".
        filters: filters of each convolution. Defaults to [24, 48, 64].
        kernel_sizes: kernel side of each convolution. Defaults to [6, 5, 4].
        strides: stride of each convolution. Defaults to [1, 2, 2].
        dense_units: width of the dense layer of the flatten head. Defaults to 200.
        head: "flatten" (flatten + dense) or "gap" (global average pooling). Defaults to
            "flatten".
        activation: hidden activation. Defaults to "relu".
        kernel_initializer: initializer of every kernel. Defaults to "glorot_uniform".
        bias_initializer: initializer of every bias. Defaults to "zeros".
        kernel_l2: L2 factor on every kernel. Defaults to 0.0 (none).
        bias_l2: L2 factor on every bias. Defaults to 0.0 (none).
        dropout: dropout rate before the output layer. Defaults to 0.0 (none).
        batch_norm: convolutions and the dense layer without bias + BatchNormalization.
            Defaults to False.
        bn_momentum: momentum of the BatchNormalization moving statistics, in [0, 1).
            Defaults to 0.99 (Keras's); only with `batch_norm`.
    """
    conv_filters = layers.check_positive_ints(filters, "filters")
    conv_kernels = layers.check_positive_ints(kernel_sizes, "kernel_sizes",
                                              length=len(conv_filters))
    conv_strides = layers.check_positive_ints(strides, "strides", length=len(conv_filters))
    dense_units = layers.check_positive_int(dense_units, "dense_units")
    head = layers.check_choice(head, HEADS, "head")
    activation = layers.check_activation(activation)
    rate = layers.check_rate(dropout)
    batch_norm = layers.check_bool(batch_norm, "batch_norm")
    settings = layers.layer_settings(kernel_initializer, bias_initializer, kernel_l2, bias_l2,
                                     bn_momentum, batch_norm)

    image = layers.image_input(input_shape)
    features = image
    for index, (width, kernel, stride) in enumerate(
        zip(conv_filters, conv_kernels, conv_strides), start=1
    ):
        features = layers.conv_block(
            features, width, kernel, name=f"conv{index}", settings=settings,
            activation=activation, strides=stride, padding="same", batch_norm=batch_norm,
        )
    if head == "flatten":
        features = keras.layers.Flatten(name="flatten")(features)
        features = layers.dense_block(
            features, dense_units, name="fc1", settings=settings, activation=activation,
            batch_norm=batch_norm,
        )
        features = layers.dropout(features, rate, name="fc1_dropout")
    else:
        features = keras.layers.GlobalAveragePooling2D(name="global_pool")(features)
        features = layers.dropout(features, rate, name="head_dropout")
    predictions = layers.output_layer(features, num_outputs, output_activation, settings)
    return keras.Model(image, predictions, name="codelab_cnn")


@register_model(
    "cnn",
    description="Configurable CNN: blocks of same-padded convs + pooling, GAP or flatten head.",
)
def cnn(
    input_shape: Sequence[int],
    num_outputs: int,
    output_activation: str = "softmax",
    *,
    blocks: Sequence[int] = (32, 64, 128),
    convs_per_block: int = 2,
    kernel_size: int = 3,
    pool: str = "max",
    head: str = "gap",
    dense_units: Sequence[int] = (),
    activation: str = "relu",
    kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    kernel_l2: float = 0.0,
    bias_l2: float = 0.0,
    bn_momentum: float = 0.99,
    dropout: float = 0.0,
    batch_norm: bool = False,
) -> Any:
    """Build a VGG-style CNN from a list of block widths.

    Each block is `convs_per_block` same-padded convolutions followed by a 2x2 pooling; the head
    is global average pooling or flatten, then optional dense layers, then predictions. Dropout
    comes before every dense layer. Layers: `block1_conv1`, …, `block1_pool`, `global_pool` or
    `flatten`, `head_dropout`, `fc1`, `fc1_dropout`, …, `predictions`.

    Args:
        input_shape: `(height, width, channels)`.
        num_outputs: units of the output layer.
        output_activation: "softmax", "sigmoid" or "linear". Defaults to "softmax".
        blocks: filters of the convolutions of each block. Defaults to [32, 64, 128].
        convs_per_block: convolutions per block. Defaults to 2.
        kernel_size: side of every convolution kernel. Defaults to 3.
        pool: "max" or "avg" pooling after each block. Defaults to "max".
        head: "gap" (global average pooling) or "flatten". Defaults to "gap".
        dense_units: widths of dense layers between the head and the output. Defaults to [].
        activation: hidden activation. Defaults to "relu".
        kernel_initializer: initializer of every kernel. Defaults to "glorot_uniform".
        bias_initializer: initializer of every bias. Defaults to "zeros".
        kernel_l2: L2 factor on every kernel. Defaults to 0.0 (none).
        bias_l2: L2 factor on every bias. Defaults to 0.0 (none).
        dropout: dropout rate before every dense layer. Defaults to 0.0 (none).
        batch_norm: convolutions and dense layers without bias + BatchNormalization.
            Defaults to False.
        bn_momentum: momentum of the BatchNormalization moving statistics, in [0, 1).
            Defaults to 0.99 (Keras's); only with `batch_norm`.

    Example:
        create_model("cnn", (32, 32, 3), 10, blocks=[32, 64], batch_norm=True, dropout=0.3)
    """
    block_filters = layers.check_positive_ints(blocks, "blocks")
    convs_per_block = layers.check_positive_int(convs_per_block, "convs_per_block")
    kernel_size = layers.check_positive_int(kernel_size, "kernel_size")
    pool = layers.check_choice(pool, POOLS, "pool")
    head = layers.check_choice(head, HEADS, "head")
    hidden_units = layers.check_positive_ints(dense_units, "dense_units", allow_empty=True)
    activation = layers.check_activation(activation)
    rate = layers.check_rate(dropout)
    batch_norm = layers.check_bool(batch_norm, "batch_norm")
    settings = layers.layer_settings(kernel_initializer, bias_initializer, kernel_l2, bias_l2,
                                     bn_momentum, batch_norm)
    pooling_layer = keras.layers.MaxPooling2D if pool == "max" else keras.layers.AveragePooling2D

    image = layers.image_input(input_shape)
    features = image
    for block, width in enumerate(block_filters, start=1):
        for conv in range(1, convs_per_block + 1):
            features = layers.conv_block(
                features, width, kernel_size, name=f"block{block}_conv{conv}", settings=settings,
                activation=activation, padding="same", batch_norm=batch_norm,
            )
        features = pooling_layer(pool_size=2, name=f"block{block}_pool")(features)
    if head == "gap":
        features = keras.layers.GlobalAveragePooling2D(name="global_pool")(features)
    else:
        features = keras.layers.Flatten(name="flatten")(features)
    features = layers.dropout(features, rate, name="head_dropout")
    for index, width in enumerate(hidden_units, start=1):
        features = layers.dense_block(
            features, width, name=f"fc{index}", settings=settings, activation=activation,
            batch_norm=batch_norm,
        )
        features = layers.dropout(features, rate, name=f"fc{index}_dropout")
    predictions = layers.output_layer(features, num_outputs, output_activation, settings)
    return keras.Model(image, predictions, name="cnn")
