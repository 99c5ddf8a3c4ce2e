"""Per-epoch checkpoints for resuming: the whole model (weights + optimizer) and the epoch count.

Written at the end of every epoch so a killed process loses at most the epoch in progress and
`visionlab train --resume RUN` continues from the last complete one. Early stopping's counters
and best weights are part of the checkpoint too (`ResumableEarlyStopping`), so a resumed run
stops at the same epoch, with the same restored weights, as an uninterrupted one.

A checkpoint is one unit, switched to in one rename: the model goes to a new file named after
its epoch (`epoch-0003.keras`), then `state.json` is replaced; it names that file and its
SHA-256 (and the best-weights file). Until that rename the previous checkpoint is the current
one, so a kill at any instant leaves a complete checkpoint. The state before is kept as
`state.previous.json` (with its files): a torn or corrupt current checkpoint (a file missing,
a checksum that does not match, unreadable JSON) is detected on load and the previous one is
used, with a warning.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from visionlab import _io
from visionlab.errors import RunError
from visionlab.i18n import Message
from visionlab.training.saving import load_keras_model

MODEL_FILE = "last.keras"  # the model file of checkpoints written before visionlab 0.x
STATE_FILE = "state.json"
PREVIOUS_STATE_FILE = "state.previous.json"


class EpochCheckpoint(keras.callbacks.Callback):
    """Save the model with its optimizer state and the next epoch index after every epoch.

    Args:
        directory: the run's `checkpoint/` folder.
        extra_state: JSON-ready facts stored beside the epoch (e.g. the phase name).
        interrupt: a `GracefulInterrupt`; an epoch cut short by Ctrl-C is not saved as complete.
        early_stopping: the run's early stopping, whose state is saved too. Defaults to None.
        saved_model: the model to save when `fit` trains another one that shares its layers
            (the trainable top of `feature_cache`). Defaults to None (the model `fit` trains).
    """

    def __init__(self, directory: str | os.PathLike[str], extra_state: dict[str, Any] | None = None,
                 interrupt: Any = None, early_stopping: ResumableEarlyStopping | None = None,
                 saved_model: keras.Model | None = None):
        super().__init__()
        self.saved_model = saved_model
        self.directory = Path(directory)
        self.extra_state = dict(extra_state or {})
        self.interrupt = interrupt
        self.early_stopping = early_stopping  # must come before this callback in the list

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.interrupt is not None and getattr(self.interrupt, "interrupted", False):
            return  # Keras ends a stopped epoch early: it is not complete
        if getattr(self.model, "stop_training", False) and _loss_is_bad(logs):
            return  # never overwrite the last good checkpoint with a diverged model
        model_name = f"epoch-{epoch + 1:04d}.keras"
        with _io.atomic_path(self.directory / model_name, suffix=".keras") as tmp:
            (self.saved_model or self.model).save(tmp)
        state = {**self.extra_state, "next_epoch": epoch + 1, "model": model_name,
                 "model_sha256": _io.sha256_file(self.directory / model_name)}
        if self.early_stopping is not None:
            state["early_stopping"] = self.early_stopping.save_state(self.directory)
        current = self.directory / STATE_FILE
        if current.is_file():  # the checkpoint being replaced stays the fallback
            _io.write_bytes(self.directory / PREVIOUS_STATE_FILE, current.read_bytes())
        # The one rename that switches to the new checkpoint: state.json names its files.
        _io.write_json(current, state)
        _remove_unreferenced_files(self.directory)


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


def _referenced_files(state: dict[str, Any]) -> set[str]:
    names = {state.get("model") or MODEL_FILE}
    weights = (state.get("early_stopping") or {}).get("weights")
    if weights:
        names.add(weights)
    return names


def _remove_unreferenced_files(directory: Path) -> None:
    """Delete model and best-weights files that neither the current nor the previous state names."""
    keep: set[str] = set()
    for name in (STATE_FILE, PREVIOUS_STATE_FILE):
        with contextlib.suppress(OSError, ValueError):
            keep |= _referenced_files(_io.read_json(directory / name))
    for pattern in ("epoch-*.keras", "best-*.npz", MODEL_FILE):
        for path in directory.glob(pattern):
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()


def _loss_is_bad(logs: dict[str, Any] | None) -> bool:
    loss = (logs or {}).get("loss")
    return loss is not None and not math.isfinite(float(loss))


def has_checkpoint(directory: str | os.PathLike[str]) -> bool:
    """Return True when `directory` holds a checkpoint state (its files are checked on load)."""
    directory = Path(directory)
    return any((directory / name).is_file() for name in (STATE_FILE, PREVIOUS_STATE_FILE))


def load_checkpoint(directory: str | os.PathLike[str]) -> tuple[keras.Model, dict[str, Any]]:
    """Load the checkpointed model (compiled, with optimizer state) and its state dict.

    The current checkpoint is verified first (state readable, model file present with the
    recorded SHA-256, best weights present); when it is torn or corrupt the previous one is
    loaded instead, with a warning naming what was wrong.

    Raises:
        RunError: there is no checkpoint, or neither the current nor the previous one is whole.
    """
    directory = Path(directory)
    if not has_checkpoint(directory):
        raise RunError(Message("error.checkpoint.none", {"folder": str(directory)}))
    problems = []
    for name in (STATE_FILE, PREVIOUS_STATE_FILE):
        if not (directory / name).is_file():
            continue
        try:
            state = _verified_state(directory, name)
            model = load_keras_model(directory / (state.get("model") or MODEL_FILE))
        except (RunError, OSError, ValueError, zipfile.BadZipFile) as error:
            problems.append(f"{name}: {error}")
            continue
        if problems:
            warnings.warn(Message("warning.checkpoint.damaged", {
                "folder": str(directory), "problems": "; ".join(problems),
                "epoch": state["next_epoch"]}).render(), RuntimeWarning, stacklevel=2)
        return model, state
    raise RunError(Message("error.checkpoint.unusable", {"folder": str(directory),
                                                         "problems": "; ".join(problems)}))


def _verified_state(directory: Path, name: str) -> dict[str, Any]:
    """Read checkpoint state `name` and check the files it names; raise RunError if torn."""
    try:
        state = _io.read_json(directory / name)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunError(f"unreadable JSON ({error})") from None
    if not isinstance(state, dict) or not isinstance(state.get("next_epoch"), int):
        raise RunError("no 'next_epoch' in the state")
    for file_name in sorted(_referenced_files(state)):
        if not (directory / file_name).is_file():
            raise RunError(f"{file_name} is missing")
    expected = state.get("model_sha256")
    if expected and _io.sha256_file(directory / state["model"]) != expected:
        raise RunError(f"{state['model']} does not match its recorded SHA-256 (a torn write)")
    return state
