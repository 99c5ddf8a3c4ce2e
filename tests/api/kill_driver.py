"""Run a seeded training and SIGKILL this process at one named point (the fault-injection test).

Usage: python kill_driver.py '{"config": {...}, "runs_dir": "...", "point": "batch",
                               "epoch": 1, "batch": 4, "report": false}'

Points: "batch" (after batch `batch` of epoch `epoch`, 0-based and absolute over phases),
"model_save" (the checkpoint's model file half-written, before its rename), "before_state"
(model file renamed, state.json not yet switched), "state_switch" (previous state copied, the new
state.json not yet written), "after_state" (state.json switched, old files not yet removed),
"history" (epoch's history.csv row not yet written), "phase_boundary" (warm-up done, fine-tune
not begun), "final_model" (model.keras being written), "metrics" (metrics.json being written),
"report" (report.html being written).

`test_kill_resume.py` also imports this module to press Ctrl-C (SIGINT) at the same points in
its own process: it sets `SIGNAL["number"]` and passes `monkeypatch.setattr` as `patch`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras

from visionlab import _io, api
from visionlab.runs import folder as run_folder
from visionlab.training import callbacks as vl_callbacks
from visionlab.training import checkpoints, phases

SIGNAL = {"number": signal.SIGKILL}  # SIGINT when the points stand for Ctrl-C (in-process)


def die() -> None:
    os.kill(os.getpid(), SIGNAL["number"])


class KillAtBatch(keras.callbacks.Callback):
    def __init__(self, epoch: int, batch: int):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, -1

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            die()


def install(point: str, epoch: int, patch: Callable[[Any, str, Any], None] = setattr) -> None:
    """Patch visionlab so the process gets `SIGNAL` at `point` of epoch `epoch` (0-based).

    `patch(owner, name, value)` replaces an attribute: plain `setattr` in the driver's own
    process, pytest's `monkeypatch.setattr` when a test sends Ctrl-C to itself.
    """
    checkpoint_name = f"epoch-{epoch + 1:04d}.keras"
    killing = SIGNAL["number"] == signal.SIGKILL
    if point == "model_save":
        original_save = keras.Model.save

        def save(model, path, *args, **kwargs):
            original_save(model, path, *args, **kwargs)
            if Path(path).name.startswith(f".{checkpoint_name}."):
                if killing:  # a kill leaves the file torn; Ctrl-C lets the write finish
                    data = Path(path).read_bytes()
                    Path(path).write_bytes(data[: len(data) // 2])
                die()

        patch(keras.Model, "save", save)
    elif point == "before_state":
        original_hash = _io.sha256_file

        def sha256_file(path, *args, **kwargs):
            if Path(path).name == checkpoint_name:
                die()
            return original_hash(path, *args, **kwargs)

        patch(_io, "sha256_file", sha256_file)
    elif point == "state_switch":
        original_write_json = _io.write_json

        def write_json(path, obj):
            if Path(path).name == checkpoints.STATE_FILE and obj.get("next_epoch") == epoch + 1:
                die()
            return original_write_json(path, obj)

        patch(_io, "write_json", write_json)
    elif point == "after_state":
        original_remove = checkpoints._remove_unreferenced_files

        def remove(directory):
            if (Path(directory) / checkpoint_name).is_file():
                die()
            original_remove(directory)

        patch(checkpoints, "_remove_unreferenced_files", remove)
    elif point == "history":
        original_write_text = vl_callbacks.write_text
        calls = {"count": 0}

        def write_text(path, text):
            calls["count"] += 1
            if calls["count"] == epoch + 1:
                die()
            return original_write_text(path, text)

        patch(vl_callbacks, "write_text", write_text)
    elif point == "phase_boundary":
        original_apply = phases.apply_phase_trainability
        calls = {"count": 0}

        def apply(*args, **kwargs):
            calls["count"] += 1
            if calls["count"] == 2:
                die()
            return original_apply(*args, **kwargs)

        patch(phases, "apply_phase_trainability", apply)
    elif point == "final_model":
        patch(run_folder.RunFolder, "save_model", lambda self, model: die())
    elif point == "metrics":
        patch(run_folder.RunFolder, "write_metrics", lambda self, metrics: die())
    elif point == "report":
        original_write_text = _io.write_text

        def write_report(path, text):
            if Path(path).name == run_folder.REPORT_FILE:
                die()
            return original_write_text(path, text)

        patch(_io, "write_text", write_report)
    elif point != "batch":
        raise SystemExit(f"unknown kill point {point!r}")


def main() -> None:
    job = json.loads(sys.argv[1])
    install(job["point"], job.get("epoch", 0))
    callbacks = ([KillAtBatch(job["epoch"], job["batch"])] if job["point"] == "batch" else [])
    api.train(job["config"], runs_dir=job["runs_dir"], verbose=0,
              report=job.get("report", False), callbacks=callbacks)
    raise SystemExit("the kill point was never reached")


if __name__ == "__main__":
    main()
