"""Reader for `.npz` archives in Keras's `mnist.npz` layout: `x_train, y_train, x_test, y_test`.

The archive is opened with `allow_pickle=False`, so a tampered file cannot run code.

Example:
    train_images, train_labels, test_images, test_labels = read_npz(Path("mnist.npz").read_bytes(),
                                                                    "mnist.npz")
"""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np

from visionlab.errors import DataError
from visionlab.i18n import Message

# Order of the arrays `read_npz` returns.
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def read_npz(data: bytes, source: str | os.PathLike[str], *,
             fix: str | Message = Message("error.data.npz.fix_check")
             ) -> tuple[np.ndarray, ...]:
    """Return the arrays `x_train, y_train, x_test, y_test` stored in the `.npz` bytes `data`.

    Args:
        data: the file's bytes.
        source: the file name, used in error messages.
        fix: the sentence (or catalog message) telling the user what to do with an unreadable
            file. Defaults to "Check that it is a NumPy .npz file.".

    Raises:
        DataError: the bytes are not a readable `.npz` file or lack one of the four arrays.
    """
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise DataError(Message("error.data.npz.missing_arrays", {
                    "source": source, "missing": ", ".join(missing), "keys": ", ".join(NPZ_KEYS)}))
            return tuple(np.asarray(archive[key]) for key in NPZ_KEYS)
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise DataError(Message("error.data.npz.unreadable",
                                {"source": source, "error": error, "fix": fix})) from None
