"""Run a sweep on Ray Tune: connect, search, then collect every trial into sweep.json.

The sweep folder, `sweeps/<name>-<YYYYmmdd-HHMMSS>/`:

| file | content |
| --- | --- |
| `sweep.toml` | the base experiment and its `[sweep]` table, as resolved (what `--resume` reads) |
| `sweep.json` | the spec, Ray's version and address, every trial and the points, best first |
| `trials/<trial id>-<variant>-<time>/` | each trial's ordinary visionlab run folder |
| `tune/` | Ray Tune's experiment state (`Tuner.restore` resumes from it) |
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from visionlab import _io
from visionlab.config import ExperimentConfig
from visionlab.errors import RunError
from visionlab.runs.folder import RunFolder, new_run_dir
from visionlab.runs.run import Run
from visionlab.sweeps.errors import SweepError, missing_ray
from visionlab.sweeps.results import best_of, summarize_points
from visionlab.sweeps.space import search_space, trial_values
from visionlab.sweeps.spec import SweepSpec, load_sweep
from visionlab.sweeps.trial import TrainFunction, TrialContext, run_trial

SWEEP_FILE = "sweep.json"
SWEEP_CONFIG_FILE = "sweep.toml"
TRIALS_DIR = "trials"
TUNE_DIR = "tune"


@dataclass(frozen=True)
class SweepResult:
    """A finished (or resumed) sweep: its folder and the content of sweep.json."""

    path: Path
    summary: dict[str, Any]

    @property
    def trials(self) -> list[dict[str, Any]]:
        return self.summary["trials"]

    @property
    def points(self) -> list[dict[str, Any]]:
        return self.summary["points"]


def default_sweeps_dir() -> Path:
    """Return the folder new sweeps go into: `$VISIONLAB_SWEEPS` or `./sweeps`."""
    return Path(os.environ.get("VISIONLAB_SWEEPS", "sweeps"))


def require_ray() -> None:
    """Raise `SweepError` naming the `sweep` extra when Ray Tune is not installed."""
    try:
        import ray.tune  # noqa: F401  (optional heavy dependency: the `sweep` extra)
    except ImportError:
        raise missing_ray() from None


def run_sweep(base: ExperimentConfig, spec: SweepSpec, *, train: TrainFunction,
              name: str | None = None, sweeps_dir: str | os.PathLike[str] | None = None,
              address: str | None = None, report: bool = True) -> SweepResult:
    """Run every trial of `spec` on `base` and return the collected results.

    Args:
        base: the experiment every trial starts from.
        spec: the validated `[sweep]` table.
        train: the training function (`visionlab.api.train`).
        name: the sweep's folder prefix. Defaults to the base config's name.
        sweeps_dir: the parent folder. Defaults to `$VISIONLAB_SWEEPS` or `./sweeps`.
        address: a Ray cluster to join (`"auto"`, `"ray://host:10001"`). Defaults to None: a
            local Ray with this machine's cores (or the Ray already initialized here).
        report: write each trial's report.html. Defaults to True.
    """
    require_ray()
    sweep_dir = new_run_dir(name or base.name, sweeps_dir or default_sweeps_dir()).resolve()
    _io.write_text(sweep_dir / SWEEP_CONFIG_FILE,
                   tomli_w.dumps({**base.to_dict(), "sweep": spec.to_dict()}))
    return _run(sweep_dir, base, spec, train=train, address=address, report=report,
                resume=False)


def resume_sweep(sweep_dir: str | os.PathLike[str], *, train: TrainFunction,
                 address: str | None = None, report: bool = True) -> SweepResult:
    """Continue an interrupted sweep: finished trials are kept, the others run (Tune restore).

    Raises:
        SweepError: the folder is not a sweep, or Tune saved no state in it.
    """
    require_ray()
    sweep_dir = Path(sweep_dir).resolve()
    if not (sweep_dir / SWEEP_CONFIG_FILE).is_file() or not (sweep_dir / TUNE_DIR).is_dir():
        raise SweepError(f"'{sweep_dir}' is not a sweep folder with saved Tune state "
                         f"({SWEEP_CONFIG_FILE} and {TUNE_DIR}/). Pass the folder that "
                         "`visionlab sweep` printed.")
    base, spec = load_sweep(sweep_dir / SWEEP_CONFIG_FILE)
    return _run(sweep_dir, base, spec, train=train, address=address, report=report,
                resume=True)


def _run(sweep_dir: Path, base: ExperimentConfig, spec: SweepSpec, *, train: TrainFunction,
         address: str | None, report: bool, resume: bool) -> SweepResult:
    import ray  # optional heavy dependency: the `sweep` extra
    from ray import tune

    started_here = _connect(ray, address)
    created = dt.datetime.now().isoformat(timespec="seconds")
    try:
        context = TrialContext(train=train, base=base.to_dict(),
                               trials_dir=str(sweep_dir / TRIALS_DIR),
                               variants=spec.variants, report=report)
        trainable = tune.with_resources(tune.with_parameters(run_trial, context=context),
                                        {"cpu": spec.cpus_per_trial})
        if resume:
            tuner = tune.Tuner.restore(str(sweep_dir / TUNE_DIR), trainable=trainable,
                                       resume_unfinished=True, resume_errored=False)
        else:
            tuner = tune.Tuner(
                trainable,
                param_space=search_space(spec),
                tune_config=tune.TuneConfig(
                    metric=spec.metric, mode=spec.mode, num_samples=spec.num_samples,
                    scheduler=_scheduler(spec, base), max_concurrent_trials=spec.max_concurrent,
                    reuse_actors=True, trial_dirname_creator=_trial_dirname),
                run_config=tune.RunConfig(name=TUNE_DIR, storage_path=str(sweep_dir), verbose=0,
                                          failure_config=tune.FailureConfig(max_failures=0)),
            )
        grid = tuner.fit()
        trials = [_collect_trial(result, sweep_dir, spec) for result in grid]
        cluster = {"version": ray.__version__, "address": address or "local",
                   "cpus": ray.cluster_resources().get("CPU")}
    finally:
        if started_here:
            ray.shutdown()
    trials.sort(key=lambda trial: trial["trial_id"])
    summary = {
        "name": sweep_dir.name,
        "created": created,
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "resumed": resume,
        "spec": spec.to_dict(),
        "ray": cluster,
        "trials": trials,
        "points": summarize_points(trials, spec.mode),
    }
    _io.write_json(sweep_dir / SWEEP_FILE, summary)
    return SweepResult(sweep_dir, summary)


def _connect(ray: Any, address: str | None) -> bool:
    """Start or join Ray; True when this call started it (and so shuts it down)."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(include_dashboard=False, log_to_driver=False)  # all of this machine's cores
    return True


