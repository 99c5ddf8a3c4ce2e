"""ArrayBatches: shapes, dtypes, one-hot labels, seeded per-epoch shuffling, memmap input."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from visionlab.data.pipeline import ArrayBatches
from visionlab.errors import ConfigError, DataError

IMAGES = (np.arange(10, dtype=np.uint8)[:, None, None, None] * np.ones((1, 4, 5, 3), np.uint8))
LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])


def epoch_ids(batches: ArrayBatches) -> list[list[int]]:
    """Image ids (pixel value == index) of every batch of one epoch, then end the epoch."""
    ids = [batches[index][0][:, 0, 0, 0].astype(int).tolist() for index in range(len(batches))]
    batches.on_epoch_end()
    return ids


def test_shapes_dtypes_and_raw_pixel_values():
    batches = ArrayBatches(IMAGES, LABELS, 4)
    assert len(batches) == 3
    images, labels = batches[0]
    assert images.shape == (4, 4, 5, 3) and images.dtype == IMAGES.dtype == np.uint8
    assert type(images) is np.ndarray
    assert labels.dtype == np.int32 and labels.tolist() == [0, 1, 2, 0]
    assert images[3].max() == 3  # raw 0..255 values, no scaling
    last_images, last_labels = batches[2]
    assert last_images.shape[0] == 2 and last_labels.tolist() == [2, 0]
    with pytest.raises(IndexError):
        batches[3]


def test_one_hot_labels():
    _, labels = ArrayBatches(IMAGES, LABELS, 5, num_classes=3, one_hot=True)[0]
    assert labels.dtype == np.float32 and labels.shape == (5, 3)
    assert labels.argmax(axis=1).tolist() == LABELS[:5].tolist()
    assert labels.sum(axis=1).tolist() == [1.0] * 5


def test_shuffle_is_deterministic_per_seed_and_changes_each_epoch():
    first = ArrayBatches(IMAGES, LABELS, 3, shuffle=True, seed=5)
    again = ArrayBatches(IMAGES, LABELS, 3, shuffle=True, seed=5)
    other = ArrayBatches(IMAGES, LABELS, 3, shuffle=True, seed=6)
    epochs = [epoch_ids(first) for _ in range(3)]
    assert epochs == [epoch_ids(again) for _ in range(3)]
    assert epochs[0] != epochs[1]
    assert epochs[0] != epoch_ids(other)
    for epoch in epochs:
        assert sorted(index for batch in epoch for index in batch) == list(range(10))
        assert all(batch == sorted(batch) for batch in epoch)  # gathered in sorted order
    images, labels = first[0]
    assert labels.tolist() == LABELS[images[:, 0, 0, 0].astype(int)].tolist()


def test_without_shuffle_the_order_is_fixed():
    batches = ArrayBatches(IMAGES, LABELS, 4)
    assert epoch_ids(batches) == epoch_ids(batches) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_memmap_input(tmp_path):
    path = tmp_path / "images.npy"
    np.save(path, IMAGES)
    images, _ = ArrayBatches(np.load(path, mmap_mode="r"), LABELS, 4, shuffle=True)[1]
    assert type(images) is np.ndarray and images.shape == (4, 4, 5, 3)


def test_bad_arguments():
    with pytest.raises(ConfigError, match="batch_size"):
        ArrayBatches(IMAGES, LABELS, 0)
    with pytest.raises(ConfigError, match="num_classes"):
        ArrayBatches(IMAGES, LABELS, 2, one_hot=True)
    with pytest.raises(DataError, match="labels must be in 0..1"):
        ArrayBatches(IMAGES, LABELS, 2, num_classes=2, one_hot=True)
    with pytest.raises(DataError, match="10 images but 3 labels"):
        ArrayBatches(IMAGES, LABELS[:3], 2)


def test_keras_fit_consumes_the_batches():
    model = keras.Sequential([keras.Input((4, 5, 3)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = model.fit(ArrayBatches(IMAGES, LABELS, 4, shuffle=True, num_classes=3, one_hot=True),
                        epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def test_uint8_batches_train_exactly_like_float32_arrays():
    generator = np.random.default_rng(0)
    images = generator.integers(0, 256, (64, 6, 6, 1), dtype=np.uint8)
    labels = generator.integers(0, 3, 64)

    def train(data, targets=None):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        history = model.fit(data, targets, batch_size=None if targets is None else 16, epochs=2,
                            shuffle=False, verbose=0)
        return history.history["loss"], model.get_weights()

    ours_loss, ours_weights = train(ArrayBatches(images, labels, 16))
    plain_loss, plain_weights = train(images.astype(np.float32), labels)
    assert ours_loss == pytest.approx(plain_loss, rel=1e-6)
    for ours, plain in zip(ours_weights, plain_weights, strict=True):
        np.testing.assert_allclose(ours, plain, rtol=1e-6)
