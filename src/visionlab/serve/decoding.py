"""Decode an uploaded image exactly as `visionlab predict` decodes a file.

`visionlab.data.decode.decode_image` (EXIF rotation, colour mode, resize mode, the
decompression-bomb limit) reads a path. An upload is handed to it as an anonymous in-memory
file (Linux `memfd_create`, opened through /proc/self/fd), so the very same function decodes it
and nothing reaches the disk; elsewhere a private temporary file with a fixed name stands in.
A `BadImageError` becomes a 422 `RequestError` naming the upload and the reason.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import numpy as np

from visionlab.data.decode import BadImageError, decode_image
from visionlab.serve.errors import RequestError

# BadImageError's reason (a catalog key, data/decode.py) -> the refusal's code; any other
# reason is "corrupt_image".
_REASON_CODES = {"data.bad_image.empty_file": "empty_file",
                 "data.bad_image.too_many_pixels": "decompression_bomb",
                 "data.bad_image.decompression_bomb": "decompression_bomb",
                 "data.bad_image.not_an_image": "not_an_image",
                 "data.bad_image.truncated": "truncated_image"}


def decode_upload(data: bytes, name: str, image_size: tuple[int, int], color_mode: str,
                  resize_mode: str, index: int | None = None) -> np.ndarray:
    """Decode uploaded bytes into a uint8 (height, width, channels) array like `decode_image`.

    Args:
        data: the file's bytes.
        name: the client's file name (for the error only; never used as a path).
        image_size, color_mode, resize_mode: the model's input, as in `decode_image`.
        index: the file's position in the request, for the error. Defaults to None.

    Raises:
        RequestError: 422, the file is empty, not an image, truncated, corrupt or a
            decompression bomb; `code` says which and `detail` carries the decoder's words.
    """
    try:
        with _readable_path(data) as path:
            return decode_image(path, image_size, color_mode, resize_mode)
    except BadImageError as error:
        code = _REASON_CODES.get(error.reason_message.key, "corrupt_image")
        # the decoder's reason reads in the language of the response, like the sentence
        raise RequestError(422, code, file=name, index=index,
                           detail=error.reason_message) from None


@contextlib.contextmanager
def _readable_path(data: bytes) -> Iterator[str]:
    """Yield a path whose contents are `data`: a memfd where the OS has them."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        descriptor = os.memfd_create("visionlab-upload", os.MFD_CLOEXEC)
        try:
            _write_all(descriptor, data)
            yield f"/proc/self/fd/{descriptor}"
        finally:
            os.close(descriptor)
        return
    with tempfile.TemporaryDirectory(prefix="visionlab-upload-") as folder:
        path = os.path.join(folder, "upload")
        with open(path, "wb") as handle:
            handle.write(data)
        yield path


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]
