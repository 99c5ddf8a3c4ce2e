"""Building blocks shared by the architectures: argument checks, initializers, L2, layer blocks."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import keras

from visionlab.errors import ModelError
from visionlab.i18n import Message


@dataclass(frozen=True)
class LayerSettings:
    """Initializers and L2 penalties applied to every Dense/Conv2D layer of one model.

    Build it with `layer_settings(...)`, which validates the values.
    """

    kernel_initializer: Any = "glorot_uniform"
    bias_initializer: Any = "zeros"
    kernel_l2: float = 0.0
    bias_l2: float = 0.0
    bn_momentum: float = 0.99

    def weight_arguments(self, use_bias: bool = True) -> dict[str, Any]:
        """Return keyword arguments for one `Dense`/`Conv2D` layer, with fresh objects."""
        arguments: dict[str, Any] = {
            "use_bias": use_bias,
            "kernel_initializer": _fresh_initializer(self.kernel_initializer),
            "kernel_regularizer": keras.regularizers.L2(self.kernel_l2) if self.kernel_l2 else None,
        }
        if use_bias:
            arguments["bias_initializer"] = _fresh_initializer(self.bias_initializer)
            arguments["bias_regularizer"] = (
                keras.regularizers.L2(self.bias_l2) if self.bias_l2 else None
            )
        return arguments


def layer_settings(
    kernel_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    kernel_l2: float | None = None,
    bias_l2: float | None = None,
    bn_momentum: float = 0.99,
    batch_norm: bool = True,
) -> LayerSettings:
    """Validate the initializer and L2 knobs of a model and bundle them.

    Args:
        kernel_initializer: anything `keras.initializers.get` accepts ("he_normal", "zeros",
            a config dict, an instance). Defaults to "glorot_uniform".
        bias_initializer: same, for biases. Defaults to "zeros".
        kernel_l2: L2 factor on every kernel; 0 or None adds no penalty. Defaults to None.
        bias_l2: L2 factor on every bias; 0 or None adds no penalty. Defaults to None.
        bn_momentum: momentum of every BatchNormalization's moving mean and variance, in
            [0, 1). Lower follows the weights faster on few steps. Defaults to 0.99 (Keras's).
        batch_norm: whether the model has batch norm; a non-default `bn_momentum` without it
            is an error. Defaults to True.
    """
    for argument, identifier in (
        ("kernel_initializer", kernel_initializer),
        ("bias_initializer", bias_initializer),
    ):
        try:
            _fresh_initializer(identifier)
        except (ValueError, TypeError) as error:
            raise ModelError(Message("error.model.initializer", {
                "argument": argument, "value": repr(identifier), "error": error})) from None
    return LayerSettings(
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_l2=check_non_negative(kernel_l2, "kernel_l2"),
        bias_l2=check_non_negative(bias_l2, "bias_l2"),
        bn_momentum=_check_bn_momentum(bn_momentum, batch_norm),
    )


def _check_bn_momentum(value: Any, batch_norm: bool) -> float:
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not 0.0 <= float(value) < 1.0):
        raise ModelError(Message("error.model.bn_momentum", {"value": repr(value)}))
    if not batch_norm and float(value) != 0.99:
        raise ModelError(Message("error.model.bn_momentum_unused", {"value": value}))
    return float(value)


def check_activation(activation: Any) -> Any:
    """Return `activation` if Keras knows it, else raise a `ModelError` naming the fix."""
    try:
        keras.activations.get(activation)
    except (ValueError, TypeError):
        raise ModelError(Message("error.model.activation",
                                 {"value": repr(activation)})) from None
    return activation


def check_non_negative(value: float | None, argument: str) -> float:
    """Return `value` as a float >= 0 (None counts as 0), else raise a `ModelError`."""
    if value is None:
        return 0.0
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= 0:
        return float(value)
    raise ModelError(Message("error.model.non_negative",
                             {"argument": argument, "value": repr(value)}))


def check_rate(value: float | None, argument: str = "dropout") -> float:
    """Return a dropout rate in [0, 1) (None counts as 0), else raise a `ModelError`."""
    rate = check_non_negative(value, argument)
    if rate >= 1:
        raise ModelError(Message("error.model.rate", {"argument": argument, "value": repr(value)}))
    return rate


def check_choice(value: Any, choices: Sequence[str], argument: str) -> str:
    """Return `value` if it is one of `choices`, else raise a `ModelError` listing them."""
    if value not in choices:
        raise ModelError(Message("error.model.choice", {
            "argument": argument, "choices": ", ".join(map(repr, choices)),
            "value": repr(value)}))
    return value


def check_positive_ints(
    values: Any, argument: str, *, allow_empty: bool = False, length: int | None = None
) -> tuple[int, ...]:
    """Return `values` (an int or a sequence of ints > 0) as a tuple, else raise a `ModelError`.

    Args:
        values: one positive integer or a list/tuple of them.
        argument: the argument name used in the message.
        allow_empty: accept an empty list. Defaults to False.
        length: the exact length required, if any. Defaults to None.
    """
    items: Iterable[Any] = values if isinstance(values, (list, tuple)) else [values]
    items = list(items)
    valid = all(
        isinstance(item, numbers.Integral) and not isinstance(item, bool) and item > 0
        for item in items
    )
    if not valid or (not items and not allow_empty):
        key = "error.model.positive_ints" if allow_empty else "error.model.positive_ints_non_empty"
        raise ModelError(Message(key, {"argument": argument, "value": repr(values)}))
    if length is not None and len(items) != length:
        raise ModelError(Message("error.model.entries", {
            "argument": argument, "length": length, "count": len(items),
            "value": repr(values)}))
    return tuple(int(item) for item in items)


def check_positive_int(value: Any, argument: str) -> int:
    """Return `value` if it is an integer > 0, else raise a `ModelError`."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0:
        return int(value)
    raise ModelError(Message("error.model.positive_int",
                             {"argument": argument, "value": repr(value)}))


def check_bool(value: Any, argument: str) -> bool:
    """Return `value` if it is a bool, else raise a `ModelError`."""
    if not isinstance(value, bool):
        raise ModelError(Message("error.model.bool", {"argument": argument, "value": repr(value)}))
    return value


def image_input(input_shape: Sequence[int]) -> Any:
    """Return the model input: float32 images of `input_shape`, named "image"."""
    return keras.Input(shape=tuple(input_shape), dtype="float32", name="image")


def conv_block(
    inputs: Any,
    filters: int,
    kernel_size: int,
    *,
    name: str,
    settings: LayerSettings,
    activation: Any = "relu",
    strides: int = 1,
    padding: str = "valid",
    batch_norm: bool = False,
) -> Any:
    """Apply Conv2D + activation, or Conv2D without bias + BatchNormalization + activation.

    The convolution is named `name`; the extra layers `{name}_bn` and `{name}_act`.
    """
    if not batch_norm:
        return keras.layers.Conv2D(
            filters, kernel_size, strides=strides, padding=padding, activation=activation,
            name=name, **settings.weight_arguments(),
        )(inputs)
    # The normalization's offset replaces the bias, so the convolution has none.
    outputs = keras.layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, name=name,
        **settings.weight_arguments(use_bias=False),
    )(inputs)
    outputs = keras.layers.BatchNormalization(momentum=settings.bn_momentum,
                                                  name=f"{name}_bn")(outputs)
    return keras.layers.Activation(activation, name=f"{name}_act")(outputs)


