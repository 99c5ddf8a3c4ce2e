"""Run an app on uvicorn (the `serve` extra)."""

from __future__ import annotations

from typing import Any

from visionlab.serve.errors import missing_extra

try:
    import uvicorn
except ImportError as error:  # the optional `serve` extra
    raise missing_extra(error) from error


def run_server(app: Any, host: str = "127.0.0.1", port: int = 8000,
               log_level: str = "info") -> None:
    """Serve `app` with uvicorn until Ctrl-C (one process; the model is loaded once)."""
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
