"""conform: resize and colour-convert array datasets (Fashion-MNIST style -> RGB backbone)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.transforms import conform, rgb_to_luma
from visionlab.errors import ConfigError, DataError


def make_dataset(shape=(28, 28, 1), count=5) -> ImageDataset:
    images = np.random.default_rng(0).integers(0, 256, (count, *shape), dtype=np.uint8)
    labels = np.arange(count) % 2
    return ImageDataset("toy", ["a", "b"], {"train": Split(images, labels),
                                           "test": Split(images[:2], labels[:2])},
                        source="memory", checksum="c0ffee")


def test_grayscale_to_rgb_and_larger():
    dataset = make_dataset()
    result = conform(dataset, image_size=(96, 96), color_mode="rgb")
    train = result.split("train")
    assert result.image_shape == (96, 96, 3) and train.images.dtype == np.uint8
    assert np.array_equal(train.images[..., 0], train.images[..., 2])  # channel repeated
    expected = np.asarray(Image.fromarray(dataset.split("train").images[3, ..., 0])
                          .resize((96, 96), Image.BILINEAR))
    assert np.array_equal(train.images[3, ..., 1], expected)
    assert np.array_equal(train.labels, dataset.split("train").labels)
    assert len(result.split("test")) == 2
    assert result.checksum != dataset.checksum
    assert result.info["conformed"]["to"] == [96, 96, 3]


def test_rgb_to_grayscale_matches_pillow_luma():
    dataset = make_dataset((8, 9, 3))
    result = conform(dataset, color_mode="grayscale")
    assert result.image_shape == (8, 9, 1)
    for image, gray in zip(dataset.split("train").images, result.split("train").images):
        assert np.array_equal(gray[..., 0], np.asarray(Image.fromarray(image).convert("L")))
    assert rgb_to_luma(np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)).ravel(
    ).tolist() == [76, 150, 29]


def test_crop_and_pad_resize_modes():
    dataset = make_dataset((10, 20, 3), count=2)
    assert conform(dataset, (6, 6), resize_mode="crop").image_shape == (6, 6, 3)
    padded = conform(dataset, (20, 20), resize_mode="pad").split("train").images
    assert padded[:, :5].max() == 0 and padded[:, -5:].max() == 0  # black bars top/bottom


def test_nothing_to_change_returns_the_same_dataset():
    dataset = make_dataset()
    assert conform(dataset) is dataset
    assert conform(dataset, image_size=(28, 28), color_mode="grayscale") is dataset


def test_bad_arguments():
    with pytest.raises(ConfigError, match="color_mode"):
        conform(make_dataset(), color_mode="cmyk")
    with pytest.raises(DataError, match="4-channel"):
        conform(make_dataset((4, 4, 4)), image_size=(8, 8))
