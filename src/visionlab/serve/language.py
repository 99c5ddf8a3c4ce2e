"""Which language a request reads: `?lang=`, else the server's `--lang`, else Accept-Language."""

from __future__ import annotations

from visionlab.i18n import LANGUAGES
from visionlab.serve.errors import RequestError


def request_language(query: str | None, server_default: str | None,
                     accept_language: str | None) -> str:
    """Return the language of a response.

    Args:
        query: the request's `?lang=` value; an unsupported one is a 400.
        server_default: the server's `--lang`, or None to follow the browser.
        accept_language: the request's Accept-Language header.

    Example:
        request_language(None, None, "vi-VN,vi;q=0.9,en;q=0.8")   # "vi"
    """
    if query is not None:
        if query not in LANGUAGES:
            raise RequestError(400, "unknown_language", language=query,
                               choices=", ".join(LANGUAGES))
        return query
    if server_default is not None:
        return server_default
    return negotiate(accept_language or "")


def negotiate(accept_language: str, default: str = "en") -> str:
    """The supported language the browser prefers most (`q` weights), else `default`."""
    best, best_weight = default, 0.0
    for item in accept_language.split(","):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        # Strictly greater: of equal weights the browser's first wins; q=0 means "not this".
        if primary in LANGUAGES and weight > best_weight:
            best, best_weight = primary, weight
    return best
