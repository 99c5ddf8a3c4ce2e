"""What the API hands a notebook: pages in a frame, HTML fragments, the explore overview, and
figures registered to display as PNG in a (real, in-process) IPython shell."""

from __future__ import annotations

import html
from pathlib import Path

from matplotlib.figure import Figure

from needs import needs_module
from visionlab.data.loading import load_dataset
from visionlab.notebook.pages import ExploreSummary, HtmlFragment, HtmlPage
from visionlab.notebook.shell import figure_png, in_notebook, ipython_shell, show_inline
from visionlab.reports.explore import explore_dataset


def test_an_html_page_is_a_path_that_shows_the_page_in_a_frame(tmp_path: Path):
    source = tmp_path / "report.html"
    source.write_text('<html><body><p class="x">Tom & "Jerry"</p></body></html>',
                      encoding="utf-8")
    page = HtmlPage(source)
    assert page == source and page.is_file() and page.read_text(encoding="utf-8")
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=")
    srcdoc = frame.split('srcdoc="', 1)[1].split('" title=', 1)[0]
    assert '"' not in srcdoc and html.unescape(srcdoc) == source.read_text(encoding="utf-8")
    assert HtmlPage(tmp_path / "missing.html")._repr_html_() is None
    assert HtmlFragment("<b>x</b>")._repr_html_() == "<b>x</b>"


def test_explore_summary_is_the_stats_dict_shown_as_table_and_figures(tmp_path: Path):
    dataset = load_dataset("digits", progress=False)
    stats = ExploreSummary(explore_dataset(dataset, tmp_path, samples_per_class=2))
    assert isinstance(stats, dict) and stats["num_classes"] == 10
    shown = stats._repr_html_()
    assert "Images per class" in shown and "There are" in shown
    assert shown.count('src="data:image/png;base64,') == 2  # samples and class balance


def test_figures_display_as_png_in_an_ipython_shell():
    interactiveshell = needs_module("IPython.core.interactiveshell", "notebook")
    figure = Figure()
    figure.add_subplot().plot([0, 1], [1, 0])
    assert ipython_shell() is None and not in_notebook()
    assert show_inline(figure) is figure  # plain Python: nothing to register
    shell = interactiveshell.InteractiveShell.instance()
    try:
        assert ipython_shell() is shell and not in_notebook()  # a terminal shell
        show_inline(figure)
        data, _ = shell.display_formatter.format(figure)
        assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
        assert figure_png(figure)[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        interactiveshell.InteractiveShell.clear_instance()

