"""Tests for `visionlab explore` with the dataset loader replaced by a small in-memory dataset."""

from __future__ import annotations

import importlib
import sys
import types

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from visionlab._io import read_json
from visionlab.cli.explore_commands import register
from visionlab.data.dataset import ImageDataset, Split
from visionlab.errors import DataError


def _dataset(name: str) -> ImageDataset:
    rng = np.random.default_rng(0)
    labels = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    images = rng.integers(0, 256, (5, 10, 10, 1), dtype=np.uint8)
    return ImageDataset(name=name, class_names=["zero", "one"],
                        splits={"train": Split(images, labels),
                                "test": Split(images[:2], labels[:2])},
                        source="memory", checksum="0" * 64)


@pytest.fixture
def loader_calls(monkeypatch):
    """Replace visionlab.data.loading.load_dataset and record how it is called."""
    calls: list[tuple] = []

    def fake_load_dataset(spec, **options):
        calls.append((spec, options))
        if spec == "missing":
            raise DataError("Dataset folder 'missing' does not exist; pass an existing folder.")
        return _dataset(spec)

    try:
        loading = importlib.import_module("visionlab.data.loading")
    except ModuleNotFoundError:
        loading = types.ModuleType("visionlab.data.loading")
        monkeypatch.setitem(sys.modules, "visionlab.data.loading", loading)
    monkeypatch.setattr(loading, "load_dataset", fake_load_dataset, raising=False)
    return calls


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test shell."""

    register(application)
    return application


def test_explore_default_output_folder(app, loader_calls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["explore", "data/my digits", "--seed", "3",
                                      "--samples-per-class", "2"])
    assert result.exit_code == 0, result.output
    assert loader_calls == [("data/my digits", {"data_path": None, "image_size": None, "seed": 3})]
    output = tmp_path / "explore" / "my_digits"
    assert sorted(item.name for item in output.iterdir()) == [
        "class_balance.png", "explore.json", "samples.png"]
    stats = read_json(output / "explore.json")
    assert stats["splits"]["train"]["per_class"] == {"zero": 3, "one": 2}
    assert stats["samples"]["seed"] == 3
    assert "There are 3 images in 'train/zero'." in result.output
    assert "explore.json" in result.output


def test_explore_output_and_options_are_passed(app, loader_calls, tmp_path):
    result = CliRunner().invoke(app, ["explore", "mnist", "--data-path", str(tmp_path / "raw"),
                                      "--image-size", "32", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    spec, options = loader_calls[0]
    assert spec == "mnist" and options["image_size"] == (32, 32)
    assert str(options["data_path"]) == str(tmp_path / "raw")
    assert (tmp_path / "out" / "samples.png").exists()


def test_explore_user_error_is_one_line(app, loader_calls, tmp_path):
    result = CliRunner().invoke(app, ["explore", "missing", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert not any(tmp_path.iterdir())
