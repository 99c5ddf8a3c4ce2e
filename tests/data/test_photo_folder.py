"""The built-in photo dataset `dogs_vs_cats`: the shipped SHA-256 list, `fetch` from a download
(a zip served from a file:// URL), from a local folder or archive (`--from`), atomic installs,
tampered and path-traversal archives, and loading with a seeded stratified split."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
import tomllib
from PIL import Image

from needs import needs
from visionlab import api
from visionlab.config import DataConfig
from visionlab.data.loading import load_dataset
from visionlab.data.locate import fetch
from visionlab.data.photo_folder import read_checksum_list
from visionlab.data.prepare import prepare_dataset
from visionlab.data.registry import get_dataset_entry, list_datasets
from visionlab.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "datasets" / "dogs-vs-cats"
TOP = "Dog-Cat-Classifier-9e4f1e1"  # the archive's top folder
ENTRY = get_dataset_entry("dogs_vs_cats")


def jpeg(seed: int, size: tuple[int, int] = (12, 16)) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def write_archive(path: Path, photos: dict[str, bytes],
                  extra: dict[str, bytes] | None = None) -> Path:
    """A zip laid out like GitHub's archive of the source repository, with unlisted members;
    `extra` adds or replaces members by their full name."""
    members = {f"{TOP}/README.md": b"# Dog-Cat-Classifier\n",
               f"{TOP}/Data/Train_Data/cat/cat.999.jpg": jpeg(999),  # not on the list
               f"{TOP}/Data/Test_Data/dog.1.jpg": jpeg(998),
               **{f"{TOP}/Data/Train_Data/{name}": data for name, data in photos.items()},
               **(extra or {})}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def photos(tmp_path, monkeypatch) -> dict[str, bytes]:
    """Eight tiny JPEGs per class, which the dogs_vs_cats list is patched to name."""
    files = {f"{label}/{label}.{index}.jpg": jpeg(100 * offset + index)
             for offset, label in enumerate(("cat", "dog")) for index in range(8)}
    monkeypatch.setattr(ENTRY, "file_checksums",
                        {name: hashlib.sha256(data).hexdigest() for name, data in files.items()})
    monkeypatch.setenv("VISIONLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))
    return files


@pytest.fixture
def served(photos, tmp_path, monkeypatch):
    """Serve an archive written by the test at the dataset's URL (file://, no network)."""

    def serve(extra: dict[str, bytes] | None = None) -> Path:
        archive = write_archive(tmp_path / "server" / "archive.zip", photos, extra)
        monkeypatch.setattr(ENTRY, "archive_url", archive.as_uri())
        return archive

    (tmp_path / "server").mkdir()
    return serve


def test_registered_with_the_shipped_list():
    assert "dogs_vs_cats" in list_datasets()
    assert ENTRY.class_names == ("cat", "dog")
    listed = ENTRY.file_checksums
    assert len(listed) == 1299
    assert sum(name.startswith("cat/") for name in listed) == 650
    assert all(re.fullmatch(r"(cat|dog)/\1\.\d+\.jpg", name) for name in listed)
    assert ENTRY.archive_url.startswith("https://github.com/ardamavi/Dog-Cat-Classifier/archive/")


def test_package_data_ships_the_checksum_list():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "tool"]["setuptools"]["package-data"]["visionlab"]
    assert any(fnmatch("data/checksums/dogs_vs_cats.sha256", pattern) for pattern in patterns)


def test_shipped_list_is_the_shared_copys_sha256sums():
    needs(SHARED.is_dir(), f"the dog/cat photos in {SHARED}", "CI and make test have them")
    shared = read_checksum_list((SHARED / "SHA256SUMS").read_text(), "SHA256SUMS")
    assert shared == ENTRY.file_checksums


@pytest.mark.parametrize("line", [
    f"{'a' * 64}  ../cat/cat.0.jpg",
    f"{'a' * 64}  /etc/passwd",
    f"{'a' * 63}  cat/cat.0.jpg",
    f"{'g' * 64}  cat/cat.0.jpg",
])
def test_checksum_list_refuses_malformed_lines(line):
    with pytest.raises(DataError, match="Line 2 of the list"):
        read_checksum_list(f"{'b' * 64}  cat/cat.1.jpg\n{line}\n", "the list")


