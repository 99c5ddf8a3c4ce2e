"""`get_optimizer`: a Keras optimizer from a name, a config dict or an instance.

Names are visionlab's config names (`train.optimizer`); each maps to its Keras class and the
`[train]` knobs it takes. Anything else goes to `keras.optimizers.get`, so every Keras optimizer
config (`{"class_name": "Lion", "config": {...}}`) works too.

Example:
    get_optimizer("sgd", learning_rate=0.01, momentum=0.9)
    get_optimizer({"name": "adamw", "weight_decay": 1e-4}, learning_rate=1e-3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras

from visionlab.config import OPTIMIZERS, TrainConfig
from visionlab.errors import ConfigError

# config name -> (Keras class name, the TrainConfig knobs it takes)
KERAS_OPTIMIZERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sgd": ("SGD", ("momentum", "nesterov")),
    "rmsprop": ("RMSprop", ("momentum",)),
    "adam": ("Adam", ()),
    "adamw": ("AdamW", ("weight_decay",)),
}
assert set(KERAS_OPTIMIZERS) == set(OPTIMIZERS), "config.OPTIMIZERS and this table must agree"
ADAMW_DEFAULT_WEIGHT_DECAY = 0.004  # Keras's own default


def get_optimizer(identifier: Any, learning_rate: Any = None,
                  **settings: Any) -> keras.optimizers.Optimizer:
    """Return a Keras optimizer.

    Args:
        identifier: a visionlab name (`"sgd"`, `"rmsprop"`, `"adam"`, `"adamw"`), a dict
            `{"name": "sgd", "momentum": 0.9}`, a Keras config dict, or an optimizer instance
            (returned as is).
        learning_rate: a float or a `LearningRateSchedule`. Defaults to None (Keras's default).
        **settings: the optimizer's own knobs (momentum, nesterov, weight_decay …); `None`
            values are dropped.

    Raises:
        ConfigError: an unknown name or a knob the optimizer does not take.
    """
    if isinstance(identifier, keras.optimizers.Optimizer):
        return identifier
    if isinstance(identifier, Mapping) and "name" in identifier:
        settings = {**{k: v for k, v in identifier.items() if k != "name"}, **settings}
        identifier = identifier["name"]
    settings = {key: value for key, value in settings.items() if value is not None}
    if learning_rate is not None:
        settings["learning_rate"] = learning_rate
    if isinstance(identifier, str) and identifier.lower() in KERAS_OPTIMIZERS:
        class_name, _ = KERAS_OPTIMIZERS[identifier.lower()]
        optimizer_class = type(keras.optimizers.get(class_name))
        try:
            return optimizer_class(**settings)
        except TypeError as error:
            raise ConfigError(f"Optimizer '{identifier}' does not take these settings "
                              f"({error}). Remove the setting or choose another optimizer.") \
                from None
    try:
        optimizer = keras.optimizers.get(identifier)
    except ValueError as error:
        raise ConfigError(f"Unknown optimizer {identifier!r} ({error}). Use one of "
                          f"{', '.join(KERAS_OPTIMIZERS)} or a Keras optimizer config.") from None
    return optimizer.from_config({**optimizer.get_config(), **settings})


def make_optimizer(train: TrainConfig, learning_rate: Any = None) -> keras.optimizers.Optimizer:
    """Create the optimizer `train` configures (`train.optimizer` and the knobs it takes).

    Args:
        train: the train section (optimizer, learning_rate, momentum, nesterov, weight_decay).
        learning_rate: a float or LearningRateSchedule overriding `train.learning_rate`.
            Defaults to None.
    """
    _, knobs = KERAS_OPTIMIZERS[train.optimizer]
    settings = {knob: getattr(train, knob) for knob in knobs}
    if "weight_decay" in settings and settings["weight_decay"] is None:
        settings["weight_decay"] = ADAMW_DEFAULT_WEIGHT_DECAY
    rate = train.learning_rate if learning_rate is None else learning_rate
    return get_optimizer(train.optimizer, rate, **settings)
