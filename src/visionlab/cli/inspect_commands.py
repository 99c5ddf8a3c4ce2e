"""Commands that look inside data, models and training: lr-find, augment-preview, weights."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from visionlab import api
from visionlab.cli.errors import console, user_errors


def register(app: typer.Typer) -> None:
    app.command("lr-find")(lr_find)
    app.command("augment-preview")(augment_preview)
    app.command("weights")(weights)


def lr_find(
    config: str = typer.Argument(..., help="A config .toml file or a recipe name."),
    set_: list[str] = typer.Option([], "--set", help="Override a key: --set train.batch_size=64."),
    output: Path | None = typer.Option(None, "--output", help="Output folder."),
    start_lr: float = typer.Option(1e-7, "--start-lr"),
    end_lr: float = typer.Option(10.0, "--end-lr"),
    steps: int = typer.Option(100, "--steps", min=10, help="Mini-batches in the sweep."),
    rule: str = typer.Option("valley", "--rule", help="valley or steepest."),
    per_epoch: bool = typer.Option(
        False, "--per-epoch",
        help="The tutorial's variant: 1e-3 * 10**(epoch/20), val_loss vs lr."),
    epochs: int | None = typer.Option(None, "--epochs", help="Epochs of the per-epoch variant."),
) -> None:
    """Find a good learning rate with an LR range test and plot it."""
    with user_errors():
        result, folder = api.lr_find(config, overrides=list(set_), output_dir=output,
                                     start_lr=start_lr, end_lr=end_lr, num_steps=steps, rule=rule,
                                     per_epoch=per_epoch, epochs=epochs)
    if result.suggested_lr is not None:
        console.print(f"Suggested learning rate: [bold]{result.suggested_lr:.3g}[/] "
                      f"({result.rule} rule)")
    console.print(result.reason)
    console.print(f"Plot: {folder / 'lr_finder.png'}")


def augment_preview(
    config: str = typer.Argument(..., help="A config .toml file or a recipe name."),
    image: Path | None = typer.Argument(None, help="One image to augment N times."),
    set_: list[str] = typer.Option([], "--set", help="Override a key: --set augment.rotation=0.1."),
    count: int = typer.Option(20, "--count", "-n", min=1, max=100),
    output: Path | None = typer.Option(None, "--output", help="PNG path."),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Show N augmented versions of one image, or a batch of augmented training images."""
    with user_errors():
        path = api.augment_preview(config, overrides=list(set_), image=image, count=count,
                                   output=output, seed=seed)
    console.print(f"Augmentation preview: {path}")


def weights(
    run: Path = typer.Argument(..., help="A run folder."),
    layer: str | None = typer.Argument(None, help="Only this layer."),
    output: Path | None = typer.Option(None, "--output", help="Histogram PNG path."),
) -> None:
    """Per-layer weight/bias shapes and statistics, with a histogram image."""
    with user_errors():
        rows, path = api.weights(run, layer, output=output)
    table = Table(title=f"Weights of {run}")
    for column in ("layer", "weight", "shape", "mean", "std", "min", "max", "zeros",
                   "identical units"):
        table.add_column(column, justify="left" if column in ("layer", "weight") else "right")
    for row in rows:
        table.add_row(row["layer"], row["weight"].split("/")[-1], "x".join(map(str, row["shape"])),
                      f"{row['mean']:.4f}", f"{row['std']:.4f}", f"{row['min']:.3f}",
                      f"{row['max']:.3f}", f"{row['zero_share']:.1%}",
                      str(row["identical_columns"]))
    console.print(table)
    console.print(f"Histograms: {path}")
