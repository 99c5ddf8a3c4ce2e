"""Experiment configuration: pydantic defaults -> TOML file -> `--set key=value` overrides.

The resolved configuration is written into the run folder before training starts, so a run can
always be reproduced from its own folder.

Example:
    config = load_config("experiment.toml", overrides=["train.epochs=3", "model.units=[64]"])
    config.train.optimizer  # "adam"
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any, Literal

import tomli_w
import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from visionlab.errors import ConfigError
from visionlab.i18n import Message, joined
from visionlab.recipes import list_recipes, recipe_path


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ReferenceConfig(_Section):
    """The tutorial's published figure that a recipe reproduces."""

    metric: str = "test_accuracy"
    value: float
    source: str = ""
    note: str = ""
    # False when `value` is visionlab's own target, not a figure a tutorial published.
    published: bool = True


class DataConfig(_Section):
    """Where the images come from and how they are shaped and scaled."""

    dataset: str = "fashion_mnist"
    data_path: str | None = None
    image_size: tuple[int, int] | None = None
    color_mode: Literal["rgb", "grayscale"] | None = None
    resize_mode: Literal["squash", "crop", "pad"] = "squash"
    validation_split: float = Field(0.1, ge=0.0, lt=1.0)
    test_split: float = Field(0.2, ge=0.0, lt=1.0)
    train_per_class: int | None = Field(None, ge=1)
    test_per_class: int | None = Field(None, ge=1)
    normalize: Literal["none", "rescale", "standardize"] = "rescale"
    strict: bool = False
    # Images left out right after loading: a list file as `visionlab audit` writes (audit.txt).
    exclude: str | None = None

    @field_validator("image_size", mode="before")
    @classmethod
    def _square_size(cls, value: Any) -> Any:
        if isinstance(value, int):
            return (value, value)
        return value

    @field_validator("exclude")
    @classmethod
    def _exclude_file_exists(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValueError(
                f"the exclude list '{value}' does not exist; write it with `visionlab audit "
                "DATA` or fix the path")
        # Absolute, so the run folder's config.toml still finds it from another directory.
        return str(path.resolve())


class EarlyStoppingConfig(_Section):
    """Keras EarlyStopping settings."""

    monitor: str = "val_loss"
    patience: int = Field(3, ge=0)
    min_delta: float = Field(0.0, ge=0.0)
    restore_best_weights: bool = True
    mode: Literal["auto", "min", "max"] = "auto"


LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy")
OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw")
TRACKERS = ("mlflow", "tensorboard")


class TrainConfig(_Section):
    """The fit loop's knobs."""

    epochs: int = Field(10, ge=1)
    batch_size: int = Field(32, ge=1)
    loss: Literal[LOSSES] = "sparse_categorical_crossentropy"  # type: ignore[valid-type]
    label_smoothing: float = Field(0.0, ge=0.0, lt=1.0)
    output_activation: Literal["auto", "softmax", "sigmoid"] = "auto"
    optimizer: Literal[OPTIMIZERS] = "adam"  # type: ignore[valid-type]
    learning_rate: float = Field(0.001, gt=0.0)
    momentum: float = Field(0.0, ge=0.0, lt=1.0)
    nesterov: bool = False
    weight_decay: float | None = Field(None, ge=0.0)
    schedule: str | dict[str, Any] = "constant"
    class_weight: Literal["none", "balanced"] = "none"
    early_stopping: EarlyStoppingConfig | None = None
    seed: int = 0
    deterministic: bool = True
    jit_compile: bool | Literal["auto"] = "auto"
    shuffle: bool = True
    # Recompute trainable BatchNormalization statistics exactly each epoch (training/precise_bn).
    precise_bn: bool | Literal["auto"] = "auto"


class AugmentConfig(_Section):
    """Keras preprocessing-layer augmentation, active only while training."""

    flip: Literal["horizontal", "vertical", "horizontal_and_vertical"] | None = None
    rotation: float = Field(0.0, ge=0.0, le=1.0)
    zoom: float = Field(0.0, ge=0.0, lt=1.0)
    translation: float = Field(0.0, ge=0.0, lt=1.0)
    brightness: float = Field(0.0, ge=0.0, le=1.0)
    contrast: float = Field(0.0, ge=0.0, le=1.0)

    @field_validator("flip", mode="before")
    @classmethod
    def _no_flip(cls, value: Any) -> Any:
        # `--set augment.flip=none` turns a recipe's flip off (TOML has no null).
        return None if value in ("none", False) else value

    @property
    def enabled(self) -> bool:
        return bool(self.flip or self.rotation or self.zoom or self.translation
                    or self.brightness or self.contrast)


class ModelConfig(BaseModel):
    """Registered model name plus that model's own arguments (checked against its factory)."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    name: str = "mlp"

    @property
    def arguments(self) -> dict[str, Any]:
        """The factory arguments: every key but `name`, with unset (None) values dropped."""
        extra = self.model_extra or {}
        return {key: value for key, value in extra.items() if value is not None}


class TransferConfig(_Section):
    """Warm-up / fine-tune phases for pretrained backbones."""

    strategy: Literal["head-only", "warmup-finetune", "full", "scratch"] = "warmup-finetune"
    warmup_epochs: int = Field(3, ge=0)
    warmup_learning_rate: float = Field(1e-3, gt=0.0)
    finetune_epochs: int = Field(3, ge=0)
    finetune_learning_rate: float = Field(1e-5, gt=0.0)
    unfreeze_top_layers: int | None = Field(None, ge=0)
    # Without augmentation, train the warm-up and fine-tune phases on stored outputs of the
    # frozen part of the model (visionlab.training.feature_cache): the same result, far faster.
    cache_features: bool = True
    # Keep those features in $VISIONLAB_CACHE/features, so a later run with the same frozen
    # part and the same images (another head, learning rate or seed) skips computing them.
    store_features: bool = True


class ExperimentConfig(_Section):
    """A whole experiment: `[data] [model] [train] [augment] [transfer]` in TOML."""

    name: str = "experiment"
    description: str = ""
    reference: ReferenceConfig | None = None
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    augment: AugmentConfig = Field(default_factory=AugmentConfig)
    transfer: TransferConfig | None = None
    # Experiment trackers fed beside the run folder (visionlab.tracking), and MLflow's tracking
    # URI (default: $MLFLOW_TRACKING_URI, else a SQLite file in the runs folder).
    tracking: list[Literal[TRACKERS]] | None = None  # type: ignore[valid-type]
    tracking_uri: str | None = None

    @field_validator("tracking", mode="before")
    @classmethod
    def _one_or_more_trackers(cls, value: Any) -> Any:
        if isinstance(value, str):  # tracking = "mlflow" is the one-tracker spelling
            return [] if value == "none" else [value]
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> ExperimentConfig:
        if self.train.nesterov and self.train.optimizer != "sgd":
            raise ValueError("train.nesterov only applies to optimizer = 'sgd'")
        if self.train.weight_decay is not None and self.train.optimizer != "adamw":
            raise ValueError(
                "train.weight_decay is AdamW's decoupled decay; use optimizer = 'adamw' "
                "(or model.kernel_l2 for L2 regularization)"
            )
        if self.train.label_smoothing and self.train.loss == "sparse_categorical_crossentropy":
            raise ValueError(
                "train.label_smoothing needs one-hot targets, and Keras's "
                "sparse_categorical_crossentropy takes integer labels only; set train.loss = "
                "'categorical_crossentropy' (visionlab then one-hot encodes the labels)"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain TOML-ready data (no None values, model args inlined)."""
        return _drop_none(self.model_dump(mode="json"))

    def to_toml(self) -> str:
        return tomli_w.dumps(self.to_dict())


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


# ----------------------------------------------------------------------------------------------
# Loading, overrides and error messages


def load_config(
    source: str | os.PathLike[str] | dict[str, Any] | ExperimentConfig | None = None,
    overrides: list[str] | None = None,
) -> ExperimentConfig:
    """Resolve an experiment config from a TOML file, a recipe name, a dict or a config object.

    Args:
        source: path to a `.toml` file, the name of a built-in recipe, a dict with the TOML's
            structure, an `ExperimentConfig`, or None for the defaults. Defaults to None.
        overrides: `"section.key=value"` strings applied in order; values are parsed as TOML
            (`train.epochs=3`, `model.units=[64, 64]`, `data.dataset=mnist`). Defaults to None.

    Raises:
        ConfigError: an unknown key (naming the nearest valid key), a wrong type or value
            (naming what is allowed), or a file that is not valid TOML.
    """
    origin: str | None = None  # a file or recipe names itself in the error; data does not
    if source is None:
        data: dict[str, Any] = {}
    elif isinstance(source, ExperimentConfig):
        data = source.to_dict()
    elif isinstance(source, dict):
        data = json.loads(json.dumps(source))  # deep copy of plain data
    else:
        path, origin = _locate_source(source)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(Message("error.config.bad_toml", {"path": path, "error": error})) \
                from None
    for override in overrides or []:
        _apply_override(data, override)
    return validate_config(data, origin=origin)


def _locate_source(source: str | os.PathLike[str]) -> tuple[Path, str]:
    path = Path(source)
    if path.is_file():
        return path, str(path)
    recipe = recipe_path(str(source))
    if recipe is not None:
        return recipe, f"recipe '{source}'"
    near = difflib.get_close_matches(str(source), list_recipes(), n=1)
    hint = Message("error.config.did_you_mean_recipe", {"name": near[0]}) if near else ""
    raise ConfigError(Message("error.config.no_source", {"source": source, "hint": hint}))


def _apply_override(data: dict[str, Any], override: str) -> None:
    if "=" not in override:
        raise ConfigError(Message("error.config.override_format", {"override": override}))
    key, raw_value = override.split("=", 1)
    key = key.strip()
    try:
        value = tomllib.loads(f"value = {raw_value.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw_value.strip()  # a bare word such as data.dataset=mnist
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(Message("error.config.override_not_section",
                                      {"override": override, "part": part}))
        node = child
    node[parts[-1]] = value


def validate_config(data: dict[str, Any], origin: str | None = None) -> ExperimentConfig:
    """Validate plain config data, turning pydantic errors into one readable ConfigError.

    Args:
        data: the config as plain data.
        origin: where it came from, named in the error ("config.toml", "recipe 'x'").
            Defaults to None (the error says "Invalid configuration:").
    """
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as error:
        messages = [_explain(item, data) for item in error.errors()]
        key = "error.config.invalid_in" if origin else "error.config.invalid"
        raise ConfigError(Message(key, {"origin": origin or "",
                                        "problems": joined(messages, "\n  - ")})) from None


def _explain(item: dict[str, Any], data: dict[str, Any]) -> Message | str:
    # pydantic's own wording (item["msg"]) is English; the framing around it is translated
    location = [str(part) for part in item["loc"]]
    key = ".".join(location)
    if item["type"] == "extra_forbidden":
        section_model = _section_model(location[:-1])
        valid = sorted(section_model.model_fields) if section_model else []
        near = difflib.get_close_matches(location[-1], valid, n=1, cutoff=0.5)
        hint = Message("error.config.did_you_mean_key",
                       {"key": ".".join([*location[:-1], near[0]])}) if near else ""
        return Message("error.config.unknown_key",
                       {"key": key, "hint": hint, "valid": ", ".join(valid)})
    if item["type"] == "literal_error":
        return Message("error.config.not_allowed", {
            "key": key, "value": repr(item.get("input")),
            "expected": item["msg"].lower().removeprefix("input should be ")})
    if item["type"] == "value_error" and not location:
        return item["msg"].removeprefix("Value error, ")
    return Message("error.config.bad_value",
                   {"key": key, "reason": item["msg"], "value": repr(item.get("input"))})


def _section_model(path: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = ExperimentConfig
    for part in path:
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        candidates = getattr(annotation, "__args__", (annotation,))
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not nested:
            return None
        model = nested[0]
    return model


EXAMPLE_CONFIG = '''\
# visionlab experiment. Run with: visionlab train experiment.toml [--set train.epochs=5]
name = "my-experiment"
description = "A small CNN on Fashion-MNIST."
# tracking = "mlflow"         # also log to MLflow; "tensorboard"; or both in a list

[data]
dataset = "fashion_mnist"     # mnist, fashion_mnist, cifar10, digits, or a folder path
# image_size = [64, 64]       # resize (folders default to 224x224)
# color_mode = "rgb"          # "rgb" or "grayscale"
# exclude = "audit/fashion_mnist/audit.txt"   # images to leave out, from `visionlab audit`
validation_split = 0.1        # stratified share of train held out for validation
normalize = "rescale"         # "none" (0..255), "rescale" (/255), "standardize" (train mean/std)

[model]
name = "codelab_cnn"          # see `visionlab models`
batch_norm = true
# bn_momentum = 0.99          # batch norm's moving averages; lower follows the weights faster
dropout = 0.25

[train]
epochs = 5
batch_size = 64
loss = "sparse_categorical_crossentropy"
# label_smoothing = 0.1       # needs loss = "categorical_crossentropy" (one-hot targets)
optimizer = "adam"            # sgd, rmsprop, adam, adamw
learning_rate = 0.003
schedule = { name = "exponential", decay = 0.666 }
seed = 0
# deterministic = true        # same config + seed -> identical history (TensorFlow op determinism)
# jit_compile = "auto"        # Keras's choice: XLA on a GPU, TensorFlow's oneDNN kernels on a CPU
# precise_bn = "auto"         # exact batch-norm statistics after each epoch: "auto", true, false

# [train.early_stopping]
# monitor = "val_loss"
# patience = 3

[augment]                     # Keras preprocessing layers, active only while training
# flip = "horizontal"
# rotation = 0.05
'''


def color_mode_for_channels(channels: int) -> str:
    """Return the `data.color_mode` of images with `channels` channels ("grayscale" or "rgb")."""
    return "grayscale" if int(channels) == 1 else "rgb"
