"""`visionlab explore`: counts, sizes, colour modes, bad files and sample images of a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    """Add the `explore` command to `app`."""
    app.command("explore", cls=LanguageCommand, help=help_text("help.explore"))(explore)


def explore(
    data: Annotated[str, typer.Argument(
        metavar="DATA", help=help_text("help.explore.data"))],
    data_path: Annotated[Path | None, typer.Option(
        "--data-path", help=help_text("help.option.data_path"))] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=help_text("help.explore.output"))] = None,
    seed: Annotated[int, typer.Option(
        "--seed", help=help_text("help.explore.seed"))] = 0,
    image_size: Annotated[int | None, typer.Option(
        "--image-size", min=8,
        help=help_text("help.explore.image_size"))] = None,
    samples_per_class: Annotated[int, typer.Option(
        "--samples-per-class", min=1, help=help_text("help.explore.samples_per_class"))] = 5,
) -> None:
    """Show images per split and class, sizes, colour modes and bad files; draw figures."""
    lang = language()
    with user_errors():
        stats = api.explore(data, data_path=data_path, image_size=image_size, seed=seed,
                            output=output, samples_per_class=samples_per_class, lang=lang)
        console.print(api.render_explore_table(stats, lang=lang))
        console.print(say("cli.wrote", files=", ".join(stats["files"].values())),
                      highlight=False)