def _scheduler(spec: SweepSpec, base: ExperimentConfig) -> Any:
    if spec.scheduler == "none":
        return None
    from ray.tune.schedulers import ASHAScheduler  # optional heavy dependency

    max_epochs = spec.max_epochs or base.train.epochs
    if spec.grace_period > max_epochs:
        raise SweepError(f"sweep.grace_period = {spec.grace_period} is longer than the "
                         f"longest trial ({max_epochs} epochs); lower it or raise "
                         "sweep.max_epochs.")
    return ASHAScheduler(time_attr="training_iteration", max_t=max_epochs,
                         grace_period=spec.grace_period,
                         reduction_factor=spec.reduction_factor)


def _trial_dirname(trial: Any) -> str:
    return str(trial.trial_id)


def _collect_trial(result: Any, sweep_dir: Path, spec: SweepSpec) -> dict[str, Any]:
    """One trial's row of sweep.json; also marks its run folder stopped early or failed."""
    trial_id = Path(result.path).name
    config = result.config or _saved_params(Path(result.path))
    # the newest: a trial restarted by `--resume` trains into a new folder
    run_dir = max((sweep_dir / TRIALS_DIR).glob(f"{trial_id}-*"), default=None,
                  key=lambda path: path.stat().st_mtime)
    reported = _reported(result, spec.metric)
    best = best_of(reported, spec.mode)
    error = _error_message(result.error) if result.error is not None else None
    run_status = _run_status(run_dir)
    if error is not None:
        status = "failed"
    elif run_status == "completed":
        status = "completed"
    elif spec.scheduler != "none" and reported:
        status = "stopped_early"  # the scheduler ended it: no error, fewer epochs
    else:
        status = "interrupted"
    if run_dir is not None and run_status == "running" and status != "completed":
        RunFolder(run_dir, Run(run_dir).info).save_info(
            status=status, **({"error": error} if error else {}))
    return {
        "trial_id": trial_id,
        "variant": config.get("variant"),
        "seed": config.get("seed"),
        "values": trial_values(config, spec.variants),
        "status": status,
        "epochs": len(reported),
        "best_epoch": best[0] if best else None,
        "best_value": best[1] if best else None,
        "run_dir": str(run_dir.relative_to(sweep_dir)) if run_dir is not None else None,
        "error": error,
    }


def _saved_params(trial_dir: Path) -> dict[str, Any]:
    """A trial's config from Tune's params.json (a restored errored trial has none in memory)."""
    path = trial_dir / "params.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _reported(result: Any, metric: str) -> list[float]:
    frame = result.metrics_dataframe
    if frame is None or metric not in getattr(frame, "columns", ()):
        return []
    return [float(value) for value in frame[metric].tolist()]


def _run_status(run_dir: Path | None) -> str | None:
    if run_dir is None:
        return None
    try:
        return Run(run_dir).status
    except RunError:
        return None


def _error_message(error: BaseException) -> str:
    """The trial's own exception text, without Ray's wrapping traceback."""
    cause = getattr(error, "cause", None) or error
    text = str(cause).strip()
    return text or type(cause).__name__
