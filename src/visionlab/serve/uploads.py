"""Read the images of a `multipart/form-data` request into memory, within limits.

Starlette's own form parser spools files above 1 MB to temporary files and knows no per-file
size limit, so the body is fed to python-multipart's streaming parser here instead: each file
is kept in memory (never written to disk, never under the client's name), and the request is
refused as soon as a limit is crossed, without reading the rest of the body:

- a `Content-Length` above what `max_files` files of `max_file_bytes` can need -> 413 at once;
- a file growing past `max_file_bytes` -> 413 naming it;
- one file more than `max_files` -> 400;
- a file name with folders ("a/b.png", "..\\x.png", "C:\\x.png"), control characters or "."
  / ".." -> 400 naming it (names are only echoed back, but a path in one is a client bug);
- a part outside the `files` field, a missing boundary, a broken body -> 400.
"""

from __future__ import annotations

import email.message
import email.utils
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from visionlab.serve.errors import RequestError, missing_extra

try:
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError as error:  # the optional `serve` extra
    raise missing_extra(error) from error

FIELD = "files"  # the multipart field holding the images
# Room for each part's boundary and headers (python-multipart allows 8 headers of 4224 bytes).
_PART_OVERHEAD = 40 * 1024
_MAX_FILENAME = 255


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the client's file name (never used as a path) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class UploadLimits:
    """What one request may send: `max_files` files of at most `max_file_bytes` each."""

    max_file_bytes: int
    max_files: int

    @property
    def max_body_bytes(self) -> int:
        """The largest request body those files can need, multipart framing included."""
        return self.max_files * (self.max_file_bytes + _PART_OVERHEAD) + _PART_OVERHEAD


async def read_uploads(headers: Mapping[str, str], body: AsyncIterator[bytes],
                       limits: UploadLimits) -> list[Upload]:
    """Parse a multipart body into `Upload`s, refusing it as soon as a limit is crossed.

    Args:
        headers: the request headers (`content-type`, `content-length`), lower-case keys.
        body: the request body, chunk by chunk (`starlette.requests.Request.stream()`).
        limits: the per-file size and file-count limits.

    Raises:
        RequestError: the request breaks a limit or is not a multipart upload of files.
    """
    boundary = _boundary(headers.get("content-type", ""))
    _check_content_length(headers.get("content-length"), limits)
    reader = _PartReader(limits)
    parser = MultipartParser(boundary, reader.callbacks())
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            if received > limits.max_body_bytes:  # a chunked body has no Content-Length
                raise _request_too_large(received, limits)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise RequestError(400, "bad_multipart", detail=str(error) or type(error).__name__,
                           field=FIELD) from None
    if reader.open_part:
        raise RequestError(400, "bad_multipart", detail="the body ends inside a part",
                           field=FIELD)
    if not reader.uploads:
        raise RequestError(400, "no_files", field=FIELD)
    return reader.uploads


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        raise RequestError(415, "not_multipart", field=FIELD,
                           content_type=content_type or "none")
    boundary = options.get(b"boundary")
    if not boundary:
        raise RequestError(400, "bad_multipart", detail="no boundary in Content-Type",
                           field=FIELD)
    return boundary


def _check_content_length(value: str | None, limits: UploadLimits) -> None:
    if value is None:
        return
    try:
        length = int(value)
    except ValueError:
        raise RequestError(400, "bad_multipart", detail=f"Content-Length '{value}'",
                           field=FIELD) from None
    if length > limits.max_body_bytes:
        raise _request_too_large(length, limits)


def _request_too_large(size: int, limits: UploadLimits) -> RequestError:
    return RequestError(413, "request_too_large", size=_size_text(size),
                        limit=_size_text(limits.max_body_bytes), files=limits.max_files,
                        per_file=_size_text(limits.max_file_bytes))


def _size_text(size: int) -> str:
    return f"{size / 2**20:.3g} MiB" if size >= 2**17 else f"{size / 2**10:.3g} KiB"


def check_filename(name: str, index: int) -> None:
    """Refuse a file name holding folders, control characters, or "." / ".." (400)."""
    if name in (".", "..") or len(name) > _MAX_FILENAME:
        raise RequestError(400, "bad_filename", file=name, index=index)
    if "/" in name or "\\" in name or any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise RequestError(400, "bad_filename", file=name, index=index)


def _disposition(raw: bytes) -> tuple[str | None, str | None]:
    """(field name, file name) of a Content-Disposition header, the file name as sent.

    The standard library's parser keeps the name as sent; python-multipart's drops the folders
    of Windows paths, which would hide a path from `check_filename`.
    """
    try:
        text = raw.decode("utf-8")  # browsers send file names as UTF-8
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    header = email.message.Message()
    header["content-disposition"] = text
    field = header.get_param("name", header="content-disposition")
    filename = header.get_param("filename", header="content-disposition")
    return (email.utils.collapse_rfc2231_value(field) if field is not None else None,
            email.utils.collapse_rfc2231_value(filename) if filename is not None else None)


class _PartReader:
    """python-multipart callbacks that collect the file parts in memory and enforce limits."""

    def __init__(self, limits: UploadLimits) -> None:
        self.limits = limits
        self.uploads: list[Upload] = []
        self.open_part = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name: str | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self._index = 0

    def callbacks(self) -> dict:
        return {"on_part_begin": self._begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value_data, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._data,
                "on_part_end": self._end}

    def _begin(self) -> None:
        self.open_part = True
        self._disposition = b""
        self._name, self._chunks, self._size = None, [], 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        field, filename = _disposition(self._disposition)
        if field != FIELD:
            raise RequestError(400, "unexpected_field", name=field or "", field=FIELD)
        if filename is None:
            raise RequestError(400, "missing_filename", field=FIELD, index=self._index)
        if filename:  # a browser sends filename="" for an empty file input: no file
            check_filename(filename, self._index)
            if len(self.uploads) >= self.limits.max_files:
                raise RequestError(400, "too_many_files", file=filename, index=self._index,
                                   limit=self.limits.max_files)
        self._name = filename

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        if self._size > self.limits.max_file_bytes:
            raise RequestError(413, "file_too_large", file=self._name, index=self._index,
                               limit=_size_text(self.limits.max_file_bytes))
        self._chunks.append(data[start:end])

    def _end(self) -> None:
        self.open_part = False
        if self._name == "" and self._size:
            raise RequestError(400, "missing_filename", field=FIELD, index=self._index)
        if self._name:
            self.uploads.append(Upload(self._name, b"".join(self._chunks)))
            self._index += 1
        self._chunks = []
