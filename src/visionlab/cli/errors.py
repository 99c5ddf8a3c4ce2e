"""Turn visionlab's user-facing errors into one clear message and a non-zero exit code."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from visionlab.errors import VisionlabError

console = Console()
error_console = Console(stderr=True)


DEBUG_ENV = "VISIONLAB_DEBUG"  # set by `visionlab --debug`: errors keep their traceback


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a `VisionlabError` or an OS error (permission, disk full, missing file) as one red
    message naming the path, without a traceback, and exit with status 2 (3 for OS errors).
    `visionlab --debug ...` re-raises instead, with the traceback."""
    try:
        yield
    except VisionlabError as error:
        if os.environ.get(DEBUG_ENV):
            raise
        # escape: a message may name a TOML table ("[sweep]") or an extra ("visionlab[export]")
        error_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False,
                            soft_wrap=True)
        raise typer.Exit(code=2) from None
    except OSError as error:
        if os.environ.get(DEBUG_ENV):
            raise
        error_console.print(f"[bold red]error:[/] {escape(describe_os_error(error))}",
                            highlight=False, soft_wrap=True)
        raise typer.Exit(code=3) from None


def describe_os_error(error: OSError) -> str:
    """One sentence for an OS error: what failed, on which path, and what to do."""
    path = error.filename or "a file"
    reason = error.strerror or str(error)
    fixes = {
        errno.ENOSPC: "Free some disk space (or point --runs-dir / $VISIONLAB_CACHE elsewhere) "
                      "and run the command again; an interrupted training continues with "
                      "`visionlab train --resume RUN`.",
        errno.EACCES: "Make it writable/readable for your user, or choose another folder.",
        errno.EPERM: "Make it writable/readable for your user, or choose another folder.",
        errno.EROFS: "The file system is read-only; choose another folder.",
        errno.ENOENT: "Check the path.",
    }
    fix = fixes.get(error.errno or -1, "Check the path and try again.")
    return f"{reason}: '{path}'. {fix}"
