"""`read_uploads` pulls no more of a body than its limits allow, and keeps files in memory."""

from __future__ import annotations

import asyncio

import pytest

from needs import needs_module

needs_module("python_multipart", extra="serve")

from visionlab.serve.errors import RequestError  # noqa: E402
from visionlab.serve.uploads import UploadLimits, check_filename, read_uploads  # noqa: E402

LIMITS = UploadLimits(max_file_bytes=64 * 1024, max_files=4)
HEADERS = {"content-type": "multipart/form-data; boundary=x"}
CHUNK = 64 * 1024


def _part(name: str, data: bytes, field: str = "files") -> bytes:
    return (f'--x\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: image/png\r\n\r\n").encode() + data + b"\r\n"


class CountingBody:
    """An async request body: `first`, then `chunks` chunks of 64 KiB, counting pulls."""

    def __init__(self, first: bytes, chunks: int = 0, filler: bytes = b"\0") -> None:
        self.first, self.chunks, self.filler, self.pulled = first, chunks, filler, 0

    async def __aiter__(self):
        self.pulled += 1
        yield self.first
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.filler * CHUNK


def _read(body, headers=HEADERS, limits=LIMITS):
    return asyncio.run(read_uploads(headers, body.__aiter__(), limits))


def test_files_come_back_in_order_with_their_names_and_bytes():
    body = CountingBody(_part("a.png", b"first") + _part("ảnh 2.png", b"second") + b"--x--\r\n")
    uploads = _read(body)
    assert [(upload.name, upload.data) for upload in uploads] == [
        ("a.png", b"first"), ("ảnh 2.png", b"second")]


def test_a_growing_file_is_refused_as_soon_as_it_passes_the_limit():
    body = CountingBody(b"--x\r\nContent-Disposition: form-data; name=\"files\"; "
                        b"filename=\"big.png\"\r\n\r\n", chunks=1000, filler=b"\1")
    with pytest.raises(RequestError) as raised:
        _read(body)
    assert (raised.value.status, raised.value.code, raised.value.file) == (
        413, "file_too_large", "big.png")
    assert body.pulled <= 3  # 64 KiB limit: the second full chunk crosses it


def test_data_after_the_closing_boundary_counts_against_the_request_limit():
    # The multipart parser ignores an epilogue; the request limit still stops it.
    body = CountingBody(_part("a.png", b"pixels") + b"--x--\r\n", chunks=1000)
    with pytest.raises(RequestError) as raised:
        _read(body)
    assert (raised.value.status, raised.value.code) == (413, "request_too_large")
    assert body.pulled <= LIMITS.max_body_bytes // CHUNK + 2


def test_a_declared_content_length_over_the_limit_reads_nothing():
    body = CountingBody(b"", chunks=1000)
    headers = {**HEADERS, "content-length": str(LIMITS.max_body_bytes + 1)}
    with pytest.raises(RequestError) as raised:
        _read(body, headers)
    assert raised.value.code == "request_too_large"
    assert body.pulled == 0


def test_one_file_too_many_is_refused_before_its_data():
    parts = b"".join(_part(f"{index}.png", b"x") for index in range(5))
    with pytest.raises(RequestError) as raised:
        _read(CountingBody(parts + b"--x--\r\n"))
    assert (raised.value.code, raised.value.file, raised.value.index) == (
        "too_many_files", "4.png", 4)


@pytest.mark.parametrize("name", ["../a.png", "a/b.png", "a\\b.png", "C:\\x\\a.png", ".", "..",
                                  "/etc/passwd", "a\x00b.png", "a\nb.png", "x" * 256])
def test_file_names_with_folders_or_control_characters_are_refused(name):
    with pytest.raises(RequestError) as raised:
        check_filename(name, 0)
    assert (raised.value.status, raised.value.code) == (400, "bad_filename")


def test_windows_paths_are_seen_as_sent():
    # python-multipart would keep only "a.png" of an IE-style path; the name is checked as sent.
    with pytest.raises(RequestError, match="bad_filename"):
        _read(CountingBody(_part("C:\\Users\\me\\a.png", b"x") + b"--x--\r\n"))


@pytest.mark.parametrize("name", ["photo.jpg", "ảnh mèo (1).png", "my photo.PNG", "a..b.png"])
def test_plain_names_pass(name):
    check_filename(name, 0)
