"""`list_image_files`: files and folders expanded into image paths, loudly when there are none."""

from __future__ import annotations

from pathlib import Path

import pytest

from visionlab.data.decode import list_image_files
from visionlab.errors import DataError


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_folders_expand_recursively_sorted_skipping_hidden_and_non_images(tmp_path):
    photos = tmp_path / "photos"
    b, a, c = touch(photos / "b.png"), touch(photos / "a.JPG"), touch(photos / "sub" / "c.webp")
    touch(photos / "notes.txt")
    touch(photos / ".DS_Store")
    touch(photos / "._a.jpg")
    touch(photos / ".thumbnails" / "t.jpg")
    explicit = touch(tmp_path / "shoe.png")

    assert list_image_files([explicit, photos]) == [explicit, a, b, c]
    assert list_image_files(str(photos)) == [a, b, c]
    assert list_image_files([photos, photos / "b.png"]) == [a, b, c]  # each file once


def test_a_file_named_directly_is_kept_whatever_its_extension(tmp_path):
    scan = touch(tmp_path / "scan.raw")
    assert list_image_files([scan]) == [scan]


def test_missing_path_is_named(tmp_path):
    missing = tmp_path / "nope.jpg"
    with pytest.raises(DataError, match=f"Image '{missing}' does not exist. Check the path."):
        list_image_files([touch(tmp_path / "ok.png"), missing])


def test_nothing_found_names_the_paths(tmp_path):
    first, second = tmp_path / "empty", tmp_path / "texts"
    first.mkdir()
    touch(second / "readme.md")
    with pytest.raises(DataError, match=f"No image files found in {first}, {second}."):
        list_image_files([first, second])
