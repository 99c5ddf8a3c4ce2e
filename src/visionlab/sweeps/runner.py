"""Run a sweep on Ray Tune: connect, search, then collect every trial into sweep.json.

The sweep folder, `sweeps/<name>-<YYYYmmdd-HHMMSS>/`:

| file | content |
| --- | --- |
| `sweep.toml` | the base experiment and its `[sweep]` table, as resolved (what `--resume` reads) |
| `sweep.json` | status, spec, Ray (version, nodes), tracked run, trials, points best first |
| `sweep.html`, `figures/` | the results page (`page.py`) |
| `trials/<trial id>-<variant>-<time>/` | each trial's ordinary run folder, plus `trial.json` |
| `tune/` | Ray Tune's experiment state (`Tuner.restore` resumes from it) |
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from visionlab import _io, i18n
from visionlab.config import ExperimentConfig
from visionlab.errors import RunError, VisionlabError
from visionlab.i18n import Message
from visionlab.runs.folder import RunFolder, new_run_dir
from visionlab.runs.run import Run
from visionlab.sweeps.errors import SweepError, missing_ray
from visionlab.sweeps.grouping import OpenSweepTracker
from visionlab.sweeps.page import PAGE_FILE, write_sweep_page
from visionlab.sweeps.results import best_of, summarize_points
from visionlab.sweeps.space import search_space, trial_values
from visionlab.sweeps.spec import SweepSpec, load_sweep
from visionlab.sweeps.trial import (
    TRIAL_FILE,
    TrainFunction,
    TrialContext,
    completed_run_dir,
    run_trial,
    trial_run_dir,
    trial_run_dirs,
)

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
              address: str | None = None, cpus: int | None = None,
              temp_dir: str | os.PathLike[str] | None = None, report: bool = True,
              tracking: OpenSweepTracker | None = None, lang: str | None = None) -> SweepResult:
    """Run every trial of `spec` on `base` and return the collected results.

    Args:
        base: the experiment every trial starts from.
        spec: the validated `[sweep]` table.
        train: the training function (`visionlab.api.train`).
        name: the sweep's folder prefix. Defaults to the base config's name.
        sweeps_dir: the parent folder. Defaults to `$VISIONLAB_SWEEPS` or `./sweeps`.
        address: a Ray cluster to join (`"auto"`, `"HOST:6379"`, `"ray://host:10001"`).
            Defaults to None: a local Ray with this machine's cores (or the Ray already
            initialized here).
        cpus: the CPUs of the local Ray this call starts. Defaults to None (all cores).
        temp_dir: the local Ray's session folder (sockets, logs). Defaults to None: Ray's
            own, `$RAY_TMPDIR` or /tmp.
        report: write each trial's report.html. Defaults to True.
        tracking: opens the sweep's tracked run that groups the trials'
            (`visionlab.tracking.sweep.open_sweep_tracker`). Defaults to None.
        lang: the language of sweep.html, the trials' reports and their errors, `"en"` or
            `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    require_ray()
    lang = i18n.resolve_language(lang)
    _check_local_options(address, cpus, temp_dir)
    sweep_dir = new_run_dir(name or base.name, sweeps_dir or default_sweeps_dir()).resolve()
    _io.write_text(sweep_dir / SWEEP_CONFIG_FILE,
                   tomli_w.dumps({**base.to_dict(), "sweep": spec.to_dict()}))
    return _run(sweep_dir, base, spec, train=train, address=address, cpus=cpus,
                temp_dir=temp_dir, report=report, tracking=tracking, resume=False, lang=lang)


def resume_sweep(sweep_dir: str | os.PathLike[str], *, train: TrainFunction,
                 address: str | None = None, cpus: int | None = None,
                 temp_dir: str | os.PathLike[str] | None = None, report: bool = True,
                 tracking: OpenSweepTracker | None = None,
                 lang: str | None = None) -> SweepResult:
    """Continue an interrupted sweep: finished trials are kept, the others run (Tune restore).

    The arguments are `run_sweep`'s; the sweep's own settings come from its `sweep.toml`.

    Raises:
        SweepError: the folder is not a sweep, or Tune saved no state in it.
    """
    require_ray()
    lang = i18n.resolve_language(lang)
    _check_local_options(address, cpus, temp_dir)
    sweep_dir = Path(sweep_dir).resolve()
    if not (sweep_dir / SWEEP_CONFIG_FILE).is_file() or not (sweep_dir / TUNE_DIR).is_dir():
        raise SweepError(Message("error.sweep.not_a_sweep", {
            "path": sweep_dir, "config": SWEEP_CONFIG_FILE, "tune": TUNE_DIR}))
    base, spec = load_sweep(sweep_dir / SWEEP_CONFIG_FILE)
    return _run(sweep_dir, base, spec, train=train, address=address, cpus=cpus,
                temp_dir=temp_dir, report=report, tracking=tracking, resume=True, lang=lang)


def _check_local_options(address: str | None, cpus: int | None,
                         temp_dir: str | os.PathLike[str] | None) -> None:
    if address and (cpus is not None or temp_dir is not None):
        raise SweepError(Message("error.sweep.local_options", {"address": address}))
    if cpus is not None and cpus < 1:
        raise SweepError(Message("error.sweep.cpus", {"cpus": cpus}))


def _run(sweep_dir: Path, base: ExperimentConfig, spec: SweepSpec, *, train: TrainFunction,
         address: str | None, cpus: int | None, temp_dir: str | os.PathLike[str] | None,
         report: bool, tracking: OpenSweepTracker | None, resume: bool,
         lang: str) -> SweepResult:
    import ray  # optional heavy dependency: the `sweep` extra
    from ray import tune

    previous = _read_summary(sweep_dir) if resume else {}
    created = previous.get("created") or dt.datetime.now().isoformat(timespec="seconds")
    tracker = None
    started_here = _connect(ray, address, cpus, temp_dir)
    try:
        cluster = _cluster(ray, address)
        _check_resources(spec, cluster)
        tracker = tracking(base, sweep_dir, previous.get("tracking")) if tracking else None
        trial_base = tracker.trial_config(base) if tracker else base
        head = {"name": sweep_dir.name, "created": created, "status": "running",
                "resumed": resume, "spec": spec.to_dict(), "ray": cluster,
                "tracking": tracker.record() if tracker else None}
        # a resumed sweep keeps its last results until the new ones are collected
        _io.write_json(sweep_dir / SWEEP_FILE, {**head, "trials": previous.get("trials", []),
                                                "points": previous.get("points", [])})
        context = TrialContext(train=train, base=trial_base.to_dict(),
                               trials_dir=str(sweep_dir / TRIALS_DIR),
                               variants=spec.variants, report=report, lang=lang)
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
                    reuse_actors=spec.reuse_actors, trial_dirname_creator=_trial_dirname),
                run_config=tune.RunConfig(name=TUNE_DIR, storage_path=str(sweep_dir), verbose=0,
                                          failure_config=tune.FailureConfig(max_failures=0)),
            )
        with _experiment_state_saved_often(), _interrupt_handler_kept():
            grid = tuner.fit()
        trials = sorted((_collect_trial(result, sweep_dir, spec, lang) for result in grid),
                        key=lambda trial: trial["trial_id"])
    except BaseException as error:
        if tracker:
            tracker.end("KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED")
        raise
    finally:
        if started_here:
            ray.shutdown()
    summary = {**head, "status": "finished",
               "finished": dt.datetime.now().isoformat(timespec="seconds"),
               "trials": trials, "points": summarize_points(trials, spec.mode)}
    _io.write_json(sweep_dir / SWEEP_FILE, summary)
    _write_page(sweep_dir, summary, lang)
    if tracker:
        for trial in trials:
            if trial["run_dir"] is not None:
                tracker.adopt(sweep_dir / trial["run_dir"], trial["status"])
        tracker.complete(sweep_dir, summary)
    return SweepResult(sweep_dir, summary)


def _read_summary(sweep_dir: Path) -> dict[str, Any]:
    """The sweep.json of a sweep being resumed (its creation time, its tracked run)."""
    try:
        summary = json.loads((sweep_dir / SWEEP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # written when the sweep starts; a sweep killed before that has none
    return summary if isinstance(summary, dict) else {}


def _write_page(sweep_dir: Path, summary: dict[str, Any], lang: str) -> None:
    """sweep.html; a page that fails is warned about, the sweep's results stay."""
    try:
        write_sweep_page(sweep_dir, summary, lang=lang)
    except Exception as error:  # a figure or template problem must not lose sweep.json
        warnings.warn(i18n.t("sweep.page_failed", lang, page=sweep_dir / PAGE_FILE, error=error,
                             results=sweep_dir / SWEEP_FILE), RuntimeWarning, stacklevel=3)


def _connect(ray: Any, address: str | None, cpus: int | None,
             temp_dir: str | os.PathLike[str] | None) -> bool:
    """Start or join Ray; True when this call started it (and so shuts it down)."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False)
    else:  # all of this machine's cores unless `cpus`; Ray itself reads $RAY_TMPDIR
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
                 _temp_dir=str(Path(temp_dir).resolve()) if temp_dir is not None else None)
    return True


def _cluster(ray: Any, address: str | None) -> dict[str, Any]:
    """Ray's version, address and resources, and its alive nodes (sweep.json's `ray`)."""
    nodes = [{"id": node["NodeID"], "ip": node["NodeManagerAddress"],
              "cpus": node.get("Resources", {}).get("CPU", 0.0)}
             for node in ray.nodes() if node.get("Alive")]
    return {"version": ray.__version__, "address": address or "local",
            "cpus": ray.cluster_resources().get("CPU"), "nodes": nodes}


def _check_resources(spec: SweepSpec, cluster: dict[str, Any]) -> None:
    """A trial that needs more CPUs than any node has would wait forever: refuse it."""
    largest = max((node["cpus"] for node in cluster["nodes"]), default=0.0)
    if spec.cpus_per_trial > largest:
        raise SweepError(Message("error.sweep.cpus_per_trial", {
            "cpus": f"{spec.cpus_per_trial:g}", "largest": f"{largest:g}"}))


@contextlib.contextmanager
def _interrupt_handler_kept() -> Iterator[None]:
    """Put back the process's Ctrl-C handler after Tune's run.

    During `fit` Tune's own SIGINT handler stops the sweep so that `--resume` can continue it;
    Tune leaves that handler installed, and in a notebook or any program that goes on after the
    sweep, Ctrl-C would then stop nothing (a training started next could not be interrupted).
    """
    main = threading.current_thread() is threading.main_thread()
    before = signal.getsignal(signal.SIGINT) if main else None
    try:
        yield
    finally:
        if main and before is not None:
            signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def _experiment_state_saved_often() -> Iterator[None]:
    """Have Tune save its experiment state every second instead of every 10 s or more.

    The state says which trials finished; a driver killed between two saves would otherwise
    leave them to be run again on `--resume` (Tune reads `TUNE_GLOBAL_CHECKPOINT_S` when the
    tuner starts; a value the user set is kept).
    """
    key = "TUNE_GLOBAL_CHECKPOINT_S"
    before = os.environ.get(key)
    os.environ[key] = before or "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(key, None)


def _scheduler(spec: SweepSpec, base: ExperimentConfig) -> Any:
    if spec.scheduler == "none":
        return None
    from ray.tune.schedulers import ASHAScheduler  # optional heavy dependency

    max_epochs = spec.max_epochs or base.train.epochs
    if spec.grace_period > max_epochs:
        raise SweepError(Message("error.sweep.grace_period", {
            "grace_period": spec.grace_period, "max_epochs": max_epochs}))
    return ASHAScheduler(time_attr="training_iteration", max_t=max_epochs,
                         grace_period=spec.grace_period,
                         reduction_factor=spec.reduction_factor)


def _trial_dirname(trial: Any) -> str:
    return str(trial.trial_id)


def _collect_trial(result: Any, sweep_dir: Path, spec: SweepSpec,
                   lang: str = "en") -> dict[str, Any]:
    """One trial's row of sweep.json; also marks its run folders stopped early or failed.

    A trial restarted by `--resume` trains into a new folder: its completed folder counts (a
    finished trial is only replayed), else its newest; an older one left `running` by a killed
    driver is marked `interrupted`.
    """
    trial_id = Path(result.path).name
    config = result.config or _saved_params(Path(result.path))
    trials_dir = sweep_dir / TRIALS_DIR
    run_dir = completed_run_dir(trials_dir, trial_id) or trial_run_dir(trials_dir, trial_id)
    run_status = _run_status(run_dir)
    # a completed run's own history: Tune's results of a restored trial may hold an epoch twice
    reported = (_history_column(run_dir, spec.metric) if run_status == "completed"
                else _reported(result, spec.metric))
    best = best_of(reported, spec.mode)
    error = _error_message(result.error, lang) if result.error is not None else None
    if run_status == "completed":
        status = "completed"  # also when the scheduler stopped it after its last epoch
    elif error is not None:
        status = "failed"
    elif spec.scheduler != "none" and reported:
        status = "stopped_early"  # the scheduler ended it: no error, fewer epochs
    else:
        status = "interrupted"
    for folder in trial_run_dirs(trials_dir, trial_id):
        if _run_status(folder) != "running":
            continue
        folder_status = status if folder == run_dir else "interrupted"
        RunFolder(folder, Run(folder).info).save_info(
            status=folder_status, **({"error": error} if error and folder == run_dir else {}))
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
        "node": _trial_record(run_dir).get("node"),
        "error": error,
    }


def _trial_record(run_dir: Path | None) -> dict[str, Any]:
    """The trial.json its run folder holds (the node it ran on), or {} without one."""
    if run_dir is None:
        return {}
    try:
        record = json.loads((run_dir / TRIAL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


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


def _history_column(run_dir: Path, metric: str) -> list[float]:
    return [float(row[metric]) for row in Run(run_dir).history
            if isinstance(row.get(metric), int | float)]


def _run_status(run_dir: Path | None) -> str | None:
    if run_dir is None:
        return None
    try:
        return Run(run_dir).status
    except RunError:
        return None


def _error_message(error: BaseException, lang: str = "en") -> str:
    """The trial's own exception text in `lang`, without Ray's wrapping traceback."""
    cause = getattr(error, "cause", None) or error
    text = (cause.text(lang) if isinstance(cause, VisionlabError) else str(cause)).strip()
    return text or type(cause).__name__