def dense_block(
    inputs: Any,
    units: int,
    *,
    name: str,
    settings: LayerSettings,
    activation: Any = "relu",
    batch_norm: bool = False,
) -> Any:
    """Apply Dense + activation, or Dense without bias + BatchNormalization + activation.

    The dense layer is named `name`; the extra layers `{name}_bn` and `{name}_act`.
    """
    if not batch_norm:
        return keras.layers.Dense(
            units, activation=activation, name=name, **settings.weight_arguments()
        )(inputs)
    outputs = keras.layers.Dense(units, name=name, **settings.weight_arguments(use_bias=False))(
        inputs
    )
    outputs = keras.layers.BatchNormalization(momentum=settings.bn_momentum,
                                                  name=f"{name}_bn")(outputs)
    return keras.layers.Activation(activation, name=f"{name}_act")(outputs)


def dropout(inputs: Any, rate: float, *, name: str) -> Any:
    """Apply `Dropout(rate)` named `name`, or return `inputs` unchanged when `rate` is 0."""
    return keras.layers.Dropout(rate, name=name)(inputs) if rate else inputs


def output_layer(
    inputs: Any, num_outputs: int, output_activation: str, settings: LayerSettings
) -> Any:
    """Apply the output `Dense(num_outputs, output_activation)` named "predictions"."""
    return keras.layers.Dense(
        num_outputs, activation=output_activation, name="predictions",
        **settings.weight_arguments(),
    )(inputs)


def _fresh_initializer(identifier: Any) -> Any:
    initializer = keras.initializers.get(identifier)
    if initializer is None:
        raise ValueError("None is not an initializer")
    if not isinstance(initializer, keras.initializers.Initializer):
        return initializer
    # An unseeded Keras initializer draws its seed once, so one instance shared by several
    # layers would give them identical weights; each layer gets its own copy.
    return initializer.__class__.from_config(initializer.get_config())
