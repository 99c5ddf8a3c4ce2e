"""Experiment tracking, wired into training: `--track`/`--tracking-uri` as config keys, and the
run's trackers opened (or continued on resume) with their record kept in run.json.

The trackers themselves live in `visionlab.tracking`; `api/experiment.py` feeds their Keras
callbacks to the trainer and ends them with the run.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from visionlab import i18n
from visionlab.config import ExperimentConfig
from visionlab.runs.folder import RunFolder
from visionlab.tracking.session import TrackingSession, start_tracking


def tracking_overrides(track: str | list[str] | None, tracking_uri: str | None) -> list[str]:
    """`--track` and `--tracking-uri` as config overrides (validated like any other key)."""
    overrides = []
    if track is not None:
        overrides.append(f"tracking={json.dumps([track] if isinstance(track, str) else track)}")
    if tracking_uri is not None:
        overrides.append(f"tracking_uri={json.dumps(tracking_uri)}")  # a TOML string
    return overrides


def start_run_tracking(folder: RunFolder, config: ExperimentConfig,
                       record: dict[str, Any] | None = None) -> TrackingSession:
    """Open the run's trackers (continuing `record`'s) and keep their record in run.json."""
    tracking = start_tracking(config, folder.path, record)
    if tracking:
        folder.save_info(tracking=tracking.record())
    return tracking


def print_tracking(tracking: TrackingSession) -> None:
    """Print where the run is tracked, one line per tracker."""
    for line in tracking.describe():
        Console().print(i18n.t("train.tracking", line=line), highlight=False, soft_wrap=True)
