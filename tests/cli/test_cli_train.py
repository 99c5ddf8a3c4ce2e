"""The train/evaluate/predict/runs/recipes/init commands through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from visionlab.cli.main import app

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    config = root / "digits.toml"
    result = _invoke("init", str(config))
    assert result.exit_code == 0, result.output
    result = _invoke("train", str(config), "--runs-dir", str(root / "runs"), "--quiet",
                     "--no-report", "--set", "data.dataset=digits", "--set", "model.name=mlp",
                     "--set", "model.units=[16]", "--set", "model.batch_norm=false",
                     "--set", "model.dropout=0.0", "--set", "train.epochs=2",
                     "--set", "train.batch_size=32", "--set", "train.schedule='constant'",
                     "--name", "cli-digits")
    assert result.exit_code == 0, result.output
    assert "test accuracy" in result.output
    (run,) = (root / "runs").iterdir()
    return run


def test_train_writes_run_named_after_option(trained: Path):
    assert trained.name.startswith("cli-digits-")
    assert json.loads((trained / "run.json").read_text())["status"] == "completed"


def test_runs_lists_the_run(trained: Path):
    result = _invoke("runs", "--runs-dir", str(trained.parent))
    assert result.exit_code == 0
    assert "cli-digits" in result.output and "digits" in result.output


def test_evaluate_prints_per_class_table(trained: Path):
    result = _invoke("evaluate", str(trained))
    assert result.exit_code == 0, result.output
    assert "macro F1" in result.output and "precision" in result.output


def test_predict_json_and_csv_report_bad_files(trained: Path, tmp_path: Path):
    good = tmp_path / "seven.png"
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(good)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")
    result = _invoke("predict", str(trained), str(good), str(bad), "--json", "--top-k", "2")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert len(payload[0]["top"]) == 2 and "error" in payload[1]
    result = _invoke("predict", str(trained), str(good), "--csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "path,rank,class,probability,error" and len(lines) == 4


def test_predict_plot_writes_a_figure(trained: Path, tmp_path: Path):
    folder = tmp_path / "3"
    folder.mkdir()
    Image.fromarray(np.full((8, 8), 128, dtype=np.uint8)).save(folder / "x.png")
    result = _invoke("predict", str(trained), str(folder / "x.png"),
                     "--plot", str(tmp_path / "plots"))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "plots").glob("*.png"))) == 1


def test_bad_config_is_one_clear_error(tmp_path: Path):
    result = _invoke("train", "mnist-codelab-cnn", "--set", "train.optimiser=sgd",
                     "--runs-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "did you mean 'train.optimizer'" in result.output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_a_bad_config_is_reported_before_tensorflow_is_imported(tmp_path: Path):
    """A typo costs a second, not the 7 s of a TensorFlow import (checked in a fresh process)."""
    import subprocess
    import sys

    config = tmp_path / "bad.toml"
    config.write_text("[train]\nepochz = 3\n")
    probe = ("import sys; from typer.testing import CliRunner; from visionlab.cli.main import app; "
             f"r = CliRunner().invoke(app, ['train', {str(config)!r}]); "
             "print(r.exit_code, 'tensorflow' in sys.modules, 'keras' in sys.modules); "
             "print(r.output)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.splitlines()[0] == "2 False False"
    assert "did you mean 'train.epochs'" in done.stdout


def test_recipes_lists_published_numbers():
    result = _invoke("recipes")
    assert result.exit_code == 0
    assert "mnist-ablation-zeros-init" in result.output and "11.35%" in result.output
    assert "11.35% published" in result.output and "92.00% target" in result.output


def test_init_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "e.toml"
    path.write_text("x")
    assert _invoke("init", str(path)).exit_code == 2
    assert path.read_text() == "x"


def test_weights_option_reaches_the_backbone_and_names_a_missing_file(tmp_path: Path):
    missing = tmp_path / "mobilenet_v2_notop.h5"
    result = _invoke("train", "mnist-codelab-cnn", "--runs-dir", str(tmp_path / "runs"),
                     "--set", "data.dataset=digits", "--set", "data.image_size=[32, 32]",
                     "--set", "data.color_mode=rgb", "--set", "data.normalize=none",
                     "--set", "model={name='mobilenet_v2'}", "--weights", str(missing))
    assert result.exit_code == 2, result.output
    assert str(missing) in result.output.replace("\n", "")
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_evaluate_on_a_plain_folder_of_class_folders(trained: Path, tmp_path: Path):
    # A folder without train/ or test/ parts: every image is evaluated (it used to be refused).
    from sklearn.datasets import load_digits

    digits = load_digits()
    folder = tmp_path / "digits-folder"
    chosen = [index for label in range(10)
              for index in np.flatnonzero(digits.target == label)[-4:]]
    for index in chosen:
        target = folder / str(digits.target[index])
        target.mkdir(parents=True, exist_ok=True)
        pixels = (digits.images[index] * 255 / 16).round().astype(np.uint8)
        Image.fromarray(pixels).save(target / f"{index}.png")
    result = _invoke("evaluate", str(trained), "--data", str(folder))
    assert result.exit_code == 0, result.output
    metrics = json.loads((trained / "evaluations" / "digits_folder.json").read_text())
    supports = [entry["support"] for entry in metrics["per_class"].values()]
    assert sum(supports) == len(chosen) == 40
    predictions = _invoke("predict", str(trained), str(folder), "--json", "--top-k", "1")
    payload = json.loads(predictions.stdout)
    right = sum(Path(item["path"]).parent.name == item["predicted"] for item in payload)
    assert metrics["test_accuracy"] == pytest.approx(right / len(chosen))


def test_resume_refuses_options_it_would_ignore(trained: Path):
    before = sorted(path.name for path in trained.parent.iterdir())
    result = runner.invoke(app, ["train", "--resume", str(trained), "--set", "train.epochs=5",
                                 "--name", "other", "--repeat", "2"])
    assert result.exit_code == 2
    assert "--set, --name, --repeat" in result.output and str(trained) in result.output
    result = runner.invoke(app, ["train", "mnist-codelab-cnn", "--resume", str(trained)])
    assert result.exit_code == 2 and "cannot take CONFIG" in result.output
    assert sorted(path.name for path in trained.parent.iterdir()) == before
