"""Keep computed features on disk so the next run with the same frozen bottom skips the pass.

Users train many runs on one base and one folder of photos (another head, learning rate, seed,
a sweep). The frozen bottom's output for an image is the same in all of them, so visionlab
keeps it: `$VISIONLAB_CACHE/features/<key>.npy` (default `~/.cache/visionlab/features`), one
file per (bottom, images, orientation). The key hashes everything the output depends on: the
bottom's cut, input shape and every weight (BatchNorm statistics included), the image bytes, the
flip, and the Keras version and backend. A stored file is used only after four of its rows match
a fresh pass of the same images (within `CHECK_TOLERANCE`), so a stale or damaged file is
recomputed, never trained on. Files are written atomically; the oldest go when the folder grows
past `MAX_STORE_BYTES`.

Example:
    features = stored_features(cache, train.images, batch_size=64)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import weakref
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np

from visionlab import _io
from visionlab.training.feature_cache import CHECK_TOLERANCE, FeatureCache

# Bump when the way features are computed changes, to orphan old files.
STORE_VERSION = 1
# The store folder is trimmed (oldest files first) to this size after each write.
MAX_STORE_BYTES = 8 * 1024**3
CHECK_ROWS = 4


def default_store_dir() -> Path:
    """`$VISIONLAB_CACHE/features` when that is set, else ~/.cache/visionlab/features."""
    root = os.environ.get("VISIONLAB_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "visionlab"
    return base / "features"


def features_key(cache: FeatureCache, images: np.ndarray, flip: tuple[int, ...] = ()) -> str:
    """The hex digest naming the features of `images` (flipped on `flip`) through `cache.bottom`."""
    digest = hashlib.blake2b(digest_size=20)
    header = {"version": STORE_VERSION, "cut": cache.cut, "flip": list(flip),
              "input": [int(size) for size in cache.bottom.inputs[0].shape[1:]],
              "images": [int(size) for size in images.shape], "dtype": str(images.dtype),
              "keras": keras.__version__, "backend": keras.backend.backend()}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for variable in cache.bottom.weights:
        value = np.ascontiguousarray(keras.ops.convert_to_numpy(variable))
        digest.update(f"\n{variable.path}{value.dtype.str}{value.shape}".encode())
        digest.update(memoryview(value).cast("B"))
    digest.update(_images_digest(images).encode())
    return digest.hexdigest()


# Digests of read-only image arrays (the decoded-image cache's memory maps) by id: a run asks
# for the features of the same images at several cuts and orientations.
_IMAGE_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}


def _images_digest(images: np.ndarray) -> str:
    known = _IMAGE_DIGESTS.get(id(images))
    if known is not None and known[0]() is images:
        return known[1]
    digest = hashlib.blake2b(digest_size=20)
    for start in range(0, len(images), 256):  # a memory map is read in slices
        digest.update(memoryview(np.ascontiguousarray(images[start:start + 256])).cast("B"))
    value = digest.hexdigest()
    if isinstance(images, np.ndarray) and not images.flags.writeable:
        with contextlib.suppress(TypeError):  # an array type without weak references
            key = id(images)
            _IMAGE_DIGESTS[key] = (weakref.ref(images, lambda _: _IMAGE_DIGESTS.pop(key, None)),
                                   value)
    return value


def stored_features(cache: FeatureCache, images: np.ndarray, batch_size: int,
                    on_batch: Callable[[int], None] | None = None, flip: tuple[int, ...] = (),
                    store_dir: Path | None = None,
                    compute: Callable[[], np.ndarray] | None = None) -> np.ndarray:
    """`cache.features(images, ...)`, read from the store when an earlier run computed them.

    Args:
        cache, images, batch_size, on_batch, flip: as `FeatureCache.features`.
        store_dir: the store folder. Defaults to None (`default_store_dir()`).
        compute: computes the same features a cheaper way (from features stored at an
            earlier cut) when the store misses. Defaults to None (`cache.features`).

    Returns:
        float32 features; a read-only memory map when they came from the store.
    """
    folder = store_dir if store_dir is not None else default_store_dir()
    path = folder / f"{features_key(cache, images, flip)}.npy"
    found = _read(path, cache, images, flip)
    if found is not None:
        if on_batch is not None:
            on_batch(len(images))
        return found
    if compute is not None:
        features = compute()
        if on_batch is not None:
            on_batch(len(images))
    else:
        features = cache.features(images, batch_size, on_batch, flip=flip)
    with contextlib.suppress(OSError):  # a full or read-only disk costs the next run only time
        folder.mkdir(parents=True, exist_ok=True)
        with _io.atomic_path(path, suffix=".npy") as tmp:
            np.save(tmp, features)
        _trim(folder, keep=path)
    return features


def _read(path: Path, cache: FeatureCache, images: np.ndarray,
          flip: tuple[int, ...]) -> np.ndarray | None:
    """The stored features at `path` if they exist, have the right shape and agree with a fresh
    pass over the first images; else None."""
    try:
        stored = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if stored.shape != (len(images), *cache.feature_shape) or stored.dtype != np.float32:
        return None
    rows = min(CHECK_ROWS, len(images))
    fresh = cache.features(images[:rows], batch_size=rows, flip=flip)
    if not np.allclose(stored[:rows], fresh, rtol=0, atol=CHECK_TOLERANCE):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: trimmed last
    return stored


def _trim(folder: Path, keep: Path) -> None:
    files = sorted(folder.glob("*.npy"), key=lambda item: item.stat().st_mtime, reverse=True)
    total = 0
    for item in files:
        total += item.stat().st_size
        if total > MAX_STORE_BYTES and item != keep:
            with contextlib.suppress(OSError):
                item.unlink()
