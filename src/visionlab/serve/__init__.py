"""Serve a model over HTTP: a FastAPI app with a page to try it, `/predict` and `/metadata`.

- `predictors.py`: `KerasPredictor` (the run's model) and `OnnxPredictor` (its ONNX export),
  one call per request's batch;
- `uploads.py`: the multipart body read in memory within limits (size, count, file names);
- `decoding.py`: an upload decoded by `visionlab.data.decode`, as `visionlab predict` does;
- `app.py`: `create_app(predictor, metadata, ...)`, the routes and their errors;
- `page.py` + `templates/index.html`: the offline page at `/`, in English or Vietnamese;
- `server.py`: uvicorn.

`visionlab.api.serving_app(run)` builds the app for a run folder and `visionlab.api.serve(run)`
runs it. The extra: `pip install 'visionlab[serve]'`; without it, importing this package raises
`ServeError` naming it.

Example:
    from visionlab.export import describe_run
    from visionlab.serve import KerasPredictor, create_app, public_metadata
    app = create_app(KerasPredictor(run.load_model()), public_metadata(describe_run(run)))
"""

from __future__ import annotations

from visionlab.serve.app import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_UPLOAD_BYTES,
    DEFAULT_TOP_K,
    create_app,
    public_metadata,
)
from visionlab.serve.errors import RequestError, ServeError
from visionlab.serve.predictors import KerasPredictor, OnnxPredictor, Predictor, top_classes
from visionlab.serve.server import run_server

__all__ = [
    "DEFAULT_MAX_FILES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DEFAULT_TOP_K",
    "KerasPredictor",
    "OnnxPredictor",
    "Predictor",
    "RequestError",
    "ServeError",
    "create_app",
    "public_metadata",
    "run_server",
    "top_classes",
]
