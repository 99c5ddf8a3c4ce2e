"""A trial's pieces without Ray: when epochs reach Tune, and a finished run replayed to it."""

from __future__ import annotations

import json
from pathlib import Path

from visionlab.runs.run import Run
from visionlab.sweeps.trial import TuneReport, completed_run_dir, replay_history


def test_an_epoch_reaches_tune_only_when_the_next_begins_and_the_last_on_flush():
    reported: list[dict] = []
    callback = TuneReport(reported.append)
    callback.set_params({"epochs": 3})
    callback.on_train_begin()
    for epoch in range(3):
        callback.on_epoch_begin(epoch)
        # every other callback records the epoch before Tune may stop the trial
        assert [row["epoch"] for row in reported] == list(range(1, epoch + 1))
        callback.on_epoch_end(epoch, {"loss": 0.5 / (epoch + 1), "val_loss": float("nan")})
    assert [row["epoch"] for row in reported] == [1, 2]  # the last waits for the run folder
    callback.flush()
    assert reported[-1] == {"loss": 0.5 / 3, "epoch": 3}  # a NaN is not sent
    callback.flush()
    assert len(reported) == 3


def _run_folder(path: Path, status: str) -> Path:
    path.mkdir(parents=True)
    (path / "run.json").write_text(json.dumps({"status": status}))
    (path / "history.csv").write_text(
        "epoch,phase,loss,accuracy,val_loss,val_accuracy,lr,seconds\n"
        "1,train,0.9,0.6,0.8,0.65,0.01,1.5\n2,train,0.5,0.8,0.6,0.75,0.01,1.4\n")
    return path


def test_a_completed_trial_is_found_and_replayed_not_retrained(tmp_path: Path):
    _run_folder(tmp_path / "abc_00001-baseline-20261205-100000", "interrupted")
    done = _run_folder(tmp_path / "abc_00001-baseline-20261205-100500", "completed")
    _run_folder(tmp_path / "abc_00002-baseline-20261205-100500", "running")
    assert completed_run_dir(tmp_path, "abc_00001") == done
    assert completed_run_dir(tmp_path, "abc_00002") is None
    assert completed_run_dir(tmp_path, "abc_00003") is None
    reported: list[dict] = []
    replay_history(Run(done), reported.append)
    assert [row["epoch"] for row in reported] == [1, 2]
    assert reported[1]["val_accuracy"] == 0.75 and "phase" not in reported[1]
