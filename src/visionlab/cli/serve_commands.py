"""`visionlab serve RUN`: the run's model behind a web page and a JSON API (uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api, i18n
from visionlab.cli.errors import console, print_warning, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add the `serve` command to `app`."""
    app.command("serve", cls=LanguageCommand, help=help_text("help.serve"))(serve)


def serve(
    run: Annotated[Path, typer.Argument(help=help_text("help.option.listed_run"))],
    host: Annotated[str, typer.Option(
        "--host", help=help_text("help.serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        "--port", min=1, max=65535, help=help_text("help.serve.port"))] = 8000,
    backend: Annotated[str, typer.Option(
        "--backend", help=help_text("help.serve.backend"))] = "keras",
    max_upload_mb: Annotated[float, typer.Option(
        "--max-upload-mb", min=0.001, help=help_text("help.serve.max_upload_mb"))] = 10.0,
    max_files: Annotated[int, typer.Option(
        "--max-files", min=1, help=help_text("help.serve.max_files"))] = 16,
    top_k: Annotated[int, typer.Option("--top-k", min=1, help=help_text("help.serve.top_k"))] = 3,
) -> None:
    """Serve the run's model: a page to try it at /, POST /predict, /metadata, /docs."""
    language()  # an invalid $VISIONLAB_LANG stops here, before the model loads
    if host not in _LOOPBACK:
        print_warning(say("cli.serve.public", host=host))
    console.print(say("cli.serve.loading", run=run, backend=backend), highlight=False,
                  soft_wrap=True)
    with user_errors():
        # --lang or $VISIONLAB_LANG fixes the page's language; without them each browser's
        # Accept-Language decides (the server's locale says nothing about its visitors).
        api.serve(run, host=host, port=port, backend=backend, lang=i18n.chosen_language(),
                  max_upload_mb=max_upload_mb, max_files=max_files, top_k=top_k)
