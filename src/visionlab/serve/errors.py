"""`ServeError` (the server cannot start) and `RequestError` (a client's mistake -> 4xx JSON)."""

from __future__ import annotations

from typing import Any

from visionlab.errors import VisionlabError
from visionlab.i18n import Message, t

EXTRA_HINT = "pip install 'visionlab[serve]'"


class ServeError(VisionlabError):
    """The model cannot be served: a missing `serve` extra, a bad option, a missing export."""


def missing_extra(error: ImportError) -> ServeError:
    """Return the error for a package of the `serve` extra (fastapi, uvicorn …) not installed."""
    package = error.name or str(error)
    return ServeError(Message("error.extra.missing", {
        "package": package, "purpose": "`visionlab serve`", "install": EXTRA_HINT}))


class RequestError(Exception):
    """A request the server refuses: answered with `status` and `{"error", "file", "reason"}`.

    Args:
        status: the HTTP status, 4xx.
        code: a stable machine-readable name, e.g. `"not_an_image"`; the reason is the
            catalog message `serve.error.<code>` in the reader's language.
        file: the uploaded file's name, when the error is about one file.
        index: the file's position in the request (0-based), when known.
        **values: the message's placeholders (`file` is passed along too).
    """

    def __init__(self, status: int, code: str, *, file: str | None = None,
                 index: int | None = None, **values: Any) -> None:
        super().__init__(f"{status} {code}: {file or ''} {values or ''}".strip())
        self.status = status
        self.code = code
        self.file = file
        self.index = index
        self.values = {"file": file, **values}

    def reason(self, lang: str = "en") -> str:
        """The reason as a sentence in `lang`."""
        return t(f"serve.error.{self.code}", lang, **self.values)

    def body(self, lang: str = "en") -> dict[str, Any]:
        """The JSON body of the response."""
        body: dict[str, Any] = {"error": self.code, "file": self.file, "reason": self.reason(lang)}
        if self.index is not None:
            body["index"] = self.index
        return body
