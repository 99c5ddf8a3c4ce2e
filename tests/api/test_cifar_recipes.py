"""The CIFAR-10 ablation recipes run end to end on small generated CIFAR-10 python batches.

The real CIFAR-10 is not on this machine; these files have the exact format (protocol-2 pickles
with bytes keys, 3072-byte rows in channel planes) and are declared official for the test.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pytest

from visionlab import api
from visionlab.data import cifar
from visionlab.data.locate import SourceFile
from visionlab.data.registry import get_dataset_entry

pytestmark = pytest.mark.xdist_group("training")


@pytest.fixture()
def cifar_folder(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    checksums = {}
    for name in (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH):
        labels = np.arange(40) % 10
        images = rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8)
        images[..., 0] = (labels * 25)[:, None, None].astype(np.uint8)  # learnable: red = class
        rows = images.transpose(0, 3, 1, 2).reshape(40, 3072)
        (folder / name).write_bytes(pickle.dumps({b"data": rows, b"labels": labels.tolist()},
                                                 protocol=2))
    names = [name.encode() for name in get_dataset_entry("cifar10").class_names]
    (folder / cifar.META_FILE).write_bytes(pickle.dumps({b"label_names": names}, protocol=2))
    for path in folder.iterdir():
        data = path.read_bytes()
        checksums[path.name] = SourceFile(path.name, path.as_uri(), hashlib.md5(data).hexdigest(),
                                          hashlib.sha256(data).hexdigest())
    monkeypatch.setattr(get_dataset_entry("cifar10"), "checksums", checksums)
    return folder


@pytest.mark.parametrize("recipe", ["cifar10-ablation-baseline", "cifar10-ablation-momentum",
                                    "cifar10-ablation-adam"])
def test_cifar_recipe_trains_on_cifar_format_files(recipe, cifar_folder: Path, tmp_path: Path):
    run = api.train(recipe, overrides=["train.epochs=2", f"data.data_path='{cifar_folder}'"],
                    runs_dir=tmp_path / "runs", verbose=0, report=False)
    assert run.status == "completed"
    assert run.info["dataset"]["image_shape"] == [32, 32, 3]
    assert run.info["dataset"]["splits"]["test"]["count"] == 40
    assert run.info["model"]["output_units"] == 10
    assert run.config.data.normalize == "none"  # the tutorial's raw pixels
    assert len(run.history) == 2 and np.isfinite(run.history[-1]["loss"])
