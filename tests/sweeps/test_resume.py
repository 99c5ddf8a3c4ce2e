"""`visionlab sweep --resume` after the driver was killed (SIGKILL) with one trial finished.

The sweep runs in a real `visionlab sweep` process, one trial at a time (max_concurrent = 1);
once a trial's run folder is complete the driver is killed, and with it this test's own Ray
(its process group). The resumed sweep finishes the others without touching the finished
folders (same files, bytes and times) and writes sweep.json with every trial. About 60 s on
two cores.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from needs import needs_module
from visionlab.sweeps.runner import SWEEP_FILE

SWEEP_TOML = """\
name = "digits-resume"

[data]
dataset = "digits"
validation_split = 0.2

[model]
name = "mlp"
units = [16]

[train]
epochs = 2
batch_size = 64

[sweep]
metric = "val_accuracy"
mode = "max"
max_concurrent = 1
cpus_per_trial = 1

[sweep.parameters]
"train.learning_rate" = { grid = [0.001, 0.003, 0.01, 0.03] }
"""
TRIALS = 4


def _visionlab(arguments: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """`visionlab ARGUMENTS` in its own process group (its Ray goes into that group too)."""
    with log.open("w") as output:
        return subprocess.Popen([str(Path(sys.executable).with_name("visionlab")), *arguments],
                                env=env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _end_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group has already ended
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _completed(sweeps: Path) -> list[Path]:
    folders = []
    for info in sweeps.glob("*/trials/*/run.json"):
        try:
            if json.loads(info.read_text()).get("status") == "completed":
                folders.append(info.parent)
        except ValueError:
            continue  # being written
    return folders


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file of a folder: its SHA-256 and modification time (ns)."""
    return {str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                             path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_resume_after_the_driver_is_killed_keeps_finished_trials(tmp_path: Path):
    needs_module("ray", extra="sweep")
    sweep_file = tmp_path / "digits-resume.toml"
    sweep_file.write_text(SWEEP_TOML)
    sweeps = tmp_path / "sweeps"
    # Ray's socket paths must stay under ~107 characters: a short folder, not tmp_path.
    temp_dir = tempfile.mkdtemp(prefix="vlr-", dir="/tmp")
    env = {**os.environ, "VISIONLAB_SWEEPS": str(sweeps), "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_AUTH_MODE": "disabled"}
    options = ["--no-report", "--cpus", "2", "--temp-dir", temp_dir]
    try:
        driver = _visionlab(["sweep", str(sweep_file), *options], env, tmp_path / "first.log")
        try:
            deadline = time.monotonic() + 150
            while not _completed(sweeps):
                assert driver.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "no trial finished in 150 s"
                time.sleep(0.2)
            os.kill(driver.pid, signal.SIGKILL)  # the driver only, mid-sweep
            driver.wait(timeout=30)
        finally:
            _end_group(driver)  # then its Ray and trial workers
        (sweep_dir,) = sweeps.glob("digits-resume-*")
        finished = {folder.name: _snapshot(folder) for folder in _completed(sweeps)}
        assert 1 <= len(finished) < TRIALS, "the driver was killed too late to test a resume"

        resumed = _visionlab(["sweep", "--resume", str(sweep_dir), *options], env,
                             tmp_path / "resume.log")
        try:
            assert resumed.wait(timeout=240) == 0, (tmp_path / "resume.log").read_text()[-3000:]
        finally:
            _end_group(resumed)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)

    summary = json.loads((sweep_dir / SWEEP_FILE).read_text())
    assert summary["status"] == "finished" and summary["resumed"] is True
    trials = summary["trials"]
    assert len(trials) == TRIALS
    assert {trial["status"] for trial in trials} == {"completed"}
    assert sorted(trial["values"]["train.learning_rate"] for trial in trials) == \
        [0.001, 0.003, 0.01, 0.03]
    run_dirs = {Path(trial["run_dir"]).name for trial in trials}
    assert set(finished) <= run_dirs  # the finished trials kept their folders ...
    for name, files in finished.items():  # ... untouched, file for file
        assert _snapshot(sweep_dir / "trials" / name) == files, name
    for trial in trials:  # and none was trained twice
        trial_id = trial["trial_id"]
        completed = [folder for folder in _completed(sweeps) if folder.name.startswith(trial_id)]
        assert len(completed) == 1, trial_id
    # max_concurrent = 1: each trial started after the one before it had finished
    spans = sorted((json.loads((sweep_dir / trial["run_dir"] / "trial.json").read_text())
                    ["started"], json.loads((sweep_dir / trial["run_dir"] / "run.json")
                                            .read_text())["finished"]) for trial in trials)
    for (_, previous_end), (start, _) in zip(spans, spans[1:]):
        assert start >= previous_end
