"""One trial: visionlab's own training on a trial's config, each epoch reported to Tune.

The trial is an ordinary run folder under `<sweep>/trials/`, named `<trial id>-<variant>-<time>`
so the sweep finds it again, and `visionlab report/compare/predict` work on it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras

from visionlab.sweeps.space import trial_values
from visionlab.sweeps.spec import apply_values

# The trainer's `train(config, *, name, runs_dir, verbose, report, callbacks) -> Run`:
# `visionlab.api.train`, passed in because the API layer sits above this package.
TrainFunction = Callable[..., Any]


class TuneReport(keras.callbacks.Callback):
    """Report each epoch's logs (and the epoch, 1-based) to Ray Tune.

    Ray's own `ray.tune.integration.keras` callback is written for `tf.keras`; this one works on
    any Keras 3 backend. `report` is `ray.tune.report`; when a scheduler stops the trial, Tune
    ends the training thread from inside it. A fit's last epoch is held back until `flush()`
    (after the run folder is finished): ASHA stops every trial that reaches its longest
    budget, and that stop must not cut the evaluation, model and metrics of a complete run.
    """

    def __init__(self, report: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self._report = report
        self._held: dict[str, Any] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.flush()  # a later phase of a transfer run: the previous phase's end is not last

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        metrics = {key: float(value) for key, value in (logs or {}).items()
                   if isinstance(value, (int, float)) or hasattr(value, "__float__")}
        # a NaN loss is the trainer's to diagnose; Tune's schedulers would compare it as a number
        metrics = {key: value for key, value in metrics.items() if math.isfinite(value)}
        metrics["epoch"] = epoch + 1
        if epoch + 1 >= int((self.params or {}).get("epochs") or 0):
            self._held = metrics
        else:
            self._report(metrics)

    def flush(self) -> None:
        """Report the held-back last epoch, if any."""
        held, self._held = self._held, None
        if held is not None:
            self._report(held)


@dataclass(frozen=True)
class TrialContext:
    """What every trial shares: the base config data, the variants and where runs go."""

    train: TrainFunction
    base: dict[str, Any]
    trials_dir: str
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: bool = True


def run_trial(tune_config: dict[str, Any], context: TrialContext) -> None:
    """Tune's trainable: train the trial's config into a run folder, reporting each epoch.

    An error (a bad value, a NaN loss) propagates: Tune records the trial as failed and the
    sweep goes on.
    """
    from ray import tune  # optional heavy dependency: the `sweep` extra

    values = trial_values(tune_config, context.variants)
    variant = tune_config.get("variant") or "trial"
    trial_id = tune.get_context().get_trial_id()
    os.makedirs(context.trials_dir, exist_ok=True)
    reporter = TuneReport(tune.report)
    context.train(apply_values(context.base, values), name=f"{trial_id}-{variant}",
                  runs_dir=context.trials_dir, verbose=0, report=context.report,
                  callbacks=[reporter])
    reporter.flush()
