"""The format registry: npz, IDX and CIFAR-10 files loaded by path through `load_dataset`."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest

from visionlab._io import sha256_arrays
from visionlab.data import cifar, formats
from visionlab.data.builtin import CIFAR10_NAMES, IDX_NAMES
from visionlab.data.formats import DatasetFormat, register_format, resized_after_loading
from visionlab.data.loading import load_dataset
from visionlab.errors import DataError

DIGITS = [str(digit) for digit in range(10)]


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as an IDX file: magic (0, 0, 0x08, ndim), big-endian dims, data."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    return header + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def small_arrays(train: int = 6, test: int = 4, seed: int = 0) -> tuple[np.ndarray, ...]:
    """(train images, train labels, test images, test labels): uint8 28x28 digits."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (train, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, train, dtype=np.uint8),
            rng.integers(0, 256, (test, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, test, dtype=np.uint8))


def write_npz(path: Path, arrays: tuple[np.ndarray, ...]) -> Path:
    np.savez(path, **dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays)))
    return path


def write_idx_folder(folder: Path, arrays: tuple[np.ndarray, ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(IDX_NAMES, arrays):
        (folder / name).write_bytes(gzip.compress(idx_bytes(array), mtime=0))
    return folder


def cifar_members(class_names: list[str], per_batch: int = 2) -> tuple[dict[str, bytes],
                                                                      np.ndarray, np.ndarray]:
    """Pickled CIFAR batches and meta, plus the expected train images and labels."""
    rng = np.random.default_rng(3)
    members, train_images, train_labels = {}, [], []
    for name in (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH):
        images = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, len(class_names), per_batch)
        rows = images.transpose(0, 3, 1, 2).reshape(per_batch, 3072)
        members[name] = pickle.dumps({b"data": rows, b"labels": [int(x) for x in labels]},
                                     protocol=2)
        if name != cifar.TEST_BATCH:
            train_images.append(images)
            train_labels.append(labels)
    members[cifar.META_FILE] = pickle.dumps(
        {b"label_names": [name.encode() for name in class_names]}, protocol=2)
    return members, np.concatenate(train_images), np.concatenate(train_labels)


def write_cifar_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{cifar.FOLDER_NAME}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_formats_are_asked_specific_first_folder_last():
    assert formats.list_formats() == ["photos", "registered", "npz", "idx", "cifar", "folder"]
    # A built-in photo dataset decodes at size like a folder; array built-ins resize afterwards.
    assert formats.find_format("dogs_vs_cats").name == "photos"
    assert formats.find_format("mnist").name == "registered"
    assert not formats.resized_after_loading("dogs_vs_cats")
    assert formats.resized_after_loading("mnist")


def test_duplicate_format_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        register_format("npz")(type("Again", (DatasetFormat,), {}))


def test_npz_file_loads_with_digit_class_names(tmp_path):
    arrays = small_arrays()
    path = write_npz(tmp_path / "digits.npz", arrays)

    dataset = load_dataset(path)

    train, test = dataset.splits["train"], dataset.splits["test"]
    assert train.images.shape == (6, 28, 28, 1) and test.images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(train.images[..., 0], arrays[0])
    np.testing.assert_array_equal(test.labels, arrays[3])
    assert train.labels.dtype == np.int64
    assert dataset.class_names == DIGITS
    assert dataset.info == {"format": "npz"}
    assert dataset.source == str(path)
    assert dataset.checksum == sha256_arrays(train.images, train.labels, test.images,
                                             test.labels)


def test_npz_is_resized_after_loading(tmp_path):
    path = write_npz(tmp_path / "digits.npz", small_arrays())
    dataset = load_dataset(str(path), image_size=(8, 8), color_mode="rgb")
    assert dataset.image_shape == (8, 8, 3)
    assert resized_after_loading(path) and resized_after_loading(str(path))


def test_npz_labels_above_nine_get_their_own_names(tmp_path):
    train_images, _, test_images, test_labels = small_arrays()
    train_labels = np.array([0, 1, 2, 3, 11, 12], dtype=np.int64)
    path = write_npz(tmp_path / "more.npz", (train_images, train_labels, test_images,
                                            test_labels))
    assert load_dataset(path).class_names == [*DIGITS, "10", "11", "12"]


def test_npz_without_the_keras_arrays_names_the_file(tmp_path):
    path = tmp_path / "images.npz"
    np.savez(path, images=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match=r"images\.npz lacks the arrays x_train"):
        load_dataset(path)


def test_npz_with_mismatched_labels_names_the_file(tmp_path):
    train_images, _, test_images, test_labels = small_arrays()
    path = write_npz(tmp_path / "odd.npz", (train_images, np.zeros(2, np.uint8), test_images,
                                           test_labels))
    with pytest.raises(DataError, match=r"odd\.npz holds 6 train images but labels of shape"):
        load_dataset(path)


@pytest.mark.parametrize("pick", ["folder", "images_file", "labels_file"])
def test_idx_gz_files_load_from_their_folder_or_any_of_them(tmp_path, pick):
    arrays = small_arrays(seed=1)
    folder = write_idx_folder(tmp_path / "idx", arrays)
    spec = {"folder": folder, "images_file": folder / IDX_NAMES[0],
            "labels_file": folder / IDX_NAMES[3]}[pick]

    dataset = load_dataset(spec)

    assert dataset.splits["train"].images.shape == (6, 28, 28, 1)
    np.testing.assert_array_equal(dataset.splits["test"].images[..., 0], arrays[2])
    np.testing.assert_array_equal(dataset.splits["train"].labels, arrays[1])
    assert dataset.class_names == DIGITS
    assert dataset.info == {"format": "idx"}
    assert dataset.source == str(folder)


def test_idx_raw_files_with_kaggle_names(tmp_path):
    arrays = small_arrays(seed=2)
    folder = tmp_path / "kaggle"
    folder.mkdir()
    for name, array in zip(IDX_NAMES, arrays):
        (folder / name.removesuffix(".gz").replace("-idx", ".idx")).write_bytes(idx_bytes(array))
    dataset = load_dataset(folder, image_size=(14, 14))
    assert dataset.splits["train"].images.shape == (6, 14, 14, 1)


def test_idx_folder_missing_a_file_lists_it(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", small_arrays())
    (folder / IDX_NAMES[3]).unlink()
    with pytest.raises(DataError, match=r"lacks t10k-labels-idx1-ubyte \(\.gz or raw\)"):
        load_dataset(folder)


def test_truncated_idx_file_names_the_file(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", small_arrays())
    data = gzip.decompress((folder / IDX_NAMES[0]).read_bytes())
    (folder / IDX_NAMES[0]).write_bytes(gzip.compress(data[:-100]))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz is truncated"):
        load_dataset(folder)


@pytest.mark.parametrize("pick", ["folder", "parent"])
def test_cifar_pickle_folder_uses_the_meta_class_names(tmp_path, pick):
    names = [f"class{index}" for index in range(10)]
    members, train_images, train_labels = cifar_members(names)
    folder = tmp_path / "download" / cifar.FOLDER_NAME
    folder.mkdir(parents=True)
    for name, data in members.items():
        (folder / name).write_bytes(data)

    dataset = load_dataset(folder if pick == "folder" else folder.parent)

    assert dataset.class_names == names
    assert dataset.splits["train"].images.shape == (10, 32, 32, 3)
    assert dataset.splits["test"].images.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(dataset.splits["train"].images, train_images)
    np.testing.assert_array_equal(dataset.splits["train"].labels, train_labels)
    assert dataset.info == {"format": "cifar-folder"}
    assert dataset.source == str(folder)


def test_cifar_folder_without_meta_uses_cifar10_names(tmp_path):
    members, _, _ = cifar_members(list(CIFAR10_NAMES))
    folder = tmp_path / "batches"
    folder.mkdir()
    for name, data in members.items():
        if name != cifar.META_FILE:
            (folder / name).write_bytes(data)
    assert load_dataset(folder).class_names == list(CIFAR10_NAMES)


def test_cifar_archive_loads_like_the_folder(tmp_path):
    members, train_images, _ = cifar_members(list(CIFAR10_NAMES))
    archive = write_cifar_archive(tmp_path / cifar.ARCHIVE_NAME, members)
    folder = tmp_path / cifar.FOLDER_NAME
    folder.mkdir()
    for name, data in members.items():
        (folder / name).write_bytes(data)

    from_archive = load_dataset(archive, image_size=(16, 16), color_mode="grayscale")
    from_folder = load_dataset(folder, image_size=(16, 16), color_mode="grayscale")

    assert from_archive.info["format"] == "cifar-archive"
    assert from_archive.image_shape == (16, 16, 1)
    assert from_archive.class_names == list(CIFAR10_NAMES)
    assert from_archive.checksum == from_folder.checksum


def test_cifar_labels_beyond_the_meta_names_are_refused(tmp_path):
    members, _, _ = cifar_members(list(CIFAR10_NAMES))
    members[cifar.META_FILE] = pickle.dumps({b"label_names": [b"cat", b"dog"]}, protocol=2)
    archive = write_cifar_archive(tmp_path / "two.tar.gz", members)
    with pytest.raises(DataError, match=r"labels in .*two\.tar\.gz range over .*labels must be "
                                        r"0\.\.1, one per class name \(cat, dog\)"):
        load_dataset(archive)


@pytest.mark.parametrize("name", ["broken.npz", "train-images-idx3-ubyte.gz",
                                  "cifar-10-python.tar.gz"])
def test_a_bad_file_gives_a_data_error_naming_it(tmp_path, name):
    folder = tmp_path / "bad"
    if name.startswith("train-images"):
        write_idx_folder(folder, small_arrays())
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(b"\x1f\x8b this is not what the name says" * 4)
    with pytest.raises(DataError, match=str(path).replace(".", r"\.")):
        load_dataset(path)


def test_data_path_does_not_apply_to_a_file_format(tmp_path):
    path = write_npz(tmp_path / "digits.npz", small_arrays())
    with pytest.raises(DataError, match=r"--data-path .* only applies to built-in datasets; "
                                        r".*digits\.npz' is an \.npz file already"):
        load_dataset(path, data_path=tmp_path)


def test_resize_rule_arrays_after_folders_at_size(tmp_path):
    (tmp_path / "pets" / "cat").mkdir(parents=True)
    assert resized_after_loading("mnist") and resized_after_loading("Fashion-MNIST")
    assert not resized_after_loading(tmp_path / "pets")
    assert not resized_after_loading(tmp_path / "missing")
    assert formats.find_format(tmp_path / "missing") is None
