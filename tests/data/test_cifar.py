"""CIFAR-10 python-batch reader: pickles (protocol 2, bytes keys) in a folder and in a tar.gz."""

from __future__ import annotations

import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from visionlab.data import cifar
from visionlab.errors import DataError

CLASS_NAMES = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse",
               b"ship", b"truck"]


def batch_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """Pickle images (N, 32, 32, 3) as CIFAR does: rows of 3072 = red, green, blue planes."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
    batch = {b"batch_label": b"testing batch", b"labels": [int(label) for label in labels],
             b"data": rows, b"filenames": [b"x.png"] * len(images)}
    return pickle.dumps(batch, protocol=2)


def meta_bytes() -> bytes:
    return pickle.dumps({b"label_names": CLASS_NAMES, b"num_cases_per_batch": 4, b"num_vis": 3072},
                        protocol=2)


def make_batches(per_batch: int = 4, seed: int = 0) -> tuple[dict[str, bytes], np.ndarray,
                                                               np.ndarray]:
    """Return member name -> bytes for all CIFAR files, plus the expected images and labels."""
    rng = np.random.default_rng(seed)
    members, all_images, all_labels = {}, [], []
    for name in (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH):
        images = rng.integers(0, 256, size=(per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, size=per_batch)
        members[name] = batch_bytes(images, labels)
        all_images.append(images)
        all_labels.append(labels)
    members[cifar.META_FILE] = meta_bytes()
    return members, np.concatenate(all_images), np.concatenate(all_labels)


def write_folder(root, members) -> os.PathLike:
    folder = root / cifar.FOLDER_NAME
    folder.mkdir(parents=True)
    for name, data in members.items():
        (folder / name).write_bytes(data)
    return folder


def write_archive(path, members) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{cifar.FOLDER_NAME}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_decode_batch_transposes_planes_to_channels_last():
    images = np.zeros((2, 32, 32, 3), dtype=np.uint8)
    images[0, 1, 2] = (10, 20, 30)  # one pixel: red 10, green 20, blue 30
    images[1, :, :, 2] = 255        # second image: all blue
    decoded, labels = cifar.decode_batch(batch_bytes(images, np.array([3, 9])), "batch")
    assert decoded.shape == (2, 32, 32, 3)
    assert tuple(decoded[0, 1, 2]) == (10, 20, 30)
    assert decoded[1, :, :, 2].min() == 255 and decoded[1, :, :, :2].max() == 0
    assert labels.dtype == np.int64 and labels.tolist() == [3, 9]


def test_folder_and_archive_give_the_same_arrays(tmp_path):
    members, images, labels = make_batches()
    folder = write_folder(tmp_path / "extracted", members)
    archive = tmp_path / cifar.ARCHIVE_NAME
    write_archive(archive, members)

    names = (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH, cifar.META_FILE)
    from_folder = cifar.decode_cifar10(cifar.read_folder_members(folder, names), folder)
    with open(archive, "rb") as handle:
        from_archive = cifar.decode_cifar10(
            cifar.read_archive_members(handle, names, archive), archive)

    train_images, train_labels, test_images, test_labels = from_folder
    assert train_images.shape == (20, 32, 32, 3) and test_images.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(train_images, images[:20])
    np.testing.assert_array_equal(test_images, images[20:])
    np.testing.assert_array_equal(train_labels, labels[:20])
    np.testing.assert_array_equal(test_labels, labels[20:])
    for folder_array, archive_array in zip(from_folder, from_archive):
        np.testing.assert_array_equal(folder_array, archive_array)
    assert not (tmp_path / cifar.FOLDER_NAME).exists(), "the archive must not be extracted"


def test_meta_gives_class_names():
    assert cifar.decode_meta(meta_bytes(), "meta")[:2] == ["airplane", "automobile"]


def test_pickle_with_foreign_globals_is_refused(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    with pytest.raises(DataError, match=r"evil_batch is not a readable CIFAR python batch"):
        cifar.decode_batch(pickle.dumps({b"data": Exploit()}, protocol=2), "evil_batch")
    assert not marker.exists()


def test_wrong_row_length_is_reported():
    data = pickle.dumps({b"data": np.zeros((2, 784), dtype=np.uint8), b"labels": [0, 1]},
                        protocol=2)
    with pytest.raises(DataError, match=r"shape \(2, 784\).*3072"):
        cifar.decode_batch(data, "mnist_like")


def test_cifar100_style_batch_is_reported():
    data = pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"fine_labels": [0]}, protocol=2)
    with pytest.raises(DataError, match="fine_labels"):
        cifar.decode_batch(data, "train")


def test_archive_missing_members_and_truncation(tmp_path):
    members, _, _ = make_batches(per_batch=1)
    del members["data_batch_3"]
    archive = tmp_path / "partial.tar.gz"
    write_archive(archive, members)
    with open(archive, "rb") as handle, pytest.raises(DataError, match="lacks data_batch_3"):
        cifar.read_archive_members(handle, (*cifar.TRAIN_BATCHES,), archive)

    cut = archive.read_bytes()[:200]
    with pytest.raises(DataError, match="not a readable tar.gz archive"):
        cifar.read_archive_members(io.BytesIO(cut), (*cifar.TRAIN_BATCHES,), "cut.tar.gz")


def test_folder_missing_files_lists_them(tmp_path):
    folder = write_folder(tmp_path, {"data_batch_1": b""})
    with pytest.raises(DataError, match="lacks data_batch_2, data_batch_3"):
        cifar.read_folder_members(folder, cifar.TRAIN_BATCHES)
