"""Exceptions whose message is meant for the user: full sentences naming the input and the fix.

The CLI prints these without a traceback. Anything else escaping is a bug in visionlab.
"""

from __future__ import annotations


class VisionlabError(Exception):
    """Base class for errors caused by the user's input, data or environment."""


class DataError(VisionlabError):
    """A dataset could not be found, read or used (names the file and how to fix it)."""


class ConfigError(VisionlabError):
    """An experiment configuration is invalid (names the key, the allowed values and the fix)."""


class ModelError(VisionlabError):
    """A model name or argument is invalid."""


class RunError(VisionlabError):
    """A run folder is missing, incomplete or cannot be resumed."""


class TrainingError(VisionlabError):
    """Training cannot start or had to stop (pre-flight failure, NaN loss …)."""


class TrainingInterrupted(RunError):
    """The user pressed Ctrl-C (or interrupted the notebook's kernel); the partial run folder
    was saved and can be resumed."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of the traceback: as in the terminal, the message (where
        # the run is, how to resume it) is the whole story.
        return [f"{type(self).__name__}: {self}"]
