"""The dogs-vs-cats recipes: the tutorials' models with their published sizes, run on the real
photos (`../shared/datasets/dogs-vs-cats`, shrunk to 32x32 and one epoch to stay fast), and the
VGG16 recipe's clear message when Keras's weights file cannot be had offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from needs import needs
from visionlab import api
from visionlab.api.experiment import build_model
from visionlab.cli.main import app
from visionlab.config import load_config
from visionlab.data.dataset import ImageDataset, Split
from visionlab.recipes import list_recipes
from visionlab.training.heads import output_spec

pytestmark = pytest.mark.xdist_group("training")
PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "dogs-vs-cats"
RECIPES = ("dogs-cats-tinyvgg", "dogs-cats-tinyvgg-augmented", "dogs-cats-dense-10",
           "dogs-cats-dense-128", "dogs-cats-transfer", "dogs-cats-transfer-vgg16")
# The binary-CNN tutorial's parameter counts at 224x224x3 (model_1, and its dense baselines).
TUTORIAL_PARAMS = {"dogs-cats-tinyvgg": 31_101, "dogs-cats-dense-10": 1_505_411,
                   "dogs-cats-dense-128": 19_300_865}


def _photos() -> str:
    needs(PHOTOS.is_dir(), f"the dog/cat photos in {PHOTOS}", "CI and make test have them")
    return str(PHOTOS)


def test_every_dogs_cats_recipe_is_shipped_on_the_builtin_dataset():
    assert set(RECIPES) <= set(list_recipes())
    for name in RECIPES:
        config = load_config(name)
        assert config.data.dataset == "dogs_vs_cats" and config.data.image_size == (224, 224)
        assert config.reference is not None and config.reference.source


@pytest.mark.parametrize("name", sorted(TUTORIAL_PARAMS))
def test_the_tutorials_models_have_the_tutorials_sizes(name):
    config = load_config(name)
    # Building needs only the shapes: a two-image stand-in of the 224x224 RGB photos.
    split = Split(np.zeros((2, 224, 224, 3), np.uint8), np.array([0, 1]))
    dataset = ImageDataset("dogs_vs_cats", ["cat", "dog"], {"train": split, "test": split},
                           source="test", checksum="-")
    spec = output_spec(config.train.loss, config.train.output_activation, 2)
    model = build_model(config, dataset, spec)
    assert model.count_params() == TUTORIAL_PARAMS[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dogs-cats-tinyvgg-augmented", "dogs-cats-transfer"])
def test_the_photo_recipes_train_on_the_real_photos(name, tmp_path):
    overrides = [f'data.data_path="{_photos()}"', "data.image_size=[32, 32]"]
    overrides += (["transfer.warmup_epochs=1", "transfer.finetune_epochs=1"]
                  if name == "dogs-cats-transfer" else ["train.epochs=1"])
    run = api.train(name, overrides=overrides, runs_dir=tmp_path, verbose=0, report=False)
    splits = run.info["dataset"]["splits"]
    assert [splits[part]["count"] for part in ("train", "validation", "test")] == [909, 130, 260]
    assert run.class_names == ["cat", "dog"]
    assert run.info["model"]["output_units"] == 1  # one sigmoid: binary cross-entropy
    if name == "dogs-cats-transfer":
        assert [phase["name"] for phase in run.info["transfer"]["phases"]] == [
            "warmup", "finetune"]
        # An ImageNet base tells cats from dogs even at 32x32 after two short epochs.
        assert run.metrics["test_accuracy"] > 0.6


def test_the_vgg16_recipe_offline_stops_before_training_naming_the_weights_file(
        tmp_path, monkeypatch):
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    result = CliRunner().invoke(app, [
        "train", "dogs-cats-transfer-vgg16", "--runs-dir", str(tmp_path / "runs"), "--quiet",
        "--set", f'data.data_path="{_photos()}"', "--set", "data.image_size=[32, 32]"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5" in result.output
    assert "--weights" in result.output
