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

import functools
import time
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from visionlab.config import ExperimentConfig
from visionlab.errors import ConfigError, ModelError, RunError
from visionlab.i18n import Message, count, number, t
from visionlab.models.backbones import BACKBONE_LAYER, set_trainable
from visionlab.training.checkpoints import restore_early_stopping
from visionlab.training.feature_cache import (
    MAX_FEATURE_BYTES,
    CachedFeatures,
    FeatureCache,
    check_feature_cache,
    plan_feature_cache,
)
from visionlab.training.feature_store import stored_features
from visionlab.training.fit import compile_model, compile_sharing_optimizer
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
        raise ConfigError(Message("error.transfer.no_section"))
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
        raise ConfigError(Message("error.transfer.no_epochs", {"strategy": transfer.strategy}))
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
    return _run_phases(trainer, model, plan_phases(trainer.config), [], extra_callbacks or [],
                       {})


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
        raise RunError(Message("error.transfer.checkpoint_phase", {
            "run": str(trainer.run_dir), "phase": current,
            "strategy": trainer.config.transfer.strategy, "phases": ", ".join(names)}))
    index = names.index(current)
    next_epoch = int(state["next_epoch"])
    first_epoch = sum(1 for row in history_rows if row.get("phase") in names[:index])
    rows = list(history_rows)
    phase = phases[index]
    store: FeatureStore = {}
    if next_epoch < first_epoch + phase.epochs:
        # Early stopping continues its count within the phase (a finished phase's count ended
        # with it); the optimizer keeps its saved state: no recompile, same layers trainable.
        restore_early_stopping(extra_callbacks or [], state, trainer.recorder.checkpoint_dir)
        rows = _fit_phase(trainer, model, phase, first_epoch, next_epoch, rows,
                          extra_callbacks or [], compile_first=False,
                          later=phases[index + 1:], store=store)
    return _run_phases(trainer, model, phases[index + 1:], rows, extra_callbacks or [], store)


# Stored features by cut name: (training, validation), shared by the phases of one fit.
FeatureStore = dict[str, tuple[list[np.ndarray], np.ndarray | None]]


def _run_phases(trainer: Trainer, model: Any, phases: list[Phase], rows: list[dict],
                extra_callbacks: list[Any], store: FeatureStore) -> list[dict]:
    for index, phase in enumerate(phases):
        start = len(rows)  # epochs continue across phases (early stopping may end one early)
        rows = _fit_phase(trainer, model, phase, start, start, rows, extra_callbacks,
                          compile_first=True, later=phases[index + 1:], store=store)
    return rows


def _fit_phase(trainer: Trainer, model: Any, phase: Phase, first_epoch: int, initial_epoch: int,
               rows: list[dict], extra_callbacks: list[Any], *, compile_first: bool,
               later: list[Phase], store: FeatureStore) -> list[dict]:
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
        Console().print(Message("training.phase.start", {
            "phase": phase.name, "first": initial_epoch + 1, "last": last_epoch,
            "learning_rate": number(phase.learning_rate), "params": count(trainable_params),
            "layers": len(trainable_layers)}).render())
    features = _phase_features(trainer, model, phase, later, store)
    if features is not None:
        trainer.save_info(transfer={**trainer.info["transfer"], "phases": [
            *recorded, {**record, "cached_features": features.describe()}]})
    return trainer.fit(model, epochs=last_epoch, initial_epoch=initial_epoch, phase=phase.name,
                       history_rows=rows,
                       extra_callbacks=[*schedule_callbacks, *extra_callbacks],
                       features=features)


def _phase_features(trainer: Trainer, model: Any, phase: Phase, later: list[Phase],
                    store: FeatureStore) -> CachedFeatures | None:
    """The stored outputs of the frozen part of `model` for this phase, or None to train on
    images (caching off or not possible: augmentation other than flips, every layer training,
    too large).

    A warm-up followed by a fine-tune runs the images once through the part that both phases
    keep frozen (below the layers the fine-tune unfreezes). The warm-up then trains its head on
    the output of the whole frozen base, computed from those features by the still-frozen top
    of the base ("the bridge"), and the fine-tune reuses them instead of a second pass.
    """
    config = trainer.config
    if not config.transfer.cache_features or phase.train_batch_norm:
        return None
    train, validation = trainer.dataset.split("train"), trainer.dataset.splits.get("validation")
    validation_images = len(validation) if validation is not None else 0
    shared = _shared_plan(model, phase, later)
    if shared is None or shared.feature_bytes(len(train), validation_images) > MAX_FEATURE_BYTES:
        return None
    check_feature_cache(model, shared, train.images)
    started, reused = time.perf_counter(), shared.cut in store
    batch_size = max(config.train.batch_size, 64)
    label = t("training.features.computing", phase=phase.name, cut=shared.cut)
    if not reused:
        store[shared.cut] = _computed(
            shared, train.images, validation.images if validation is not None else None,
            batch_size=batch_size, label=label, verbose=trainer.verbose,
            keep=config.transfer.store_features)
    cache = shared
    own = plan_feature_cache(model) if later else None
    bridge = shared.bridge(own.cut) if own is not None and own.cut != shared.cut else None
    if own is not None and bridge is not None:
        check_feature_cache(model, own, train.images)
        reused = own.cut in store
        if not reused:
            store[own.cut] = _bridged(own, bridge, store[shared.cut], train.images,
                                      validation.images if validation is not None else None,
                                      batch_size=batch_size, keep=config.transfer.store_features)
        cache = own
    compile_sharing_optimizer(cache.top, model, config.train, trainer.spec)
    train_features, validation_features = store[cache.cut]
    return CachedFeatures(cache, train_features, validation_features,
                          seconds=time.perf_counter() - started, reused=reused)


