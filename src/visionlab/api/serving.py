"""Serving a run's model over HTTP: `serving_app(run)` builds the app, `serve(run)` runs it.

The model is loaded once, here: the run's `model.keras` for `backend="keras"`, or its ONNX
export `<run>/exports/onnx/model.onnx` for `backend="onnx"` (exported first with
`export_run(run, "onnx")` when it is missing). Uploads are decoded with the run's image size,
colour mode and resize mode, as `visionlab predict` does, so both give the same answer.
(The module is `serving`, not `serve`, so that it never shadows the function `api.serve`.)

Example:
    visionlab.serve("runs/mnist-cnn-20261201-101500", port=8000, lang="vi")
    app = visionlab.serving_app(run, backend="onnx")   # for TestClient or another ASGI server
"""

from __future__ import annotations

import os
from typing import Any

from visionlab.api.export import export_run
from visionlab.api.runs import open_run
from visionlab.export import METADATA_FILE, describe_run, export_directory, get_format
from visionlab.i18n import Message
from visionlab.runs import run as run_reader
from visionlab.serve import (
    DEFAULT_MAX_FILES,
    DEFAULT_TOP_K,
    KerasPredictor,
    OnnxPredictor,
    Predictor,
    ServeError,
    create_app,
    public_metadata,
    run_server,
)

BACKENDS = ("keras", "onnx")
DEFAULT_MAX_UPLOAD_MB = 10.0


def serving_app(run: run_reader.Run | str | os.PathLike[str], *, backend: str = "keras",
                lang: str | None = None, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
                max_files: int = DEFAULT_MAX_FILES, top_k: int = DEFAULT_TOP_K) -> Any:
    """Return the FastAPI app serving a run's model (`GET /`, `/health`, `/metadata`, `POST
    /predict`, `/docs`).

    Args:
        run: a run or its folder.
        backend: `"keras"` (the run's model.keras) or `"onnx"` (its ONNX export, written when
            missing; needs the `export` extra). Defaults to `"keras"`.
        lang: the page's and the errors' language, `"en"` or `"vi"`. Defaults to None (each
            browser's Accept-Language).
        max_upload_mb: the largest file accepted, in MiB. Defaults to 10.
        max_files: the most files per request. Defaults to 16.
        top_k: classes returned per image. Defaults to 3.

    Raises:
        ServeError: unknown backend, or the `serve` extra is missing.
        RunError: the run has no model.
        ExportError: the ONNX export fails or its extra is missing.
    """
    run = open_run(run)
    if max_upload_mb <= 0:
        raise ServeError(Message("error.serve.max_upload", {"value": repr(max_upload_mb)}))
    return create_app(load_predictor(run, backend), public_metadata(describe_run(run)),
                      lang=lang, max_upload_bytes=int(max_upload_mb * 2**20),
                      max_files=max_files, top_k=top_k)


def load_predictor(run: run_reader.Run | str | os.PathLike[str],
                   backend: str = "keras") -> Predictor:
    """Load a run's model once for serving: Keras, or its ONNX export (exported if missing)."""
    run = open_run(run)
    if backend == "keras":
        return KerasPredictor(run.load_model())
    if backend == "onnx":
        directory = export_directory(run.path, "onnx")
        artifact = directory / get_format("onnx").artifact
        if not (artifact.is_file() and (directory / METADATA_FILE).is_file()):
            artifact = export_run(run, "onnx").artifact
        return OnnxPredictor(artifact)
    raise ServeError(Message("error.serve.backend", {"backend": backend,
                                                      "choices": ", ".join(BACKENDS)}))


def serve(run: run_reader.Run | str | os.PathLike[str], *, host: str = "127.0.0.1",
          port: int = 8000, backend: str = "keras", lang: str | None = None,
          max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB, max_files: int = DEFAULT_MAX_FILES,
          top_k: int = DEFAULT_TOP_K, log_level: str = "info") -> None:
    """Serve a run's model on uvicorn until Ctrl-C; see `serving_app` for the options.

    Args:
        host: the address to listen on. Defaults to `"127.0.0.1"` (this machine only; use
            `"0.0.0.0"` to accept other machines).
        port: the TCP port. Defaults to 8000.
        log_level: uvicorn's log level. Defaults to `"info"`.
    """
    app = serving_app(run, backend=backend, lang=lang, max_upload_mb=max_upload_mb,
                      max_files=max_files, top_k=top_k)
    run_server(app, host=host, port=port, log_level=log_level)
