"""`visionlab datasets` (built-in datasets and where they are), `datasets fetch NAME`, and
`visionlab cache` / `cache clear` (the decoded-image cache of image folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from visionlab import api
from visionlab.cli.errors import console, user_errors

datasets_app = typer.Typer(
    help="List the built-in datasets and where their files are, or fetch one.",
    invoke_without_command=True,
    add_completion=False,
)


cache_app = typer.Typer(
    help="Show or clear the decoded-image cache of image folders.",
    invoke_without_command=True,
    add_completion=False,
)

_CACHE_DIR_HELP = ("Cache folder. Defaults to $VISIONLAB_CACHE/decoded or "
                   "~/.cache/visionlab/decoded.")


def register(app: typer.Typer) -> None:
    """Add the `datasets` and `cache` command groups to `app`."""
    app.add_typer(datasets_app, name="datasets")
    app.add_typer(cache_app, name="cache")


@datasets_app.callback()
def datasets(context: typer.Context) -> None:
    """List the built-in datasets: what they are, classes, image shape, split sizes and where
    they were found."""
    if context.invoked_subcommand is not None:
        return
    with user_errors():
        table = Table(title="Built-in datasets")
        for column in ("name", "description", "classes", "image shape", "train", "test"):
            table.add_column(column, justify="right" if column in ("train", "test") else "left",
                             overflow="fold")
        table.add_column("found", overflow="fold")
        for name in api.list_datasets():
            entry = api.get_dataset_entry(name)
            location = entry.locate()
            found = location.describe() if location is not None else \
                f"[yellow]not found — run visionlab datasets fetch {name}[/]"
            table.add_row(
                name,
                entry.description,
                f"{len(entry.class_names)} ({entry.class_names[0]} … {entry.class_names[-1]})",
                entry.shape_text(),
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
    source: Annotated[Path | None, typer.Option(
        "--from", help="Install from this local copy only (a folder of the dataset's files, or "
                       "its archive), verified; nothing is downloaded.")] = None,
) -> None:
    """Make a built-in dataset present locally (copy from a local source or download, verified)."""
    with user_errors():
        location = api.fetch_dataset(name, quiet=quiet, data_path=data_path, source=source)
        if not quiet:
            console.print(f"{name}: {location.note}; ready in {location.path}", highlight=False)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


@cache_app.callback()
def cache_list(
    context: typer.Context,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_DIR_HELP)] = None,
) -> None:
    """List the cached image folders: source, options, images and size on disk."""
    if context.invoked_subcommand is not None:
        return
    with user_errors():
        entries = api.list_cache_entries(cache_dir)
        where = cache_dir or api.cache_dir()
        if not entries:
            console.print(f"The decoded-image cache in {where} is empty.")
            return
        table = Table(title=f"Decoded-image cache in {where}")
        for column in ("source", "size", "mode", "images", "on disk"):
            table.add_column(column, justify="right" if column in ("images", "on disk") else "left",
                             overflow="fold")
        for entry in entries:
            options = entry.options
            size = "x".join(map(str, options.get("image_size", []))) or "?"
            mode = f"{options.get('color_mode', '?')}, {options.get('resize_mode', '?')}"
            source = entry.source if entry.complete else f"{entry.source} [yellow](incomplete)[/]"
            table.add_row(source, size, mode, f"{entry.images:,}", _megabytes(entry.size_bytes))
        console.print(table)
        console.print(f"{len(entries)} entries, {_megabytes(sum(e.size_bytes for e in entries))}. "
                      "Free it with `visionlab cache clear [FOLDER]`.")


@cache_app.command("clear")
def cache_clear(
    folder: Annotated[Path | None, typer.Argument(
        help="Only clear what was decoded from this image folder (default: everything).")] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_DIR_HELP)] = None,
) -> None:
    """Delete cached decoded images; the next load of those folders decodes them again."""
    with user_errors():
        deleted, freed = api.clear_cache(cache_dir, folder)
        what = f"decoded from {folder}" if folder is not None else "in the cache"
        console.print(f"Deleted {deleted} entr{'y' if deleted == 1 else 'ies'} {what}, "
                      f"freed {_megabytes(freed)}.")
