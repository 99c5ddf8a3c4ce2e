"""The comparison table of runs: the config keys that differ, best/final metric, test accuracy,
time. The page and figure drawn from it are `visionlab.reports.compare`.

Runs that share a configuration apart from `name` and `train.seed` (repeated seeds; or runs whose
run.json carries the same `"group"`) are aggregated as mean ± standard deviation, in the table
and as bands on the curves.

Example:
    table = comparison_table(["runs/cnn-a", "runs/cnn-b"], metric="val_loss")
    table.rows[table.leader("best")].label
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tomllib

from visionlab.errors import ConfigError, RunError
from visionlab.i18n import Message, term
from visionlab.runs.folder import CONFIG_FILE
from visionlab.runs.run import Run
from visionlab.training.history import is_finite_number

# Keys that differ between repeats of one experiment (they do not split a seed group).
REPEAT_KEYS = ("name", "train.seed")
# Descriptive keys, not knobs: never shown as a configuration difference.
DESCRIPTIVE_KEYS = ("name", "description")
DESCRIPTIVE_PREFIXES = ("reference.",)


@dataclass(frozen=True)
class Statistic:
    """Mean and (population) standard deviation over a group's runs; `count` runs had a value."""

    mean: float
    std: float
    count: int


@dataclass
class ComparisonRow:
    """One table row: a single run, or a seed group of runs."""

    label: str
    runs: list[Run]
    config: dict[str, str]
    best: Statistic
    final: Statistic
    test_accuracy: Statistic
    seconds: Statistic

    @property
    def is_group(self) -> bool:
        return len(self.runs) > 1


@dataclass
class Comparison:
    """The comparison table: differing config keys (columns) and one row per run or group."""

    metric: str
    config_keys: list[str]
    rows: list[ComparisonRow] = field(default_factory=list)

    def leader(self, column: str) -> int | None:
        """Index of the row with the best mean in `column` (`best`, `final`, `test_accuracy`)."""
        lower_is_better = column != "test_accuracy" and "loss" in self.metric
        scored = [(index, getattr(row, column).mean) for index, row in enumerate(self.rows)
                  if getattr(row, column).count]
        if len(scored) < 2:
            return None
        pick = min if lower_is_better else max
        return pick(scored, key=lambda item: item[1])[0]


def flatten_config(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables into dotted keys: `{"train": {"seed": 0}}` -> `{"train.seed": 0}`.

    Lists and other values are kept as they are.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_config(value, prefix=f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def comparison_table(runs: Sequence[Run | str | os.PathLike[str]],
                     metric: str = "val_accuracy") -> Comparison:
    """Build the comparison of `runs` without writing anything.

    Args:
        runs: `Run`s or run folder paths, at least two.
        metric: history column for the best/final columns. Defaults to `"val_accuracy"`.
    """
    loaded = [run if isinstance(run, Run) else Run(run) for run in runs]
    if len(loaded) < 2:
        raise RunError(Message("error.compare.too_few", {"count": len(loaded)}))
    available = sorted({key for run in loaded for row in run.history for key in row})
    if not any(is_finite_number(row.get(metric)) for run in loaded for row in run.history):
        choices = ", ".join(key for key in available if key not in ("epoch", "phase"))
        raise ConfigError(Message("error.compare.no_metric", {
            "metric": metric, "available": choices or term("word.none")}))
    configs = [_flat_config(run) for run in loaded]
    missing = object()
    config_keys = sorted(
        key for key in {key for config in configs for key in config}
        if key not in DESCRIPTIVE_KEYS and not key.startswith(DESCRIPTIVE_PREFIXES)
        and len({repr(config.get(key, missing)) for config in configs}) > 1
    )
    groups: dict[Any, list[int]] = {}
    for index, (run, config) in enumerate(zip(loaded, configs)):
        group = run.info.get("group")
        group_key = ("group", group) if group else tuple(
            sorted((key, repr(value)) for key, value in config.items()
                   if key not in REPEAT_KEYS))
        groups.setdefault(group_key, []).append(index)
    comparison = Comparison(metric, config_keys)
    for members in groups.values():
        group_runs = [loaded[index] for index in members]
        comparison.rows.append(ComparisonRow(
            label=_label(group_runs),
            runs=group_runs,
            config={key: _shared_value([configs[index].get(key) for index in members])
                    for key in config_keys},
            best=_statistic([_best(run, metric) for run in group_runs]),
            final=_statistic([_final(run.history, metric) for run in group_runs]),
            test_accuracy=_statistic([run.metrics.get("test_accuracy") for run in group_runs]),
            seconds=_statistic([run.info.get("seconds") for run in group_runs]),
        ))
    _make_labels_unique(comparison.rows)
    return comparison


def _flat_config(run: Run) -> dict[str, Any]:
    path = run.path / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        return flatten_config(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as error:
        raise RunError(Message("error.compare.bad_toml", {"path": path, "error": error})) \
            from error


def _best(run: Run, metric: str) -> float | None:
    row = run.best_epoch(metric)
    return None if row is None else row[metric]


def _final(history: list[dict[str, Any]], metric: str) -> float | None:
    values = [row[metric] for row in history if is_finite_number(row.get(metric))]
    return values[-1] if values else None


def _statistic(values: Sequence[Any]) -> Statistic:
    finite = np.array([float(value) for value in values if is_finite_number(value)])
    if not len(finite):
        return Statistic(math.nan, math.nan, 0)
    # Population std, as the curve bands of reports.figures.mean_std_curves_figure.
    return Statistic(float(finite.mean()), float(finite.std()), len(finite))


def _shared_value(values: Sequence[Any]) -> str:
    shown = []
    for value in values:
        text = "–" if value is None else str(value)
        if text not in shown:
            shown.append(text)
    return ", ".join(shown)


def _label(runs: Sequence[Run]) -> str:
    group = runs[0].info.get("group")
    if group:
        return str(group)
    names = [str(run.info.get("name") or run.name) for run in runs]
    if len(set(names)) == 1:
        return names[0]
    prefix = os.path.commonprefix(names).rstrip("-_ .")
    return prefix or names[0]


def _make_labels_unique(rows: list[ComparisonRow]) -> None:
    """Labels key the curves; runs sharing a name fall back to their folder name, then a number."""
    for row in rows:
        if sum(other.label == row.label for other in rows) > 1 and not row.is_group:
            row.label = row.runs[0].name
    seen: dict[str, int] = {}
    for row in rows:
        seen[row.label] = seen.get(row.label, 0) + 1
        if seen[row.label] > 1:
            row.label = f"{row.label} ({seen[row.label]})"
