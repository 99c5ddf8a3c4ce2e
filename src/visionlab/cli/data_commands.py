"""`visionlab datasets` (list built-in datasets and where they are) and `datasets fetch NAME`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab.cli.errors import console, user_errors

datasets_app = typer.Typer(
    help="List the built-in datasets and where their files are, or fetch one.",
    invoke_without_command=True,
    add_completion=False,
)


def register(app: typer.Typer) -> None:
    """Add the `datasets` command group to `app`."""
    app.add_typer(datasets_app, name="datasets")


@datasets_app.callback()
def datasets(context: typer.Context) -> None:
    """List the built-in datasets: classes, image shape, split sizes and where they were found."""
    if context.invoked_subcommand is not None:
        return
    with user_errors():
        from rich.table import Table

        from visionlab.data.registry import get_dataset_entry, list_datasets

        table = Table(title="Built-in datasets")
        for column in ("name", "classes", "image shape", "train", "test"):
            table.add_column(column, justify="right" if column in ("train", "test") else "left")
        table.add_column("found", overflow="fold")
        for name in list_datasets():
            entry = get_dataset_entry(name)
            location = entry.locate()
            found = location.describe() if location is not None else \
                f"[yellow]not found — run visionlab datasets fetch {name}[/]"
            table.add_row(
                name,
                f"{len(entry.class_names)} ({entry.class_names[0]} … {entry.class_names[-1]})",
                "x".join(str(dimension) for dimension in entry.image_shape),
                str(entry.split_sizes.get("train", "?")),
                str(entry.split_sizes.get("test", "?")),
                found,
            )
        console.print(table)


@datasets_app.command("fetch")
def fetch(
    name: Annotated[str, typer.Argument(help="Built-in dataset name (see `visionlab datasets`).")],
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing on success (no progress bar).")] = False,
    data_path: Annotated[Path | None, typer.Option(
        "--data-path", help="Folder to put the files in. Defaults to "
                            "$VISIONLAB_DATA/NAME (~/.cache/visionlab/datasets/NAME).")] = None,
) -> None:
    """Make a built-in dataset present locally (copy from a local source or download, verified)."""
    with user_errors():
        from visionlab.data.locate import fetch as fetch_dataset

        location = fetch_dataset(name, quiet=quiet, data_path=data_path)
        if not quiet:
            console.print(f"{name}: {location.note}; ready in {location.path}", highlight=False)
