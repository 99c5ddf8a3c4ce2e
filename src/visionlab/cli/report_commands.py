"""`visionlab report RUN` (the HTML run report) and `visionlab compare RUN...`."""

from __future__ import annotations

import warnings
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from visionlab import api
from visionlab.cli.errors import console, print_warning, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    """Add the `report` and `compare` commands to `app`."""
    app.command("report", cls=LanguageCommand, help=help_text("help.report"))(report)
    app.command("compare", cls=LanguageCommand, help=help_text("help.compare"))(compare)


def report(
    run: Annotated[Path, typer.Argument(help=help_text("help.option.listed_run"))],
    images: Annotated[bool, typer.Option(
        "--images/--no-images",
        help=help_text("help.report.images"))] = True,
    open_report: Annotated[bool, typer.Option(
        "--open/--no-open", help=help_text("help.report.open"))] = False,
) -> None:
    """Write the run's self-contained report.html (diagnosis, curves, confusion matrix …)."""
    lang = language()
    with user_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        path = api.report(run, lang=lang, images=images)
    for warning in (item for item in caught if issubclass(item.category, RuntimeWarning)):
        print_warning(str(warning.message))
    console.print(say("cli.report.wrote", path=path, figures=path.parent / "figures"),
                  highlight=False, soft_wrap=True)
    if open_report:
        webbrowser.open(path.resolve().as_uri())


def compare(
    runs: Annotated[list[Path], typer.Argument(help=help_text("help.compare.runs"))],
    metric: Annotated[str, typer.Option(
        "--metric", help=help_text("help.compare.metric"))]
        = "val_accuracy",
    output: Annotated[Path, typer.Option(
        "--output", "-o", help=help_text("help.compare.output"))] = Path("comparison"),
) -> None:
    """Compare runs: differing config keys, best/final metric, test accuracy, overlaid curves."""
    lang = language()
    with user_errors():
        path = api.compare_runs(runs, metric=metric, output_dir=output, lang=lang)
        console.print(say("cli.compare.wrote", path=path,
                          figure=path.parent / api.COMPARE_FIGURE_FILE),
                      highlight=False, soft_wrap=True)
