"""The dataset contract: a `Split` checks its arrays, a missing split is named with the ones
present, and both errors read in the user's language while staying ValueError / KeyError."""

from __future__ import annotations

import numpy as np
import pytest

from visionlab import i18n
from visionlab.data.dataset import ImageDataset, MissingSplitError, Split, SplitShapeError
from visionlab.errors import DataError


def _dataset() -> ImageDataset:
    images = np.zeros((4, 2, 2, 1), dtype=np.uint8)
    return ImageDataset("tiny", ["a", "b"], {"train": Split(images, np.array([0, 1, 0, 1])),
                                             "validation": Split(images, np.array([1, 0, 1, 0]))},
                        "memory", "0" * 64)


def test_split_without_a_channel_axis_names_the_shape_in_both_languages():
    with pytest.raises(ValueError) as raised:  # callers that catch ValueError still do
        Split(np.zeros((3, 4, 4), dtype=np.uint8), np.zeros(3, dtype=np.int64))
    error = raised.value
    assert isinstance(error, SplitShapeError) and isinstance(error, DataError)
    english = error.text("en")
    assert "got shape (3, 4, 4)" in english and "np.newaxis" in english
    vietnamese = error.text("vi")
    assert vietnamese.startswith("Ảnh của một tập (Split) phải có shape")
    assert "nhận được shape (3, 4, 4)" in vietnamese and "ảnh xám" in vietnamese
    assert "must have shape" not in vietnamese and "got shape" not in vietnamese


def test_split_with_more_labels_than_images_counts_both():
    with pytest.raises(SplitShapeError) as raised:
        Split(np.zeros((3, 4, 4, 1), dtype=np.uint8), np.zeros(5, dtype=np.int64))
    assert "3 images but 5 labels" in raised.value.text("en")
    vietnamese = raised.value.text("vi")
    assert "có 3 ảnh nhưng 5 nhãn" in vietnamese and "labels" not in vietnamese


def test_missing_split_lists_the_splits_present_and_the_fix(monkeypatch):
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    for name in i18n.LOCALE_ENVS:
        monkeypatch.delenv(name, raising=False)
    dataset = _dataset()
    with pytest.raises(KeyError) as raised:  # `except KeyError` callers still catch it
        dataset.split("test")
    error = raised.value
    assert isinstance(error, MissingSplitError) and isinstance(error, DataError)
    # A plain sentence, not KeyError's quoted repr.
    assert str(error) == error.text("en") == (
        "Dataset 'tiny' has no 'test' split; it has: train, validation. Use one of those, or "
        "load the data with a 'test' split (an image folder's test/ folder, or "
        "data.test_fraction / data.validation_fraction above 0).")
    vietnamese = error.text("vi")
    assert vietnamese.startswith("Bộ dữ liệu 'tiny' không có tập 'test'; các tập hiện có: "
                                 "train, validation.")
    assert "has no" not in vietnamese and "Use one of those" not in vietnamese
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "vi")
    assert str(error) == vietnamese
    assert dataset.split("train") is dataset.splits["train"]
