"""`ExportError`, and the message for a missing `export` extra."""

from __future__ import annotations

from visionlab.errors import VisionlabError
from visionlab.i18n import Message

EXTRA_HINT = "pip install 'visionlab[export]'"


class ExportError(VisionlabError):
    """A model could not be exported, or its artifact does not match the Keras model."""


def missing_extra(package: str, purpose: str) -> ExportError:
    """Return the error for an optional package of the `export` extra that is not installed.

    Args:
        package: the distribution name, e.g. `"onnxruntime"`.
        purpose: what it is needed for, e.g. `"checking the ONNX model"`.
    """
    return ExportError(Message("error.extra.missing", {
        "package": package, "purpose": purpose, "install": EXTRA_HINT}))
