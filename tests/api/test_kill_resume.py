"""Fault injection: a seeded run SIGKILLed or Ctrl-C'd anywhere resumes to the same bits.

Each kill point runs `kill_driver.py` in a fresh process that dies there; for Ctrl-C this process
sends itself SIGINT at the same 20 points. `api.resume` then finishes the run, whose history.csv
(every column but the timings) and final weights must be bit-identical to the uninterrupted
run's, and whose folder must stay readable throughout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import kill_driver
import numpy as np
import pytest

from visionlab import api
from visionlab.api import Run, list_runs
from visionlab.errors import TrainingInterrupted

pytestmark = pytest.mark.xdist_group("kill")

DRIVER = Path(__file__).with_name("kill_driver.py")
PLAIN = {
    "name": "digits-kill",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32], "dropout": 0.2},
    "train": {"epochs": 4, "batch_size": 64, "learning_rate": 0.01, "seed": 5,
              "schedule": "one_cycle"},
}
BASE = {
    "name": "digits-base",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32, 16], "batch_norm": True},
    "train": {"epochs": 1, "batch_size": 64, "learning_rate": 0.01, "seed": 1},
}
TIMING_COLUMNS = {"seconds", "time", "epoch_seconds"}

# (point, epoch, batch): 14 points in a plain run ...
PLAIN_POINTS = [
    ("batch", 0, 2), ("batch", 0, 13), ("batch", 1, 0), ("batch", 1, 9), ("batch", 2, 5),
    ("batch", 3, 12), ("model_save", 0, None), ("model_save", 2, None),
    ("before_state", 1, None), ("state_switch", 2, None), ("after_state", 1, None),
    ("history", 1, None), ("final_model", 0, None), ("metrics", 0, None),
]
# ... and 7 in a warm-up + fine-tune transfer run (1 + 2 epochs).
TRANSFER_POINTS = [
    ("batch", 0, 6), ("model_save", 0, None), ("phase_boundary", 0, None), ("batch", 1, 0),
    ("batch", 2, 8), ("model_save", 1, None), ("state_switch", 2, None),
]


def _comparable_history(run: Run) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in TIMING_COLUMNS}
            for row in run.history]


def _assert_identical(resumed: Run, reference: Run) -> None:
    assert resumed.status == "completed"
    assert _comparable_history(resumed) == _comparable_history(reference)
    for ours, theirs in zip(resumed.load_model().get_weights(),
                            reference.load_model().get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert resumed.metrics["test_accuracy"] == reference.metrics["test_accuracy"]


def _kill(config: dict, runs_dir: Path, point: str, epoch: int, batch: int | None,
          report: bool = False) -> Run:
    job = {"config": config, "runs_dir": str(runs_dir), "point": point, "epoch": epoch,
           "batch": batch, "report": report}
    result = subprocess.run([sys.executable, str(DRIVER), json.dumps(job)], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert result.returncode == -signal.SIGKILL, result.stderr[-3000:]
    (killed,) = list_runs(runs_dir)
    assert killed.info["status"] in {"running", "completed"}  # readable, never half-written
    return killed


@pytest.fixture(scope="module")
def plain_reference(tmp_path_factory) -> Run:
    return api.train(PLAIN, runs_dir=tmp_path_factory.mktemp("reference"), verbose=0,
                     report=False)


@pytest.fixture(scope="module")
def transfer_config(tmp_path_factory) -> dict:
    base = api.train(BASE, runs_dir=tmp_path_factory.mktemp("base"), verbose=0, report=False)
    return {
        "name": "digits-transfer-kill",
        "data": {"dataset": "digits", "validation_split": 0.2, "normalize": "none"},
        "model": {"name": f"run:{base.path}", "dropout": 0.1},
        "transfer": {"strategy": "warmup-finetune", "warmup_epochs": 1, "finetune_epochs": 2,
                     "warmup_learning_rate": 0.01, "finetune_learning_rate": 0.002,
                     "unfreeze_top_layers": 1},
        "train": {"batch_size": 64, "learning_rate": 0.01, "seed": 2},
    }


@pytest.fixture(scope="module")
def transfer_reference(tmp_path_factory, transfer_config) -> Run:
    return api.train(transfer_config, runs_dir=tmp_path_factory.mktemp("transfer-reference"),
                     verbose=0, report=False)


@pytest.mark.parametrize(("point", "epoch", "batch"), PLAIN_POINTS,
                         ids=[f"{p}-e{e}" + (f"b{b}" if b is not None else "")
                              for p, e, b in PLAIN_POINTS])
def test_sigkill_then_resume_is_bit_identical(plain_reference, tmp_path, point, epoch, batch):
    killed = _kill(PLAIN, tmp_path, point, epoch, batch)
    if killed.info["status"] == "completed":  # died after the run was complete (none here)
        pytest.fail(f"{point}: the run was marked completed before the kill point")
    _assert_identical(api.resume(killed.path, verbose=0, report=False), plain_reference)


@pytest.mark.parametrize(("point", "epoch", "batch"), TRANSFER_POINTS,
                         ids=[f"{p}-e{e}" + (f"b{b}" if b is not None else "")
                              for p, e, b in TRANSFER_POINTS])
def test_sigkill_in_a_transfer_run_then_resume_is_bit_identical(
        transfer_reference, transfer_config, tmp_path, point, epoch, batch):
    killed = _kill(transfer_config, tmp_path, point, epoch, batch)
    _assert_identical(api.resume(killed.path, verbose=0, report=False), transfer_reference)


def test_sigkill_while_writing_the_report_leaves_a_complete_run(plain_reference, tmp_path):
    killed = _kill(PLAIN, tmp_path, "report", 0, None, report=True)
    assert killed.status == "completed" and not (killed.path / "report.html").exists()
    assert _comparable_history(killed) == _comparable_history(plain_reference)
    assert api.report(killed.path, images=False).is_file()


def _ctrl_c(config: dict, runs_dir: Path, monkeypatch, point: str, epoch: int,
            batch: int | None) -> Run:
    """Press Ctrl-C (a real SIGINT to this process) at a kill point; return the partial run."""
    monkeypatch.setitem(kill_driver.SIGNAL, "number", signal.SIGINT)
    with monkeypatch.context() as patches:
        kill_driver.install(point, epoch, patch=patches.setattr)
        callbacks = [kill_driver.KillAtBatch(epoch, batch)] if point == "batch" else []
        # Inside `fit` the first Ctrl-C finishes the batch (or the checkpoint write) and stops
        # with TrainingInterrupted; between phases or after the last epoch it is Python's own
        # KeyboardInterrupt.
        with pytest.raises((TrainingInterrupted, KeyboardInterrupt)):
            api.train(config, runs_dir=runs_dir, verbose=0, report=False, callbacks=callbacks)
    (partial,) = list_runs(runs_dir)
    assert partial.info["status"] in {"interrupted", "running"}  # readable, never half-written
    return partial


@pytest.mark.parametrize(("point", "epoch", "batch"), PLAIN_POINTS,
                         ids=[f"{p}-e{e}" + (f"b{b}" if b is not None else "")
                              for p, e, b in PLAIN_POINTS])
def test_ctrl_c_then_resume_is_bit_identical(plain_reference, tmp_path, monkeypatch, point,
                                             epoch, batch):
    partial = _ctrl_c(PLAIN, tmp_path, monkeypatch, point, epoch, batch)
    _assert_identical(api.resume(partial.path, verbose=0, report=False), plain_reference)


@pytest.mark.parametrize(("point", "epoch", "batch"), TRANSFER_POINTS,
                         ids=[f"{p}-e{e}" + (f"b{b}" if b is not None else "")
                              for p, e, b in TRANSFER_POINTS])
def test_ctrl_c_in_a_transfer_run_then_resume_is_bit_identical(
        transfer_reference, transfer_config, tmp_path, monkeypatch, point, epoch, batch):
    partial = _ctrl_c(transfer_config, tmp_path, monkeypatch, point, epoch, batch)
    _assert_identical(api.resume(partial.path, verbose=0, report=False), transfer_reference)
