"""load_image_folder: layouts, exact loaded/skipped counts and reasons, strict, class checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data.folders import load_image_folder, scan_image_folder
from visionlab.errors import ConfigError, DataError

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def load(path, **options):
    options.setdefault("image_size", (12, 12))
    options.setdefault("progress", False)
    options.setdefault("workers", 2)
    return load_image_folder(path, **options)


def test_bad_folder_loads_every_valid_file_and_reports_every_bad_one(
    bad_folder, bad_reasons, folder_counts, cache_dir
):
    dataset = load(bad_folder)
    assert dataset.class_names == ["cats", "dogs"]
    assert set(dataset.splits) == {"train", "test"}
    assert len(dataset.split("train")) == folder_counts["train"] == 17
    assert len(dataset.split("test")) == folder_counts["test"]
    assert dataset.split("train").class_counts(2).tolist() == [12, 5]
    reasons = {Path(bad.path).name: bad.reason for bad in dataset.skipped}
    assert set(reasons) == set(bad_reasons)  # hidden files and notes.txt are not reported
    for name, expected in bad_reasons.items():
        assert expected in reasons[name], (name, reasons[name])
    train = dataset.split("train")
    assert train.images.shape == (17, 12, 12, 3) and train.images.dtype == np.uint8
    assert len(train.paths) == 17 and all(Path(path).is_file() for path in train.paths)
    assert not any(Path(path).name in bad_reasons for path in train.paths)
    assert dataset.info["files_ignored"] == 1  # notes.txt; hidden files are not even counted
    assert len(dataset.checksum) == 64


def test_labels_follow_the_sorted_class_folders(bad_folder, cache_dir):
    dataset = load(bad_folder)
    train = dataset.split("train")
    for path, label in zip(train.paths, train.labels):
        assert Path(path).parent.name == dataset.class_names[label]


def test_strict_lists_every_bad_file(bad_folder, bad_reasons, cache_dir):
    with pytest.raises(DataError) as caught:
        load(bad_folder, strict=True)
    message = str(caught.value)
    assert "7 file(s)" in message and "strict=False" in message
    for name in bad_reasons:
        assert name in message


def test_pixels_survive_decoding(tmp_path, class_folder, cache_dir):
    root = class_folder(tmp_path / "flat", {"a": 5, "b": 5}, size=(12, 12))
    dataset = load(root, test_fraction=0.2)
    train = dataset.split("train")
    for index in (0, len(train) - 1):
        expected = np.asarray(Image.open(train.paths[index]).convert("RGB"))
        assert np.array_equal(train.images[index], expected)


def test_grayscale_and_crop_options(bad_folder, cache_dir):
    dataset = load(bad_folder, image_size=(8, 10), color_mode="grayscale", resize_mode="crop")
    assert dataset.image_shape == (8, 10, 1)


def test_single_root_is_split_stratified_and_stable(tmp_path, class_folder, cache_dir):
    root = class_folder(tmp_path / "flat", {"ant": 40, "bee": 20, "cow": 20})
    first = load(root, validation_fraction=0.25, test_fraction=0.25, seed=3)
    assert list(first.splits) == ["train", "validation", "test"]
    assert first.split("test").class_counts(3).tolist() == [10, 5, 5]
    assert first.split("validation").class_counts(3).tolist() == [10, 5, 5]
    assert first.split("train").class_counts(3).tolist() == [20, 10, 10]
    all_paths = [path for split in first.splits.values() for path in split.paths]
    assert len(set(all_paths)) == 80
    again = load(root, validation_fraction=0.25, test_fraction=0.25, seed=3)
    assert again.split("test").paths == first.split("test").paths
    assert again.checksum == first.checksum
    other = load(root, validation_fraction=0.25, test_fraction=0.25, seed=4)
    assert other.split("test").paths != first.split("test").paths
    assert other.checksum != first.checksum


def test_missing_validation_and_test_folders_are_carved_from_train(tmp_path, class_folder,
                                                                  cache_dir):
    class_folder(tmp_path / "root" / "train", {"a": 20, "b": 20})
    dataset = load(tmp_path / "root", validation_fraction=0.25, test_fraction=0.5)
    assert [len(dataset.split(name)) for name in ("train", "validation", "test")] == [15, 5, 20]
    assert dataset.info["carved_splits"] == {"test": 0.5, "validation": 0.25}


def test_validation_folder_is_used(tmp_path, class_folder, cache_dir):
    for split, count in (("train", 6), ("val", 2), ("test", 3)):
        class_folder(tmp_path / "root" / split, {"a": count, "b": count})
    dataset = load(tmp_path / "root", validation_fraction=0.5)  # ignored: a folder exists
    assert [len(dataset.split(name)) for name in ("train", "validation", "test")] == [12, 4, 6]


def test_class_mismatch_between_splits_names_the_classes(tmp_path, class_folder):
    class_folder(tmp_path / "root" / "train", {"cat": 2, "dog": 2})
    class_folder(tmp_path / "root" / "test", {"cat": 2, "dgo": 2})
    with pytest.raises(DataError) as caught:
        scan_image_folder(tmp_path / "root")
    message = str(caught.value)
    assert "'test' is missing ['dog']" in message and "'test' has extra ['dgo']" in message
    assert "same class folders" in message


def test_single_class_is_an_error(tmp_path, class_folder):
    class_folder(tmp_path / "root", {"only": 3})
    with pytest.raises(DataError, match="at least 2 classes"):
        load(tmp_path / "root", cache_dir=False)


def test_empty_class_folder_warns_and_is_recorded(tmp_path, class_folder, cache_dir):
    class_folder(tmp_path / "root" / "train", {"a": 3, "b": 3})
    class_folder(tmp_path / "root" / "test", {"a": 2, "b": 2})
    (tmp_path / "root" / "train" / "c").mkdir()
    (tmp_path / "root" / "test" / "c").mkdir()
    with pytest.warns(UserWarning, match="no usable images of class\\(es\\) 'c'"):
        dataset = load(tmp_path / "root")
    assert dataset.class_names == ["a", "b", "c"]
    assert dataset.info["empty_folders"] == ["train/c", "test/c"]
    assert dataset.info["empty_classes"] == {"train": ["c"], "test": ["c"]}


def test_folder_problems_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load(tmp_path / "nowhere")
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "x.jpg").write_bytes(b"")
    with pytest.raises(DataError, match="no class folders"):
        load(tmp_path / "flat")
    for name in ("a", "b"):
        (tmp_path / "texts" / name).mkdir(parents=True)
        (tmp_path / "texts" / name / "read.txt").write_text("hello")
    with pytest.raises(DataError, match="no image files"):
        load(tmp_path / "texts")


def test_fraction_checks(tmp_path, class_folder):
    root = class_folder(tmp_path / "flat", {"a": 4, "b": 4})
    with pytest.raises(ConfigError, match="test_fraction > 0"):
        load(root, test_fraction=0.0)
    with pytest.raises(ConfigError, match="must be below 1"):
        load(root, validation_fraction=0.5, test_fraction=0.5)
    with pytest.raises(ConfigError, match="validation_fraction must be in"):
        load(root, validation_fraction=1.5)


def test_in_memory_load_matches_cached_load(bad_folder, cache_dir):
    cached = load(bad_folder)
    in_memory = load(bad_folder, cache_dir=False)
    assert in_memory.info["cache"] is None
    assert not isinstance(in_memory.split("train").images, np.memmap)
    assert in_memory.checksum == cached.checksum
    assert np.array_equal(in_memory.split("train").images, cached.split("train").images)


def test_serial_and_threaded_decoding_agree(bad_folder):
    serial = load(bad_folder, cache_dir=False, workers=1)
    threaded = load(bad_folder, cache_dir=False, workers=3)
    assert serial.checksum == threaded.checksum
    assert [bad.path for bad in serial.skipped] == [bad.path for bad in threaded.skipped]