@dataclass
class EvaluationFeatures:
    """The test images through the frozen bottom of a trained transfer model.

    Attributes:
        cache: the model's bottom/top split; `cache.top` predicts from `features`.
        features: float32, one row per test image, in the split's order.
        from_store: an earlier run had computed them (the base did not run in this one).
        seconds: reading or computing them took this long.
    """

    cache: FeatureCache
    features: np.ndarray
    from_store: bool
    seconds: float

    def describe(self) -> dict[str, Any]:
        """The facts run.json records (`test_features`)."""
        return {"cut": self.cache.cut, "images": len(self.features),
                "from_store": self.from_store, "seconds": round(self.seconds, 2)}


def evaluation_features(model: Any, config: ExperimentConfig,
                        images: np.ndarray) -> EvaluationFeatures | None:
    """The test images through the part of the trained `model` that its last phase kept
    frozen, read from the feature store when an earlier run of the same frozen part computed
    them (and stored for the next run otherwise), so evaluating runs only the top.

    None for a run that is not a cached transfer run (no frozen part, caching off, or the
    last phase trained BatchNorm), and when the cached path does not reproduce the model.

    Args:
        model: the trained model, with its last phase's trainability.
        config: the run's config (`transfer.cache_features`, `store_features`, batch size).
        images: the test images, uint8.
    """
    transfer = config.transfer
    if transfer is None or not transfer.cache_features or not len(images) or any(
            phase.train_batch_norm for phase in plan_phases(config)[-1:]):
        return None
    cache = plan_feature_cache(model)
    if cache is None:
        return None
    try:
        check_feature_cache(model, cache, images)
    except ModelError:
        return None  # evaluated on the images instead
    started = time.perf_counter()
    batch_size = max(config.train.batch_size, 64)
    compute = stored_features if transfer.store_features else _fresh
    features = compute(cache, images, batch_size, None)
    return EvaluationFeatures(cache, features, from_store=isinstance(features, np.memmap),
                        seconds=time.perf_counter() - started)


def _bridged(own: FeatureCache, bridge: keras.Model,
             lower: tuple[list[np.ndarray], np.ndarray | None], train: np.ndarray,
             validation: np.ndarray | None, *, batch_size: int,
             keep: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
    """`own`'s features (a later cut) from the features stored at an earlier cut, through the
    frozen layers between them; from and into the feature store when `keep`."""
    stage = FeatureCache(bridge, own.top, own.cut)
    lower_train, lower_validation = lower

    def through(images: np.ndarray, features: np.ndarray, flip: tuple[int, ...]) -> np.ndarray:
        compute = functools.partial(stage.features, features, batch_size)
        return stored_features(own, images, batch_size, flip=flip, compute=compute) if keep \
            else compute()

    variants = [through(train, features, axes)
                for features, axes in zip(lower_train, own.orientations)]
    return variants, (through(validation, lower_validation, ())
                      if validation is not None and lower_validation is not None else None)


def _computed(cache: FeatureCache, train: np.ndarray, validation: np.ndarray | None, *,
              batch_size: int, label: str, verbose: int,
              keep: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Every orientation of the training images and the validation images through the bottom,
    with one progress bar; from and into the feature store when `keep`."""
    total = len(train) * len(cache.orientations) + (0 if validation is None else len(validation))
    compute = stored_features if keep else _fresh
    with _progress(verbose) as bar:
        advance = functools.partial(_advance, bar, bar.add_task(label, total=total))
        variants = [compute(cache, train, batch_size, advance, flip=axes)
                    for axes in cache.orientations]
        return variants, (compute(cache, validation, batch_size, advance)
                          if validation is not None else None)


def _fresh(cache: FeatureCache, images: np.ndarray, batch_size: int,
           on_batch: Any, flip: tuple[int, ...] = ()) -> np.ndarray:
    return cache.features(images, batch_size, on_batch, flip=flip)


def _shared_plan(model: Any, phase: Phase, later: list[Phase]) -> FeatureCache | None:
    """The cut of the last later phase that can be cached (its frozen part is frozen now too),
    else this phase's own; `model` keeps `phase`'s trainability."""
    for candidate in reversed([item for item in later if not item.train_batch_norm]):
        apply_phase_trainability(model, candidate)
        try:
            cache = plan_feature_cache(model)
        finally:
            apply_phase_trainability(model, phase)
        if cache is not None:
            return cache
    return plan_feature_cache(model)


def _advance(bar: Progress, task: Any, done: int) -> None:
    bar.advance(task, done)


def _progress(verbose: int) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                    disable=not verbose)


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
    raise ModelError(Message("error.transfer.no_backbone", {"model": model.name,
                                                             "layer": BACKBONE_LAYER}))