def test_fetch_downloads_the_archive_and_installs_only_the_listed_photos(photos, served,
                                                                         tmp_path):
    archive = served()
    location = fetch("dogs_vs_cats", quiet=True)
    target = tmp_path / "data" / "dogs_vs_cats"
    assert location.path == target
    assert location.note.render("en") == f"downloaded from {archive.as_uri()}"
    assert tree(target) == photos  # no README, no unlisted or test photo
    assert [path.name for path in (tmp_path / "data").iterdir()] == ["dogs_vs_cats"]
    assert fetch("dogs_vs_cats", quiet=True).note.render("en") == "already present"


def test_tampered_photo_is_named_and_nothing_is_installed(photos, served, tmp_path):
    tampered = bytearray(photos["cat/cat.2.jpg"])
    tampered[-10] ^= 0xFF
    served({f"{TOP}/Data/Train_Data/cat/cat.2.jpg": bytes(tampered)})
    with pytest.raises(DataError, match=r"1 photo\(s\) in the archive .* do not match .*: "
                                        r"cat/cat\.2\.jpg\. Nothing was installed"):
        fetch("dogs_vs_cats", quiet=True)
    assert list((tmp_path / "data").iterdir()) == []


@pytest.mark.parametrize("member", ["../evil.jpg", "/tmp/evil.jpg",
                                    f"{TOP}/Data/Train_Data/cat/../../../../evil.jpg"])
def test_archive_with_a_path_traversal_member_is_refused(member, photos, served, tmp_path):
    served({member: b"evil"})
    with pytest.raises(DataError, match="point outside its folder .*evil.jpg.* nothing was "
                                        "installed"):
        fetch("dogs_vs_cats", quiet=True)
    assert list((tmp_path / "data").iterdir()) == []
    assert not list(tmp_path.parent.rglob("evil.jpg")) and not Path("/tmp/evil.jpg").exists()


def test_archive_missing_a_listed_photo_is_refused(photos, served, tmp_path, monkeypatch):
    served()
    monkeypatch.setattr(ENTRY, "file_checksums",
                        {**ENTRY.file_checksums, "dog/dog.77.jpg": "0" * 64})
    with pytest.raises(DataError, match=r"lacks 1 of the dogs_vs_cats photos: dog/dog\.77\.jpg"):
        fetch("dogs_vs_cats", quiet=True)
    assert list((tmp_path / "data").iterdir()) == []


def test_failed_download_names_the_url_and_the_offline_fix(photos, tmp_path, monkeypatch):
    monkeypatch.setattr(ENTRY, "archive_url", (tmp_path / "offline.zip").as_uri())
    with pytest.raises(DataError, match=r"(?s)Downloading them failed.*offline\.zip.*--from DIR"):
        fetch("dogs_vs_cats", quiet=True)
    assert list((tmp_path / "data").iterdir()) == []


def test_fetch_from_a_folder_laid_out_like_the_shared_copy(photos, tmp_path):
    source = write_files(tmp_path / "copy", {**photos, "cat/cat.999.jpg": jpeg(999),
                                             "README.md": b"photos\n", "SHA256SUMS": b""})
    location = fetch("dogs_vs_cats", quiet=True, source=source)
    assert location.note.render("en") == f"copied from {source} (--from)"
    assert tree(location.path) == photos


def test_fetch_from_the_downloaded_archive_file(photos, tmp_path):
    archive = write_archive(tmp_path / "Dog-Cat-Classifier-9e4f1e1.zip", photos)
    location = fetch("dogs_vs_cats", quiet=True, source=archive, data_path=tmp_path / "mine")
    assert location.path == tmp_path / "mine"
    assert location.note.render("en").startswith("extracted from")
    assert tree(tmp_path / "mine") == photos


def test_fetch_from_a_folder_with_a_tampered_photo_names_it(photos, tmp_path):
    source = write_files(tmp_path / "copy", {**photos, "dog/dog.5.jpg": b"not the photo"})
    with pytest.raises(DataError, match=r"in .*copy do not match .*: dog/dog\.5\.jpg"):
        fetch("dogs_vs_cats", quiet=True, source=source)
    assert list((tmp_path / "data").iterdir()) == []


