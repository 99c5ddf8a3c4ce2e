"""Hyper-parameter sweeps on Ray Tune: the `[sweep]` table of an experiment TOML.

A sweep expands its parameters (grid, choice, uniform, loguniform, randint), named variants
(an ablation) and seeds into Tune trials; each trial is visionlab's own training into an
ordinary run folder under `sweeps/<name>-<time>/trials/`, reporting every epoch to Tune so
ASHA can stop a poor one early. The results are `sweep.json`, `sweep.html` (`page.py`) and a
table, best first. `--resume` continues from Tune's saved state; a trial whose run folder is
complete is never trained again.

Ray is the optional `sweep` extra (`pip install 'visionlab[sweep]'`), imported only inside the
functions that need it. The training function and the tracker that groups the trials' MLflow
runs are passed in (`visionlab.api.sweep` passes `api.train` and
`tracking.sweep.open_sweep_tracker`): this package sits below the API layer, beside tracking.

Example:
    base, spec = load_sweep("mnist-ablation", overrides=["train.epochs=3"])
    result = run_sweep(base, spec, train=visionlab.api.train)
    result.points[0]  # the best point: variant, values, mean, std
"""

from __future__ import annotations

from visionlab.sweeps.errors import SweepError
from visionlab.sweeps.results import sweep_table
from visionlab.sweeps.runner import SweepResult, resume_sweep, run_sweep
from visionlab.sweeps.spec import SweepSpec, list_sweeps, load_sweep, sweep_path

__all__ = ["SweepError", "SweepResult", "SweepSpec", "list_sweeps", "load_sweep",
           "resume_sweep", "run_sweep", "sweep_path", "sweep_table"]
