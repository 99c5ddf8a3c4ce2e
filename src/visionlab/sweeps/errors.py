"""`SweepError`, and the message for a missing `sweep` extra (Ray Tune)."""

from __future__ import annotations

from visionlab.errors import VisionlabError
from visionlab.i18n import Message

EXTRA_HINT = "pip install 'visionlab[sweep]'"


class SweepError(VisionlabError):
    """A sweep is misconfigured, Ray is missing, or a sweep folder cannot be read."""


def missing_ray() -> SweepError:
    """Return the error for a sweep started without Ray Tune installed."""
    return SweepError(Message("error.sweep.missing_ray", {"install": EXTRA_HINT}))
