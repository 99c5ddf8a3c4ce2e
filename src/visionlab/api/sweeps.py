"""Sweeps, wired: a sweep file -> Ray Tune trials, each one `api.train` into a run folder.

Example:
    from visionlab import api
    result = api.sweep("mnist-ablation", overrides=["train.epochs=3"])
    result.points[0]["variant"]  # the best variant
"""

from __future__ import annotations

import os

from visionlab.api.experiment import train
from visionlab.sweeps.runner import SweepResult, require_ray, resume_sweep, run_sweep
from visionlab.sweeps.spec import load_sweep


def sweep(source: str | os.PathLike[str] | dict | None = None, *,
          overrides: list[str] | None = None, name: str | None = None,
          sweeps_dir: str | os.PathLike[str] | None = None, address: str | None = None,
          resume: str | os.PathLike[str] | None = None, report: bool = True) -> SweepResult:
    """Run a sweep (or resume one) and return its results, also written to sweep.json.

    Args:
        source: a TOML path with a `[sweep]` table, a shipped sweep name (`visionlab sweeps`)
            or a dict; None only with `resume`.
        overrides: `"key=value"` strings; `sweep.*` keys change the sweep, the others the base
            experiment. Defaults to None.
        name: the sweep folder's prefix. Defaults to the experiment's name.
        sweeps_dir: the parent folder. Defaults to `$VISIONLAB_SWEEPS` or `./sweeps`.
        address: a Ray cluster to join (`"auto"`, `"ray://host:10001"`). Defaults to None: a
            local Ray with this machine's cores.
        resume: an interrupted sweep's folder to continue (finished trials are kept). Defaults
            to None.
        report: write each trial's report.html. Defaults to True.

    Raises:
        SweepError: Ray is missing (naming `pip install 'visionlab[sweep]'`), a bad `[sweep]`
            table (naming the nearest valid key), or a folder that is not a sweep.
        ConfigError: the base experiment is invalid.
    """
    require_ray()  # a missing extra fails before anything else
    if resume is not None:
        return resume_sweep(resume, train=train, address=address, report=report)
    base, spec = load_sweep(source if source is not None else {}, overrides)
    return run_sweep(base, spec, train=train, name=name, sweeps_dir=sweeps_dir,
                     address=address, report=report)
