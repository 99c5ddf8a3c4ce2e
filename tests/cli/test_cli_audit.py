"""Tests for `visionlab audit` on a small folder of noise images with one train/test leak."""

from __future__ import annotations

import shutil

import numpy as np
import typer
from PIL import Image
from typer.testing import CliRunner

from needs import needs_module
from visionlab.cli.audit_commands import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    app.command("unused")(lambda: None)  # two commands: Typer keeps "audit" as a sub-command
    return app


def test_audit_prints_counts_and_writes_the_page_and_list(tmp_path, monkeypatch):
    needs_module("imagehash", "audit")
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        for label in ("a", "b"):
            folder = tmp_path / "data" / split / label
            folder.mkdir(parents=True)
            for index in range(5):
                pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{index}.png")
    shutil.copy(tmp_path / "data/train/a/0.png", tmp_path / "data/test/a/leaked.png")
    result = CliRunner().invoke(_app(), ["audit", str(tmp_path / "data"),
                                         "-o", str(tmp_path / "out"), "--image-size", "32",
                                         "--validation-fraction", "0"])
    assert result.exit_code == 0, result.output
    assert "leaks between splits" in result.output
    assert "1 images to leave out" in " ".join(result.output.split())
    assert (tmp_path / "out/audit.txt").read_text().splitlines()[-1].startswith("train/a/0.png")
    assert 'id="leaks"' in (tmp_path / "out/audit.html").read_text()


def test_audit_of_a_missing_folder_is_one_error_line(tmp_path):
    result = CliRunner().invoke(_app(), ["audit", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "error:" in result.output and "nowhere" in result.output
