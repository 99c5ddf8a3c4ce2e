"""Reader for the CIFAR-10 "python version": pickled batches, from a folder or the `.tar.gz`.

The archive `cifar-10-python.tar.gz` holds `cifar-10-batches-py/data_batch_1..5`, `test_batch`
and `batches.meta`. Each batch is a pickled dict with `b"data"` (uint8, shape (N, 3072): a
1024-pixel red plane, then green, then blue) and `b"labels"` (N ints). Members are read
straight out of the archive; nothing is extracted to disk.
"""

from __future__ import annotations

import codecs
import importlib
import io
import os
import pickle
import tarfile
from pathlib import Path
from typing import IO

import numpy as np

from visionlab.errors import DataError
from visionlab.i18n import Message

FOLDER_NAME = "cifar-10-batches-py"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
TRAIN_BATCHES = tuple(f"data_batch_{index}" for index in range(1, 6))
TEST_BATCH = "test_batch"
META_FILE = "batches.meta"
IMAGE_SIZE = 32
ROW_LENGTH = 3 * IMAGE_SIZE * IMAGE_SIZE  # 3072 = three 32x32 colour planes

# Globals a CIFAR pickle may reference: NumPy array reconstruction and bytes decoding only, so
# loading a tampered file cannot run arbitrary code.
_ALLOWED_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("_codecs", "encode"),
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"the pickle refers to {module}.{name}")
        if module == "_codecs":
            return codecs.encode
        if module == "numpy":
            return getattr(np, name)
        submodule = module.split(".")[-1]  # multiarray or numeric
        try:
            resolved = importlib.import_module(f"numpy._core.{submodule}")
        except ImportError:  # NumPy 1.x
            resolved = importlib.import_module(f"numpy.core.{submodule}")
        return getattr(resolved, name)


def unpickle(data: bytes, source: str | os.PathLike[str]) -> dict:
    """Unpickle one CIFAR batch or meta file (keys stay `bytes`, as in the Python 2 original)."""
    try:
        content = _NumpyOnlyUnpickler(io.BytesIO(data), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
        raise DataError(Message("error.data.cifar.unreadable",
                                {"source": source, "error": error})) from None
    if not isinstance(content, dict):
        raise DataError(Message("error.data.cifar.not_dict",
                                {"source": source, "type": type(content).__name__}))
    return content


def decode_batch(data: bytes, source: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Decode one pickled batch into images uint8 (N, 32, 32, 3) and labels int64 (N,)."""
    batch = unpickle(data, source)
    if b"data" not in batch or b"labels" not in batch:
        found = ", ".join(repr(key) for key in batch)
        raise DataError(Message("error.data.cifar.no_entries", {"source": source, "found": found}))
    rows = np.asarray(batch[b"data"])
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if rows.dtype != np.uint8 or rows.ndim != 2 or rows.shape[1] != ROW_LENGTH:
        raise DataError(Message("error.data.cifar.bad_rows", {
            "source": source, "shape": rows.shape, "dtype": rows.dtype, "length": ROW_LENGTH}))
    if labels.shape != (len(rows),):
        raise DataError(Message("error.data.cifar.label_count", {
            "source": source, "images": len(rows), "labels": labels.size}))
    # (N, 3072) -> (N, 3, 32, 32) planes -> (N, 32, 32, 3) channels last
    images = rows.reshape(-1, 3, IMAGE_SIZE, IMAGE_SIZE).transpose(0, 2, 3, 1)
    return images, labels


def decode_meta(data: bytes, source: str | os.PathLike[str]) -> list[str]:
    """Return the class names stored in `batches.meta`."""
    meta = unpickle(data, source)
    names = meta.get(b"label_names")
    if not isinstance(names, list):
        raise DataError(Message("error.data.cifar.no_label_names", {"source": source}))
    return [name.decode("utf-8") if isinstance(name, bytes) else str(name) for name in names]


def read_folder_members(folder: str | os.PathLike[str], names: tuple[str, ...]) -> dict[str, bytes]:
    """Read the files `names` from an extracted `cifar-10-batches-py` folder."""
    folder = Path(folder)
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise DataError(Message("error.data.cifar.folder_incomplete", {
            "folder": folder, "missing": ", ".join(missing), "archive": ARCHIVE_NAME}))
    return {name: (folder / name).read_bytes() for name in names}


def read_archive_members(archive: IO[bytes], names: tuple[str, ...],
                         source: str | os.PathLike[str], *,
                         optional: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Read `cifar-10-batches-py/<name>` members straight out of a `.tar.gz` file object.

    Args:
        archive: the open `.tar.gz` (or plain `.tar`) file.
        names: the member base names that must be present.
        source: the archive's name, used in error messages.
        optional: member base names read when present. Defaults to () (none).
    """
    wanted = {*names, *optional}
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=archive, mode="r:*") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if member.isfile() and base in wanted and base not in members:
                    extracted = tar.extractfile(member)
                    if extracted is not None:
                        members[base] = extracted.read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DataError(Message("error.data.cifar.bad_archive",
                                {"source": source, "error": error})) from None
    missing = [name for name in names if name not in members]
    if missing:
        raise DataError(Message("error.data.cifar.archive_incomplete", {
            "source": source, "missing": ", ".join(missing), "archive": ARCHIVE_NAME}))
    return members


def decode_cifar10(members: dict[str, bytes], source: str | os.PathLike[str]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Decode the five train batches and the test batch read by `read_*_members`.

    Returns:
        train images (50000, 32, 32, 3), train labels (50000,), test images, test labels.
    """
    train = [decode_batch(members[name], f"{source}:{name}") for name in TRAIN_BATCHES]
    test_images, test_labels = decode_batch(members[TEST_BATCH], f"{source}:{TEST_BATCH}")
    train_images = np.concatenate([images for images, _ in train])
    train_labels = np.concatenate([labels for _, labels in train])
    return train_images, train_labels, np.ascontiguousarray(test_images), test_labels
