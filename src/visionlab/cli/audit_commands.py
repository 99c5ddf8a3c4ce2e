"""`visionlab audit`: exact and near duplicates, leaks, label conflicts and odd files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.language import language, say


def register(app: typer.Typer) -> None:
    """Add the `audit` command to `app`."""
    app.command("audit")(audit)


def audit(
    data: Annotated[str, typer.Argument(
        metavar="DATA", help="Dataset name (mnist, dogs_vs_cats …) or image folder.")],
    data_path: Annotated[Path | None, typer.Option(
        "--data-path", help="Where to look for a built-in dataset's files.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Output folder. Defaults to audit/<dataset-name>/.")] = None,
    threshold: Annotated[int, typer.Option(
        "--threshold", min=-1, max=16,
        help="Perceptual-hash bits (of 64) of a near duplicate; -1 skips near duplicates.")] = 4,
    image_size: Annotated[int, typer.Option(
        "--image-size", min=32, help="Side folders are decoded at (arrays keep theirs).")] = 128,
    validation_fraction: Annotated[float, typer.Option(
        "--validation-fraction", min=0.0, max=0.9,
        help="A folder's validation share, as data.validation_split.")] = 0.1,
    seed: Annotated[int, typer.Option(
        "--seed", help="Seed of a folder's train/validation/test split.")] = 0,
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
