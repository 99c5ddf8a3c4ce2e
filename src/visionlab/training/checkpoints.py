"""Per-epoch checkpoints for resuming: the whole model (weights + optimizer) and the epoch count.

Written at the end of every epoch, atomically, so a killed process loses at most the epoch in
progress and `visionlab train --resume RUN` continues from the last complete one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keras

from visionlab import _io
from visionlab.errors import RunError

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
                 interrupt: Any = None):
        super().__init__()
        self.directory = Path(directory)
        self.extra_state = dict(extra_state or {})
        self.interrupt = interrupt

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.interrupt is not None and getattr(self.interrupt, "interrupted", False):
            return  # Keras ends a stopped epoch early: it is not complete
        if getattr(self.model, "stop_training", False) and _loss_is_bad(logs):
            return  # never overwrite the last good checkpoint with a diverged model
        with _io.atomic_path(self.directory / MODEL_FILE, suffix=".keras") as tmp:
            self.model.save(tmp)
        _io.write_json(self.directory / STATE_FILE, {**self.extra_state, "next_epoch": epoch + 1})


def _loss_is_bad(logs: dict[str, Any] | None) -> bool:
    import math

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
    from visionlab.experiments.runs import register_custom_objects

    register_custom_objects()

    model = keras.models.load_model(directory / MODEL_FILE)
    return model, _io.read_json(directory / STATE_FILE)
