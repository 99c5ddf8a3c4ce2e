"""Commands that look inside data, models and training: lr-find, augment-preview, weights."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    app.command("lr-find", cls=LanguageCommand, help=help_text("help.lr_find"))(lr_find)
    app.command("augment-preview", cls=LanguageCommand,
                help=help_text("help.augment_preview"))(augment_preview)
    app.command("weights", cls=LanguageCommand, help=help_text("help.weights"))(weights)


def lr_find(
    config: str = typer.Argument(..., help=help_text("help.option.config")),
    set_: list[str] = typer.Option([], "--set", help=help_text("help.lr_find.set")),
    output: Path | None = typer.Option(None, "--output", help=help_text("help.lr_find.output")),
    start_lr: float = typer.Option(1e-7, "--start-lr"),
    end_lr: float = typer.Option(10.0, "--end-lr"),
    steps: int = typer.Option(100, "--steps", min=10, help=help_text("help.lr_find.steps")),
    rule: str = typer.Option("valley", "--rule", help=help_text("help.lr_find.rule")),
    per_epoch: bool = typer.Option(
        False, "--per-epoch",
        help=help_text("help.lr_find.per_epoch")),
    epochs: int | None = typer.Option(None, "--epochs", help=help_text("help.lr_find.epochs")),
) -> None:
    """Find a good learning rate with an LR range test and plot it."""
    lang = language()
    with user_errors():
        result, folder = api.lr_find(config, overrides=list(set_), output_dir=output,
                                     start_lr=start_lr, end_lr=end_lr, num_steps=steps, rule=rule,
                                     per_epoch=per_epoch, epochs=epochs, lang=lang)
    if result.suggested_lr is not None:
        console.print(say("cli.lr_find.suggested",
                          lr=f"[bold]{i18n.format_number(result.suggested_lr, lang, 3)}[/]",
                          rule=result.rule))
    console.print(result.reason_in(lang), highlight=False)
    console.print(say("cli.plot", path=folder / "lr_finder.png"), highlight=False)


def augment_preview(
    config: str = typer.Argument(..., help=help_text("help.option.config")),
    image: Path | None = typer.Argument(None, help=help_text("help.augment_preview.image")),
    set_: list[str] = typer.Option([], "--set", help=help_text("help.augment_preview.set")),
    count: int = typer.Option(20, "--count", "-n", min=1, max=100),
    output: Path | None = typer.Option(None, "--output",
                                       help=help_text("help.augment_preview.output")),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Show N augmented versions of one image, or a batch of augmented training images."""
    with user_errors():
        path = api.augment_preview(config, overrides=list(set_), image=image, count=count,
                                   output=output, seed=seed)
    console.print(say("cli.augment_preview.wrote", path=path), highlight=False)


def weights(
    run: Path = typer.Argument(..., help=help_text("help.option.run")),
    layer: str | None = typer.Argument(None, help=help_text("help.weights.layer")),
    output: Path | None = typer.Option(None, "--output", help=help_text("help.weights.output")),
) -> None:
    """Per-layer weight/bias shapes and statistics, with a histogram image."""
    lang = language()
    with user_errors():
        rows, path = api.weights(run, layer, output=output, lang=lang)
    table = Table(title=say("cli.weights.title", run=run))
    for column in ("layer", "weight", "shape", "mean", "std", "min", "max", "zeros",
                   "identical_units"):
        table.add_column(say(f"cli.weights.column.{column}"),
                         justify="left" if column in ("layer", "weight") else "right")
    for row in rows:
        table.add_row(row["layer"], row["weight"].split("/")[-1], "x".join(map(str, row["shape"])),
                      *(i18n.format_decimal(row[key], lang, digits) for key, digits in
                        (("mean", 4), ("std", 4), ("min", 3), ("max", 3))),
                      i18n.format_percent(row["zero_share"], lang), str(row["identical_columns"]))
    console.print(table)
    console.print(say("cli.weights.histograms", path=path), highlight=False)
