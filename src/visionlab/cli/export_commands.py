"""`visionlab export RUN --format saved_model|onnx|tflite`: the run's model for inference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    """Add the `export` command to `app`."""
    app.command("export", cls=LanguageCommand, help=help_text("help.export"))(export)


def export(
    run: Annotated[Path, typer.Argument(help=help_text("help.option.listed_run"))],
    format: Annotated[str, typer.Option(
        "--format", "-f", help=help_text("help.export.format"))],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=help_text("help.export.output"))] = None,
    parity_images: Annotated[int, typer.Option(
        "--parity-images", min=0,
        help=help_text("help.export.parity_images"))] = 256,
    tolerance: Annotated[float, typer.Option(
        "--tolerance", min=0.0,
        help=help_text("help.export.tolerance"))] = 1e-5,
) -> None:
    """Export the run's model, run it in its own runtime and check it matches Keras."""
    with user_errors():
        result = api.export_run(run, format, output=output,
                                parity_images=parity_images or None, tolerance=tolerance)
    lang = language()
    parity = result.parity
    console.print(say("cli.export.done", format=result.format, path=result.artifact),
                  highlight=False, soft_wrap=True)
    console.print(say("cli.export.parity", images=i18n.format_count(parity["images"], lang),
                      runtime=parity["runtime"],
                      max_diff=i18n.format_number(parity["max_abs_diff"], lang, 3),
                      limit=i18n.format_number(parity["tolerance"], lang, 6),
                      mean_diff=i18n.format_number(parity["mean_abs_diff"], lang, 3),
                      same=i18n.format_percent(parity["same_predictions"], lang)),
                  highlight=False, soft_wrap=True)
    console.print(say("cli.export.metadata", path=result.metadata_path), highlight=False,
                  soft_wrap=True)
