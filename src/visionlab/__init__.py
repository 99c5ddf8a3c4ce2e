"""visionlab: train, evaluate, compare and use image classifiers with Keras 3.

The heavy pieces (Keras, TensorFlow) are imported lazily so `import visionlab` and the CLI's
`--help` stay fast.

Example:
    import visionlab
    run = visionlab.train("fashion-mnist-dense-128")
    print(run.metrics["test_accuracy"])
    run.predict(["shoe.png"])
"""

from __future__ import annotations

import os
from typing import Any

# Quiet TensorFlow's C++ start-up logging unless the user asked for it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

# Public name -> "module:attribute", resolved on first access (PEP 562).
_LAZY = {
    "load_dataset": "visionlab.data.loading:load_dataset",
    "list_datasets": "visionlab.data.registry:list_datasets",
    "fetch": "visionlab.data.locate:fetch",
    "explore_dataset": "visionlab.data.explore:explore_dataset",
    "create_model": "visionlab.models.registry:create_model",
    "list_models": "visionlab.models.registry:list_models",
    "train": "visionlab.experiments.api:train",
    "load_run": "visionlab.experiments.runs:load_run",
    "Run": "visionlab.experiments.runs:Run",
    "load_config": "visionlab.experiments.config:load_config",
    "resume": "visionlab.experiments.api:resume",
    "evaluate": "visionlab.experiments.api:evaluate",
    "predict": "visionlab.experiments.api:predict",
    "compare_runs": "visionlab.experiments.compare:compare_runs",
    "build_report": "visionlab.reports.html:build_report",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'visionlab' has no attribute '{name}'")
    import importlib

    module_name, attribute = _LAZY[name].split(":")
    return getattr(importlib.import_module(module_name), attribute)
