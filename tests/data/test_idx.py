"""IDX reader: small files written byte by byte in the exact MNIST format (gzip and raw)."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from visionlab.data.idx import parse_idx, read_idx
from visionlab.errors import DataError

# NumPy dtype -> IDX dtype code
_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
          np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(array: np.ndarray, big_endian_dtype: str | None = None) -> bytes:
    """Encode `array` as an IDX file: magic (0, 0, dtype code, ndim), big-endian dims, data."""
    dtype = np.dtype(big_endian_dtype) if big_endian_dtype else array.dtype
    header = struct.pack(">BBBB", 0, 0, _CODES[dtype], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


@pytest.mark.parametrize("compressed", [True, False])
def test_reads_uint8_images_gzip_and_raw(tmp_path, compressed):
    images = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    data = idx_bytes(images)
    path = tmp_path / ("images-idx3-ubyte" + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(data) if compressed else data)

    decoded = read_idx(path)

    assert decoded.shape == (5, 28, 28)
    assert decoded.dtype == np.uint8
    np.testing.assert_array_equal(decoded, images)


def test_uint8_decoding_is_a_view_without_copy():
    labels = np.arange(10, dtype=np.uint8)
    data = idx_bytes(labels)
    decoded = parse_idx(data, "labels")
    assert np.shares_memory(decoded, np.frombuffer(data, dtype=np.uint8))
    np.testing.assert_array_equal(decoded, labels)


@pytest.mark.parametrize("dtype", [">i2", ">i4", ">f4", ">f8", "int8"])
def test_multibyte_big_endian_types_come_back_native(dtype):
    values = np.array([[-3, 7, 100], [0, 1, -1]]).astype(np.dtype(dtype).newbyteorder("="))
    decoded = parse_idx(idx_bytes(values, dtype), "values")
    assert decoded.dtype.isnative
    np.testing.assert_array_equal(decoded, values)


def test_bad_magic_names_the_file(tmp_path):
    path = tmp_path / "not-idx.gz"
    path.write_bytes(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(100)))
    with pytest.raises(DataError, match=r"not-idx\.gz is not an IDX file.*magic"):
        read_idx(path)


def test_unknown_dtype_code_is_rejected():
    data = struct.pack(">BBBBI", 0, 0, 0x07, 1, 3) + bytes(3)
    with pytest.raises(DataError, match="dtype code 0x07"):
        parse_idx(data, "weird")


def test_truncated_data_names_the_file_and_sizes(tmp_path):
    data = idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8))
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(data[:-100])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte is truncated.*\(4, 28, 28\)"):
        read_idx(path)


def test_truncated_header_is_reported():
    data = idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8))[:9]
    with pytest.raises(DataError, match="truncated inside its IDX header"):
        parse_idx(data, "short")


def test_trailing_bytes_are_reported():
    data = idx_bytes(np.zeros(3, dtype=np.uint8)) + b"extra"
    with pytest.raises(DataError, match="5 unexpected bytes"):
        parse_idx(data, "long")


def test_cut_gzip_stream_is_a_damaged_file_error(tmp_path):
    compressed = gzip.compress(idx_bytes(np.ones((50, 28, 28), dtype=np.uint8)))
    path = tmp_path / "cut-idx3-ubyte.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(DataError, match=r"cut-idx3-ubyte\.gz is a damaged gzip file"):
        read_idx(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="Cannot read IDX file"):
        read_idx(tmp_path / "absent.gz")
