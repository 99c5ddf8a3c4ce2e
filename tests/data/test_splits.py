"""stratified_split and split_validation: class proportions, coverage, stability per seed."""

from __future__ import annotations

import numpy as np
import pytest

from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.splits import split_validation, stratified_split
from visionlab.errors import ConfigError, DataError

LABELS = np.repeat([0, 1, 2], [60, 30, 10])


def test_stratified_split_keeps_class_proportions_and_covers_everything():
    keep, held_out = stratified_split(LABELS, 0.2, seed=0)
    assert np.bincount(LABELS[held_out]).tolist() == [12, 6, 2]
    assert np.bincount(LABELS[keep]).tolist() == [48, 24, 8]
    assert np.array_equal(np.sort(np.concatenate([keep, held_out])), np.arange(100))
    assert (np.diff(keep) > 0).all() and (np.diff(held_out) > 0).all()
    assert keep.dtype == np.int64


def test_stratified_split_is_stable_for_a_seed():
    first = stratified_split(LABELS, 0.3, seed=7)
    again = stratified_split(LABELS, 0.3, seed=7)
    other = stratified_split(LABELS, 0.3, seed=8)
    assert np.array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])


def test_singleton_classes_stay_on_the_kept_side():
    labels = np.array([0] * 10 + [1] * 10 + [2])
    keep, held_out = stratified_split(labels, 0.2, seed=0)
    assert 20 in keep and 20 not in held_out
    assert np.bincount(labels[held_out], minlength=3).tolist() == [2, 2, 0]


def test_zero_fraction_and_bad_fractions():
    keep, held_out = stratified_split(LABELS, 0.0, seed=0)
    assert keep.size == 100 and held_out.size == 0
    with pytest.raises(ConfigError, match=r"\[0, 1\)"):
        stratified_split(LABELS, 1.0, seed=0)
    with pytest.raises(DataError, match="Cannot hold out"):
        stratified_split(np.array([0, 0, 1, 1, 2, 2]), 0.2, seed=0)  # 1 image for 3 classes


def make_dataset(with_validation: bool = False) -> ImageDataset:
    labels = np.repeat([0, 1], [40, 20])
    images = np.arange(60, dtype=np.uint8).reshape(60, 1, 1, 1) * np.ones((1, 2, 2, 3), np.uint8)
    splits = {"train": Split(images, labels, [f"{index}.png" for index in range(60)]),
              "test": Split(images[:6], labels[:6])}
    if with_validation:
        splits["validation"] = Split(images[:4], labels[:4])
    return ImageDataset("toy", ["a", "b"], splits, source="memory", checksum="abc")


def test_split_validation_carves_from_train():
    dataset = split_validation(make_dataset(), 0.25, seed=1)
    train, validation = dataset.split("train"), dataset.split("validation")
    assert validation.class_counts(2).tolist() == [10, 5]
    assert train.class_counts(2).tolist() == [30, 15]
    # images and paths follow their labels: image value == original index
    assert [int(image[0, 0, 0]) for image in validation.images] == [
        int(path.split(".")[0]) for path in validation.paths]
    assert set(train.paths).isdisjoint(validation.paths)
    assert len(dataset.split("test")) == 6
    assert dataset.checksum != "abc"
    assert dataset.info["validation_split"] == {"fraction": 0.25, "seed": 1, "from": "train"}
    again = split_validation(make_dataset(), 0.25, seed=1)
    assert again.split("validation").paths == validation.paths
    assert again.checksum == dataset.checksum


def test_existing_validation_is_returned_unchanged():
    dataset = make_dataset(with_validation=True)
    assert split_validation(dataset, 0.25, seed=1) is dataset
    plain = make_dataset()
    assert split_validation(plain, 0.0) is plain
