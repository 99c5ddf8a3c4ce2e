"""Turn visionlab's user-facing errors into one clear message and a non-zero exit code."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from visionlab import i18n
from visionlab.errors import VisionlabError

console = Console()
error_console = Console(stderr=True)


DEBUG_ENV = "VISIONLAB_DEBUG"  # set by `visionlab --debug`: errors keep their traceback


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a `VisionlabError` or an OS error (permission, disk full, missing file) as one red
    message naming the path, without a traceback, and exit with status 2 (3 for OS errors).
    `visionlab --debug ...` re-raises instead, with the traceback. The message and its framing
    are in the command's language (`i18n.current_language()`)."""
    try:
        yield
    except VisionlabError as error:
        if os.environ.get(DEBUG_ENV):
            raise
        print_error(error.text(i18n.current_language()))
        raise typer.Exit(code=2) from None
    except OSError as error:
        if os.environ.get(DEBUG_ENV):
            raise
        print_error(describe_os_error(error, i18n.current_language()))
        raise typer.Exit(code=3) from None


def print_error(text: str) -> None:
    """Print one user-facing error: the language's "error:" label in red, then `text`."""
    label = escape(i18n.t("cli.error.label", i18n.current_language()))
    # escape: a message may name a TOML table ("[sweep]") or an extra ("visionlab[export]")
    error_console.print(f"[bold red]{label}[/] {escape(text)}", highlight=False, soft_wrap=True)


def print_warning(text: str) -> None:
    """Print one user-facing warning in yellow (the text is already in the right language)."""
    error_console.print(f"[yellow]{escape(text)}[/]", highlight=False, soft_wrap=True)


# errno -> the catalog key of what to do about it
_OS_FIXES = {errno.ENOSPC: "cli.os_error.fix.disk_full", errno.EACCES: "cli.os_error.fix.access",
             errno.EPERM: "cli.os_error.fix.access", errno.EROFS: "cli.os_error.fix.read_only",
             errno.ENOENT: "cli.os_error.fix.missing"}


def describe_os_error(error: OSError, lang: str = "en") -> str:
    """One sentence for an OS error: what failed, on which path, and what to do, in `lang`.

    The reason itself ("No space left on device") is the operating system's own text.
    """
    path = error.filename or i18n.t("cli.os_error.a_file", lang)
    reason = error.strerror or str(error)
    fix = i18n.t(_OS_FIXES.get(error.errno or -1, "cli.os_error.fix.other"), lang)
    return i18n.t("cli.os_error.message", lang, reason=reason, path=path, fix=fix)
