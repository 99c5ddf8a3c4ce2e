"""`create_app`: the FastAPI app that serves one model.

Routes: `GET /` (the page), `GET /health`, `GET /metadata`, `POST /predict` (multipart field
`files`, one or more images, answered with the top-k classes of each), and FastAPI's `/docs`.
Every refusal is a 4xx with `{"error": code, "file": name or null, "reason": sentence}` (plus
`index`, the file's position, when one file is to blame); the reason reads in the request's
language (`?lang=`, else the server's, else Accept-Language).

Example:
    app = create_app(KerasPredictor(model), public_metadata(describe_run(run)), lang="vi")
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from visionlab.errors import ConfigError
from visionlab.i18n import Message, check_language
from visionlab.serve.decoding import decode_upload
from visionlab.serve.errors import RequestError, missing_extra
from visionlab.serve.language import request_language
from visionlab.serve.page import CONTENT_SECURITY_POLICY, render_page
from visionlab.serve.predictors import Predictor, top_classes
from visionlab.serve.uploads import FIELD, Upload, UploadLimits, read_uploads

try:
    from fastapi import FastAPI, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.exceptions import HTTPException
except ImportError as error:  # the optional `serve` extra
    raise missing_extra(error) from error

DEFAULT_MAX_UPLOAD_BYTES = 10 * 2**20  # per file
DEFAULT_MAX_FILES = 16  # per request
DEFAULT_TOP_K = 3

_ERROR_BODY = {"type": "object", "required": ["error", "file", "reason"], "properties": {
    "error": {"type": "string", "example": "not_an_image"},
    "file": {"type": "string", "nullable": True, "example": "notes.png"},
    "reason": {"type": "string"},
    "index": {"type": "integer", "description": "the file's position in the request"}}}
_PREDICT_DOCS: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": [FIELD], "properties": {
            FIELD: {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
    "responses": {str(status): {"description": meaning,
                                "content": {"application/json": {"schema": _ERROR_BODY}}}
                  for status, meaning in ((400, "a bad request: too many files, a file name "
                                                "with folders, no files, wrong field"),
                                          (413, "a file or the request is too large"),
                                          (415, "not multipart/form-data"),
                                          (422, "a file is not a usable image"))},
}


def public_metadata(description: Mapping[str, Any]) -> dict[str, Any]:
    """What `GET /metadata` says about a model, from `visionlab.export.describe_run(run)`.

    The run's folder path is left out (a client has no business knowing the server's disk).
    """
    run = {key: value for key, value in (description.get("run") or {}).items() if key != "path"}
    color_mode = description["color_mode"]
    return {
        "classes": list(description["class_names"]),
        "input": {"image_size": [int(side) for side in description["image_size"]],
                  "channels": 1 if color_mode == "grayscale" else 3, "color_mode": color_mode,
                  "resize_mode": description["resize_mode"],
                  "pixels": "any image file; decoded, converted and resized by the server"},
        "run": run,
    }


def create_app(predictor: Predictor, metadata: Mapping[str, Any], *, lang: str | None = None,
               max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
               max_files: int = DEFAULT_MAX_FILES, top_k: int = DEFAULT_TOP_K) -> FastAPI:
    """Build the FastAPI app serving `predictor`.

    Args:
        predictor: the loaded model (`KerasPredictor`, `OnnxPredictor`), called once per
            request with all of its images.
        metadata: `public_metadata(...)`: `classes`, `input` {image_size, color_mode,
            resize_mode}, `run`.
        lang: the language of the page and of error reasons, `"en"` or `"vi"`. Defaults to
            None (each browser's Accept-Language).
        max_upload_bytes: the largest file accepted. Defaults to 10 MiB.
        max_files: the most files in one request. Defaults to 16.
        top_k: classes returned per image. Defaults to 3.

    Raises:
        ConfigError: a limit is not positive, `lang` is unknown or `metadata` lacks a key.
    """
    if lang is not None:
        check_language(lang)
    for name, value in (("max_upload_bytes", max_upload_bytes), ("max_files", max_files),
                        ("top_k", top_k)):
        if int(value) < 1:
            raise ConfigError(Message("error.serve.positive", {"name": name,
                                                               "value": repr(value)}))
    missing = {"classes", "input"} - set(metadata)
    if missing:
        raise ConfigError(Message("error.serve.metadata", {"missing": ", ".join(sorted(missing))}))
    model = _ServedModel(predictor, dict(metadata), top_k=int(top_k),
                         limits=UploadLimits(int(max_upload_bytes), int(max_files)))
    app = FastAPI(title=f"visionlab: {(metadata.get('run') or {}).get('name') or 'model'}",
                  description="Classify images with a visionlab model. Try it at `/`.")
    pages = {code: render_page(code, model.metadata, backend=predictor.backend,
                               max_files=model.limits.max_files,
                               max_file_size=f"{max_upload_bytes / 2**20:.3g} MiB")
             for code in ("en", "vi")}

    def language(request: Request) -> str:
        return request_language(request.query_params.get("lang"), lang,
                                request.headers.get("accept-language"))

    @app.exception_handler(RequestError)
    async def refused(request: Request, error: RequestError) -> JSONResponse:
        try:
            reader = language(request)
        except RequestError:
            reader = lang or "en"
        return JSONResponse(error.body(reader), status_code=error.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": f"http_{error.status_code}", "file": None,
                             "reason": f"{error.detail} ({request.method} {request.url.path})"},
                            status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "invalid_request", "file": None,
                             "reason": "; ".join(str(item.get("msg")) for item in error.errors())},
                            status_code=422)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(pages[language(request)],
                            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                                     "Vary": "Accept-Language"})

    @app.get("/health", summary="Is the server up and the model loaded?")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "backend": predictor.backend}

    @app.get("/metadata", summary="The model's classes, input and run")
    async def describe() -> dict[str, Any]:
        return {**model.metadata, "backend": predictor.backend, "top_k": model.top_k,
                "limits": {"max_upload_bytes": model.limits.max_file_bytes,
                           "max_files": model.limits.max_files, "field": FIELD}}

    @app.post("/predict", summary="Classify one or more uploaded images",
              openapi_extra=_PREDICT_DOCS)
    async def predict(request: Request) -> dict[str, Any]:
        language(request)  # an unknown ?lang= is refused before the body is read
        uploads = await read_uploads(request.headers, request.stream(), model.limits)
        predictions = await run_in_threadpool(model.classify, uploads)
        return {"predictions": predictions, "backend": predictor.backend}

    return app


class _ServedModel:
    """The predictor with its metadata: decode a request's uploads, predict them as one batch."""

    def __init__(self, predictor: Predictor, metadata: dict[str, Any], *, top_k: int,
                 limits: UploadLimits) -> None:
        self.predictor = predictor
        self.metadata = metadata
        self.top_k = top_k
        self.limits = limits
        model_input = metadata["input"]
        self.image_size = tuple(model_input["image_size"])
        self.color_mode = model_input["color_mode"]
        self.resize_mode = model_input.get("resize_mode", "squash")

    def classify(self, uploads: list[Upload]) -> list[dict[str, Any]]:
        """Decode every upload (the first bad one refuses the request), then predict them."""
        images = [decode_upload(upload.data, upload.name, self.image_size, self.color_mode,
                                self.resize_mode, index=index)
                  for index, upload in enumerate(uploads)]
        # (N, height, width, channels) float32 0..255, as `visionlab predict` feeds the model.
        probabilities = self.predictor(np.stack(images).astype(np.float32))
        tops = top_classes(probabilities, self.metadata["classes"], self.top_k)
        return [{"file": upload.name, "top": top, "predicted": top[0]["class"],
                 "probability": top[0]["probability"]}
                for upload, top in zip(uploads, tops)]
