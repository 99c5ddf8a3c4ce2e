"""Transfer learning: a pretrained base under a new head, trained in warm-up / fine-tune phases.

A model is built on a pretrained base when `[model] name` is a registered backbone
(`visionlab models --kind backbone`) or `"run:<run folder>"`: a previous visionlab run whose
model, minus its output layer, becomes the base. Either way the model takes raw 0..255 pixels
and applies the base's own preprocessing, so `data.normalize` must be "none" (pre-flight checks).

`[transfer] strategy` decides which layers train, for how long and how fast; every phase writes
into the same history.csv with its name in the `phase` column and continuous epoch numbers:

- `head-only`: "warmup", base frozen, `warmup_epochs` at `warmup_learning_rate`.
- `warmup-finetune`: "warmup", then "finetune": the top `unfreeze_top_layers` base layers (all
  when unset) train too, BatchNorm stays frozen, `finetune_epochs` at `finetune_learning_rate`.
- `full`: "full", every non-BatchNorm layer trains, `train.epochs` at `train.learning_rate`
  following `train.schedule`.
- `scratch`: "scratch", the backbone architecture with random weights; every layer, BatchNorm
  included (in training mode, momentum 0.9), trains like `full`.

Example:
    [model]
    name = "efficientnet_lite0"        # or "run:runs/digits-cnn-20260101-120000"
    [transfer]
    strategy = "warmup-finetune"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visionlab.errors import ConfigError, ModelError, RunError
from visionlab.experiments.config import ExperimentConfig

RUN_PREFIX = "run:"
BACKBONE_LAYER = "backbone"
RUN_HEAD_ARGUMENTS = ("head_units", "head_activation", "dropout", "kernel_l2")
# From scratch on a small dataset the default 0.99 leaves BatchNorm's moving statistics (used at
# test time) far behind the quickly changing network after a few hundred steps.
SCRATCH_BATCH_NORM_MOMENTUM = 0.9


@dataclass(frozen=True)
class Phase:
    """One `fit` call of a transfer strategy.

    Attributes:
        name: the history.csv `phase` label.
        epochs: epochs in this phase.
        learning_rate: the (base) learning rate of the phase's optimizer.
        top_layers: backbone weight layers trained from the top (`None`: all of them).
        train_batch_norm: BatchNorm layers train too (only from-scratch training).
        scheduled: follow `train.schedule` instead of a constant rate.
    """

    name: str
    epochs: int
    learning_rate: float
    top_layers: int | None
    train_batch_norm: bool = False
    scheduled: bool = False


def run_backbone_path(model_name: str) -> Path | None:
    """Return the run folder of a `"run:<folder>"` model name, or None for other names."""
    if not model_name.startswith(RUN_PREFIX):
        return None
    return Path(model_name[len(RUN_PREFIX):].strip()).expanduser()


def is_backbone(model_name: str) -> bool:
    """Return True when `model_name` is a registered backbone or a `"run:<folder>"` base."""
    if model_name.startswith(RUN_PREFIX):
        return True
    from visionlab.models.registry import get_model_entry

    try:
        return get_model_entry(model_name).kind == "backbone"
    except ModelError:
        return False


def plan_phases(config: ExperimentConfig) -> list[Phase]:
    """Return the phases of `config.transfer.strategy` that have at least one epoch.

    Raises:
        ConfigError: the strategy would train for zero epochs.
    """
    transfer, train = config.transfer, config.train
    if transfer is None:
        raise ConfigError("This experiment has no [transfer] section; add one with a strategy.")
    warmup = Phase("warmup", transfer.warmup_epochs, transfer.warmup_learning_rate, 0)
    phases = {
        "head-only": [warmup],
        "warmup-finetune": [warmup, Phase("finetune", transfer.finetune_epochs,
                                          transfer.finetune_learning_rate,
                                          transfer.unfreeze_top_layers)],
        "full": [Phase("full", train.epochs, train.learning_rate, None, scheduled=True)],
        "scratch": [Phase("scratch", train.epochs, train.learning_rate, None,
                          train_batch_norm=True, scheduled=True)],
    }[transfer.strategy]
    phases = [phase for phase in phases if phase.epochs > 0]
    if not phases:
        raise ConfigError(
            f"transfer.strategy = '{transfer.strategy}' has no epochs to train: set "
            "transfer.warmup_epochs (and transfer.finetune_epochs) to at least 1."
        )
    return phases


def total_epochs(config: ExperimentConfig) -> int:
    """Return the number of epochs the experiment trains (all phases together)."""
    if config.transfer is None:
        return config.train.epochs
    return sum(phase.epochs for phase in plan_phases(config))


# -- building -----------------------------------------------------------------------------------


def build_transfer_body(config: ExperimentConfig, image_shape: tuple[int, int, int],
                        num_outputs: int, output_activation: str) -> Any:
    """Build the model body on a pretrained base, frozen or not as the strategy starts.

    The body takes raw 0..255 pixels: a registry backbone gets its own `BackbonePreprocessing`,
    a run keeps its input scaling layers.

    Args:
        config: the resolved experiment (its `model` and `transfer` sections).
        image_shape: `(height, width, channels)` of the data.
        num_outputs: units of the new output layer.
        output_activation: activation of the new output layer.

    Raises:
        ConfigError: [transfer] on a model that is not a backbone, or a contradictory setting.
    """
    name = config.model.name
    strategy = config.transfer.strategy if config.transfer else None
    if not is_backbone(name):
        raise ConfigError(
            f"[transfer] needs a pretrained base, but model.name = '{name}' is not a backbone. "
            f"Set model.name to a backbone (see `visionlab models --kind backbone`) or to "
            f"'run:<run folder>', or remove the [transfer] section to train '{name}' from scratch."
        )
    if strategy is not None:
        plan_phases(config)  # fails early when there is nothing to train
    arguments = dict(config.model.arguments)
    if strategy is not None and "trainable_layers" in arguments:
        raise ConfigError(
            "model.trainable_layers conflicts with [transfer], which decides what trains; "
            "remove it and use transfer.strategy / transfer.unfreeze_top_layers."
        )
    run_path = run_backbone_path(name)
    if run_path is not None:
        if strategy == "scratch":
            raise ConfigError(
                f"transfer.strategy = 'scratch' trains a backbone architecture from random "
                f"weights, which a previous run ('{name}') cannot provide. Use a registered "
                "backbone for scratch, or strategy 'head-only'/'warmup-finetune'/'full'."
            )
        body = _run_body(run_path, image_shape, num_outputs, output_activation, arguments)
    else:
        body = _registry_body(name, strategy, image_shape, num_outputs, output_activation,
                              arguments)
    if strategy in ("full", "scratch"):
        apply_phase_trainability(body, plan_phases(config)[0])
    return body


def _registry_body(name: str, strategy: str | None, image_shape: tuple[int, int, int],
                   num_outputs: int, output_activation: str, arguments: dict[str, Any]) -> Any:
    from visionlab.models.backbones.catalog import RANDOM_WEIGHTS
    from visionlab.models.registry import create_model

    if arguments.get("include_preprocessing", True) is not True:
        raise ConfigError(
            f"model.include_preprocessing = false would feed backbone '{name}' raw pixels; "
            "visionlab always inserts the backbone's own preprocessing. Remove the key."
        )
    arguments["include_preprocessing"] = True
    if strategy == "scratch":
        if arguments.get("weights", "random") not in RANDOM_WEIGHTS:
            raise ConfigError(
                f"transfer.strategy = 'scratch' uses random weights, but model.weights = "
                f"{arguments['weights']!r}. Remove model.weights or choose another strategy."
            )
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
    import keras

    for layer in body.get_layer(BACKBONE_LAYER).layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = SCRATCH_BATCH_NORM_MOMENTUM
    inputs = keras.Input(shape=tuple(body.inputs[0].shape[1:]), name="image")
    tensor = inputs
    for layer in body.layers:
        if not isinstance(layer, keras.layers.InputLayer):
            tensor = layer(tensor)
    return keras.Model(inputs, tensor, name=body.name)


def _run_body(run_path: Path, image_shape: tuple[int, int, int], num_outputs: int,
              output_activation: str, arguments: dict[str, Any]) -> Any:
    import keras

    from visionlab.experiments.runs import Run

    unknown = sorted(set(arguments) - set(RUN_HEAD_ARGUMENTS))
    if unknown:
        raise ConfigError(
            f"model.{unknown[0]} does not apply to a run used as a backbone; a run base "
            f"accepts only {', '.join('model.' + key for key in RUN_HEAD_ARGUMENTS)}."
        )
    try:
        source = Run(run_path).load_model()
    except RunError as error:
        raise ConfigError(f"model.name = '{RUN_PREFIX}{run_path}': {error}") from None
    expected = tuple(int(size) for size in source.inputs[0].shape[1:])
    if expected != tuple(image_shape):
        height, width, channels = expected
        raise ConfigError(
            f"Run '{run_path}' takes {height}x{width}x{channels} images but the data is "
            f"{'x'.join(map(str, image_shape))}. Set data.image_size = [{height}, {width}] and "
            f"data.color_mode = '{'grayscale' if channels == 1 else 'rgb'}'."
        )
    old_body = source.layers[-1]
    if not isinstance(old_body, keras.Model) or "predictions" not in [
            layer.name for layer in old_body.layers]:
        raise ConfigError(
            f"The model of run '{run_path}' does not end in a visionlab model with a "
            "'predictions' layer, so its output layer cannot be replaced. Use a run trained "
            "by `visionlab train`."
        )
    # The run's scaling layers stay (the base expects what they produce); augmentation goes.
    scaling = [layer for layer in source.layers[:-1]
               if not isinstance(layer, keras.layers.InputLayer)
               and not layer.name.startswith("augment_")]
    base = keras.Model(old_body.inputs, old_body.get_layer("predictions").input,
                       name=BACKBONE_LAYER)
    inputs = keras.Input(shape=tuple(image_shape), name="image")
    tensor = inputs
    for layer in scaling:
        tensor = layer(tensor)
    tensor = base(tensor, training=False)
    if len(tensor.shape) > 2:  # a feature map: pool it like the registry backbones do
        tensor = keras.layers.GlobalAveragePooling2D(name="pool")(tensor)
    outputs = _new_head(tensor, num_outputs, output_activation, **arguments)
    body = keras.Model(inputs, outputs, name="run_backbone")
    from visionlab.models.backbones import set_trainable

    set_trainable(body, 0)
    return body


def _new_head(tensor: Any, num_outputs: int, output_activation: str, *,
              head_units: Any = (), head_activation: str = "relu", dropout: float = 0.0,
              kernel_l2: float = 0.0) -> Any:
    import keras

    if isinstance(head_units, (int, str)) or any(
            isinstance(units, bool) or not isinstance(units, int) or units < 1
            for units in head_units):
        raise ConfigError(f"model.head_units must be a list of positive integers; "
                          f"got {head_units!r}.")
    if not 0.0 <= float(dropout) < 1.0:
        raise ConfigError(f"model.dropout must be in [0, 1); got {dropout!r}.")
    regularizer = keras.regularizers.L2(kernel_l2) if kernel_l2 else None
    for index, units in enumerate(head_units):
        tensor = keras.layers.Dense(units, activation=head_activation,
                                    kernel_regularizer=regularizer,
                                    name=f"head_dense_{index}")(tensor)
        if dropout:
            tensor = keras.layers.Dropout(dropout, name=f"head_dropout_{index}")(tensor)
    if dropout and not head_units:
        tensor = keras.layers.Dropout(dropout, name="dropout")(tensor)
    return keras.layers.Dense(num_outputs, activation=output_activation,
                              kernel_regularizer=regularizer, name="predictions")(tensor)


def preprocessing_description(config: ExperimentConfig) -> str | None:
    """Describe the preprocessing a backbone model applies itself (None for other models).

    Used by the pre-flight check that refuses `data.normalize` other than "none".
    """
    name = config.model.name
    run_path = run_backbone_path(name)
    if run_path is not None:
        from visionlab.experiments.runs import Run

        try:
            normalize = Run(run_path).config.data.normalize
        except RunError:
            return f"the input scaling inside run '{run_path}'"
        return f"run '{run_path}' has data.normalize = '{normalize}' built into its model"
    if not is_backbone(name):
        return None
    from visionlab.models.backbones import backbone_preprocessing

    details = backbone_preprocessing(name)
    return f"'{details['mode']}' mode, input range {details['input_range']}"


# -- trainability -------------------------------------------------------------------------------


def backbone_owner(model: Any) -> Any:
    """Return the (nested) model whose direct layer is the base named "backbone".

    Raises:
        ModelError: no nested model has a "backbone" layer.
    """
    import keras

    queue = [model]
    while queue:
        current = queue.pop(0)
        if any(layer.name == BACKBONE_LAYER for layer in current.layers):
            return current
        queue += [layer for layer in current.layers if isinstance(layer, keras.Model)]
    raise ModelError(
        f"Model '{model.name}' has no nested layer named '{BACKBONE_LAYER}'; transfer "
        "strategies need a model built on a backbone or a previous run."
    )


def apply_phase_trainability(model: Any, phase: Phase) -> list[str]:
    """Freeze/unfreeze the base for `phase`; return the base layers left trainable.

    Recompile afterwards for the change to reach `fit`.
    """
    from visionlab.models.backbones import set_trainable

    owner = backbone_owner(model)
    if not phase.train_batch_norm:
        return set_trainable(owner, phase.top_layers)
    base = owner.get_layer(BACKBONE_LAYER)
    base.trainable = True  # every layer, BatchNorm included (from-scratch training)
    return [layer.name for layer in base.layers if layer.weights]


# -- training -----------------------------------------------------------------------------------


def fit_transfer(job: Any, model: Any, extra_callbacks: list[Any] | None = None) -> list[dict]:
    """Train `model` through every phase of the job's strategy; return all history rows.

    Args:
        job: the `TrainingJob` (it holds the config, the output spec and the run folder).
        model: the uncompiled model from `build_model`.
        extra_callbacks: Keras callbacks added to every phase (early stopping…). Defaults to
            None.
    """
    return _run_phases(job, model, plan_phases(job.config), [], extra_callbacks or [])


def resume_transfer(job: Any, model: Any, state: dict[str, Any], history_rows: list[dict],
                    extra_callbacks: list[Any] | None = None) -> list[dict]:
    """Continue a transfer run from its checkpoint: finish the checkpoint's phase, then the rest.

    Args:
        job: the `TrainingJob` of the run folder.
        model: the checkpointed model (compiled, with its optimizer state).
        state: the checkpoint state: `phase` and `next_epoch` (0-based index of the next epoch).
        history_rows: history rows up to the checkpoint.
        extra_callbacks: Keras callbacks added to every phase. Defaults to None.

    Raises:
        RunError: the checkpoint's phase is not one of this run's strategy.
    """
    phases = plan_phases(job.config)
    names = [phase.name for phase in phases]
    current = state.get("phase", "")
    if current not in names:
        raise RunError(
            f"The checkpoint of run '{job.run_dir}' is in phase '{current}', which strategy "
            f"'{job.config.transfer.strategy}' does not have ({', '.join(names)}). The config "
            "changed since the run started; start a new run."
        )
    index = names.index(current)
    next_epoch = int(state["next_epoch"])
    first_epoch = sum(1 for row in history_rows if row.get("phase") in names[:index])
    rows = list(history_rows)
    phase = phases[index]
    if next_epoch < first_epoch + phase.epochs:
        from visionlab.experiments.runs import CHECKPOINT_DIR
        from visionlab.training.checkpoints import restore_early_stopping

        # Early stopping continues its count within the phase (a finished phase's count ended
        # with it); the optimizer keeps its saved state: no recompile, same layers trainable.
        restore_early_stopping(extra_callbacks or [], state, job.run_dir / CHECKPOINT_DIR)
        rows = _fit_phase(job, model, phase, first_epoch, next_epoch, rows, extra_callbacks or [],
                          compile_first=False)
    return _run_phases(job, model, phases[index + 1:], rows, extra_callbacks or [])


def _run_phases(job: Any, model: Any, phases: list[Phase], rows: list[dict],
                extra_callbacks: list[Any]) -> list[dict]:
    for phase in phases:
        start = len(rows)  # epochs continue across phases (early stopping may end one early)
        rows = _fit_phase(job, model, phase, start, start, rows, extra_callbacks,
                          compile_first=True)
    return rows


def _fit_phase(job: Any, model: Any, phase: Phase, first_epoch: int, initial_epoch: int,
               rows: list[dict], extra_callbacks: list[Any], *, compile_first: bool) -> list[dict]:
    import numpy as np

    from visionlab.training.fit import compile_model
    from visionlab.training.schedules import get_schedule, learning_rate_and_callbacks

    learning_rate: Any = phase.learning_rate
    schedule_callbacks: list[Any] = []
    if phase.scheduled:
        steps_per_epoch = -(-len(job.dataset.split("train")) // job.config.train.batch_size)
        schedule = get_schedule(job.config.train.schedule, base_lr=phase.learning_rate,
                                epochs=phase.epochs, steps_per_epoch=steps_per_epoch)
        learning_rate, schedule_callbacks = learning_rate_and_callbacks(schedule)
    trainable_layers = apply_phase_trainability(model, phase)
    if compile_first:
        compile_model(model, job.config.train, job.spec, learning_rate)
    trainable_params = int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
    last_epoch = first_epoch + phase.epochs
    record = {"name": phase.name, "first_epoch": first_epoch + 1, "epochs": phase.epochs,
              "learning_rate": phase.learning_rate, "trainable_params": trainable_params,
              "trainable_backbone_layers": len(trainable_layers)}
    transfer_info = dict(job.info.get("transfer") or {})
    recorded = [item for item in transfer_info.get("phases", []) if item["name"] != phase.name]
    job.save_info(transfer={"strategy": job.config.transfer.strategy,
                            "base": job.config.model.name,
                            "phases": [*recorded, record]})
    if job.verbose:
        from rich.console import Console

        Console().print(
            f"Phase [bold]{phase.name}[/]: epochs {initial_epoch + 1}-{last_epoch} at learning "
            f"rate {phase.learning_rate:g}, {trainable_params:,} trainable parameters "
            f"({len(trainable_layers)} backbone layers trainable)")
    return job.fit(model, epochs=last_epoch, initial_epoch=initial_epoch, phase=phase.name,
                   history_rows=rows,
                   extra_callbacks=[*schedule_callbacks, *extra_callbacks])
