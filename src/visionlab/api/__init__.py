"""The Python API: the one place that wires the stages, and what the CLI calls.

Every command of `visionlab` is one function here, callable from a notebook too:

- training: `train`, `resume`, `train_repeated` (`api/experiment.py`)
- a finished run: `load_run`, `list_runs`, `evaluate`, `predict`, `report`,
  `weights` (`api/runs.py`); `recalibrate_bn` (`api/recalibrate.py`)
- around training: `explore`, `augment_preview`, `lr_find`, `recipe_table`, `compare`
  (`api/tools.py`), `compare_runs`
- a dataset before training: `audit` (duplicates, leaks, label conflicts; `api/audit.py`)
- export: `export_run` to SavedModel, ONNX or TFLite, checked against Keras (`api/export.py`)
- sweeps: `sweep` on Ray Tune, `list_sweeps`, `load_sweep`, `sweep_table` (`api/sweeps.py`)
- serving: `serve` (uvicorn) and `serving_app` (the FastAPI app) for a run's model, Keras or
  ONNX (`api/serving.py`)

Example:
    from visionlab import api
    run = api.train("mnist-codelab-cnn", overrides=["train.epochs=2"])
    run.metrics["test_accuracy"]
    run.predict(["digit.png"], top_k=3)
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> "module:attribute", imported on first use (PEP 562): the CLI imports this
# package at start-up, and `visionlab --help` must not wait for TensorFlow.
_EXPORTS = {
    # training (api/experiment.py)
    "ConfigSource": "visionlab.api.experiment:ConfigSource",
    # config validation alone (no TensorFlow import): the CLI checks a config first
    "load_config": "visionlab.config:load_config",
    "build_model": "visionlab.api.experiment:build_model",
    "finish_run": "visionlab.api.experiment:finish_run",
    "prepare_experiment": "visionlab.api.experiment:prepare_experiment",
    "resume": "visionlab.api.experiment:resume",
    "train": "visionlab.api.experiment:train",
    "train_repeated": "visionlab.api.experiment:train_repeated",
    # a finished run (api/runs.py)
    "Run": "visionlab.api.runs:Run",
    "evaluate": "visionlab.api.runs:evaluate",
    "list_runs": "visionlab.api.runs:list_runs",
    "load_run": "visionlab.api.runs:load_run",
    "load_test_images": "visionlab.api.runs:load_test_images",
    "open_run": "visionlab.api.runs:open_run",
    "predict": "visionlab.api.runs:predict",
    "report": "visionlab.api.runs:report",
    "weights": "visionlab.api.runs:weights",
    "recalibrate_bn": "visionlab.api.recalibrate:recalibrate_bn",
    # dataset audit (api/audit.py)
    "audit": "visionlab.api.audit:audit",
    # export (api/export.py)
    "export_run": "visionlab.api.export:export_run",
    "list_export_formats": "visionlab.export.registry:list_formats",
    # sweeps on Ray Tune (api/sweeps.py, the `sweep` extra)
    "sweep": "visionlab.api.sweeps:sweep",
    "SweepResult": "visionlab.sweeps.runner:SweepResult",
    "load_sweep": "visionlab.sweeps.spec:load_sweep",
    "list_sweeps": "visionlab.sweeps.spec:list_sweeps",
    "sweep_table": "visionlab.sweeps.results:sweep_table",
    # serving (api/serving.py)
    "serve": "visionlab.api.serving:serve",
    "serving_app": "visionlab.api.serving:serving_app",
    # around training (api/tools.py)
    "augment_preview": "visionlab.api.tools:augment_preview",
    "compare": "visionlab.api.tools:compare",
    "explore": "visionlab.api.tools:explore",
    "lr_find": "visionlab.api.tools:lr_find",
    "recipe_table": "visionlab.api.tools:recipe_table",
    # the stages' own entry points, re-exported for the CLI and notebooks
    "load_dataset": "visionlab.data.loading:load_dataset",
    "prepare_dataset": "visionlab.data.prepare:prepare_dataset",
    "list_datasets": "visionlab.data.registry:list_datasets",
    "get_dataset_entry": "visionlab.data.registry:get_dataset_entry",
    "fetch_dataset": "visionlab.data.locate:fetch",
    "cache_dir": "visionlab.data.cache:default_cache_dir",
    "list_cache_entries": "visionlab.data.cache:list_entries",
    "clear_cache": "visionlab.data.cache:clear",
    "list_models": "visionlab.models.registry:list_models",
    "get_model_entry": "visionlab.models.registry:get_model_entry",
    "create_model": "visionlab.models.registry:create_model",
    "format_default": "visionlab.models.registry:format_default",
    "summary_text": "visionlab.models.registry:summary_text",
    "comparison_table": "visionlab.runs.compare:comparison_table",
    "compare_runs": "visionlab.reports.compare:compare_runs",
    "COMPARE_FIGURE_FILE": "visionlab.reports.compare:FIGURE_FILE",
    "render_explore_table": "visionlab.reports.explore:render_explore_table",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'visionlab.api' has no attribute '{name}'")
    module_name, attribute = _EXPORTS[name].split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
