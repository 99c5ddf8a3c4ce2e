"""`visionlab train --track ... --tracking-uri ...` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomllib
from typer.testing import CliRunner

from needs import needs_module
from visionlab.cli.main import app

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()
RECIPE = "fashion-mnist-dense-128"
DIGITS = ["--set", "data.dataset=digits", "--set", "model.units=[16]", "--set", "train.epochs=1"]


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_track_sets_the_config_and_writes_tensorboard_events(tmp_path: Path):
    needs_module("tensorboard", "tensorboard")
    uri = "sqlite:///" + (tmp_path / "elsewhere.db").as_posix()
    result = _invoke("train", RECIPE, "--runs-dir", str(tmp_path), "--quiet", "--no-report",
                     *DIGITS, "--track", "tensorboard", "--tracking-uri", uri)
    assert result.exit_code == 0, result.output
    (run,) = [path for path in tmp_path.iterdir() if path.is_dir()]
    config = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert config["tracking"] == ["tensorboard"] and config["tracking_uri"] == uri
    info = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert info["tracking"] == {"tensorboard": {"log_dir": "tensorboard"}}
    assert list((run / "tensorboard" / "train").glob("events.out.tfevents.*"))

    refused = _invoke("train", "--resume", str(run), "--track", "mlflow")
    assert refused.exit_code == 2 and "--track" in refused.output


def test_an_unknown_tracker_names_the_choices(tmp_path: Path):
    result = runner.invoke(app, ["train", RECIPE, "--runs-dir", str(tmp_path), "--quiet",
                                 *DIGITS, "--track", "wandb"])
    assert result.exit_code == 2
    assert "'mlflow' or 'tensorboard'" in result.output
    assert not list(tmp_path.iterdir())
