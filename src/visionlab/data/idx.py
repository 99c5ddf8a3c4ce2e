"""Reader for IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw.

An IDX file is a 4-byte magic number — two zero bytes, a dtype code and the number of
dimensions — then one big-endian uint32 per dimension, then the values in C order.
Decoding is one `np.frombuffer` over the decompressed bytes.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib

import numpy as np

from visionlab.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"

# IDX dtype code -> NumPy dtype (multi-byte values are big-endian).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def gunzip_if_needed(data: bytes, source: str | os.PathLike[str]) -> bytes:
    """Return `data` decompressed when it starts with the gzip magic bytes, else unchanged.

    Args:
        data: the file's bytes.
        source: the file name, used in error messages.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise DataError(
            f"{source} is a damaged gzip file ({error}); it was probably cut short by an "
            "interrupted download. Delete it and fetch the dataset again "
            "(`visionlab datasets fetch NAME`)."
        ) from None


def parse_idx(data: bytes, source: str | os.PathLike[str] = "<bytes>") -> np.ndarray:
    """Decode the (already decompressed) bytes of one IDX file into an array.

    Args:
        data: the raw IDX bytes.
        source: the file name, used in error messages. Defaults to "<bytes>".

    Returns:
        An array of the file's shape, in native byte order. For uint8 files it is a
        read-only view over `data` (no copy).
    """
    if len(data) < 4:
        raise DataError(
            f"{source} is {len(data)} bytes long, too short to be an IDX file (the header "
            "alone is at least 8 bytes). The file is truncated; fetch it again."
        )
    if data[0] != 0 or data[1] != 0:
        raise DataError(
            f"{source} is not an IDX file: its magic number starts with bytes "
            f"0x{data[0]:02x} 0x{data[1]:02x}, expected 0x00 0x00 followed by a dtype code and "
            "the number of dimensions. Check that the path points to an MNIST-style "
            "'*-idx?-ubyte' file (gzipped or raw)."
        )
    dtype_code, num_dims = data[2], data[3]
    if dtype_code not in IDX_DTYPES:
        valid = ", ".join(f"0x{code:02x}" for code in IDX_DTYPES)
        raise DataError(
            f"{source} has IDX dtype code 0x{dtype_code:02x}, which is not one of {valid}. "
            "The file is damaged or not an IDX file."
        )
    if num_dims == 0:
        raise DataError(f"{source} declares zero dimensions in its IDX header; it is damaged.")
    header_size = 4 + 4 * num_dims
    if len(data) < header_size:
        raise DataError(
            f"{source} is truncated inside its IDX header ({len(data)} bytes, the header of a "
            f"{num_dims}-dimensional file needs {header_size}). Fetch the file again."
        )
    shape = struct.unpack(f">{num_dims}I", data[4:header_size])
    dtype = IDX_DTYPES[dtype_code]
    count = math.prod(shape)
    expected_bytes = count * dtype.itemsize
    actual_bytes = len(data) - header_size
    if actual_bytes < expected_bytes:
        raise DataError(
            f"{source} is truncated: its header declares shape {tuple(shape)} "
            f"({expected_bytes} bytes of {dtype.name}) but only {actual_bytes} bytes follow. "
            "Delete the file and fetch it again."
        )
    if actual_bytes > expected_bytes:
        raise DataError(
            f"{source} has {actual_bytes - expected_bytes} unexpected bytes after the "
            f"{expected_bytes} bytes its header declares for shape {tuple(shape)}; the file "
            "is damaged or not an IDX file."
        )
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header_size).reshape(shape)
    if dtype.byteorder == ">":
        array = array.astype(dtype.newbyteorder("="))
    return array


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (`.gz` or raw, detected from its first bytes) into an array.

    Example:
        labels = read_idx("train-labels-idx1-ubyte.gz")   # uint8, shape (60000,)
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise DataError(f"Cannot read IDX file {path}: {error.strerror or error}.") from None
    return parse_idx(gunzip_if_needed(data, path), path)
