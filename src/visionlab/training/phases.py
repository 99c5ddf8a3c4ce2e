"""Transfer learning, the training: warm-up / fine-tune phases of a pretrained base.

The model itself (a registered backbone or a previous run as the base, with a new output layer)
is built by `visionlab.models.backbones.transfer_body`; this module plans and runs its phases.

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
from typing import Any

import keras
import numpy as np
from rich.console import Console

from visionlab.config import ExperimentConfig
from visionlab.errors import ConfigError, ModelError, RunError
from visionlab.models.backbones import BACKBONE_LAYER, set_trainable
from visionlab.training.checkpoints import restore_early_stopping
from visionlab.training.fit import compile_model
from visionlab.training.schedules import learning_rate_plan
from visionlab.training.trainer import Trainer


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


# -- trainability -------------------------------------------------------------------------------


def apply_phase_trainability(model: Any, phase: Phase) -> list[str]:
    """Freeze/unfreeze the base for `phase`; return the base layers left trainable.

    Recompile afterwards for the change to reach `fit`.
    """
    owner = backbone_owner(model)
    if not phase.train_batch_norm:
        return set_trainable(owner, phase.top_layers)
    base = owner.get_layer(BACKBONE_LAYER)
    base.trainable = True  # every layer, BatchNorm included (from-scratch training)
    return [layer.name for layer in base.layers if layer.weights]


# -- training -----------------------------------------------------------------------------------


def fit_transfer(trainer: Trainer, model: Any,
                 extra_callbacks: list[Any] | None = None) -> list[dict]:
    """Train `model` through every phase of the strategy; return all history rows.

    Args:
        trainer: the `Trainer` (it holds the config, the output spec and the run folder).
        model: the uncompiled model from `build_model`.
        extra_callbacks: Keras callbacks added to every phase (early stopping…). Defaults to
            None.
    """
    return _run_phases(trainer, model, plan_phases(trainer.config), [], extra_callbacks or [])


def resume_transfer(trainer: Trainer, model: Any, state: dict[str, Any], history_rows: list[dict],
                    extra_callbacks: list[Any] | None = None) -> list[dict]:
    """Continue a transfer run from its checkpoint: finish the checkpoint's phase, then the rest.

    Args:
        trainer: the `Trainer` of the run folder.
        model: the checkpointed model (compiled, with its optimizer state).
        state: the checkpoint state: `phase` and `next_epoch` (0-based index of the next epoch).
        history_rows: history rows up to the checkpoint.
        extra_callbacks: Keras callbacks added to every phase. Defaults to None.

    Raises:
        RunError: the checkpoint's phase is not one of this run's strategy.
    """
    phases = plan_phases(trainer.config)
    names = [phase.name for phase in phases]
    current = state.get("phase", "")
    if current not in names:
        raise RunError(
            f"The checkpoint of run '{trainer.run_dir}' is in phase '{current}', which strategy "
            f"'{trainer.config.transfer.strategy}' does not have ({', '.join(names)}). The config "
            "changed since the run started; start a new run."
        )
    index = names.index(current)
    next_epoch = int(state["next_epoch"])
    first_epoch = sum(1 for row in history_rows if row.get("phase") in names[:index])
    rows = list(history_rows)
    phase = phases[index]
    if next_epoch < first_epoch + phase.epochs:
        # Early stopping continues its count within the phase (a finished phase's count ended
        # with it); the optimizer keeps its saved state: no recompile, same layers trainable.
        restore_early_stopping(extra_callbacks or [], state, trainer.recorder.checkpoint_dir)
        rows = _fit_phase(trainer, model, phase, first_epoch, next_epoch, rows,
                          extra_callbacks or [],
                          compile_first=False)
    return _run_phases(trainer, model, phases[index + 1:], rows, extra_callbacks or [])


def _run_phases(trainer: Trainer, model: Any, phases: list[Phase], rows: list[dict],
                extra_callbacks: list[Any]) -> list[dict]:
    for phase in phases:
        start = len(rows)  # epochs continue across phases (early stopping may end one early)
        rows = _fit_phase(trainer, model, phase, start, start, rows, extra_callbacks,
                          compile_first=True)
    return rows


def _fit_phase(trainer: Trainer, model: Any, phase: Phase, first_epoch: int, initial_epoch: int,
               rows: list[dict], extra_callbacks: list[Any], *, compile_first: bool) -> list[dict]:
    learning_rate: Any = phase.learning_rate
    schedule_callbacks: list[Any] = []
    if phase.scheduled:
        learning_rate, schedule_callbacks = learning_rate_plan(
            trainer.config.train.schedule, base_lr=phase.learning_rate, epochs=phase.epochs,
            train_size=len(trainer.dataset.split("train")),
            batch_size=trainer.config.train.batch_size)
    trainable_layers = apply_phase_trainability(model, phase)
    if compile_first:
        compile_model(model, trainer.config.train, trainer.spec, learning_rate)
    trainable_params = int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
    last_epoch = first_epoch + phase.epochs
    record = {"name": phase.name, "first_epoch": first_epoch + 1, "epochs": phase.epochs,
              "learning_rate": phase.learning_rate, "trainable_params": trainable_params,
              "trainable_backbone_layers": len(trainable_layers)}
    transfer_info = dict(trainer.info.get("transfer") or {})
    recorded = [item for item in transfer_info.get("phases", []) if item["name"] != phase.name]
    trainer.save_info(transfer={"strategy": trainer.config.transfer.strategy,
                            "base": trainer.config.model.name,
                            "phases": [*recorded, record]})
    if trainer.verbose:
        Console().print(
            f"Phase [bold]{phase.name}[/]: epochs {initial_epoch + 1}-{last_epoch} at learning "
            f"rate {phase.learning_rate:g}, {trainable_params:,} trainable parameters "
            f"({len(trainable_layers)} backbone layers trainable)")
    return trainer.fit(model, epochs=last_epoch, initial_epoch=initial_epoch, phase=phase.name,
                   history_rows=rows,
                   extra_callbacks=[*schedule_callbacks, *extra_callbacks])


# -- the base inside a model --------------------------------------------------------------------


def backbone_owner(model: Any) -> Any:
    """Return the (nested) model whose direct layer is the base named "backbone".

    Raises:
        ModelError: no nested model has a "backbone" layer.
    """
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
