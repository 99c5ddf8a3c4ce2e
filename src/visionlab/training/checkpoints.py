"""Per-epoch checkpoints for resuming: the whole model (weights + optimizer) and the epoch count.

Written at the end of every epoch, atomically, so a killed process loses at most the epoch in
progress and `visionlab train --resume RUN` continues from the last complete one. Early
stopping's counters and best weights are part of the checkpoint too (`ResumableEarlyStopping`),
so a resumed run stops at the same epoch, with the same restored weights, as an uninterrupted one.
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path
from typing import Any

import keras
import numpy as np

from visionlab import _io
from visionlab.errors import RunError
from visionlab.training.saving import load_keras_model

MODEL_FILE = "last.keras"
STATE_FILE = "state.json"


class EpochCheckpoint(keras.callbacks.Callback):
    """Save the model with its optimizer state and the next epoch index after every epoch.

    Args:
        directory: the run's `checkpoint/` folder.
        extra_state: JSON-ready facts stored beside the epoch (e.g. the phase name).
        interrupt: a `GracefulInterrupt`; an epoch cut short by Ctrl-C is not saved as complete.
    """

    def __init__(self, directory: str | os.PathLike[str], extra_state: dict[str, Any] | None = None,
                 interrupt: Any = None, early_stopping: ResumableEarlyStopping | None = None):
        super().__init__()
        self.directory = Path(directory)
        self.extra_state = dict(extra_state or {})
        self.interrupt = interrupt
        self.early_stopping = early_stopping  # must come before this callback in the list

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.interrupt is not None and getattr(self.interrupt, "interrupted", False):
            return  # Keras ends a stopped epoch early: it is not complete
        if getattr(self.model, "stop_training", False) and _loss_is_bad(logs):
            return  # never overwrite the last good checkpoint with a diverged model
        with _io.atomic_path(self.directory / MODEL_FILE, suffix=".keras") as tmp:
            self.model.save(tmp)
        state = {**self.extra_state, "next_epoch": epoch + 1}
        if self.early_stopping is not None:
            state["early_stopping"] = self.early_stopping.save_state(self.directory)
        # state.json is written last: it is what makes the files above the checkpoint.
        _io.write_json(self.directory / STATE_FILE, state)
        if self.early_stopping is not None:
            _remove_other_best_weights(self.directory, state["early_stopping"].get("weights"))


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras `EarlyStopping` whose wait counter, best value and best weights survive a resume.

    `EpochCheckpoint(early_stopping=...)` stores them with each epoch (the best weights in
    `best-<epoch>.npz`); `load_state` hands them back before the resumed `fit`. Only the first
    `fit` after `load_state` starts from the loaded state; later ones reset as Keras does.
    Takes the same arguments as `keras.callbacks.EarlyStopping`.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._loaded: dict[str, Any] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        super().on_train_begin(logs)
        loaded, self._loaded = self._loaded, None
        if loaded is not None:
            self.wait = int(loaded["wait"])
            self.best = loaded["best"]
            self.best_epoch = int(loaded["best_epoch"])
            self.best_weights = loaded.get("best_weights")

    def save_state(self, directory: Path) -> dict[str, Any]:
        """Write the best weights (when kept and new) into `directory`; return the JSON state."""
        state: dict[str, Any] = {
            "wait": int(self.wait), "best_epoch": int(self.best_epoch),
            "best": None if self.best is None else float(self.best),
        }
        if self.restore_best_weights and self.best_weights is not None:
            name = f"best-{self.best_epoch + 1}.npz"
            if not (directory / name).is_file():
                with _io.atomic_path(directory / name, suffix=".npz") as temporary, \
                        open(temporary, "wb") as out:
                    np.savez(out, *self.best_weights)
            state["weights"] = name
        return state

    def load_state(self, state: dict[str, Any] | None, directory: Path) -> None:
        """Start the next `fit` from `state` (from `save_state`); None starts afresh."""
        if state is None:
            return
        loaded = dict(state)
        if loaded.get("weights"):
            with np.load(directory / loaded["weights"]) as arrays:
                loaded["best_weights"] = [arrays[f"arr_{index}"] for index in range(len(arrays))]
        self._loaded = loaded


def restore_early_stopping(callbacks: list[Any], state: dict[str, Any],
                           directory: str | os.PathLike[str]) -> None:
    """Give each `ResumableEarlyStopping` in `callbacks` the checkpoint's early-stopping state.

    Args:
        callbacks: the callbacks of the resumed `fit`.
        state: the checkpoint's state dict (from `load_checkpoint`).
        directory: the checkpoint folder (it holds the best weights).
    """
    for callback in callbacks:
        if isinstance(callback, ResumableEarlyStopping):
            callback.load_state(state.get("early_stopping"), Path(directory))


def _remove_other_best_weights(directory: Path, keep: str | None) -> None:
    for path in directory.glob("best-*.npz"):
        if path.name != keep:
            with contextlib.suppress(OSError):
                path.unlink()


def _loss_is_bad(logs: dict[str, Any] | None) -> bool:
    loss = (logs or {}).get("loss")
    return loss is not None and not math.isfinite(float(loss))


def has_checkpoint(directory: str | os.PathLike[str]) -> bool:
    """Return True when `directory` holds a complete checkpoint."""
    directory = Path(directory)
    return (directory / MODEL_FILE).is_file() and (directory / STATE_FILE).is_file()


def load_checkpoint(directory: str | os.PathLike[str]) -> tuple[keras.Model, dict[str, Any]]:
    """Load the checkpointed model (compiled, with optimizer state) and its state dict."""
    directory = Path(directory)
    if not has_checkpoint(directory):
        raise RunError(
            f"No checkpoint in '{directory}': the run stopped before its first epoch finished. "
            "Start it again with `visionlab train CONFIG`."
        )
    model = load_keras_model(directory / MODEL_FILE)
    return model, _io.read_json(directory / STATE_FILE)
