"""Transfer learning, the model: a pretrained base under a new output head.

A model is built on a pretrained base when `[model] name` is a registered backbone
(`visionlab models --kind backbone`) or `"run:<run folder>"`: a previous visionlab run whose
model, minus its output layer, becomes the base. Either way the model takes raw 0..255 pixels
and applies the base's own preprocessing, so `data.normalize` must be "none" (pre-flight checks).

Training that model in warm-up / fine-tune phases lives in `visionlab.training.phases`; loading
the previous run's model is the caller's (`visionlab.api` opens the run folder).

Example:
    [model]
    name = "efficientnet_lite0"        # or "run:runs/digits-cnn-20260101-120000"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras

from visionlab.config import ExperimentConfig, color_mode_for_channels
from visionlab.errors import ConfigError, ModelError
from visionlab.i18n import Message
from visionlab.models.backbones.catalog import (
    BACKBONE_LAYER,
    RANDOM_WEIGHTS,
    backbone_preprocessing,
)
from visionlab.models.backbones.head import add_head
from visionlab.models.backbones.layers import legacy_preprocessing_replaced
from visionlab.models.backbones.transfer import set_trainable
from visionlab.models.registry import create_model, get_model_entry

RUN_PREFIX = "run:"
RUN_HEAD_ARGUMENTS = ("head_units", "head_activation", "dropout", "kernel_l2")
# From scratch on a small dataset the default 0.99 leaves BatchNorm's moving statistics (used at
# test time) far behind the quickly changing network after a few hundred steps.
SCRATCH_BATCH_NORM_MOMENTUM = 0.9


def run_backbone_path(model_name: str) -> Path | None:
    """Return the run folder of a `"run:<folder>"` model name, or None for other names."""
    if not model_name.startswith(RUN_PREFIX):
        return None
    return Path(model_name[len(RUN_PREFIX):].strip()).expanduser()


def is_backbone(model_name: str) -> bool:
    """Return True when `model_name` is a registered backbone or a `"run:<folder>"` base."""
    if model_name.startswith(RUN_PREFIX):
        return True
    try:
        return get_model_entry(model_name).kind == "backbone"
    except ModelError:
        return False


# -- building -----------------------------------------------------------------------------------


def build_transfer_body(config: ExperimentConfig, image_shape: tuple[int, int, int],
                        num_outputs: int, output_activation: str,
                        run_model: Any = None) -> Any:
    """Build the model body on a pretrained base, frozen or not as the strategy starts.

    The body takes raw 0..255 pixels: a registry backbone gets its own preprocessing (built-in
    layers, `preprocessing_model`), a run keeps its input scaling layers.

    Args:
        config: the resolved experiment (its `model` and `transfer` sections).
        image_shape: `(height, width, channels)` of the data.
        num_outputs: units of the new output layer.
        output_activation: activation of the new output layer.
        run_model: the loaded model of the `"run:<folder>"` base (needed for such a name).
            Defaults to None.

    Raises:
        ConfigError: [transfer] on a model that is not a backbone, or a contradictory setting.
    """
    name = config.model.name
    strategy = config.transfer.strategy if config.transfer else None
    if not is_backbone(name):
        raise ConfigError(Message("error.model.transfer.not_backbone", {"name": name}))
    arguments = dict(config.model.arguments)
    if strategy is not None and "trainable_layers" in arguments:
        raise ConfigError(Message("error.model.transfer.trainable_layers"))
    run_path = run_backbone_path(name)
    if run_path is not None:
        if strategy == "scratch":
            raise ConfigError(Message("error.model.transfer.scratch_run", {"name": name}))
        body = _run_body(run_path, run_model, image_shape, num_outputs, output_activation,
                         arguments)
    else:
        body = _registry_body(name, strategy, image_shape, num_outputs, output_activation,
                              arguments)
    return body


def _registry_body(name: str, strategy: str | None, image_shape: tuple[int, int, int],
                   num_outputs: int, output_activation: str, arguments: dict[str, Any]) -> Any:
    if arguments.get("include_preprocessing", True) is not True:
        raise ConfigError(Message("error.model.transfer.no_preprocessing", {"name": name}))
    arguments["include_preprocessing"] = True
    if strategy == "scratch":
        if arguments.get("weights", "random") not in RANDOM_WEIGHTS:
            raise ConfigError(Message("error.model.transfer.scratch_weights",
                                      {"weights": repr(arguments["weights"])}))
        arguments["weights"] = "random"
    body = create_model(name, input_shape=image_shape, num_outputs=num_outputs,
                        output_activation=output_activation, **arguments)
    if strategy == "scratch":
        body = _with_batch_norm_in_training_mode(body)
    return body


def _with_batch_norm_in_training_mode(body: Any) -> Any:
    """Re-wire a backbone body so its base follows `fit`'s training flag (BatchNorm learns).

    Backbone bodies are a chain image -> preprocessing -> backbone -> pool -> head layers, with
    the backbone called in inference mode; calling the same layers again without
    `training=False` keeps their weights and lets BatchNorm normalize by batch statistics.
    """
    for layer in body.get_layer(BACKBONE_LAYER).layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = SCRATCH_BATCH_NORM_MOMENTUM
    inputs = keras.Input(shape=tuple(body.inputs[0].shape[1:]), name="image")
    tensor = inputs
    for layer in body.layers:
        if not isinstance(layer, keras.layers.InputLayer):
            tensor = layer(tensor)
    return keras.Model(inputs, tensor, name=body.name)


def _run_body(run_path: Path, source: Any, image_shape: tuple[int, int, int],
              num_outputs: int, output_activation: str, arguments: dict[str, Any]) -> Any:
    unknown = sorted(set(arguments) - set(RUN_HEAD_ARGUMENTS))
    if unknown:
        raise ConfigError(Message("error.model.transfer.run_argument", {
            "key": unknown[0],
            "accepted": ", ".join("model." + key for key in RUN_HEAD_ARGUMENTS)}))
    if source is None:
        raise ConfigError(Message("error.model.transfer.run_model",
                                  {"name": f"{RUN_PREFIX}{run_path}"}))
    expected = tuple(int(size) for size in source.inputs[0].shape[1:])
    if expected != tuple(image_shape):
        height, width, channels = expected
        raise ConfigError(Message("error.model.transfer.run_shape", {
            "run": run_path, "height": height, "width": width, "channels": channels,
            "data": "x".join(map(str, image_shape)),
            "color_mode": color_mode_for_channels(channels)}))
    old_body = source.layers[-1]
    if not isinstance(old_body, keras.Model) or "predictions" not in [
            layer.name for layer in old_body.layers]:
        raise ConfigError(Message("error.model.transfer.run_head", {"run": run_path}))
    # The run's scaling layers stay (the base expects what they produce); augmentation goes.
    scaling = [layer for layer in source.layers[:-1]
               if not isinstance(layer, keras.layers.InputLayer)
               and not layer.name.startswith("augment_")]
    base = keras.Model(old_body.inputs, old_body.get_layer("predictions").input,
                       name=BACKBONE_LAYER)
    # A run saved before preprocessing was built-in Keras: the new model must not inherit it.
    base = legacy_preprocessing_replaced(base)
    inputs = keras.Input(shape=tuple(image_shape), name="image")
    tensor = inputs
    for layer in scaling:
        tensor = layer(tensor)
    tensor = base(tensor, training=False)
    if len(tensor.shape) > 2:  # a feature map: pool it like the registry backbones do
        tensor = keras.layers.GlobalAveragePooling2D(name="pool")(tensor)
    outputs = add_head(tensor, num_outputs, output_activation, **arguments)
    body = keras.Model(inputs, outputs, name="run_backbone")
    set_trainable(body, 0)
    return body


def preprocessing_description(model_name: str) -> str | None:
    """Describe the preprocessing a registry backbone applies itself (None for other models).

    Used by the pre-flight check that refuses `data.normalize` other than "none"; a "run:"
    base is described by the caller, which reads the run's config.
    """
    if run_backbone_path(model_name) is not None or not is_backbone(model_name):
        return None
    details = backbone_preprocessing(model_name)
    return f"'{details['mode']}' mode, input range {details['input_range']}"
