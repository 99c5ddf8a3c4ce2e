"""`visionlab serve RUN`: the run's model behind a web page and a JSON API (uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api, i18n
from visionlab.cli.errors import console, print_warning, user_errors
from visionlab.cli.language import language, say

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add the `serve` command to `app`."""
    app.command("serve")(serve)


def serve(
    run: Annotated[Path, typer.Argument(help="Run folder (see `visionlab runs`).")],
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; 0.0.0.0 accepts other machines.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    backend: Annotated[str, typer.Option(
        "--backend", help="keras (model.keras) or onnx (RUN/exports/onnx, exported if "
                          "missing).")] = "keras",
    max_upload_mb: Annotated[float, typer.Option(
        "--max-upload-mb", min=0.001, help="Largest image file accepted, in MiB.")] = 10.0,
    max_files: Annotated[int, typer.Option(
        "--max-files", min=1, help="Most images in one request.")] = 16,
    top_k: Annotated[int, typer.Option("--top-k", min=1, help="Classes listed per image.")] = 3,
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
