"""A real sweep on a local Ray: ASHA, a failing variant, trial run folders, sweep.json,
sweep.html, and MLflow (a real SQLite store) with each trial nested under the sweep's run.

One sweep (6 trials of a tiny MLP on scikit-learn's digits, 3 epochs, 1 CPU each on a
2-CPU Ray) is shared by the tests of this module: about 50-70 s on two cores.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import signal
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
from visionlab.sweeps.page import PAGE_FILE, write_sweep_page
from visionlab.sweeps.runner import SWEEP_FILE, require_ray
from visionlab.tracking.sweep import PARENT_TAG, STATUS_TAG

SWEEP = {
    "name": "digits-sweep",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01},
    "tracking": "mlflow",
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
    needs_module("mlflow", extra="mlflow")
    # Ray's socket paths must stay under ~107 characters: a short temporary folder.
    ray_dir = tempfile.mkdtemp(prefix="vlray-", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=ray_dir, log_to_driver=False)
    try:
        handler = signal.getsignal(signal.SIGINT)
        result = api.sweep(SWEEP, sweeps_dir=tmp_path_factory.mktemp("sweeps"), report=False)
        # Tune installs its own Ctrl-C handler for the run; the process gets its own back.
        assert signal.getsignal(signal.SIGINT) is handler
        yield result
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


def test_sweep_html_shows_every_trial_and_embeds_the_figures(sweep_result):
    page = (sweep_result.path / PAGE_FILE).read_text()
    for trial in sweep_result.trials:
        assert trial["trial_id"] in page
    assert "stopped early" in page or all(
        trial["status"] != "stopped_early" for trial in sweep_result.trials)
    assert "failed" in page and "adamx" in page  # the failed trials and their error
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    # per trial, one per swept parameter (variant, learning rate), the best curves
    assert len(images) == 4
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert "learning_rate" in page and "Learning curves of the best 4 trial(s)" in page
    assert {path.name for path in (sweep_result.path / "figures").iterdir()} == {
        "trials.png", "parameter-variant.png", "parameter-train-learning-rate.png",
        "curves.png"}


def test_the_real_sweeps_page_renders_in_vietnamese_too(sweep_result, tmp_path: Path):
    copy = tmp_path / sweep_result.path.name  # the module's sweep.html stays English
    shutil.copytree(sweep_result.path, copy, ignore=shutil.ignore_patterns("tune", "mlflow*"))
    page = write_sweep_page(copy, sweep_result.summary, lang="vi").read_text(encoding="utf-8")
    assert 'lang="vi"' in page and "Các lần thử, tốt nhất trước" in page
    assert "Đường cong học của 4 lần thử tốt nhất" in page and "thất bại" in page
    assert "Trials, best first" not in page and "Learning curves" not in page


def test_each_trial_is_an_mlflow_run_nested_under_the_sweeps_run(sweep_result):
    client = needs_module("mlflow.tracking", "mlflow").MlflowClient(
        tracking_uri=sweep_result.summary["tracking"]["mlflow"]["uri"])
    parent_id = sweep_result.summary["tracking"]["mlflow"]["run_id"]
    parent = client.get_run(parent_id)
    assert parent.info.run_name == sweep_result.path.name
    assert parent.info.status == "FINISHED"
    assert parent.data.metrics["best_val_accuracy"] == pytest.approx(
        sweep_result.points[0]["mean"])
    assert {item.path for item in client.list_artifacts(parent_id)} >= {
        "sweep.json", "sweep.toml", "sweep.html"}
    children = client.search_runs([parent.info.experiment_id],
                                  filter_string=f"tags.`{PARENT_TAG}` = '{parent_id}'")
    trained = [trial for trial in sweep_result.trials if trial["run_dir"] is not None]
    assert sorted(child.info.run_name for child in children) == sorted(
        Path(trial["run_dir"]).name for trial in trained)
    expected = {"completed": "FINISHED", "stopped_early": "KILLED"}
    for trial in trained:
        record = Run(sweep_result.path / trial["run_dir"]).info["tracking"]["mlflow"]
        child = client.get_run(record["run_id"])
        assert child.data.tags[STATUS_TAG] == trial["status"]
        assert child.info.status == expected[trial["status"]]
        steps = [point.step for point in client.get_metric_history(record["run_id"], "loss")]
        assert steps == list(range(1, trial["epochs"] + 1))  # every epoch Tune saw


def test_trials_record_the_node_they_ran_on(sweep_result):
    nodes = {node["id"] for node in sweep_result.summary["ray"]["nodes"]}
    for trial in sweep_result.trials:
        if trial["run_dir"] is not None:
            assert trial["node"]["id"] in nodes
            recorded = json.loads((sweep_result.path / trial["run_dir"] / "trial.json")
                                  .read_text())
            assert recorded["node"] == trial["node"]
            assert recorded["values"] == trial["values"]


def test_a_trial_larger_than_any_node_is_refused_before_it_waits_forever(sweep_result,
                                                                          tmp_path: Path):
    with pytest.raises(SweepError, match=r"cpus_per_trial = 3 but the largest Ray node has 2"):
        api.sweep(SWEEP, sweeps_dir=tmp_path, cpus_per_trial=3)  # on the module's Ray


def test_local_ray_options_and_resume_changes_are_refused(tmp_path: Path):
    needs_module("ray", extra="sweep")
    with pytest.raises(SweepError, match="--cpus and --temp-dir set up the local Ray"):
        api.sweep(SWEEP, sweeps_dir=tmp_path, address="auto", temp_dir=tmp_path)
    with pytest.raises(SweepError, match="--set, --track cannot change it"):
        api.sweep(resume=tmp_path, overrides=["train.epochs=1"], track="mlflow")
