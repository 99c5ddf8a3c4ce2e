"""`visionlab datasets` (built-in datasets and where they are), `datasets fetch NAME`, and
`visionlab cache` / `cache clear` (the decoded-image cache of image folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, LanguageGroup, language, say

datasets_app = typer.Typer(
    cls=LanguageGroup,
    help=help_text("help.datasets"),
    invoke_without_command=True,
    add_completion=False,
)


cache_app = typer.Typer(
    cls=LanguageGroup,
    help=help_text("help.cache"),
    invoke_without_command=True,
    add_completion=False,
)

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
    lang = language()
    with user_errors():
        table = Table(title=say("cli.datasets.title"))
        for column in ("name", "description", "classes", "image_shape", "train", "test"):
            table.add_column(say(f"cli.datasets.column.{column}"),
                             justify="right" if column in ("train", "test") else "left",
                             overflow="fold")
        table.add_column(say("cli.datasets.column.found"), overflow="fold")
        for name in api.list_datasets():
            entry = api.get_dataset_entry(name)
            location = entry.locate()
            found = location.describe(lang) if location is not None else \
                f"[yellow]{say('cli.datasets.not_found', name=name)}[/]"
            description = i18n.t(f"dataset.{name}.description", lang) \
                if f"dataset.{name}.description" in i18n.MESSAGES[lang] else entry.description
            table.add_row(
                name,
                description,
                f"{len(entry.class_names)} ({entry.class_names[0]} … {entry.class_names[-1]})",
                entry.shape_text(),
                str(entry.split_sizes.get("train", "?")),
                str(entry.split_sizes.get("test", "?")),
                found,
            )
        console.print(table)


@datasets_app.command("fetch", cls=LanguageCommand, help=help_text("help.datasets.fetch"))
def fetch(
    name: Annotated[str, typer.Argument(help=help_text("help.datasets.fetch.name"))],
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help=help_text("help.datasets.fetch.quiet"))] = False,
    data_path: Annotated[Path | None, typer.Option(
        "--data-path", help=help_text("help.datasets.fetch.data_path"))] = None,
    source: Annotated[Path | None, typer.Option(
        "--from", help=help_text("help.datasets.fetch.from"))] = None,
) -> None:
    """Make a built-in dataset present locally (copy from a local source or download, verified)."""
    with user_errors():
        location = api.fetch_dataset(name, quiet=quiet, data_path=data_path, source=source)
        if not quiet:
            console.print(say("cli.datasets.ready", name=name, note=location.note,
                              path=location.path), highlight=False)


def _megabytes(size: int) -> str:
    return i18n.decimal_mark(f"{size / 1e6:.1f}", language()) + " MB"


@cache_app.callback()
def cache_list(
    context: typer.Context,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", help=help_text("help.option.cache_dir"))] = None,
) -> None:
    """List the cached image folders: source, options, images and size on disk."""
    if context.invoked_subcommand is not None:
        return
    with user_errors():
        entries = api.list_cache_entries(cache_dir)
        where = cache_dir or api.cache_dir()
        if not entries:
            console.print(say("cli.cache.empty", folder=where))
            return
        table = Table(title=say("cli.cache.title", folder=where))
        for column in ("source", "size", "mode", "images", "on_disk"):
            table.add_column(say(f"cli.cache.column.{column}"),
                             justify="right" if column in ("images", "on_disk") else "left",
                             overflow="fold")
        for entry in entries:
            options = entry.options
            size = "x".join(map(str, options.get("image_size", []))) or "?"
            mode = f"{options.get('color_mode', '?')}, {options.get('resize_mode', '?')}"
            source = entry.source if entry.complete else \
                f"{entry.source} [yellow]{say('cli.cache.incomplete')}[/]"
            table.add_row(source, size, mode, i18n.format_count(entry.images, language()),
                          _megabytes(entry.size_bytes))
        console.print(table)
        console.print(say("cli.cache.total", entries=len(entries),
                          size=_megabytes(sum(e.size_bytes for e in entries))), markup=False)


@cache_app.command("clear", cls=LanguageCommand, help=help_text("help.cache.clear"))
def cache_clear(
    folder: Annotated[Path | None, typer.Argument(
        help=help_text("help.cache.clear.folder"))] = None,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", help=help_text("help.option.cache_dir"))] = None,
) -> None:
    """Delete cached decoded images; the next load of those folders decodes them again."""
    with user_errors():
        deleted, freed = api.clear_cache(cache_dir, folder)
        key = "cli.cache.cleared_folder" if folder is not None else "cli.cache.cleared_all"
        noun = say("cli.cache.entry" if deleted == 1 else "cli.cache.entries")
        console.print(say(key, entries=deleted, noun=noun, folder=folder,
                          size=_megabytes(freed)))
