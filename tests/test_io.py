"""Atomic writes: complete or absent, never half-written; readable permissions."""

import json
import os
import stat

import numpy as np
import pytest

from visionlab import _io


def test_write_json_round_trip_with_numpy(tmp_path):
    path = _io.write_json(tmp_path / "a" / "b.json", {"x": np.float32(1.5), "y": np.arange(3)})
    assert json.loads(path.read_text()) == {"x": 1.5, "y": [0, 1, 2]}


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "model.keras"
    target.write_text("old")
    with pytest.raises(RuntimeError), _io.atomic_path(target, suffix=".keras") as tmp:
        assert tmp.name.endswith(".keras")
        tmp.write_text("partial")
        raise RuntimeError("crash while saving")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["model.keras"]


def test_written_files_are_not_private(tmp_path):
    path = _io.write_text(tmp_path / "report.html", "<html></html>")
    assert stat.S_IMODE(path.stat().st_mode) & stat.S_IROTH


def test_sha256_arrays_depends_on_content_shape_and_dtype():
    base = _io.sha256_arrays(np.zeros((2, 2), np.uint8))
    assert base != _io.sha256_arrays(np.zeros((4,), np.uint8))
    assert base != _io.sha256_arrays(np.zeros((2, 2), np.int8))
    assert base == _io.sha256_arrays(np.zeros((2, 2), np.uint8))
