"""lr-find, augment-preview and weights through the CLI, on scikit-learn digits."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from visionlab import api, i18n
from visionlab.cli.main import app
from visionlab.evaluation.weights import weight_statistics
from visionlab.training.lr_finder import LRFinderResult

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    path = tmp_path / "digits.toml"
    path.write_text(
        'name = "digits"\n[data]\ndataset = "digits"\n[model]\nname = "mlp"\nunits = [16]\n'
        '[train]\nbatch_size = 32\nlearning_rate = 0.01\n'
        '[augment]\nrotation = 0.1\nzoom = 0.1\n'
    )
    return path


def test_lr_find_writes_plot_and_suggestion(config: Path, tmp_path: Path):
    output = tmp_path / "lr"
    result = runner.invoke(app, ["lr-find", str(config), "--steps", "40", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Suggested learning rate" in result.output
    facts = json.loads((output / "lr_finder.json").read_text())
    # The printed rate is a swept one, picked by the valley rule on the falling part of the
    # smoothed curve (the loss still drops after it).
    rate, smoothed = facts["suggested_lr"], facts["smoothed_losses"]
    assert facts["rule"] == "valley" and rate == facts["suggestions"]["valley"]
    assert f"{rate:.3g}" in result.output
    index = facts["learning_rates"].index(rate)
    assert min(loss for loss in smoothed[index + 1:] if math.isfinite(loss)) < smoothed[index]
    assert len(facts["learning_rates"]) == len(facts["losses"]) <= 40
    assert (output / "lr_finder.png").stat().st_size > 5000


def test_lr_find_per_epoch_variant(config: Path, tmp_path: Path):
    output = tmp_path / "lr-epochs"
    result = runner.invoke(app, ["lr-find", str(config), "--per-epoch", "--epochs", "4",
                                 "--output", str(output), "--set", "train.learning_rate=0.001"])
    assert result.exit_code == 0, result.output
    facts = json.loads((output / "lr_finder.json").read_text())
    assert facts["variant"] == "per_epoch"
    np.testing.assert_allclose(facts["learning_rates"], [1e-3 * 10 ** (e / 20) for e in range(4)],
                               rtol=1e-5)


def test_lr_find_reason_is_in_the_language_asked_for_not_the_environment(
        config: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    result, folder = api.lr_find(str(config), output_dir=tmp_path / "lr", num_steps=12,
                                 verbose=0, lang="vi")
    facts = json.loads((folder / "lr_finder.json").read_text(encoding="utf-8"))
    assert facts["reason"] == result.reason_in("vi") and "bước" in facts["reason"]
    assert result.reason == result.reason_in("en") != facts["reason"]  # the environment's
    # A reason stored as plain text (an older lr_finder.json) is shown as it is.
    stored = LRFinderResult([1e-3], [1.0], [1.0], None, "valley", False, facts["reason"])
    assert stored.reason_in("en") == stored.reason == facts["reason"]


def test_augment_preview_of_one_image_keeps_original_first(config: Path, tmp_path: Path):
    image = tmp_path / "one.png"
    Image.fromarray(np.tile(np.arange(8, dtype=np.uint8) * 30, (8, 1))).save(image)
    output = tmp_path / "preview.png"
    result = runner.invoke(app, ["augment-preview", str(config), str(image), "-n", "6",
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert Image.open(output).size[0] > 300


def test_augment_preview_without_augmentation_says_how(tmp_path: Path):
    path = tmp_path / "plain.toml"
    path.write_text('[data]\ndataset = "digits"\n')
    result = runner.invoke(app, ["augment-preview", str(path)])
    assert result.exit_code == 2
    assert "augment.rotation" in result.output


def test_weights_finds_symmetric_units_after_zero_init(tmp_path: Path):
    run = api.train({"data": {"dataset": "digits"},
                     "model": {"name": "mlp", "units": [8], "kernel_initializer": "zeros"},
                     "train": {"epochs": 1, "batch_size": 64, "optimizer": "sgd",
                               "learning_rate": 0.01}},
                     runs_dir=tmp_path, verbose=0, report=False)
    rows = {row["weight"].split("/")[-1] + "@" + row["layer"]: row
            for row in weight_statistics(run.load_model())}
    hidden = next(row for key, row in rows.items() if key.startswith("kernel") and
                  row["shape"] == [64, 8])
    assert hidden["identical_columns"] == 7  # all 8 hidden units stayed identical
    result = runner.invoke(app, ["weights", str(run.path)])
    assert result.exit_code == 0, result.output
    assert (run.path / "figures" / "weights.png").is_file()
    result = runner.invoke(app, ["weights", str(run.path), "no_such_layer"])
    assert result.exit_code == 2 and "Layers:" in result.output
