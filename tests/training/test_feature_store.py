"""The on-disk feature store: reuse across runs, keys that change with what the features depend
on, and stale or damaged files recomputed instead of trusted (issue 16)."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits

from visionlab import api
from visionlab.training import feature_store
from visionlab.training.feature_cache import FeatureCache
from visionlab.training.feature_store import features_key, stored_features

pytestmark = pytest.mark.xdist_group("training")


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    """Real 8x8 digits as uint8 RGB images."""
    pixels = (load_digits().images[:40] * 255 / 16).astype(np.uint8)
    return np.repeat(pixels[..., None], 3, axis=-1)


def _cache(seed: int = 0) -> FeatureCache:
    keras.utils.set_random_seed(seed)
    pixels = keras.Input((8, 8, 3))
    features = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(4, 3)(pixels))
    bottom = keras.Model(pixels, features)
    top_input = keras.Input((4,))
    top = keras.Model(top_input, keras.layers.Dense(2)(top_input))
    return FeatureCache(bottom, top, cut="global_average_pooling2d")


def test_a_second_call_reads_the_stored_features(images, tmp_path: Path):
    cache = _cache()
    done: list[int] = []
    first = stored_features(cache, images, 16, done.append, store_dir=tmp_path)
    assert not isinstance(first, np.memmap) and sum(done) == len(images)
    assert len(list(tmp_path.glob("*.npy"))) == 1
    second = stored_features(cache, images, 16, done.append, store_dir=tmp_path)
    assert isinstance(second, np.memmap) and sum(done) == 2 * len(images)
    np.testing.assert_array_equal(second, first)
    flipped = stored_features(cache, images, 16, flip=(2,), store_dir=tmp_path)
    np.testing.assert_allclose(flipped, cache.features(images, 16, flip=(2,)), atol=1e-6)
    assert len(list(tmp_path.glob("*.npy"))) == 2


def test_the_key_follows_weights_images_and_flip(images):
    cache = _cache()
    key = features_key(cache, images)
    assert features_key(cache, images.copy()) == key
    assert features_key(cache, images[:-1]) != key
    changed = images.copy()
    changed[0, 0, 0, 0] ^= 1
    assert features_key(cache, changed) != key
    assert features_key(cache, images, flip=(2,)) != key
    other = _cache(seed=1)
    assert features_key(other, images) != key  # other weights
    kernel = cache.bottom.layers[1].kernel
    kernel.assign(kernel + 0.0)
    assert features_key(cache, images) == key  # same values
    kernel.assign(kernel * 2)
    assert features_key(cache, images) != key


def test_a_damaged_file_is_recomputed_not_trusted(images, tmp_path: Path):
    cache = _cache()
    expected = stored_features(cache, images, 16, store_dir=tmp_path)
    (path,) = tmp_path.glob("*.npy")
    np.save(path, np.zeros_like(expected))  # right shape, wrong values
    again = stored_features(cache, images, 16, store_dir=tmp_path)
    np.testing.assert_allclose(again, expected, atol=1e-6)
    path.write_bytes(b"not a numpy file")
    np.testing.assert_allclose(stored_features(cache, images, 16, store_dir=tmp_path), expected,
                               atol=1e-6)
    np.testing.assert_allclose(np.load(path), expected, atol=1e-6)  # rewritten


def test_the_store_is_trimmed_oldest_first(images, tmp_path: Path, monkeypatch):
    cache = _cache()
    monkeypatch.setattr(feature_store, "MAX_STORE_BYTES", 1)
    stored_features(cache, images[:20], 16, store_dir=tmp_path)
    stored_features(cache, images[20:], 16, store_dir=tmp_path)
    assert len(list(tmp_path.glob("*.npy"))) == 1  # only the newest stays


PRETRAIN = {
    "name": "digits-pretrain",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32, 16]},
    "train": {"epochs": 1, "batch_size": 64, "seed": 1},
}


def test_a_second_run_on_the_same_base_and_images_reuses_the_features(tmp_path: Path):
    base = api.train(PRETRAIN, runs_dir=tmp_path, verbose=0, report=False)
    config = {
        "data": {"dataset": "digits", "validation_split": 0.2, "normalize": "none"},
        "model": {"name": f"run:{base.path}", "head_units": [8]},
        "train": {"batch_size": 32, "seed": 2},
        "transfer": {"strategy": "head-only", "warmup_epochs": 2},
    }
    first = api.train(config, runs_dir=tmp_path, verbose=0, report=False)
    # Another head and learning rate on the same frozen base and the same split (same seed).
    other = {**config, "model": {**config["model"], "head_units": [16]},
             "transfer": {**config["transfer"], "warmup_learning_rate": 0.003}}
    second = api.train(other, runs_dir=tmp_path, verbose=0, report=False)
    unstored = api.train({**other, "transfer": {**other["transfer"], "store_features": False}},
                         runs_dir=tmp_path, verbose=0, report=False)
    (first_phase,) = first.info["transfer"]["phases"]
    (second_phase,) = second.info["transfer"]["phases"]
    assert first_phase["cached_features"]["from_store"] is False
    assert second_phase["cached_features"]["from_store"] is True
    assert "from_store" in unstored.info["transfer"]["phases"][0]["cached_features"]
    # The test images' features too: computed by the first run, read by the second.
    assert first.info["test_features"]["from_store"] is False
    assert second.info["test_features"]["from_store"] is True
    assert unstored.info["test_features"]["from_store"] is False
    assert second.metrics["test_accuracy"] == unstored.metrics["test_accuracy"]
    # Trained on the stored features, the run is the one computed afresh.
    for column in ("loss", "val_loss"):
        np.testing.assert_allclose([row[column] for row in second.history],
                                   [row[column] for row in unstored.history], rtol=1e-5)
