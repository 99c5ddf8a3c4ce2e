"""What the API returns so that a notebook shows it: whole pages in a frame, HTML fragments,
and the dataset overview.

Example:
    HtmlPage("runs/x/report.html")       # a pathlib.Path that displays the report in a frame
    HtmlFragment("<b>done</b>")          # a str that displays as HTML
    ExploreSummary(stats)                # explore's dict, displayed as its table and figures
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from visionlab.reports.explore import explore_html

FRAME_HEIGHT = 720  # pixels; the page scrolls inside the frame


class HtmlFragment(str):
    """A string of HTML that a notebook displays as HTML (and prints as the markup)."""

    def _repr_html_(self) -> str:
        return str(self)


# `pathlib.Path` itself can be subclassed only from Python 3.12; its concrete class always can.
_ConcretePath = type(Path())


class HtmlPage(_ConcretePath):  # type: ignore[valid-type,misc]
    """The path of a self-contained HTML page (a report, a comparison), shown inline.

    In code it is a `pathlib.Path` like any other; as the last value of a notebook cell it shows
    the page in a frame (an `<iframe srcdoc>`, so the page's styles stay inside it).
    """

    def _repr_html_(self) -> str | None:
        if not self.is_file():
            return None
        page = self.read_text(encoding="utf-8")
        return (f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(self.name)}"'
                f' style="width: 100%; height: {FRAME_HEIGHT}px; border: 1px solid #d0d7de;'
                ' border-radius: 6px"></iframe>')


class ExploreSummary(dict[str, Any]):
    """`visionlab.explore`'s statistics (a plain dict in code), shown in a notebook as the
    class table of `visionlab explore` with the sample grid and class-balance figures.

    Args:
        stats: the statistics.
        lang: the language of the table. Defaults to None (`i18n.resolve_language`).
    """

    def __init__(self, stats: dict[str, Any], lang: str | None = None) -> None:
        super().__init__(stats)
        self.lang = lang

    def _repr_html_(self) -> str:
        return explore_html(self, lang=self.lang)
