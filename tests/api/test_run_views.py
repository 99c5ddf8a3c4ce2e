"""What a notebook shows of the API: a run's card, its figures, its report and the comparison
in frames, and explore's overview (digits, no kernel needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

import visionlab
from visionlab import api, i18n
from visionlab.notebook.pages import ExploreSummary, HtmlFragment, HtmlPage

pytestmark = pytest.mark.xdist_group("training")

DIGITS = {
    "name": "digits-views",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01, "seed": 5},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> api.Run:
    return api.train(DIGITS, runs_dir=tmp_path_factory.mktemp("runs"), verbose=0, report=False)


def test_a_run_shows_as_its_summary_card(run: api.Run):
    assert 'class="visionlab-run"' in run._repr_html_()
    card = run.card(lang="vi")
    assert isinstance(card, HtmlFragment)
    assert i18n.t("label.test_accuracy", "vi") in card._repr_html_()


def test_figures_of_a_run(run: api.Run):
    curves = run.plot_curves(lang="vi")
    assert isinstance(curves, Figure) and len(curves.axes) == 3  # accuracy, loss, rate
    matrix = run.plot_confusion_matrix()
    assert isinstance(matrix, Figure)
    grid = run.show_predictions(count=6)
    assert sum(axes.get_title() != "" for axes in grid.axes) == 6
    mistakes = run.top_losses(4, lang="vi")
    assert mistakes is None or sum(axes.get_title() != "" for axes in mistakes.axes) == 4
    assert len(run.test_images) == len(run.predictions["y_true"])


def test_report_and_comparison_are_paths_shown_in_a_frame(run: api.Run, tmp_path: Path):
    report = run.report(lang="vi", images=False)
    assert isinstance(report, HtmlPage) and report == run.path / "report.html"
    assert report.is_file() and report._repr_html_().startswith("<iframe srcdoc=")
    other = api.train(DIGITS, overrides=["train.epochs=1"], runs_dir=tmp_path, verbose=0,
                      report=False)
    comparison = visionlab.compare([run, other], output_dir=tmp_path / "comparison")
    assert comparison == tmp_path / "comparison" / "compare.html"
    assert "<iframe srcdoc=" in comparison._repr_html_()


def test_explore_returns_the_statistics_shown_as_table_and_figures(tmp_path: Path):
    stats = visionlab.explore("digits", output=tmp_path)
    assert isinstance(stats, ExploreSummary) and stats["num_classes"] == 10
    assert "data:image/png;base64," in stats._repr_html_()
