"""On-disk cache of decoded, resized images as memory-mapped `.npy` files.

A cache entry is one folder `<cache_dir>/<key>/` whose key is a SHA-256 of the listed files
(relative path, size, mtime in ns), the decoding options and `CACHE_VERSION`, so editing,
adding or removing a file (or changing image_size / color_mode / resize_mode) selects a new
entry, and the entry it replaces for the same source folder is deleted. An entry holds:

    images.npy    uint8 (num_files, height, width, channels), one row per listed file in
                  listing order; rows of files that failed to decode are zeros.
    digests.npy   uint8 (num_files, 16): BLAKE2b of each decoded row (dataset checksums).
    meta.json     key, options, source and the reason for each bad row; written last, so an
                  entry without it is incomplete and is rebuilt.
    rows-<hash>.npy  a split whose rows are not one contiguous range, gathered once.

Every file is written under a temporary name and renamed (`visionlab._io.atomic_path`), and
loads return read-only memory maps, so datasets larger than RAM stream from disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from visionlab._io import atomic_path, read_json, write_json
from visionlab.errors import DataError

# Bump when the decoding itself changes (resampling, colour conversion …) to orphan old entries.
CACHE_VERSION = 1
DIGEST_SIZE = 16
# Rows copied per step when gathering from a memory map (bounded memory, sequential reads).
GATHER_CHUNK_ROWS = 256


def default_cache_dir() -> Path:
    """Return `$VISIONLAB_CACHE/decoded` if the variable is set, else `~/.cache/visionlab/decoded`."""
    root = os.environ.get("VISIONLAB_CACHE")
    if root:
        return Path(root).expanduser() / "decoded"
    return Path.home() / ".cache" / "visionlab" / "decoded"


def cache_key(
    files: Iterable[tuple[str, int, int]],
    image_size: tuple[int, int],
    color_mode: str,
    resize_mode: str,
) -> str:
    """Return the hex SHA-256 identifying a decoded cache entry.

    Args:
        files: (relative path, size in bytes, mtime in ns) of every listed file, in order.
        image_size: (height, width) every image is resized to.
        color_mode: "rgb" or "grayscale".
        resize_mode: "squash", "crop" or "pad".
    """
    digest = hashlib.sha256()
    header = {"cache_version": CACHE_VERSION, "image_size": list(image_size),
              "color_mode": color_mode, "resize_mode": resize_mode}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for relative_path, size, mtime_ns in files:
        digest.update(f"\n{relative_path}\t{size}\t{mtime_ns}".encode())
    return digest.hexdigest()


@dataclass
class DecodedArrays:
    """Decoded rows for every listed file (bad rows are zeros), from the cache or memory.

    Attributes:
        images: uint8 (num_files, height, width, channels); a read-only memmap when cached.
        digests: uint8 (num_files, 16) BLAKE2b of each row.
        bad: listing index -> reason, for files that could not be decoded.
        folder: the cache entry folder, or None when nothing is cached.
        cache_hit: True when the rows came from an existing entry (nothing was decoded).
    """

    images: np.ndarray
    digests: np.ndarray
    bad: dict[int, str]
    folder: Path | None
    cache_hit: bool


# fill(images, digests) decodes into the writable arrays and returns {index: reason}.
FillFunction = Callable[[np.ndarray, np.ndarray], dict[int, str]]


def load_or_build(
    cache_dir: str | os.PathLike[str] | None,
    key: str,
    shape: tuple[int, int, int, int],
    fill: FillFunction,
    meta: dict,
) -> DecodedArrays:
    """Return the cached entry `key`, or build it by calling `fill` on fresh memory maps.

    Args:
        cache_dir: folder holding entries; None for `default_cache_dir()`.
        key: from `cache_key`.
        shape: (num_files, height, width, channels) of the images array.
        fill: decodes into (images, digests) and returns {row index: reason} for bad rows.
        meta: JSON facts stored with the entry ("source" and "options" drive stale pruning).
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    folder = root / key
    cached = _load_entry(folder, key, shape)
    if cached is not None:
        return cached
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _new_array(folder / "images.npy", np.uint8, shape) as images, \
                _new_array(folder / "digests.npy", np.uint8, (shape[0], DIGEST_SIZE)) as digests:
            bad = fill(images, digests)
        write_json(folder / "meta.json", {**meta, "key": key, "cache_version": CACHE_VERSION,
                                          "shape": list(shape),
                                          "bad": {str(index): reason
                                                  for index, reason in sorted(bad.items())}})
    except OSError as error:
        raise DataError(
            f"Cannot write the decoded-image cache in '{folder}': {error}. Free disk space, "
            "pass cache_dir= a writable folder, or set VISIONLAB_CACHE."
        ) from error
    _prune_stale(root, keep=key, source=meta.get("source"), options=meta.get("options"))
    images = np.load(folder / "images.npy", mmap_mode="r")
    digests = np.load(folder / "digests.npy", mmap_mode="r")
    return DecodedArrays(images, digests, bad, folder, cache_hit=False)


