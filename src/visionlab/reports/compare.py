"""The comparison page of runs: `compare.html` (self-contained) and `compare.png`.

The table itself (differing config keys, seed groups as mean ± std) is built by
`visionlab.runs.compare.comparison_table`; this module draws and renders it.

Example:
    compare_runs(["runs/cnn-a", "runs/cnn-b"], metric="val_loss", output_dir="comparisons/cnn")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from visionlab import _io, i18n
from visionlab.reports import figures
from visionlab.reports.html import png_data_uri, render_page
from visionlab.runs.compare import Comparison, comparison_table
from visionlab.runs.run import Run

HTML_FILE = "compare.html"
FIGURE_FILE = "compare.png"


def compare_runs(runs: Sequence[Run | str | os.PathLike[str]], *, metric: str = "val_accuracy",
                 output_dir: str | os.PathLike[str], lang: str | None = None) -> Path:
    """Write `compare.html` (self-contained) and `compare.png` comparing `runs`; return the HTML.

    Args:
        runs: `Run`s or run folder paths, at least two.
        metric: history column to compare and draw. Defaults to `"val_accuracy"`.
        output_dir: folder for the two files (created if missing).
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)
    comparison = comparison_table(runs, metric)
    output_dir = Path(output_dir)
    figure_path = figures.save_figure(comparison_figure(comparison, lang=lang),
                                      output_dir / FIGURE_FILE)
    page = render_page("compare.html", lang, comparison=comparison,
                       figure=png_data_uri(figure_path),
                       percent_metric="accuracy" in metric)
    return _io.write_text(output_dir / HTML_FILE, page)


def comparison_figure(comparison: Comparison, *, lang: str | None = None) -> Figure:
    """Draw the compared metric per epoch: one curve per run, or mean ± std bands for seed groups.

    Args:
        comparison: the table from `comparison_table`.
        lang: language of the figure's title and axis labels, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).
    """
    if any(row.is_group for row in comparison.rows):
        return figures.mean_std_curves_figure(
            {row.label: [run.history for run in row.runs] for row in comparison.rows},
            comparison.metric, lang=lang)
    return figures.overlay_curves_figure(
        {row.label: row.runs[0].history for row in comparison.rows}, comparison.metric, lang=lang)
