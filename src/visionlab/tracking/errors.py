"""`TrackingError`, and the message for a missing `mlflow` extra."""

from __future__ import annotations

from visionlab.errors import VisionlabError
from visionlab.i18n import Message


class TrackingError(VisionlabError):
    """An experiment tracker cannot be used (its package is missing, its store refuses)."""


def missing_extra(package: str, extra: str, purpose: str) -> TrackingError:
    """Return the error for an optional package that a tracker needs but is not installed.

    Args:
        package: the module that failed to import, e.g. `"mlflow"`.
        extra: the visionlab extra that installs it, e.g. `"mlflow"`.
        purpose: what it is needed for, e.g. `"tracking = 'mlflow'"`.
    """
    return TrackingError(Message("error.extra.missing", {
        "package": package, "purpose": purpose, "install": f"pip install 'visionlab[{extra}]'"}))
