"""Saving and loading Keras models: the portable `model.keras`, and visionlab's own files.

`save_portable_model` writes the file users get. Its layers are built-in Keras, and its
optimizer's learning rate is a plain float (the rate training ended at) instead of a schedule
object such as the per-step `OneCycleSchedule`, so plain `keras.models.load_model` opens it in a
process that never imported visionlab. Checkpoints keep the schedule (`model.save`), which a
resumed run needs to continue the same curve.

`load_keras_model` loads both kinds. Checkpoints, and run models written before visionlab's
preprocessing was built-in Keras, may hold `BackbonePreprocessing` layers and the per-step
`OneCycleSchedule`; both are registered with Keras (package "visionlab") when their modules are
imported, which this module does, so `load_keras_model` works in safe mode.
"""

from __future__ import annotations

import os
from typing import Any

import keras

# Imported for their side effect: each registers its serializable classes with Keras.
from visionlab.models.backbones import layers as _backbone_layers  # noqa: F401
from visionlab.training import schedules as _schedules  # noqa: F401


def load_keras_model(path: str | os.PathLike[str]) -> Any:
    """Load a `.keras` file written by visionlab (safe mode)."""
    return keras.models.load_model(path)


def save_portable_model(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Save `model` so that plain Keras opens it: a schedule becomes the rate it has reached.

    A model compiled with a float learning rate (or not compiled) is saved as it is. Otherwise a
    twin sharing every layer (no weights are copied) is compiled like `model` but with
    `learning_rate` = the schedule's current value, takes over the optimizer's state (step
    count, moments), and is saved instead; `model` itself is left as it was.

    Args:
        model: a functional Keras model.
        path: the `.keras` file to write.

    Example:
        save_portable_model(model, "runs/x/model.keras")
        keras.models.load_model("runs/x/model.keras")  # no visionlab import needed
    """
    portable_twin(model).save(path)


def portable_twin(model: keras.Model) -> keras.Model:
    """Return `model`, or a twin of it whose optimizer has a float learning rate.

    See `save_portable_model`. Optimizer state that does not line up with the twin's (the
    trainable layers changed after the last step) is left at its fresh values.
    """
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None:
        return model
    if isinstance(optimizer.get_config().get("learning_rate"), (int, float)):
        return model
    compile_config = model.get_compile_config()
    rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    compile_config["optimizer"]["config"]["learning_rate"] = rate
    twin = keras.Model(model.input, model.output, name=model.name)
    twin.compile_from_config(compile_config)  # builds the twin's optimizer
    rate_variable = twin.optimizer.learning_rate  # the float rate's variable, new in the twin
    state = [variable for variable in twin.optimizer.variables if variable is not rate_variable]
    if [tuple(variable.shape) for variable in state] == [
            tuple(variable.shape) for variable in optimizer.variables]:
        for target, source in zip(state, optimizer.variables):
            target.assign(source)
    return twin