def test_fetch_never_replaces_a_folder_it_did_not_install(photos, tmp_path):
    mine = tmp_path / "mine"
    write_files(mine, {"notes.txt": b"keep me"})
    source = write_files(tmp_path / "copy", photos)
    with pytest.raises(DataError, match="exists but does not hold the dogs_vs_cats photos"):
        fetch("dogs_vs_cats", quiet=True, source=source, data_path=mine)
    assert tree(mine) == {"notes.txt": b"keep me"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy", "mine"]


def test_load_verifies_then_splits_stratified_by_seed(photos, tmp_path):
    fetch("dogs_vs_cats", quiet=True, source=write_files(tmp_path / "copy", photos))

    def load(seed: int):
        return api.load_dataset("dogs_vs_cats", image_size=(8, 8), test_fraction=0.25,
                                seed=seed, cache_dir=False, progress=False)

    dataset = load(0)
    assert dataset.name == "dogs_vs_cats" and dataset.class_names == ["cat", "dog"]
    assert dataset.image_shape == (8, 8, 3)
    assert dataset.info["format"] == "photo-folder" and dataset.info["found_in"] == \
        "$VISIONLAB_DATA"
    counts = {name: split.class_counts(2).tolist() for name, split in dataset.splits.items()}
    assert counts == {"train": [6, 6], "test": [2, 2]}
    assert load(0).split("test").paths == dataset.split("test").paths
    assert load(1).split("test").paths != dataset.split("test").paths


def test_load_refuses_a_tampered_or_extra_photo(photos, tmp_path):
    folder = write_files(tmp_path / "mine", photos)
    (folder / "dog" / "dog.3.jpg").write_bytes(jpeg(12345))
    with pytest.raises(DataError, match=r"1 photo\(s\) in .*mine \(--data-path\) do not match "
                                        r".*: dog/dog\.3\.jpg"):
        load_dataset("dogs_vs_cats", data_path=folder, image_size=(8, 8), cache_dir=False)
    (folder / "dog" / "dog.3.jpg").write_bytes(photos["dog/dog.3.jpg"])
    (folder / "cat" / "stray.png").write_bytes(b"")
    with pytest.raises(DataError, match=r"holds the images cat/stray\.png, which are not part"):
        load_dataset("dogs_vs_cats", data_path=folder, image_size=(8, 8), cache_dir=False)


def test_load_without_photos_or_download_lists_the_fixes(photos, tmp_path):
    with pytest.raises(DataError, match=r"--data-path .*empty does not hold the dogs_vs_cats"):
        load_dataset("dogs_vs_cats", data_path=tmp_path / "empty")
    with pytest.raises(DataError, match=r"(?s)download=False.*visionlab datasets fetch "
                                        r"dogs_vs_cats --from DIR"):
        load_dataset("dogs_vs_cats", download=False)


@pytest.mark.slow
def test_real_photos_split_stratified_and_identically_per_seed(tmp_path, monkeypatch):
    needs(SHARED.is_dir(), f"the dog/cat photos in {SHARED}", "CI and make test have them")
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))

    def load(seed: int):
        return load_dataset("dogs_vs_cats", data_path=SHARED, image_size=(32, 32), seed=seed,
                            workers=2, progress=False)

    dataset = load(0)  # decodes once into the cache; the other loads read it
    assert dataset.class_names == ["cat", "dog"] and dataset.image_shape == (32, 32, 3)
    counts = {name: split.class_counts(2).tolist() for name, split in dataset.splits.items()}
    assert counts == {"train": [520, 519], "test": [130, 130]}
    assert {name: len(split) for name, split in dataset.splits.items()} == ENTRY.split_sizes
    assert not dataset.skipped
    assert load(0).split("test").paths == dataset.split("test").paths
    other = load(1)
    assert other.split("test").class_counts(2).tolist() == [130, 130]
    assert other.split("test").paths != dataset.split("test").paths

    # An experiment's [data] section: test 20 %, validation 10 % of all photos.
    config = DataConfig(dataset="dogs_vs_cats", data_path=str(SHARED), image_size=(32, 32))
    prepared = prepare_dataset(config, seed=0, progress=False)
    sizes = {name: split.class_counts(2).tolist() for name, split in prepared.splits.items()}
    assert sizes == {"train": [455, 454], "validation": [65, 65], "test": [130, 130]}
    assert prepared.split("test").paths == dataset.split("test").paths
