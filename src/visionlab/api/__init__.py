"""The Python API: the one place that wires the stages, and what the CLI calls.

Every command of `visionlab` is one function here, callable from a notebook too:

- training: `train`, `resume`, `train_repeated` (`api/train.py`)
- a finished run: `load_run`, `list_runs`, `evaluate`, `predict`, `report`,
  `weights` (`api/runs.py`)
- around training: `explore`, `augment_preview`, `lr_find`, `recipe_table`, `compare_runs`
  (`api/tools.py`)

Example:
    from visionlab import api
    run = api.train("mnist-codelab-cnn", overrides=["train.epochs=2"])
    run.metrics["test_accuracy"]
    run.predict(["digit.png"], top_k=3)
"""

from visionlab.api.runs import (
    Run,
    evaluate,
    list_runs,
    load_run,
    load_test_images,
    open_run,
    predict,
    report,
    weights,
)
from visionlab.api.tools import augment_preview, explore, lr_find, recipe_table
from visionlab.api.train import (
    ConfigSource,
    build_model,
    finish_run,
    prepare_experiment,
    resume,
    train,
    train_repeated,
)
from visionlab.data.prepare import prepare_dataset
from visionlab.reports.compare import compare_runs
from visionlab.runs.compare import comparison_table

__all__ = [
    "ConfigSource",
    "Run",
    "augment_preview",
    "build_model",
    "compare_runs",
    "comparison_table",
    "evaluate",
    "explore",
    "finish_run",
    "list_runs",
    "load_run",
    "load_test_images",
    "lr_find",
    "open_run",
    "predict",
    "prepare_dataset",
    "prepare_experiment",
    "recipe_table",
    "report",
    "resume",
    "train",
    "train_repeated",
    "weights",
]
