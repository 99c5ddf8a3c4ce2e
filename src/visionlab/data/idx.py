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
from visionlab.i18n import Message

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
        raise DataError(Message("error.data.idx.damaged_gzip",
                                {"source": source, "error": error})) from None


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
        raise DataError(Message("error.data.idx.too_short", {"source": source, "size": len(data)}))
    if data[0] != 0 or data[1] != 0:
        raise DataError(Message("error.data.idx.bad_magic", {
            "source": source, "first": f"0x{data[0]:02x}", "second": f"0x{data[1]:02x}"}))
    dtype_code, num_dims = data[2], data[3]
    if dtype_code not in IDX_DTYPES:
        valid = ", ".join(f"0x{code:02x}" for code in IDX_DTYPES)
        raise DataError(Message("error.data.idx.bad_dtype", {
            "source": source, "code": f"0x{dtype_code:02x}", "valid": valid}))
    if num_dims == 0:
        raise DataError(Message("error.data.idx.zero_dims", {"source": source}))
    header_size = 4 + 4 * num_dims
    if len(data) < header_size:
        raise DataError(Message("error.data.idx.header_truncated", {
            "source": source, "size": len(data), "dims": num_dims, "header": header_size}))
    shape = struct.unpack(f">{num_dims}I", data[4:header_size])
    dtype = IDX_DTYPES[dtype_code]
    count = math.prod(shape)
    expected_bytes = count * dtype.itemsize
    actual_bytes = len(data) - header_size
    if actual_bytes < expected_bytes:
        raise DataError(Message("error.data.idx.truncated", {
            "source": source, "shape": tuple(shape), "expected": expected_bytes,
            "dtype": dtype.name, "actual": actual_bytes}))
    if actual_bytes > expected_bytes:
        raise DataError(Message("error.data.idx.extra_bytes", {
            "source": source, "extra": actual_bytes - expected_bytes,
            "expected": expected_bytes, "shape": tuple(shape)}))
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
        raise DataError(Message("error.data.idx.unreadable",
                                {"path": path, "error": error.strerror or error})) from None
    return parse_idx(gunzip_if_needed(data, path), path)
