"""Fully connected networks: `mlp` (flatten the image, then dense layers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from visionlab.models import layers
from visionlab.models.registry import register_model


@register_model("mlp", description="Flatten + dense hidden layers (the tutorial's dense nets).")
def mlp(
    input_shape: Sequence[int],
    num_outputs: int,
    output_activation: str = "softmax",
    *,
    units: Sequence[int] = (128,),
    activation: str = "relu",
    kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    kernel_l2: float = 0.0,
    bias_l2: float = 0.0,
    bn_momentum: float = 0.99,
    dropout: float = 0.0,
    batch_norm: bool = False,
) -> Any:
    """Build a multi-layer perceptron: Flatten, one Dense per entry of `units`, predictions.

    Layers are named `flatten`, `fc1`, `fc1_bn`, `fc1_act`, `fc1_dropout`, …, `predictions`.

    Args:
        input_shape: `(height, width, channels)`.
        num_outputs: units of the output layer.
        output_activation: "softmax", "sigmoid" or "linear". Defaults to "softmax".
        units: width of each hidden layer; `[]` gives a linear (softmax regression) model.
            Defaults to [128].
        activation: hidden-layer activation. Defaults to "relu".
        kernel_initializer: initializer of every kernel. Defaults to "glorot_uniform".
        bias_initializer: initializer of every bias. Defaults to "zeros".
        kernel_l2: L2 factor on every kernel. Defaults to 0.0 (none).
        bias_l2: L2 factor on every bias. Defaults to 0.0 (none).
        dropout: dropout rate after each hidden layer. Defaults to 0.0 (none).
        batch_norm: hidden Dense without bias + BatchNormalization before the activation.
            Defaults to False.
        bn_momentum: momentum of the BatchNormalization moving statistics, in [0, 1).
            Defaults to 0.99 (Keras's); only with `batch_norm`.

    Example:
        create_model("mlp", (28, 28, 1), 10, units=[4, 4])
    """
    hidden_units = layers.check_positive_ints(units, "units", allow_empty=True)
    activation = layers.check_activation(activation)
    rate = layers.check_rate(dropout)
    batch_norm = layers.check_bool(batch_norm, "batch_norm")
    settings = layers.layer_settings(kernel_initializer, bias_initializer, kernel_l2, bias_l2,
                                     bn_momentum, batch_norm)

    image = layers.image_input(input_shape)
    features = keras.layers.Flatten(name="flatten")(image)
    for index, width in enumerate(hidden_units, start=1):
        features = layers.dense_block(
            features, width, name=f"fc{index}", settings=settings, activation=activation,
            batch_norm=batch_norm,
        )
        features = layers.dropout(features, rate, name=f"fc{index}_dropout")
    predictions = layers.output_layer(features, num_outputs, output_activation, settings)
    return keras.Model(image, predictions, name="mlp")