def build_in_memory(shape: tuple[int, int, int, int], fill: FillFunction) -> DecodedArrays:
    """Decode into in-memory arrays (no cache); same result shape as `load_or_build`."""
    images = np.zeros(shape, dtype=np.uint8)
    digests = np.zeros((shape[0], DIGEST_SIZE), dtype=np.uint8)
    bad = fill(images, digests)
    return DecodedArrays(images, digests, bad, folder=None, cache_hit=False)


def take_rows(source: np.ndarray, indices: np.ndarray, folder: Path | None = None) -> np.ndarray:
    """Return `source[indices]` without loading all of a memory map into RAM.

    A contiguous ascending range is returned as a view (no copy). Otherwise rows are gathered
    in chunks into `folder/rows-<hash>.npy` (reused by later loads) when `folder` is given,
    else into memory.

    Args:
        source: (num_rows, ...) array or memmap.
        indices: int row indices, ideally sorted ascending (sequential reads).
        folder: cache entry folder for the gathered file, or None for an in-memory result.
    """
    indices = np.asarray(indices, dtype=np.int64)
    if indices.size == 0:
        return np.empty((0, *source.shape[1:]), dtype=source.dtype)
    if np.array_equal(indices, np.arange(indices[0], indices[0] + indices.size)):
        return source[indices[0]: indices[0] + indices.size]
    if folder is None:
        return _gather(source, indices, np.empty((indices.size, *source.shape[1:]), source.dtype))
    name = hashlib.sha256(indices.tobytes()).hexdigest()[:24]
    path = folder / f"rows-{name}.npy"
    shape = (indices.size, *source.shape[1:])
    with contextlib.suppress(OSError, ValueError):
        existing = np.load(path, mmap_mode="r")
        if existing.shape == shape and existing.dtype == source.dtype:
            return existing
    with _new_array(path, source.dtype, shape) as out:
        _gather(source, indices, out)
    return np.load(path, mmap_mode="r")


def _gather(source: np.ndarray, indices: np.ndarray, out: np.ndarray) -> np.ndarray:
    for start in range(0, indices.size, GATHER_CHUNK_ROWS):
        stop = start + GATHER_CHUNK_ROWS
        out[start:stop] = source[indices[start:stop]]
    return out


@contextlib.contextmanager
def _new_array(path: Path, dtype: np.dtype | type, shape: tuple[int, ...]) -> Iterator[np.ndarray]:
    """Yield a writable memmap under a temporary name; flush and rename it onto `path`."""
    with atomic_path(path, suffix=".npy") as temporary:
        array = np.lib.format.open_memmap(temporary, mode="w+", dtype=dtype, shape=shape)
        yield array
        array.flush()
        del array


def _load_entry(folder: Path, key: str, shape: tuple[int, ...]) -> DecodedArrays | None:
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        return None
    try:
        meta = read_json(meta_path)
        images = np.load(folder / "images.npy", mmap_mode="r")
        digests = np.load(folder / "digests.npy", mmap_mode="r")
    except (OSError, ValueError):
        return None
    if (meta.get("key") != key or meta.get("cache_version") != CACHE_VERSION
            or images.shape != tuple(shape) or digests.shape != (shape[0], DIGEST_SIZE)):
        return None
    bad = {int(index): reason for index, reason in meta.get("bad", {}).items()}
    return DecodedArrays(images, digests, bad, folder, cache_hit=True)


def _prune_stale(root: Path, keep: str, source: str | None, options: dict | None) -> None:
    """Delete older entries of the same source folder and options (their files changed)."""
    if source is None:
        return
    for entry in root.iterdir():
        if entry.name == keep or not (entry / "meta.json").is_file():
            continue
        with contextlib.suppress(OSError, ValueError):
            meta = read_json(entry / "meta.json")
            if meta.get("source") == source and meta.get("options") == options:
                shutil.rmtree(entry, ignore_errors=True)
