"""`visionlab audit`: exact and near duplicates, leaks, label conflicts and odd files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    """Add the `audit` command to `app`."""
    app.command("audit", cls=LanguageCommand, help=help_text("help.audit"))(audit)


def audit(
    data: Annotated[str, typer.Argument(
        metavar="DATA", help=help_text("help.audit.data"))],
    data_path: Annotated[Path | None, typer.Option(
        "--data-path", help=help_text("help.option.data_path"))] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=help_text("help.audit.output"))] = None,
    threshold: Annotated[int, typer.Option(
        "--threshold", min=-1, max=16,
        help=help_text("help.audit.threshold"))] = 4,
    image_size: Annotated[int, typer.Option(
        "--image-size", min=32, help=help_text("help.audit.image_size"))] = 128,
    validation_fraction: Annotated[float, typer.Option(
        "--validation-fraction", min=0.0, max=0.9,
        help=help_text("help.audit.validation_fraction"))] = 0.1,
    seed: Annotated[int, typer.Option(
        "--seed", help=help_text("help.audit.seed"))] = 0,
) -> None:
    """Find duplicates, train/test leaks, label conflicts, size outliers and gray RGB images.

    Writes audit.html (the images side by side), audit.txt (the images to leave out: set
    data.exclude = "audit.txt" in an experiment) and audit.json.
    """
    lang = language()
    with user_errors():
        found = api.audit(data, data_path=data_path, output=output, threshold=threshold,
                          image_size=image_size, validation_fraction=validation_fraction,
                          seed=seed)
    counts = found.result.counts()
    table = Table(title=say("cli.audit.title", name=found.result.name), title_justify="left")
    table.add_column(say("cli.audit.column.finding"))
    table.add_column(say("cli.audit.column.count"), justify="right")
    for key in ("images", "exact_groups", "exact_copies", "near_pairs", "leaks", "conflicts",
                "size_outliers", "grayscale_rgb"):
        table.add_row(say(f"cli.audit.finding.{key}"), i18n.format_count(counts[key], lang))
    seconds = sum(found.result.seconds.values())
    table.caption = say("cli.audit.caption", seconds=i18n.format_seconds(seconds, lang),
                        bits=found.result.threshold)
    console.print(table)
    console.print(say("cli.audit.wrote", html=found.files.html, exclude=found.files.exclude_list,
                      count=i18n.format_count(len(found.result.exclusions()), lang),
                      json=found.files.json), highlight=False)
