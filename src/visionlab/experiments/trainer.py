"""One training run from a resolved config to a complete run folder.

`TrainingJob` owns the run folder while training: it writes the config and environment before the
first batch, the history and a checkpoint after every epoch, and the model, metrics, predictions
and report at the end. Ctrl-C, NaN losses and crashes leave a partial run folder that says what
happened and how to resume.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from pathlib import Path
from typing import Any

import keras
import numpy as np

from visionlab import _io
from visionlab.data.dataset import ImageDataset, Split
from visionlab.errors import RunError, TrainingError
from visionlab.experiments import runs
from visionlab.experiments.config import ExperimentConfig
from visionlab.training.heads import OutputSpec
from visionlab.training.history import is_finite_number


class TrainingInterrupted(RunError):
    """The user pressed Ctrl-C; the partial run folder can be resumed."""


class TrainingJob:
    """Train one experiment into `run_dir`.

    Args:
        config: the resolved experiment config.
        dataset: the prepared dataset (train, optional validation, test).
        spec: output layer and label encoding.
        run_dir: the run folder (created by `runs.new_run_dir`).
        verbose: 0 silent, 1 one line per epoch / Rich progress.
    """

    def __init__(self, config: ExperimentConfig, dataset: ImageDataset, spec: OutputSpec,
                 run_dir: Path, verbose: int = 1):
        self.config = config
        self.dataset = dataset
        self.spec = spec
        self.run_dir = Path(run_dir)
        self.verbose = verbose
        self.info: dict[str, Any] = {}

    # -- run folder -------------------------------------------------------------------------

    def write_header(self, model: keras.Model, extra: dict[str, Any] | None = None) -> None:
        """Write config.toml, class_names.json, skipped.txt, summary.txt and run.json."""
        from visionlab.experiments.environment import environment_info
        from visionlab.models.registry import summary_text

        _io.write_text(self.run_dir / runs.CONFIG_FILE, self.config.to_toml())
        _io.write_json(self.run_dir / runs.CLASS_NAMES_FILE, self.dataset.class_names)
        _io.write_text(self.run_dir / runs.SKIPPED_FILE, "".join(
            f"{bad.path}\t{bad.reason}\n" for bad in self.dataset.skipped))
        _io.write_text(self.run_dir / runs.SUMMARY_FILE, summary_text(model, expand_nested=True))
        self.info = {
            "name": self.run_dir.name,
            "experiment": self.config.name,
            "status": "running",
            "created": dt.datetime.now().isoformat(timespec="seconds"),
            "environment": environment_info(),
            "dataset": self.dataset.summary(),
            "model": {
                "name": self.config.model.name,
                "params": int(model.count_params()),
                "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                "output_units": self.spec.num_outputs,
                "output_activation": self.spec.activation,
            },
            "seconds": 0.0,
            **(extra or {}),
        }
        self.save_info()

    def save_info(self, **updates: Any) -> None:
        self.info.update(updates)
        _io.write_json(self.run_dir / runs.INFO_FILE, self.info)

    # -- fitting ----------------------------------------------------------------------------

    def batches(self, split: Split, shuffle: bool) -> Any:
        from visionlab.data.pipeline import ArrayBatches

        return ArrayBatches(
            split.images, split.labels, self.config.train.batch_size, shuffle=shuffle,
            seed=self.config.train.seed, num_classes=self.dataset.num_classes,
            one_hot=self.spec.one_hot,
        )

    def fit(self, model: keras.Model, *, epochs: int, initial_epoch: int = 0, phase: str = "",
            history_rows: list[dict[str, Any]] | None = None,
            extra_callbacks: list[keras.callbacks.Callback] | None = None) -> list[dict[str, Any]]:
        """Run `model.fit` with visionlab's callbacks; return all history rows so far.

        Raises:
            TrainingError: the loss became NaN/inf (the last good model is saved first).
            TrainingInterrupted: Ctrl-C (a checkpoint and a partial run folder are saved first).
        """
        from visionlab.training import callbacks as vl_callbacks
        from visionlab.training.checkpoints import EpochCheckpoint, ResumableEarlyStopping
        from visionlab.training.determinism import EpochSeeding

        train_config = self.config.train
        train_batches = self.batches(self.dataset.split("train"), shuffle=train_config.shuffle)
        train_batches.set_epoch(initial_epoch)  # same shuffle order as an uninterrupted run
        validation = self.dataset.splits.get("validation")
        validation_batches = self.batches(validation, shuffle=False) if validation else None

        early_stopping = next((callback for callback in extra_callbacks or []
                               if isinstance(callback, ResumableEarlyStopping)), None)
        nan_guard = vl_callbacks.NanGuard()
        interrupt = vl_callbacks.GracefulInterrupt()
        history_writer = vl_callbacks.HistoryWriter(
            self.run_dir / runs.HISTORY_FILE, phase=phase, initial_rows=history_rows or [])
        # Order matters: the interrupt flag and the epoch's lr/seconds must be set before the
        # history writer and the checkpoint look at the epoch.
        callbacks: list[keras.callbacks.Callback] = [
            interrupt,
            EpochSeeding(train_config.seed),
            vl_callbacks.EpochTimer(),
            nan_guard,
            *(extra_callbacks or []),
            history_writer,
            EpochCheckpoint(self.run_dir / runs.CHECKPOINT_DIR, extra_state={"phase": phase},
                            interrupt=interrupt, early_stopping=early_stopping),
            vl_callbacks.RichProgress(verbose=self.verbose),
        ]
        class_weight = None
        if train_config.class_weight == "balanced":
            from visionlab.training.fit import balanced_class_weight

            class_weight = balanced_class_weight(
                self.dataset.split("train").labels, self.dataset.num_classes)
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
        rows = history_writer.rows
        if nan_guard.stopped:
            self.save_model(model)
            self.save_info(status="failed", error=nan_guard.diagnosis)
            raise TrainingError(
                f"{nan_guard.diagnosis}\nThe last good model was kept in "
                f"{self.run_dir / runs.MODEL_FILE}."
            )
        if interrupt.interrupted:
            # Keras still reports the epoch that Ctrl-C cut short; it is not a complete epoch.
            rows = [row for row in rows if row.get("epoch") != interrupt.epoch]
            _io.write_text(self.run_dir / runs.HISTORY_FILE, runs.format_history_csv(rows))
            done = len(rows)
            hint = f"visionlab train --resume {self.run_dir}"
            self.save_info(status="interrupted", resume=hint)
            raise TrainingInterrupted(
                f"Training was interrupted after {done} complete epoch(s); the run folder "
                f"{self.run_dir} keeps them. Resume with: {hint}"
            )
        return rows

    # -- finishing --------------------------------------------------------------------------

    def save_model(self, model: keras.Model) -> None:
        with _io.atomic_path(self.run_dir / runs.MODEL_FILE, suffix=".keras") as tmp:
            model.save(tmp)

    def finish(self, model: keras.Model, history_rows: list[dict[str, Any]],
               report: bool = True) -> runs.Run:
        """Evaluate on the test split, save model/metrics/predictions, write the report."""
        self.save_model(model)
        test = self.dataset.splits.get("test")
        metrics: dict[str, Any] = {}
        if test is not None and len(test):
            metrics = evaluate_split(model, test, self.dataset.class_names, self.spec,
                                     self.config.train.batch_size)
            probabilities = metrics.pop("_y_prob")
            _write_predictions(self.run_dir, test.labels, probabilities)
            _io.write_json(self.run_dir / runs.METRICS_FILE, metrics)
        best = _best_row(history_rows)
        self.save_info(
            status="completed",
            finished=dt.datetime.now().isoformat(timespec="seconds"),
            epochs_completed=len(history_rows),
            best=best,
            test_accuracy=metrics.get("test_accuracy"),
        )
        run = runs.Run(self.run_dir)
        if report:
            try:
                write_report(run, test)
            except Exception as error:
                message = (f"The report could not be written ({type(error).__name__}: {error}); "
                           f"the run itself is complete. "
                           f"Retry with `visionlab report {self.run_dir}`.")
                self.save_info(report_error=message)
                warnings.warn(message, RuntimeWarning, stacklevel=2)
                run = runs.Run(self.run_dir)
        return run


def write_report(run: runs.Run, test: Split | None, lang: str = "en") -> Path | None:
    """Write the HTML report of `run`; the report module is optional while it is being built."""
    try:
        from visionlab.reports.html import build_report
    except ImportError:
        return None
    images = test.images if test is not None else None
    return build_report(run, lang=lang, test_images=images)


def evaluate_split(model: keras.Model, split: Split, class_names: list[str], spec: OutputSpec,
                   batch_size: int) -> dict[str, Any]:
    """Predict `split` and return metrics (accuracy, per-class, confusion matrix, loss)."""
    from visionlab.data.pipeline import ArrayBatches
    from visionlab.evaluation.metrics import classification_metrics

    batches = ArrayBatches(split.images, split.labels, batch_size, shuffle=False)
    probabilities = np.asarray(model.predict(batches, verbose=0))
    metrics = classification_metrics(split.labels, probabilities, class_names)
    metrics["test_loss"] = cross_entropy(split.labels, probabilities, spec, len(class_names))
    metrics["test_count"] = len(split)
    metrics["_y_prob"] = probabilities
    return metrics


def cross_entropy(labels: np.ndarray, probabilities: np.ndarray, spec: OutputSpec,
                  num_classes: int) -> float:
    """Mean data loss of the head's loss function (without regularization terms)."""
    labels = np.asarray(labels, dtype=np.int64)
    if spec.binary_single_unit:
        targets = labels.reshape(-1, 1).astype(np.float32)
    elif spec.one_hot or spec.loss == "categorical_crossentropy":
        targets = np.eye(num_classes, dtype=np.float32)[labels]
    else:
        targets = labels
    loss = keras.losses.get(spec.loss)(targets, probabilities)
    return float(np.mean(keras.ops.convert_to_numpy(loss)))


def _write_predictions(run_dir: Path, labels: np.ndarray, probabilities: np.ndarray) -> None:
    with _io.atomic_path(run_dir / runs.PREDICTIONS_FILE, suffix=".npz") as tmp:
        np.savez_compressed(tmp, y_true=np.asarray(labels, dtype=np.int64),
                            y_prob=probabilities.astype(np.float32),
                            indices=np.arange(len(labels), dtype=np.int64))


def _best_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [row for row in rows if is_finite_number(row.get("val_accuracy"))]
    key = "val_accuracy"
    if not scored:
        scored = [row for row in rows if is_finite_number(row.get("accuracy"))]
        key = "accuracy"
    if not scored:
        return None
    best = max(scored, key=lambda row: row[key])
    return {"epoch": best.get("epoch"), "metric": key, "value": best[key],
            "val_loss": best.get("val_loss")}
