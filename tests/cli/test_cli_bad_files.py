"""Corrupt run files and a full disk: one clear message naming the file and the fix, no
traceback, and no lost work (a full disk mid-training resumes once space is free)."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest
from typer.testing import CliRunner

from visionlab import api
from visionlab.cli.main import app

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()
DIGITS = {
    "name": "digits-bad-files",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01, "seed": 4},
}


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    return api.train(DIGITS, runs_dir=tmp_path_factory.mktemp("runs"), verbose=0,
                     report=False).path


def _copy(run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(run, tmp_path / run.name))


def _assert_clean_error(result, *fragments: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.mark.parametrize(("name", "content", "command", "words"), [
    ("run.json", "{not json", "report", "is corrupt (not valid JSON"),
    ("class_names.json", "[1, 2", "evaluate", "is corrupt (not valid JSON"),
    ("class_names.json", '{"a": 1}', "evaluate", "must hold a JSON list"),
    ("history.csv", "epoch,loss\nfirst,0.5\n", "report", "whole-number 'epoch'"),
    ("model.keras", "not a zip file", "evaluate", "is not a readable Keras model"),
    ("predictions.npz", "garbage", "report", "is corrupt"),
    ("config.toml", "[train\nepochs = ", "evaluate", "not valid TOML"),
])
def test_a_corrupt_run_file_is_one_message_naming_it(finished, tmp_path, name, content,
                                                      command, words):
    run = _copy(finished, tmp_path)
    (run / name).write_text(content)
    arguments = [command, str(run)] + (["--no-images"] if command == "report" else [])
    result = runner.invoke(app, arguments)
    _assert_clean_error(result, name, words)


@pytest.mark.parametrize(("name", "content", "command", "words"), [
    ("run.json", '{"status": "interrupted", "dataset": [1, 2]}', "resume",
     "'dataset' must be an object, not a list"),
    ("run.json", '{"status": "completed", "environment": "laptop"}', "report",
     "'environment' must be an object, not a string"),
    ("run.json", '{"status": 5}', "report", "'status' must be a string, not a number"),
    ("metrics.json", "[0.9]", "report", "does not hold a JSON object"),
])
def test_a_hand_edited_run_file_is_one_message_naming_it(finished, tmp_path, name, content,
                                                          command, words):
    run = _copy(finished, tmp_path)
    (run / name).write_text(content)
    arguments = {"resume": ["train", "--resume", str(run), "--quiet", "--no-report"],
                 "report": ["report", str(run), "--no-images"]}[command]
    result = runner.invoke(app, arguments)
    _assert_clean_error(result, name, words, "Restore it" if name == "run.json" else "evaluate")


def test_one_damaged_run_never_hides_the_others_in_the_runs_list(finished, tmp_path):
    runs = tmp_path / "runs"
    good = _copy(finished, runs)
    damaged = Path(shutil.copytree(good, runs / "damaged-run"))
    (damaged / "run.json").write_text("{not json")
    result = runner.invoke(app, ["runs", "--runs-dir", str(runs)])
    assert result.exit_code == 0, result.output
    assert good.name in result.output.replace("\n", "")
    assert "Skipped a damaged run" in result.output and "is corrupt" in result.output
    listed = api.list_runs(runs, on_error=lambda error: None)
    assert [run.path.name for run in listed] == [good.name]
    with pytest.warns(UserWarning, match="damaged-run"):
        assert len(api.list_runs(runs)) == 1


def test_a_missing_run_folder_is_one_message(tmp_path):
    result = runner.invoke(app, ["evaluate", str(tmp_path / "nope")])
    _assert_clean_error(result, "does not exist", "visionlab runs")
    (tmp_path / "a-file").write_text("x")
    result = runner.invoke(app, ["evaluate", str(tmp_path / "a-file")])
    _assert_clean_error(result, "is a file, not a run folder")


def test_an_unwritable_runs_folder_is_one_message(tmp_path):
    (tmp_path / "runs").write_text("a file where the runs folder should be")
    result = runner.invoke(app, ["train", "mnist-codelab-dense", "--set", "data.dataset=digits",
                                 "--set", "data.image_size=[8, 8]", "--set", "train.epochs=1",
                                 "--runs-dir", str(tmp_path / "runs" / "mine"), "--quiet"])
    _assert_clean_error(result, "Not a directory", str(tmp_path / "runs" / "mine"), code=3)


def test_a_permission_error_names_the_path_and_the_fix(finished, tmp_path, monkeypatch):
    from visionlab import _io

    original = _io.write_bytes

    def write_bytes(path, data):
        # The tests run as root, who may write anywhere; a denied write is injected instead.
        if Path(path).name == "config.toml":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original(path, data)

    monkeypatch.setattr(_io, "write_bytes", write_bytes)
    config = tmp_path / "digits.toml"
    config.write_text(Path(finished, "config.toml").read_text())
    result = runner.invoke(app, ["train", str(config), "--runs-dir", str(tmp_path / "runs"),
                                 "--quiet", "--no-report"])
    _assert_clean_error(result, "Permission denied", "config.toml", "Make it writable", code=3)


def test_debug_shows_the_traceback(finished, tmp_path, monkeypatch):
    monkeypatch.setenv("VISIONLAB_DEBUG", "")  # --debug sets it; restored after the test
    run = _copy(finished, tmp_path)
    (run / "run.json").write_text("{")
    result = runner.invoke(app, ["--debug", "report", str(run), "--no-images"])
    assert result.exit_code != 0 and not isinstance(result.exception, SystemExit)


def test_a_full_disk_during_a_checkpoint_names_the_path_and_resume_finishes(
        finished, tmp_path, monkeypatch):
    config = tmp_path / "digits.toml"
    config.write_text(Path(finished, "config.toml").read_text())
    original_save = keras.Model.save

    def save(model, path, *args, **kwargs):
        if ".epoch-0002.keras." in Path(path).name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return original_save(model, path, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "save", save)
    result = runner.invoke(app, ["train", str(config), "--runs-dir", str(tmp_path / "runs"),
                                 "--quiet", "--no-report"])
    _assert_clean_error(result, "No space left on device", "epoch-0002.keras", "--resume",
                        code=3)
    (run,) = (tmp_path / "runs").iterdir()
    state = json.loads((run / "checkpoint" / "state.json").read_text())
    assert state["next_epoch"] == 1 and (run / "checkpoint" / state["model"]).is_file()
    monkeypatch.setattr(keras.Model, "save", original_save)  # space is free again
    result = runner.invoke(app, ["train", "--resume", str(run), "--quiet", "--no-report"])
    assert result.exit_code == 0, result.output
    resumed, straight = api.load_run(run), api.load_run(finished)
    assert [row["loss"] for row in resumed.history] == [row["loss"] for row in straight.history]
    for ours, theirs in zip(resumed.load_model().get_weights(),
                            straight.load_model().get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_full_disk_while_writing_the_run_folder_is_one_message(tmp_path, monkeypatch):
    from visionlab import _io

    original = _io.write_bytes

    def write_bytes(path, data):
        if Path(path).name == "config.toml":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return original(path, data)

    monkeypatch.setattr(_io, "write_bytes", write_bytes)
    result = runner.invoke(app, ["train", "mnist-codelab-dense", "--set", "data.dataset=digits",
                                 "--set", "data.image_size=[8, 8]", "--set", "train.epochs=1",
                                 "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    _assert_clean_error(result, "No space left on device", "config.toml", code=3)


def test_a_full_disk_while_writing_the_report_keeps_the_completed_run(tmp_path, monkeypatch):
    from visionlab import _io

    original = _io.write_text

    def write_text(path, text):
        if Path(path).name == "report.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return original(path, text)

    monkeypatch.setattr(_io, "write_text", write_text)
    with pytest.warns(RuntimeWarning, match="No space left on device"):
        run = api.train({**DIGITS, "train": {**DIGITS["train"], "epochs": 1}},
                        runs_dir=tmp_path, verbose=0, report=True)
    assert run.status == "completed" and "No space left" in run.info["report_error"]
    monkeypatch.setattr(_io, "write_text", original)
    assert api.report(run.path, images=False).is_file()  # retried once space is free


def test_a_full_disk_while_writing_the_decoded_cache_is_one_message(tmp_path, monkeypatch):
    from PIL import Image
    from sklearn.datasets import load_digits

    from visionlab.data import cache
    from visionlab.data.folders import load_image_folder
    from visionlab.errors import DataError

    digits = load_digits()
    for index in range(60):
        folder = tmp_path / "digits" / str(digits.target[index])
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray((digits.images[index] * 15).astype(np.uint8)).save(folder / f"{index}.png")
    original = cache._new_array

    def full_disk(path, dtype, shape):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache, "_new_array", full_disk)
    options = {"image_size": (8, 8), "color_mode": "grayscale", "test_fraction": 0.5,
               "cache_dir": tmp_path / "cache", "progress": False}
    with pytest.raises(DataError, match="Cannot write the decoded-image cache.*No space left"):
        load_image_folder(tmp_path / "digits", **options)
    assert not any((tmp_path / "cache").iterdir())  # no half-built entry left behind
    monkeypatch.setattr(cache, "_new_array", original)
    assert load_image_folder(tmp_path / "digits", **options).info["cache_hit"] is False
