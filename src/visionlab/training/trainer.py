"""The fit loop: `model.fit` with visionlab's callbacks, resumable and safe to interrupt.

`Trainer` trains one experiment's model on a prepared dataset. It knows the run folder only
through a `RunRecorder` (the runs layer's `RunFolder` is one): where history.csv and the
checkpoint go, and how to record state in run.json. A NaN loss keeps the last good model and
raises `TrainingError`; Ctrl-C keeps the complete epochs and raises `TrainingInterrupted` with
the command that resumes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Protocol

import keras
import numpy as np
from rich.console import Console

from visionlab import _io
from visionlab.config import ExperimentConfig, TrainConfig
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.pipeline import ArrayBatches
from visionlab.errors import TrainingError, TrainingInterrupted
from visionlab.i18n import Message, percent, t, term
from visionlab.training import callbacks as vl_callbacks
from visionlab.training.checkpoints import EpochCheckpoint, ResumableEarlyStopping
from visionlab.training.determinism import EpochSeeding
from visionlab.training.feature_cache import CachedFeatures, VariantBatches
from visionlab.training.fit import balanced_class_weight
from visionlab.training.heads import OutputSpec
from visionlab.training.history import format_history_csv
from visionlab.training.precise_bn import PreciseBatchNorm, StatisticsBatches, batch_norm_facts


class RunRecorder(Protocol):
    """What the fit loop needs of a run folder."""

    path: Path
    info: dict[str, Any]

    @property
    def history_path(self) -> Path: ...

    @property
    def checkpoint_dir(self) -> Path: ...

    @property
    def model_path(self) -> Path: ...

    def save_info(self, **updates: Any) -> None: ...

    def save_model(self, model: keras.Model) -> None: ...


def make_batches(split: Split, train: TrainConfig, spec: OutputSpec | None = None,
                 num_classes: int | None = None, *, shuffle: bool = False) -> ArrayBatches:
    """The one batch builder: `split` in batches of `train.batch_size`, labels as `spec` needs.

    Args:
        split: the images and labels.
        train: the train section (batch size and shuffling seed).
        spec: the head; its `one_hot` decides the label encoding. Defaults to None (integers).
        num_classes: classes, needed for one-hot labels. Defaults to None.
        shuffle: reshuffle every epoch, by (seed, epoch). Defaults to False.
    """
    return ArrayBatches(split.images, split.labels, train.batch_size, shuffle=shuffle,
                        seed=train.seed, num_classes=num_classes,
                        one_hot=bool(spec and spec.one_hot))


def make_statistics_batches(split: Split, train: TrainConfig, spec: OutputSpec | None = None,
                            num_classes: int | None = None) -> StatisticsBatches:
    """The sample of `split` that precise BN averages batch statistics over (`precise_bn`)."""
    return StatisticsBatches(split.images, split.labels, train.batch_size, seed=train.seed,
                             num_classes=num_classes, one_hot=bool(spec and spec.one_hot))


def early_stopping_callbacks(config: ExperimentConfig) -> list[ResumableEarlyStopping]:
    """Return the configured early stopping as a (resumable) callback list, empty when off."""
    settings = config.train.early_stopping
    if settings is None:
        return []
    return [ResumableEarlyStopping(
        monitor=settings.monitor, patience=settings.patience, min_delta=settings.min_delta,
        restore_best_weights=settings.restore_best_weights, mode=settings.mode)]


class Trainer:
    """Train one experiment's model into a run folder.

    Args:
        config: the resolved experiment config.
        dataset: the prepared dataset (train, optional validation, test).
        spec: output layer and label encoding.
        recorder: the run folder (`visionlab.runs.folder.RunFolder`).
        verbose: 0 silent, 1 one line per epoch / Rich progress.
        progress: the progress display callback (a notebook's, say). Defaults to None
            (`RichProgress(verbose)`, the terminal's).
    """

    def __init__(self, config: ExperimentConfig, dataset: ImageDataset, spec: OutputSpec,
                 recorder: RunRecorder, verbose: int = 1,
                 progress: keras.callbacks.Callback | None = None):
        self.config = config
        self.dataset = dataset
        self.spec = spec
        self.recorder = recorder
        self.verbose = verbose
        self.progress = progress

    @property
    def run_dir(self) -> Path:
        return self.recorder.path

    @property
    def info(self) -> dict[str, Any]:
        return self.recorder.info

    def save_info(self, **updates: Any) -> None:
        self.recorder.save_info(**updates)

    def batches(self, split: Split, shuffle: bool) -> ArrayBatches:
        return self._batches(split.images, split.labels, shuffle)

    def _batches(self, inputs: np.ndarray, labels: np.ndarray, shuffle: bool) -> ArrayBatches:
        """`batches` for images or stored features (any per-example array)."""
        train = self.config.train
        return ArrayBatches(inputs, labels, train.batch_size, shuffle=shuffle, seed=train.seed,
                            num_classes=self.dataset.num_classes, one_hot=self.spec.one_hot)

    def fit(self, model: keras.Model, *, epochs: int, initial_epoch: int = 0, phase: str = "",
            history_rows: list[dict[str, Any]] | None = None,
            extra_callbacks: list[keras.callbacks.Callback] | None = None,
            features: CachedFeatures | None = None) -> list[dict[str, Any]]:
        """Run `model.fit` with visionlab's callbacks; return all history rows so far.

        Args:
            model: the compiled model; it is what checkpoints and the run folder keep.
            epochs, initial_epoch: as `model.fit`'s.
            phase: the history's `phase` label. Defaults to "".
            history_rows: the rows before `initial_epoch`. Defaults to None.
            extra_callbacks: Keras callbacks added after visionlab's. Defaults to None.
            features: train `features.cache.top` (which shares `model`'s trainable layers) on
                the stored outputs of the frozen bottom instead of `model` on the images.
                Defaults to None.

        Raises:
            TrainingError: the loss became NaN/inf (the last good model is saved first).
            TrainingInterrupted: Ctrl-C (a checkpoint and a partial run folder are saved first).
        """
        train_config = self.config.train
        train, validation = self.dataset.split("train"), self.dataset.splits.get("validation")
        fit_model = model if features is None else features.cache.top
        if features is None:
            train_batches = self._batches(train.images, train.labels, train_config.shuffle)
        else:  # one stored orientation of each image per epoch, as RandomFlip would pick
            train_batches = VariantBatches(
                features.train, train.labels, train_config.batch_size,
                shuffle=train_config.shuffle, seed=train_config.seed,
                num_classes=self.dataset.num_classes, one_hot=self.spec.one_hot)
        train_batches.set_epoch(initial_epoch)  # same shuffle order as an uninterrupted run
        validation_batches = None
        if validation is not None:
            validation_batches = self._batches(
                validation.images if features is None else features.validation,
                validation.labels, shuffle=False)
        nan_guard = vl_callbacks.NanGuard()
        interrupt = vl_callbacks.GracefulInterrupt()
        history_writer = vl_callbacks.HistoryWriter(
            self.recorder.history_path, phase=phase, initial_rows=history_rows or [])
        precise = self._precise_bn(model, len(train_batches), validation_batches, interrupt)
        callbacks = self._callbacks(phase, nan_guard, interrupt, history_writer, precise,
                                    extra_callbacks or [], saved_model=model)
        class_weight = (balanced_class_weight(self.dataset.split("train").labels,
                                              self.dataset.num_classes)
                        if train_config.class_weight == "balanced" else None)
        if features is not None:
            callbacks = _callbacks_on(model, fit_model, callbacks, epochs=epochs,
                                      steps=len(train_batches))
        started = time.perf_counter()
        try:
            fit_model.fit(
                train_batches,
                validation_data=validation_batches,
                epochs=epochs,
                initial_epoch=initial_epoch,
                callbacks=callbacks,
                class_weight=class_weight,
                # ArrayBatches shuffles by (seed, epoch); Keras's own batch shuffle would draw
                # from Python's global RNG and make a resumed run differ.
                shuffle=False,
                verbose=0,
            )
        finally:
            interrupt.restore_handler()
        self.save_info(seconds=float(self.info.get("seconds", 0.0)) + time.perf_counter() - started)
        if nan_guard.stopped:
            self._stop_diverged(model, nan_guard.diagnosis_message)
        if interrupt.interrupted:
            self._stop_interrupted(history_writer.rows, interrupt.epoch)
        return history_writer.rows

    def _precise_bn(self, model: keras.Model, steps_per_epoch: int, validation_batches: Any,
                    interrupt: vl_callbacks.GracefulInterrupt) -> PreciseBatchNorm:
        """The precise-BN callback; the BN facts and its decision go into run.json."""
        train_config = self.config.train
        facts = batch_norm_facts(model, steps_per_epoch)
        if facts["trainable_layers"]:
            self.save_info(batch_norm=facts)
        recorded = self.info.get("precise_bn")
        batches = make_statistics_batches(self.dataset.split("train"), train_config, self.spec,
                                          self.dataset.num_classes)
        precise = PreciseBatchNorm(
            train_config.precise_bn, batches, validation_batches, seed=train_config.seed,
            decided=recorded if isinstance(recorded, dict) else None, interrupt=interrupt)
        precise.on_decision = lambda decision: self._record_precise_bn(decision, precise.reason)
        return precise

    def _record_precise_bn(self, decision: dict[str, Any], reason: Message | None) -> None:
        self.save_info(precise_bn=decision)
        if not self.verbose:
            return
        if decision.get("mode") != "auto":
            state = t("word.on" if decision["active"] else "word.off")
            Console().print(t("training.precise_bn.fixed", mode=str(decision["mode"]).lower(),
                              state=state), highlight=False)
            return
        moving, recomputed = decision["moving"], decision["recomputed"]
        measured_on = ("training.precise_bn.on_validation"
                       if decision["measured_on"] == "validation"
                       else "training.precise_bn.on_training")
        Console().print(Message("training.precise_bn.auto", {
            "state": term("word.on" if decision["active"] else "word.off"),
            "epoch": decision["decided_at_epoch"],
            "measured_on": term(measured_on),
            "moving": percent(moving.get("val_accuracy", float("nan")), 2),
            "recomputed": percent(recomputed.get("val_accuracy", float("nan")), 2),
            "reason": reason if reason is not None else decision["reason"]}).render(),
            highlight=False, soft_wrap=True)

    def _callbacks(self, phase: str, nan_guard: vl_callbacks.NanGuard,
                   interrupt: vl_callbacks.GracefulInterrupt,
                   history_writer: vl_callbacks.HistoryWriter, precise: PreciseBatchNorm,
                   extra_callbacks: list[keras.callbacks.Callback], *,
                   saved_model: keras.Model) -> list[Any]:
        early_stopping = next((callback for callback in extra_callbacks
                               if isinstance(callback, ResumableEarlyStopping)), None)
        # Order matters: the interrupt flag and the epoch's lr/seconds must be set before the
        # history writer and the checkpoint look at the epoch. Precise BN replaces the epoch's
        # validation numbers (and the statistics) before anything reads or saves them, and
        # before EpochTimer, so an epoch's seconds include its statistics pass.
        return [
            interrupt,
            EpochSeeding(self.config.train.seed),
            precise,
            vl_callbacks.EpochTimer(),
            nan_guard,
            *extra_callbacks,
            history_writer,
            EpochCheckpoint(self.recorder.checkpoint_dir, extra_state={"phase": phase},
                            interrupt=interrupt, early_stopping=early_stopping,
                            saved_model=saved_model),
            self.progress or vl_callbacks.RichProgress(verbose=self.verbose),
        ]

    def _stop_diverged(self, model: keras.Model, diagnosis: Message | None) -> None:
        self.recorder.save_model(model)
        # run.json keeps the English text (a record), the error speaks the reader's language.
        self.save_info(status="failed",
                       error=diagnosis.render("en") if diagnosis is not None else None)
        raise TrainingError(Message("training.diverged", {
            "diagnosis": diagnosis if diagnosis is not None else "",
            "model": str(self.recorder.model_path)}))

    def _stop_interrupted(self, rows: list[dict[str, Any]], cut_epoch: int | None) -> None:
        # Keras still reports the epoch that Ctrl-C cut short; it is not a complete epoch.
        rows = [row for row in rows if row.get("epoch") != cut_epoch]
        _io.write_text(self.recorder.history_path, format_history_csv(rows))
        hint = f"visionlab train --resume {self.run_dir}"
        self.save_info(status="interrupted", resume=hint)
        raise TrainingInterrupted(Message("training.interrupted", {
            "epochs": len(rows), "run": str(self.run_dir), "hint": hint,
            "python": f"visionlab.resume({str(self.run_dir)!r})"}))


def _callbacks_on(model: keras.Model, fit_model: keras.Model, callbacks: list[Any], *,
                  epochs: int, steps: int) -> keras.callbacks.CallbackList:
    """Callbacks for `fit_model.fit` that see `model` (the full model) as `self.model`.

    Training on stored features fits the model's top, but callbacks (early stopping's best
    weights, a user's ModelCheckpoint, TensorBoard) must get the model the user built; a stop
    they ask of it (`model.stop_training`) is passed on to the fit that runs.
    """
    callback_list = keras.callbacks.CallbackList(
        [*callbacks, _StopPassedOn(fit_model)], add_history=True, add_progbar=False,
        model=model, verbose=0, epochs=epochs, steps=steps)
    fit_model.history = model.history  # what `fit` returns
    return callback_list


class _StopPassedOn(keras.callbacks.Callback):
    """Copy `self.model.stop_training` (the full model's) to the model `fit` runs on."""

    def __init__(self, fit_model: keras.Model) -> None:
        super().__init__()
        self.fit_model = fit_model

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.model.stop_training = False

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._pass_on()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._pass_on()

    def _pass_on(self) -> None:
        if self.model.stop_training:
            self.fit_model.stop_training = True
