"""TensorBoard tracking: Keras's own `TensorBoard` callback, writing into the run folder.

The event files go to `<run>/tensorboard/` (`train/` and `validation/`, one scalar per metric
per epoch); a resumed run appends to them. TensorFlow's `tf.summary` writes them only when the
`tensorboard` package is installed (`pip install 'visionlab[tensorboard]'`), which also views
them: `tensorboard --logdir runs/` shows every run folder side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras

from visionlab import i18n
from visionlab.config import ExperimentConfig
from visionlab.runs.run import Run
from visionlab.tracking.errors import missing_extra

LOG_DIR = "tensorboard"


def require() -> None:
    """Raise TrackingError naming `pip install 'visionlab[tensorboard]'` when it is missing."""
    try:
        import tensorboard  # noqa: F401  (optional: the `tensorboard` extra; tf.summary needs it)
    except ImportError:
        raise missing_extra("tensorboard", "tensorboard",
                            "tracking = 'tensorboard' (--track tensorboard)") from None


def open_tracker(config: ExperimentConfig, run_dir: Path,
                 record: Mapping[str, Any] | None = None) -> TensorBoardTracker:
    """Log `run_dir`'s epochs under `run_dir/tensorboard` (a resumed run continues there)."""
    return TensorBoardTracker(run_dir / LOG_DIR)


class TensorBoardTracker:
    """Keras's `TensorBoard` callback for one run folder."""

    name = "tensorboard"

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir

    def describe(self) -> str:
        return i18n.t("tracking.tensorboard.describe", log_dir=self.log_dir)

    def record(self) -> dict[str, Any]:
        return {"log_dir": LOG_DIR}

    def callbacks(self) -> list[keras.callbacks.Callback]:
        # The graph and histograms would cost time every run; the scalars are what is compared.
        return [keras.callbacks.TensorBoard(log_dir=str(self.log_dir), write_graph=False)]

    def complete(self, run: Run) -> None:
        """Nothing to add: the callback wrote every epoch."""

    def end(self, status: str) -> None:
        """Nothing to mark: the event files hold the epochs that ran."""
