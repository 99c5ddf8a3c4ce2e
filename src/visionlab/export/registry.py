"""The export-format registry: one `ExportFormat` per artifact visionlab can write and check.

A format module (`saved_model.py`, `onnx.py`, `litert.py`) calls `register_format` once;
`visionlab/export/__init__.py` imports every format module, so the registry is full whenever
any part of `visionlab.export` is imported.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from visionlab.export.errors import ExportError
from visionlab.i18n import Message


class Runner(Protocol):
    """An exported artifact loaded in its own runtime, called like the Keras model."""

    runtime: str  # e.g. "onnxruntime 1.23.2 (CPUExecutionProvider)"
    details: dict[str, Any]  # input/output names and shapes, as the runtime reports them

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """(batch, height, width, channels) float32 pixels 0..255 -> (batch, outputs)."""
        ...


@dataclass(frozen=True)
class ExportFormat:
    """How to write one artifact format and how to run it back.

    Attributes:
        name: the format's name on the command line, e.g. `"onnx"`.
        artifact: the file or folder name of the artifact inside the export folder.
        write: `write(keras_model, artifact_path) -> details` writes the artifact and returns
            facts for metadata.json (e.g. the ONNX opset).
        load: `load(artifact_path) -> Runner` runs it in its own runtime.
        requirements: imports the optional packages the format needs (raising the
            missing-extra `ExportError`) and returns their versions.
        aliases: other accepted names, e.g. `("litert",)`.
    """

    name: str
    artifact: str
    write: Callable[[Any, Path], dict[str, Any]]
    load: Callable[[Path], Runner]
    requirements: Callable[[], dict[str, str]]
    aliases: tuple[str, ...] = ()


_FORMATS: dict[str, ExportFormat] = {}


def register_format(export_format: ExportFormat) -> ExportFormat:
    """Add `export_format` to the registry under its name and aliases."""
    for key in (export_format.name, *export_format.aliases):
        if key in _FORMATS:
            raise ValueError(f"Export format '{key}' is registered twice.")
        _FORMATS[key] = export_format
    return export_format


def list_formats() -> list[str]:
    """Return the registered format names (aliases left out), sorted."""
    return sorted({export_format.name for export_format in _FORMATS.values()})


def get_format(name: str | ExportFormat) -> ExportFormat:
    """Return the registered format `name` (or `name` itself when it is an `ExportFormat`).

    Raises:
        ExportError: no such format; the message lists the formats and the closest one.
    """
    if isinstance(name, ExportFormat):
        return name
    key = name.strip().lower()
    if key in _FORMATS:
        return _FORMATS[key]
    close = difflib.get_close_matches(key, list(_FORMATS), n=1)
    hint = Message("error.did_you_mean", {"name": _FORMATS[close[0]].name}) if close else ""
    raise ExportError(Message("error.export.unknown_format", {
        "name": name, "choices": ", ".join(list_formats()), "hint": hint}))
