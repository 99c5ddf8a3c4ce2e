"""Training on cached features of the frozen part of a transfer model (issue 16).

Real models: EfficientNet-Lite0 (random weights, 32x32, built by `api.build_model`) for the cut
and the identical-features checks, and a digits run used as the base of a new model for
end-to-end training with and without the cache.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from visionlab import api
from visionlab.config import validate_config
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import ModelError
from visionlab.training.feature_cache import (
    FeatureCache,
    VariantBatches,
    check_feature_cache,
    plan_feature_cache,
)
from visionlab.training.heads import output_spec
from visionlab.training.phases import Phase, apply_phase_trainability, plan_phases

pytestmark = pytest.mark.xdist_group("training")

LITE0 = {
    "name": "lite0-digits",
    "data": {"dataset": "digits", "image_size": [32, 32], "color_mode": "rgb",
             "train_per_class": 6, "validation_split": 0.2, "normalize": "none"},
    "model": {"name": "efficientnet_lite0", "weights": "random"},
    "train": {"batch_size": 16, "seed": 3},
    "transfer": {"strategy": "warmup-finetune", "unfreeze_top_layers": 2},
}
PRETRAIN = {
    "name": "digits-pretrain",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32, 16], "batch_norm": True},
    "train": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01, "seed": 1},
}


@pytest.fixture(scope="module")
def lite0():
    """(config, model, 8 real training images) for EfficientNet-Lite0 at 32x32."""
    config = validate_config(LITE0)
    dataset = api.prepare_dataset(config.data, config.train.seed, progress=False)
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    model = api.build_model(config, dataset, spec)
    return config, model, dataset.split("train").images[:8]


def _outputs(model, images) -> np.ndarray:
    return keras.ops.convert_to_numpy(model(images.astype("float32"), training=False))


def test_warmup_caches_the_pooled_base_output_and_reproduces_the_model(lite0):
    config, model, images = lite0
    warmup, _ = plan_phases(config)
    apply_phase_trainability(model, warmup)
    cache = plan_feature_cache(model)
    assert cache is not None and cache.cut == "pool"
    assert cache.feature_shape == (1280,)
    # The cached path computes the model's features and outputs (identical up to float order).
    features = cache.features(images, batch_size=3)
    direct = keras.ops.convert_to_numpy(cache.bottom(images.astype("float32"), training=False))
    np.testing.assert_allclose(features, direct, rtol=0, atol=1e-6)
    np.testing.assert_allclose(_outputs(cache.top, features), _outputs(model, images),
                               rtol=0, atol=1e-5)
    # The top trains exactly the model's trainable weights (the same variables, not copies).
    assert [id(v) for v in cache.top.trainable_variables] == [
        id(v) for v in model.trainable_variables]
    check_feature_cache(model, cache, images)


def test_finetune_cuts_inside_the_base_below_the_unfrozen_layers(lite0):
    config, model, images = lite0
    _, finetune = plan_phases(config)
    unfrozen = apply_phase_trainability(model, finetune)
    cache = plan_feature_cache(model)
    assert cache is not None and cache.cut.startswith("backbone/")
    assert len(cache.feature_shape) == 3  # a feature map, not the pooled vector
    bottom_layers = {layer.name for layer in _all_layers(cache.bottom)}
    top_layers = {layer.name for layer in _all_layers(cache.top)}
    assert set(unfrozen) <= top_layers and not set(unfrozen) & bottom_layers
    np.testing.assert_allclose(_outputs(cache.top, cache.features(images, batch_size=4)),
                               _outputs(model, images), rtol=0, atol=1e-5)
    assert {id(v) for v in cache.top.trainable_variables} == {
        id(v) for v in model.trainable_variables}
    # The bridge: the frozen layers from this cut to the pooled output, for the warm-up.
    bridge = cache.bridge("pool")
    warmup, _ = plan_phases(config)
    apply_phase_trainability(model, warmup)
    try:
        pooled = plan_feature_cache(model)
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(bridge(cache.features(images, batch_size=4))),
            pooled.features(images, batch_size=4), rtol=0, atol=1e-5)
        assert cache.bridge("no_such_layer") is None
    finally:
        apply_phase_trainability(model, finetune)


def test_no_cache_when_the_first_layers_train(lite0):
    config, model, _ = lite0
    warmup, _ = plan_phases(config)
    apply_phase_trainability(model, Phase("full", 1, 0.01, top_layers=None))  # all train
    try:
        assert plan_feature_cache(model) is None  # nothing before the base is worth storing
    finally:
        apply_phase_trainability(model, warmup)


@pytest.mark.parametrize(("augment", "orientations"), [
    ({"flip": "horizontal"}, ((), (2,))),
    ({"flip": "horizontal_and_vertical"}, ((), (2,), (1,), (1, 2))),
    ({"flip": "horizontal", "rotation": 0.1}, None),
    ({"zoom": 0.1}, None),
])
def test_only_random_flips_keep_the_cache(augment: dict, orientations):
    config = validate_config({**LITE0, "augment": augment})
    dataset = api.prepare_dataset(config.data, config.train.seed, progress=False)
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    model = api.build_model(config, dataset, spec)
    apply_phase_trainability(model, plan_phases(config)[0])
    cache = plan_feature_cache(model)
    if orientations is None:
        assert cache is None
        return
    assert cache.orientations == orientations and cache.cut == "pool"
    images = dataset.split("train").images[:4]
    # Each stored orientation is the base's output for the flipped image.
    flipped = keras.ops.convert_to_numpy(cache.bottom(
        np.flip(images, axis=orientations[1]).astype("float32"), training=False))
    np.testing.assert_allclose(cache.features(images, 2, flip=orientations[1]), flipped,
                               atol=1e-6)
    check_feature_cache(model, cache, images)  # the flip is off in inference


def test_variant_batches_pick_each_orientation_per_epoch_reproducibly():
    base = np.arange(200, dtype=np.float32).reshape(100, 2)
    variants = [base, -base]
    batches = VariantBatches(variants, np.zeros(100, dtype=int), 10, shuffle=True, seed=4)
    batches.set_epoch(3)
    epoch3 = np.concatenate([batches[i][0] for i in range(len(batches))])
    picked_flipped = epoch3[:, 1] < 0
    assert 30 < picked_flipped.sum() < 70  # about half, independently per example
    assert sorted(np.abs(epoch3[:, 0])) == sorted(base[:, 0])  # every example once
    batches.set_epoch(4)
    epoch4 = np.concatenate([batches[i][0] for i in range(len(batches))])
    assert not np.array_equal(np.sort(epoch3[:, 1]), np.sort(epoch4[:, 1]))
    again = VariantBatches(variants, np.zeros(100, dtype=int), 10, shuffle=True, seed=4)
    again.set_epoch(3)  # a resumed run draws the same
    np.testing.assert_array_equal(
        np.concatenate([again[i][0] for i in range(len(again))]), epoch3)


def test_check_refuses_a_cut_that_changes_the_outputs(lite0):
    config, model, images = lite0
    warmup, _ = plan_phases(config)
    apply_phase_trainability(model, warmup)
    cache = plan_feature_cache(model)
    shifted = keras.Sequential([cache.bottom, keras.layers.Rescaling(1.0, offset=0.5)])
    with pytest.raises(ModelError, match="cut at 'pool'.*cache_features = false"):
        check_feature_cache(model, FeatureCache(shifted, cache.top, cache.cut), images)


def _all_layers(model) -> list:
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found += _all_layers(layer)
    return found


# -- end to end on a digits run used as a base ---------------------------------------------------


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    return api.train(PRETRAIN, runs_dir=tmp_path_factory.mktemp("pretrain"), verbose=0,
                     report=False)


def _transfer_config(pretrained, cache: bool, **augment) -> dict:
    return {
        "name": f"cache-{cache}",
        "data": {"dataset": "digits", "validation_split": 0.2, "test_split": 0.2,
                 "normalize": "none"},
        "model": {"name": f"run:{pretrained.path}", "dropout": 0.1},
        "train": {"batch_size": 32, "seed": 5},
        "augment": augment,
        "transfer": {"strategy": "warmup-finetune", "warmup_epochs": 2, "finetune_epochs": 2,
                     "warmup_learning_rate": 0.01, "finetune_learning_rate": 0.003,
                     "unfreeze_top_layers": 1, "cache_features": cache},
    }


def test_a_cached_run_trains_the_same_model_as_an_uncached_one(pretrained, tmp_path: Path):
    cached = api.train(_transfer_config(pretrained, True), runs_dir=tmp_path, verbose=0,
                       report=False)
    plain = api.train(_transfer_config(pretrained, False), runs_dir=tmp_path, verbose=0,
                      report=False)
    phases = cached.info["transfer"]["phases"]
    # Fine-tuning trains fc2, so the images go once through the part below it (fc1_act); the
    # warm-up trains on the whole base's output, computed from those features through the
    # still-frozen fc2, and the fine-tune reuses them (one pass over the images).
    assert [phase["cached_features"]["cut"] for phase in phases] == ["backbone",
                                                                     "backbone/fc1_act"]
    assert [phase["cached_features"]["reused"] for phase in phases] == [False, True]
    # Training and validation images (digits: 1,797 less the 20% test part).
    assert phases[0]["cached_features"]["images"] == phases[1]["cached_features"]["images"] > 1000
    assert all("cached_features" not in phase for phase in plain.info["transfer"]["phases"])
    # Same seed, same batches, same layers: the same training, up to float summation order.
    for column in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose([row[column] for row in cached.history],
                                   [row[column] for row in plain.history], rtol=1e-5, atol=1e-6)
    assert cached.metrics["test_accuracy"] == pytest.approx(plain.metrics["test_accuracy"],
                                                            abs=0.01)
    # The saved model is the full model (images in), holding the weights the top learned.
    reloaded = cached.load_model()
    assert tuple(reloaded.inputs[0].shape[1:]) == tuple(plain.load_model().inputs[0].shape[1:])
    # The test images went through the frozen bottom once (the fine-tune's cut) and the top
    # predicted from those features: the probabilities the full model gives on the images.
    test = prepare_dataset(cached.config.data, cached.config.train.seed).split("test")
    assert cached.info["test_features"]["cut"] == "backbone/fc1_act"
    assert cached.info["test_features"]["images"] == len(test) == cached.metrics["test_count"]
    assert "test_features" not in plain.info
    np.testing.assert_allclose(cached.predictions["y_prob"],
                               reloaded.predict(test.images, verbose=0), atol=1e-5)


def test_a_flipped_run_trains_on_both_orientations_and_other_augmentation_on_images(
        pretrained, tmp_path: Path):
    one_phase = {**_transfer_config(pretrained, True)["transfer"], "warmup_epochs": 1,
                 "finetune_epochs": 0}
    flipped = api.train({**_transfer_config(pretrained, True, flip="horizontal"),
                         "transfer": one_phase}, runs_dir=tmp_path, verbose=0, report=False)
    (phase,) = flipped.info["transfer"]["phases"]
    assert phase["cached_features"]["orientations"] == 2
    assert flipped.metrics["test_accuracy"] > 0.5
    rotated = api.train({**_transfer_config(pretrained, True, rotation=0.05),
                         "transfer": one_phase}, runs_dir=tmp_path, verbose=0, report=False)
    assert all("cached_features" not in phase for phase in rotated.info["transfer"]["phases"])
