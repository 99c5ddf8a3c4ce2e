"""Turn visionlab's user-facing errors into one clear message and a non-zero exit code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from visionlab.errors import VisionlabError

console = Console()
error_console = Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a `VisionlabError` as a red message (no traceback) and exit with status 2."""
    try:
        yield
    except VisionlabError as error:
        error_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
