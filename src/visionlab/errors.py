"""Exceptions whose message is meant for the user: full sentences naming the input and the fix.

The CLI prints these without a traceback. Anything else escaping is a bug in visionlab.

An error raised with an `i18n.Message` (a catalog key and its values) instead of a string reads
in the user's language: `str(error)` renders it in the current one, `error.text("vi")` in any.
This module sits below the catalog, so it only relies on the message having a `render(lang)`.

Example:
    raise ConfigError(Message("error.config.unknown_key", {"key": "train.optimiser", ...}))
"""

from __future__ import annotations

from typing import Any


class VisionlabError(Exception):
    """Base class for errors caused by the user's input, data or environment.

    Args:
        message: the sentence(s) for the user, a string or an `i18n.Message`.
    """

    def __init__(self, message: Any = "", *args: Any) -> None:
        super().__init__(message, *args)
        self.message = message

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (a plain-string message reads the same in every language).

        Args:
            lang: `"en"`, `"vi"`, or None for the current language. Defaults to None.
        """
        render = getattr(self.message, "render", None)
        return render(lang) if callable(render) else super().__str__()

    def __str__(self) -> str:
        return self.text()


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
