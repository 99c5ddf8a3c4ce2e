"""The classification head put on a pretrained base: the one head builder of visionlab.

Layout after the pooled features: [`head_dense_{i}` + `head_dropout_{i}`] -> [`dropout`] ->
`predictions`. Used by the registry backbones (`transfer.py`) and by "run:" bases
(`transfer_body.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

from visionlab.errors import ModelError
from visionlab.i18n import Message


def check_head_arguments(head_units: Any, dropout: Any, kernel_l2: Any) -> None:
    """Raise ModelError naming the argument when a head knob is out of range."""
    if isinstance(head_units, (int, str)) or any(
            isinstance(units, bool) or not isinstance(units, int) or units < 1
            for units in head_units):
        raise ModelError(Message("error.model.head.units", {"value": repr(head_units)}))
    if not 0.0 <= float(dropout) < 1.0:
        raise ModelError(Message("error.model.head.dropout", {"value": repr(dropout)}))
    if float(kernel_l2) < 0.0:
        raise ModelError(Message("error.model.head.kernel_l2", {"value": repr(kernel_l2)}))


def add_head(features: Any, num_outputs: int, output_activation: str, *,
             head_units: Sequence[int] = (), head_activation: str = "relu",
             dropout: float = 0.0, kernel_l2: float = 0.0) -> Any:
    """Put the dense head on pooled `features` (batch, channels); return the output tensor.

    Args:
        features: the pooled feature tensor.
        num_outputs: units of the output layer.
        output_activation: activation of the output layer.
        head_units: dense layers before the output. Defaults to `()` (none).
        head_activation: activation of those layers. Defaults to `"relu"`.
        dropout: dropout after each head layer (or before the output). Defaults to 0.0.
        kernel_l2: L2 factor on the head's kernels. Defaults to 0.0.
    """
    check_head_arguments(head_units, dropout, kernel_l2)
    regularizer = keras.regularizers.L2(kernel_l2) if kernel_l2 else None
    tensor = features
    for index, units in enumerate(head_units):
        tensor = layers.Dense(int(units), activation=head_activation,
                              kernel_regularizer=regularizer, name=f"head_dense_{index}")(tensor)
        if dropout:
            tensor = layers.Dropout(dropout, name=f"head_dropout_{index}")(tensor)
    if dropout and not head_units:
        tensor = layers.Dropout(dropout, name="dropout")(tensor)
    return layers.Dense(num_outputs, activation=output_activation,
                        kernel_regularizer=regularizer, name="predictions")(tensor)
