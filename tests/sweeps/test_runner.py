"""A real sweep on a local Ray: ASHA, a failing variant, trial run folders, sweep.json.

One sweep (6 trials of a tiny MLP on scikit-learn's digits, 3 epochs, 1 CPU each on a
2-CPU Ray) is shared by the tests of this module: about 40-60 s on two cores.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from needs import needs_module
from visionlab import api
from visionlab.cli.main import app
from visionlab.runs.run import Run
from visionlab.sweeps.errors import SweepError
from visionlab.sweeps.runner import SWEEP_FILE, require_ray

SWEEP = {
    "name": "digits-sweep",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01},
    "sweep": {
        "metric": "val_accuracy", "mode": "max",
        "scheduler": "asha", "grace_period": 1, "max_concurrent": 2, "cpus_per_trial": 1,
        "parameters": {"train.learning_rate": {"grid": [0.0001, 0.01]}},
        "variants": {"baseline": {}, "wide": {"model.units": [32]},
                     "bad": {"train.optimizer": "adamx"}},  # valid key, invalid value
    },
}


@pytest.fixture(scope="module")
def sweep_result(tmp_path_factory):
    ray = needs_module("ray", extra="sweep")
    # Ray's socket paths must stay under ~107 characters: a short temporary folder.
    ray_dir = tempfile.mkdtemp(prefix="vlray-", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=ray_dir, log_to_driver=False)
    try:
        yield api.sweep(SWEEP, sweeps_dir=tmp_path_factory.mktemp("sweeps"), report=False)
    finally:
        ray.shutdown()
        shutil.rmtree(ray_dir, ignore_errors=True)


def test_every_trial_is_recorded_with_its_status(sweep_result):
    summary = json.loads((sweep_result.path / SWEEP_FILE).read_text())
    trials = summary["trials"]
    assert len(trials) == 6  # 3 variants x 2 learning rates
    by_variant = {variant: [t for t in trials if t["variant"] == variant]
                  for variant in ("baseline", "wide", "bad")}
    assert all(len(group) == 2 for group in by_variant.values())
    for trial in by_variant["bad"]:
        assert trial["status"] == "failed"
        assert "train.optimizer" in trial["error"] and "adamx" in trial["error"]
    good = by_variant["baseline"] + by_variant["wide"]
    assert {trial["status"] for trial in good} <= {"completed", "stopped_early"}
    assert any(trial["status"] == "completed" for trial in good)
    for trial in good:
        assert trial["error"] is None
        assert 1 <= trial["epochs"] <= 3
        assert 0.0 <= trial["best_value"] <= 1.0
    assert summary["ray"]["version"] == needs_module("ray", extra="sweep").__version__


def test_trials_are_ordinary_run_folders(sweep_result):
    for trial in sweep_result.trials:
        if trial["status"] == "failed":
            continue  # refused by config validation before a run folder was made
        run = Run(sweep_result.path / trial["run_dir"])
        assert run.path.parent.name == "trials"
        assert run.config.train.learning_rate == trial["values"]["train.learning_rate"]
        assert run.status == trial["status"]
        if trial["status"] == "completed":
            assert len(run.history) == 3
            assert run.metrics["test_accuracy"] > 0.0
            assert run.model_path.is_file()


def test_points_are_best_first_with_the_failures_last(sweep_result):
    points = sweep_result.points
    scored = [point["mean"] for point in points if point["mean"] is not None]
    assert scored == sorted(scored, reverse=True)
    assert all(point["variant"] == "bad" for point in points[len(scored):])


def test_missing_ray_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.tune", None)
    with pytest.raises(SweepError, match=r"pip install 'visionlab\[sweep\]'"):
        require_ray()


def test_cli_lists_sweeps_and_refuses_a_file_without_sweep_table(tmp_path: Path):
    needs_module("ray", extra="sweep")
    runner = CliRunner()
    listed = runner.invoke(app, ["sweeps"])
    assert listed.exit_code == 0, listed.output
    assert "mnist-ablation" in listed.output and "fashion-mnist-dense-lr" in listed.output
    config = tmp_path / "plain.toml"
    config.write_text('name = "plain"\n')
    refused = runner.invoke(app, ["sweep", str(config)])
    assert refused.exit_code == 2
    assert "no [sweep] table" in " ".join(refused.output.split())


def test_resume_keeps_finished_trials(sweep_result):
    before = sorted(path.name for path in (sweep_result.path / "trials").iterdir())
    resumed = api.sweep(resume=sweep_result.path, report=False)  # on the module's Ray
    assert resumed.summary["resumed"] is True
    assert sorted(path.name for path in (sweep_result.path / "trials").iterdir()) == before
    statuses = {trial["trial_id"]: trial["status"] for trial in sweep_result.trials}
    assert {trial["trial_id"]: trial["status"] for trial in resumed.trials} == statuses
