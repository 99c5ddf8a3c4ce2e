"""One run's trackers: started (or continued) together, fed the same epochs, ended together.

A tracker is one of `TRACKERS` (`config.tracking`). `start_tracking` opens each configured
tracker for a run folder, continuing the one recorded in run.json's `tracking` when the run is
resumed. The API wraps training in `session.during_training()`, which ends the trackers as
failed (an error) or killed (Ctrl-C, a kernel interrupt) when something escapes, and calls
`session.complete(run)` once the run folder is complete.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import keras

from visionlab import i18n
from visionlab.config import ExperimentConfig
from visionlab.errors import TrainingInterrupted
from visionlab.runs.run import Run
from visionlab.tracking import mlflow as mlflow_tracker
from visionlab.tracking import tensorboard as tensorboard_tracker


class Tracker(Protocol):
    """What a session needs of one tracker."""

    name: str

    def describe(self) -> str:
        """One line saying where the run is tracked (printed when training starts)."""
        ...

    def record(self) -> dict[str, Any]:
        """What run.json keeps to continue this tracker on resume."""
        ...

    def callbacks(self) -> list[keras.callbacks.Callback]: ...

    def complete(self, run: Run) -> None:
        """Log the finished run (test metrics, artifacts) and mark it finished."""
        ...

    def end(self, status: str) -> None:
        """Mark the tracked run `"FAILED"` or `"KILLED"`."""
        ...


# config.tracking name -> its module: `require()` checks its package, `open_tracker(config,
# run_dir, record)` opens it for a run folder (continuing `record` when given).
BACKENDS = {"mlflow": mlflow_tracker, "tensorboard": tensorboard_tracker}


def require_trackers(config: ExperimentConfig) -> None:
    """Fail fast, before any data is loaded, when a configured tracker's package is missing.

    Raises:
        TrackingError: naming the extra to install (`pip install 'visionlab[mlflow]'`).
    """
    for name in config.tracking or []:
        BACKENDS[name].require()


def start_tracking(config: ExperimentConfig, run_dir: str | Path,
                   record: Mapping[str, Any] | None = None) -> TrackingSession:
    """Open the trackers of `config.tracking` for the run folder `run_dir`.

    Args:
        config: the run's resolved config (`tracking`, `tracking_uri`, `name`).
        run_dir: the run folder (its header already written).
        record: run.json's `tracking` of a run being resumed: each tracker found there is
            continued (the same MLflow run). Defaults to None (new tracked runs).
    """
    record = record or {}
    trackers: list[Tracker] = [BACKENDS[name].open_tracker(config, Path(run_dir), record.get(name))
                               for name in config.tracking or []]
    return TrackingSession(trackers)


class TrackingSession:
    """The trackers of one run (possibly none: then every method does nothing)."""

    def __init__(self, trackers: list[Tracker] | None = None):
        self.trackers = list(trackers or [])

    def __bool__(self) -> bool:
        return bool(self.trackers)

    def describe(self) -> list[str]:
        return [tracker.describe() for tracker in self.trackers]

    def record(self) -> dict[str, Any]:
        """run.json's `tracking`: tracker name -> what continues it on resume."""
        return {tracker.name: tracker.record() for tracker in self.trackers}

    def callbacks(self) -> list[keras.callbacks.Callback]:
        """The Keras callbacks that feed every tracker, for `Trainer.fit(extra_callbacks=)`."""
        return [callback for tracker in self.trackers for callback in tracker.callbacks()]

    @contextlib.contextmanager
    def during_training(self) -> Iterator[None]:
        """End the trackers as killed (interrupt) or failed (any error) when one escapes."""
        try:
            yield
        except (TrainingInterrupted, KeyboardInterrupt):
            self.end("KILLED")
            raise
        except BaseException:
            self.end("FAILED")
            raise

    def complete(self, run: Run) -> None:
        """Log the completed run to every tracker; a tracker that fails is warned about only.

        The run folder is complete either way: `visionlab train --resume` is not needed.
        """
        for tracker in self.trackers:
            try:
                tracker.complete(run)
            except Exception as error:  # a tracking store's trouble must not fail the run
                warnings.warn(i18n.t("tracking.not_recorded", path=run.path,
                                     tracker=tracker.name, kind=type(error).__name__,
                                     error=error), RuntimeWarning, stacklevel=2)

    def end(self, status: str) -> None:
        for tracker in self.trackers:
            with contextlib.suppress(Exception):  # the training error is the one to show
                tracker.end(status)

