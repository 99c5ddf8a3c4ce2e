"""Atomic file writes and content hashing shared by every stage.

Every file visionlab writes goes through these helpers: the data is written to a temporary
file in the destination folder, flushed, then renamed over the target, so a crash or Ctrl-C
never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` when the block succeeds.

    Useful for libraries that insist on writing to a file name themselves (Keras `model.save`,
    matplotlib `savefig`). The temporary name keeps `suffix` so such libraries accept it.

    Example:
        with atomic_path("run/model.keras", suffix=".keras") as tmp:
            model.save(tmp)
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file keeps `suffix` last so format-sniffing writers accept it.
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + suffix,
                                        dir=target.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        yield tmp
        fsync_file(tmp)  # the data is on disk before the rename makes it the file
        # mkstemp creates 0600 files; give the result the permissions a normal write would.
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def fsync_file(path: Path) -> None:
    """Flush a written file's data to disk (best effort: an OS error is ignored)."""
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        os.fsync(handle.fileno())


def current_umask() -> int:
    """The process's file-creation mask (read without changing it for longer than a call)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` atomically and return the path."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 `text` to `path` atomically and return the path."""
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write `obj` as indented JSON (NumPy scalars and arrays allowed) atomically."""
    return write_text(path, json.dumps(obj, indent=2, default=_json_default, ensure_ascii=False)
                      + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file written by `write_json`."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def sha256_file(path: str | os.PathLike[str], chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_arrays(*arrays: Any) -> str:
    """Return a hex SHA-256 over the shapes, dtypes and bytes of NumPy arrays."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()
