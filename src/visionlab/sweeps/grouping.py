"""How a sweep groups its trials' tracked runs: what the sweep asks of an experiment tracker.

The trackers live in `visionlab.tracking`, a sibling of this package; `visionlab.api` passes
their sweep side in (`tracking.sweep.open_sweep_tracker`) as it passes the training function.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from visionlab.config import ExperimentConfig


class SweepTracker(Protocol):
    """The sweep's own tracked run (an MLflow parent run), and its trials grouped under it."""

    def describe(self) -> str:
        """One line saying where the sweep is tracked (printed when it starts)."""
        ...

    def record(self) -> dict[str, Any]:
        """What sweep.json keeps to continue the sweep's tracked run on `--resume`."""
        ...

    def trial_config(self, base: ExperimentConfig) -> ExperimentConfig:
        """The base config the trials train with: tracked in the sweep's own store."""
        ...

    def adopt(self, run_dir: Path, status: str) -> None:
        """Group a trial's tracked run under the sweep's and mark its sweep status."""
        ...

    def complete(self, sweep_dir: Path, summary: dict[str, Any]) -> None:
        """Log the sweep's results (best value, sweep.json, sweep.html) and finish its run."""
        ...

    def end(self, status: str) -> None:
        """Mark the sweep's run `"FAILED"` or `"KILLED"`."""
        ...


# (base config, sweep folder, sweep.json's `tracking` of a resumed sweep or None) -> the
# tracker, or None when the config tracks nothing that groups runs.
OpenSweepTracker = Callable[[ExperimentConfig, Path, "dict[str, Any] | None"],
                            "SweepTracker | None"]
