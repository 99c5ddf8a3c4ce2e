"""Sweeps, wired: a sweep file -> Ray Tune trials, each one `api.train` into a run folder.

When the sweep's config tracks to MLflow (`tracking = "mlflow"`, `--track mlflow`), the sweep
is a parent MLflow run and each trial's run is nested under it (`tracking/sweep.py`).

Example:
    from visionlab import api
    result = api.sweep("mnist-ablation", overrides=["train.epochs=3"])
    result.points[0]["variant"]  # the best variant
"""

from __future__ import annotations

import os

from visionlab.api.experiment import train
from visionlab.api.tracking import tracking_overrides
from visionlab.i18n import Message, resolve_language, term
from visionlab.sweeps.errors import SweepError
from visionlab.sweeps.runner import SweepResult, require_ray, resume_sweep, run_sweep
from visionlab.sweeps.spec import load_sweep
from visionlab.tracking.session import require_trackers
from visionlab.tracking.sweep import open_sweep_tracker


def sweep(source: str | os.PathLike[str] | dict | None = None, *,
          overrides: list[str] | None = None, name: str | None = None,
          sweeps_dir: str | os.PathLike[str] | None = None, address: str | None = None,
          resume: str | os.PathLike[str] | None = None, cpus: int | None = None,
          cpus_per_trial: float | None = None, temp_dir: str | os.PathLike[str] | None = None,
          track: str | list[str] | None = None, tracking_uri: str | None = None,
          report: bool = True, lang: str | None = None) -> SweepResult:
    """Run a sweep (or resume one) and return its results, also written to sweep.json.

    Args:
        source: a TOML path with a `[sweep]` table, a shipped sweep name (`visionlab sweeps`)
            or a dict; None only with `resume`.
        overrides: `"key=value"` strings; `sweep.*` keys change the sweep, the others the base
            experiment. Defaults to None.
        name: the sweep folder's prefix. Defaults to the experiment's name.
        sweeps_dir: the parent folder. Defaults to `$VISIONLAB_SWEEPS` or `./sweeps`.
        address: a Ray cluster to join (`"auto"`, `"HOST:6379"`, `"ray://HOST:10001"`).
            Defaults to None: a local Ray with this machine's cores.
        resume: an interrupted sweep's folder to continue (finished trials are kept). Defaults
            to None.
        cpus: CPUs of the local Ray (not with `address`). Defaults to None: all cores.
        cpus_per_trial: CPUs Ray reserves for each trial (sets `sweep.cpus_per_trial`; not
            with `resume`). Defaults to None (the sweep's, 1).
        temp_dir: the local Ray's session folder (not with `address`). Defaults to None:
            `$RAY_TMPDIR` or /tmp.
        track: trackers for every trial, `"mlflow"` groups them under one parent run (sets
            the config's `tracking`; not with `resume`). Defaults to None (the config's).
        tracking_uri: MLflow's tracking URI (sets `tracking_uri`). Defaults to None: the
            config's, `$MLFLOW_TRACKING_URI`, or `sweeps/mlflow.db`.
        report: write each trial's report.html. Defaults to True.
        lang: the language of sweep.html and of the trials' reports and errors, `"en"` or
            `"vi"`. Defaults to None (`i18n.resolve_language`: `--lang`, `$VISIONLAB_LANG`,
            the locale).

    Raises:
        SweepError: Ray is missing (naming `pip install 'visionlab[sweep]'`), a bad `[sweep]`
            table (naming the nearest valid key), or a folder that is not a sweep.
        ConfigError: the base experiment is invalid.
        TrackingError: a tracker's extra is missing (`pip install 'visionlab[mlflow]'`).
    """
    require_ray()  # a missing extra fails before anything else
    lang = resolve_language(lang)
    if resume is not None:
        changes = [option for option, value in (
            ("--set", overrides), ("--name", name), ("--cpus-per-trial", cpus_per_trial),
            ("--track", track), ("--tracking-uri", tracking_uri)) if value]
        if source is not None or changes:
            raise SweepError(Message("error.sweep.resume_changes", {
                "changes": ", ".join(changes) or term("sweep.a_sweep_file")}))
        return resume_sweep(resume, train=train, address=address, cpus=cpus,
                            temp_dir=temp_dir, report=report, tracking=open_sweep_tracker,
                            lang=lang)
    extra = tracking_overrides(track, tracking_uri)
    if cpus_per_trial is not None:
        extra.append(f"sweep.cpus_per_trial={float(cpus_per_trial)}")
    base, spec = load_sweep(source if source is not None else {}, [*(overrides or []), *extra])
    require_trackers(base)
    return run_sweep(base, spec, train=train, name=name, sweeps_dir=sweeps_dir,
                     address=address, cpus=cpus, temp_dir=temp_dir, report=report,
                     tracking=open_sweep_tracker, lang=lang)
