"""visionlab: train, evaluate, compare and use image classifiers with Keras 3.

Public names resolve on first use (PEP 562), so `import visionlab` alone does not load Keras and
TensorFlow; `visionlab.api` is the module behind them.

Example:
    import visionlab
    run = visionlab.train("fashion-mnist-dense-128")
    print(run.metrics["test_accuracy"])
    run.predict(["shoe.png"])
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from visionlab import _quiet

# Quiet TensorFlow's C++ logging (and its import-time INFO lines) unless the user asked for it.
_quiet.install(os.environ.get("TF_CPP_MIN_LOG_LEVEL"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

# Public name -> "module:attribute", resolved on first access (PEP 562).
_LAZY = {
    "load_dataset": "visionlab.data.loading:load_dataset",
    "list_datasets": "visionlab.data.registry:list_datasets",
    "fetch": "visionlab.data.locate:fetch",
    "create_model": "visionlab.models.registry:create_model",
    "list_models": "visionlab.models.registry:list_models",
    "load_config": "visionlab.config:load_config",
    "train": "visionlab.api:train",
    "resume": "visionlab.api:resume",
    "evaluate": "visionlab.api:evaluate",
    "predict": "visionlab.api:predict",
    "report": "visionlab.api:report",
    "load_run": "visionlab.api:load_run",
    "list_runs": "visionlab.api:list_runs",
    "Run": "visionlab.api:Run",
    "explore": "visionlab.api:explore",
    "audit": "visionlab.api:audit",
    "explore_dataset": "visionlab.reports.explore:explore_dataset",
    "lr_find": "visionlab.api:lr_find",
    "augment_preview": "visionlab.api:augment_preview",
    "compare_runs": "visionlab.api:compare_runs",
    "compare": "visionlab.api:compare",
    "build_report": "visionlab.reports.html:build_report",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'visionlab' has no attribute '{name}'")
    module_name, attribute = _LAZY[name].split(":")
    return getattr(importlib.import_module(module_name), attribute)
