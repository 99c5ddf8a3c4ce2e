"""How the loss, the output layer and the label encoding fit together.

The tutorials use three combinations: softmax + sparse labels, softmax + one-hot labels, and
sigmoid + binary cross-entropy (one unit for two classes, or one unit per class with one-hot
labels). `output_spec` derives the consistent combination from the config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras

from visionlab.errors import ConfigError

# Losses that take Keras's label_smoothing, by config name.
_SMOOTHABLE_LOSSES = {"categorical_crossentropy": "CategoricalCrossentropy",
                      "binary_crossentropy": "BinaryCrossentropy"}


@dataclass(frozen=True)
class OutputSpec:
    """Number of output units, their activation, and how labels are encoded."""

    num_outputs: int
    activation: str
    one_hot: bool
    loss: str

    @property
    def binary_single_unit(self) -> bool:
        return self.num_outputs == 1


def output_spec(loss: str, output_activation: str, num_classes: int) -> OutputSpec:
    """Return the output layer and label encoding that `loss` needs for `num_classes` classes.

    Args:
        loss: one of sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy.
        output_activation: "auto", "softmax" or "sigmoid".
        num_classes: number of classes in the dataset.

    Raises:
        ConfigError: a combination that cannot train correctly, with the fix.
    """
    if num_classes < 2:
        raise ConfigError(
            f"The dataset has {num_classes} class; a classifier needs at least 2. "
            "Add a folder for each class."
        )
    if loss == "binary_crossentropy":
        activation = "sigmoid" if output_activation == "auto" else output_activation
        if activation == "softmax":
            raise ConfigError(
                "train.loss = 'binary_crossentropy' needs sigmoid outputs, but "
                "train.output_activation = 'softmax'. A softmax over one unit always outputs 1.0, "
                "and a softmax over classes is not what binary cross-entropy expects. Set "
                "train.output_activation = 'sigmoid' (or use sparse_categorical_crossentropy)."
            )
        if num_classes == 2:
            return OutputSpec(1, "sigmoid", one_hot=False, loss=loss)
        return OutputSpec(num_classes, "sigmoid", one_hot=True, loss=loss)
    activation = "softmax" if output_activation == "auto" else output_activation
    if activation == "sigmoid":
        raise ConfigError(
            f"train.loss = '{loss}' expects a probability distribution over the "
            f"{num_classes} classes (softmax), but train.output_activation = 'sigmoid'. Set "
            "train.output_activation = 'softmax', or use loss = 'binary_crossentropy' for the "
            "one-sigmoid-per-class setup."
        )
    return OutputSpec(num_classes, "softmax", one_hot=loss == "categorical_crossentropy", loss=loss)


def get_loss(identifier: Any, label_smoothing: float = 0.0) -> Any:
    """Return a Keras loss from a name, a config dict or an instance (`keras.losses.get`).

    Args:
        identifier: a loss name such as `"categorical_crossentropy"`, a Keras config dict or a
            loss instance.
        label_smoothing: Keras's `label_smoothing` factor, for the categorical and binary
            cross-entropies (one-hot targets). Defaults to 0.0.

    Raises:
        ValueError: label smoothing asked of a loss that takes integer labels.
    """
    if not label_smoothing:
        return keras.losses.get(identifier)
    if identifier not in _SMOOTHABLE_LOSSES:
        raise ValueError(f"label smoothing needs one-hot targets; {identifier} takes integer "
                         "labels.")
    return keras.losses.get({"class_name": _SMOOTHABLE_LOSSES[identifier],
                             "config": {"label_smoothing": label_smoothing}})
