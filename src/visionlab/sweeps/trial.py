"""One trial: visionlab's own training on a trial's config, each epoch reported to Tune.

The trial is an ordinary run folder under `<sweep>/trials/`, named `<trial id>-<variant>-<time>`
so the sweep finds it again, and `visionlab report/compare/predict` work on it. Beside the run's
own files it holds `trial.json`: the sweep, the trial's values, and the Ray node it ran on.

A trial whose run folder is already complete (a sweep resumed after its driver was killed,
before Tune saved that the trial had finished) is not trained again: its history is replayed
to Tune.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras

from visionlab import _io, i18n
from visionlab.errors import RunError
from visionlab.runs.run import Run
from visionlab.sweeps.space import trial_values
from visionlab.sweeps.spec import apply_values

TRIAL_FILE = "trial.json"

# The trainer's `train(config, *, name, runs_dir, verbose, report, callbacks) -> Run`:
# `visionlab.api.train`, passed in because the API layer sits above this package.
TrainFunction = Callable[..., Any]


class TuneReport(keras.callbacks.Callback):
    """Report each epoch's logs (and the epoch, 1-based) to Ray Tune.

    Ray's own `ray.tune.integration.keras` callback is written for `tf.keras`; this one works on
    any Keras 3 backend. `report` is `ray.tune.report`; when a scheduler stops the trial, Tune
    ends the training thread from inside it. So an epoch is reported only as the next one
    begins, once every other callback (history.csv, the checkpoint, MLflow) has recorded it,
    and a fit's last epoch is held until `flush()` (after the run folder is finished): ASHA
    stops every trial that reaches its longest budget, and that stop must not cut the
    evaluation, model and metrics of a complete run.
    """

    def __init__(self, report: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self._report = report
        self._held: dict[str, Any] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.flush()  # a later phase of a transfer run: the previous phase's end is not last

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.flush()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        metrics = {key: float(value) for key, value in (logs or {}).items()
                   if isinstance(value, (int, float)) or hasattr(value, "__float__")}
        # a NaN loss is the trainer's to diagnose; Tune's schedulers would compare it as a number
        metrics = {key: value for key, value in metrics.items() if math.isfinite(value)}
        metrics["epoch"] = epoch + 1
        self._held = metrics

    def flush(self) -> None:
        """Report the held-back epoch, if any."""
        held, self._held = self._held, None
        if held is not None:
            self._report(held)


class TrialRecord(keras.callbacks.Callback):
    """Write `trial.json` into the trial's run folder as training begins (once per trial).

    The run folder is made by the training function, so it is found by its name: the newest
    `<trials_dir>/<trial id>-*`.
    """

    def __init__(self, trials_dir: str, trial_id: str, record: dict[str, Any]) -> None:
        super().__init__()
        self.trials_dir = trials_dir
        self.trial_id = trial_id
        self.record = record
        self.written: Path | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.written is not None:
            return  # a later phase of a transfer run
        run_dir = trial_run_dir(self.trials_dir, self.trial_id)
        if run_dir is not None:
            self.written = _io.write_json(run_dir / TRIAL_FILE, {
                **self.record, "started": dt.datetime.now().isoformat(timespec="milliseconds")})


@dataclass(frozen=True)
class TrialContext:
    """What every trial shares: the base config data, the variants and where runs go."""

    train: TrainFunction
    base: dict[str, Any]
    trials_dir: str
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: bool = True
    lang: str | None = None  # the sweep's language: the trials' reports and errors use it


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
    finished = completed_run_dir(context.trials_dir, trial_id)
    if finished is not None:
        replay_history(Run(finished), tune.report)
        return
    reporter = TuneReport(tune.report)
    record = TrialRecord(context.trials_dir, trial_id, {
        "sweep": Path(context.trials_dir).parent.name, "trial_id": trial_id,
        "variant": tune_config.get("variant"), "values": values, "node": node_info()})
    with i18n.language_set(context.lang):
        context.train(apply_values(context.base, values), name=f"{trial_id}-{variant}",
                      runs_dir=context.trials_dir, verbose=0, report=context.report,
                      callbacks=[record, reporter])
    reporter.flush()


def node_info() -> dict[str, Any]:
    """The Ray node this process runs on: its id, IP address, host name and the process id."""
    import ray  # optional heavy dependency: the `sweep` extra

    return {"id": ray.get_runtime_context().get_node_id(),
            "ip": ray.util.get_node_ip_address(), "hostname": socket.gethostname(),
            "pid": os.getpid()}


def trial_run_dirs(trials_dir: str | os.PathLike[str], trial_id: str) -> list[Path]:
    """The run folders of trial `trial_id`, oldest first (a restarted trial has several)."""
    folders = [path for path in Path(trials_dir).glob(f"{trial_id}-*") if path.is_dir()]
    return sorted(folders, key=lambda path: (path.stat().st_mtime, path.name))


def trial_run_dir(trials_dir: str | os.PathLike[str], trial_id: str) -> Path | None:
    """The trial's newest run folder, or None when it made none."""
    folders = trial_run_dirs(trials_dir, trial_id)
    return folders[-1] if folders else None


def completed_run_dir(trials_dir: str | os.PathLike[str], trial_id: str) -> Path | None:
    """The trial's completed run folder, or None when it has not finished one."""
    for folder in reversed(trial_run_dirs(trials_dir, trial_id)):
        try:
            if Run(folder).status == "completed":
                return folder
        except RunError:
            continue
    return None


def replay_history(run: Run, report: Callable[[dict[str, Any]], None]) -> None:
    """Report a finished run's epochs to Tune as its training did (the same metric names)."""
    for row in run.history:
        metrics = {key: float(value) for key, value in row.items()
                   if key != "epoch" and isinstance(value, int | float)
                   and not isinstance(value, bool) and math.isfinite(value)}
        report({**metrics, "epoch": int(row["epoch"])})
