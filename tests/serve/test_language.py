"""Which language a page or an error reads in."""

from __future__ import annotations

import pytest

from visionlab.serve.errors import RequestError
from visionlab.serve.language import negotiate, request_language


@pytest.mark.parametrize("header, expected", [
    ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"),
    ("en-US,en;q=0.9,vi;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,vi;q=0.5", "vi"),  # the best language the server has
    ("de, en;q=0.2, vi;q=0.8", "vi"),
    ("vi;q=0, en;q=0.1", "en"),
    ("fr", "en"),
    ("", "en"),
    ("VI", "vi"),
    ("vi;q=abc, en;q=0.5", "en"),
])
def test_accept_language(header, expected):
    assert negotiate(header) == expected


def test_query_then_server_then_browser():
    assert request_language("en", "vi", "vi") == "en"
    assert request_language(None, "vi", "en") == "vi"
    assert request_language(None, None, "vi") == "vi"
    with pytest.raises(RequestError) as raised:
        request_language("fr", None, None)
    assert raised.value.status == 400
    assert raised.value.reason("en") == "Unknown language 'fr'; use one of: en, vi."
