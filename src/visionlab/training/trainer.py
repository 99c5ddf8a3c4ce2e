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
from rich.console import Console

from visionlab import _io
from visionlab.config import ExperimentConfig, TrainConfig
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.pipeline import ArrayBatches
from visionlab.errors import TrainingError, TrainingInterrupted
from visionlab.training import callbacks as vl_callbacks
from visionlab.training.checkpoints import EpochCheckpoint, ResumableEarlyStopping
from visionlab.training.determinism import EpochSeeding
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
        return make_batches(split, self.config.train, self.spec, self.dataset.num_classes,
                            shuffle=shuffle)

    def fit(self, model: keras.Model, *, epochs: int, initial_epoch: int = 0, phase: str = "",
            history_rows: list[dict[str, Any]] | None = None,
            extra_callbacks: list[keras.callbacks.Callback] | None = None) -> list[dict[str, Any]]:
        """Run `model.fit` with visionlab's callbacks; return all history rows so far.

        Raises:
            TrainingError: the loss became NaN/inf (the last good model is saved first).
            TrainingInterrupted: Ctrl-C (a checkpoint and a partial run folder are saved first).
        """
        train_config = self.config.train
        train_batches = self.batches(self.dataset.split("train"), shuffle=train_config.shuffle)
        train_batches.set_epoch(initial_epoch)  # same shuffle order as an uninterrupted run
        validation = self.dataset.splits.get("validation")
        validation_batches = self.batches(validation, shuffle=False) if validation else None
        nan_guard = vl_callbacks.NanGuard()
        interrupt = vl_callbacks.GracefulInterrupt()
        history_writer = vl_callbacks.HistoryWriter(
            self.recorder.history_path, phase=phase, initial_rows=history_rows or [])
        precise = self._precise_bn(model, len(train_batches), validation_batches, interrupt)
        callbacks = self._callbacks(phase, nan_guard, interrupt, history_writer, precise,
                                    extra_callbacks or [])
        class_weight = (balanced_class_weight(self.dataset.split("train").labels,
                                              self.dataset.num_classes)
                        if train_config.class_weight == "balanced" else None)
        started = time.perf_counter()
        try:
            model.fit(
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
            self._stop_diverged(model, nan_guard.diagnosis)
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
        return PreciseBatchNorm(
            train_config.precise_bn, batches, validation_batches, seed=train_config.seed,
            decided=recorded if isinstance(recorded, dict) else None,
            on_decision=self._record_precise_bn, interrupt=interrupt)

    def _record_precise_bn(self, decision: dict[str, Any]) -> None:
        self.save_info(precise_bn=decision)
        if not self.verbose:
            return
        if decision.get("mode") != "auto":
            state = "on" if decision["active"] else "off"
            Console().print(f"precise_bn = {str(decision['mode']).lower()}: batch-norm "
                            f"statistics recomputed after each epoch: {state}.", highlight=False)
            return
        moving, recomputed = decision["moving"], decision["recomputed"]
        Console().print(
            f"precise_bn = auto -> {'on' if decision['active'] else 'off'} at epoch "
            f"{decision['decided_at_epoch']} ({decision['measured_on']}: accuracy "
            f"{moving.get('val_accuracy', float('nan')):.2%} with the moving statistics, "
            f"{recomputed.get('val_accuracy', float('nan')):.2%} recomputed): "
            f"{decision['reason']}.", highlight=False, soft_wrap=True)

    def _callbacks(self, phase: str, nan_guard: vl_callbacks.NanGuard,
                   interrupt: vl_callbacks.GracefulInterrupt,
                   history_writer: vl_callbacks.HistoryWriter, precise: PreciseBatchNorm,
                   extra_callbacks: list[keras.callbacks.Callback]) -> list[Any]:
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
                            interrupt=interrupt, early_stopping=early_stopping),
            self.progress or vl_callbacks.RichProgress(verbose=self.verbose),
        ]

    def _stop_diverged(self, model: keras.Model, diagnosis: str | None) -> None:
        self.recorder.save_model(model)
        self.save_info(status="failed", error=diagnosis)
        raise TrainingError(f"{diagnosis}\nThe last good model was kept in "
                            f"{self.recorder.model_path}.")

    def _stop_interrupted(self, rows: list[dict[str, Any]], cut_epoch: int | None) -> None:
        # Keras still reports the epoch that Ctrl-C cut short; it is not a complete epoch.
        rows = [row for row in rows if row.get("epoch") != cut_epoch]
        _io.write_text(self.recorder.history_path, format_history_csv(rows))
        hint = f"visionlab train --resume {self.run_dir}"
        self.save_info(status="interrupted", resume=hint)
        raise TrainingInterrupted(
            f"Training was interrupted after {len(rows)} complete epoch(s); the run folder "
            f"{self.run_dir} keeps them. Resume with: {hint} (in Python: "
            f"visionlab.resume({str(self.run_dir)!r}))"
        )
