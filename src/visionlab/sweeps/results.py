"""A finished sweep's results: one row per trial, points (a config over its seeds), the table.

`sweep.json` holds both: `trials` (id, variant, seed, the values it set, status, epochs, its best
metric and epoch, its run folder, its error) and `points` (trials that differ only by seed,
with the metric's mean ± std), best point first.
"""

from __future__ import annotations

import json
import math
import statistics
from typing import Any

from rich.table import Table

from visionlab import i18n

STATUSES = ("completed", "stopped_early", "failed", "interrupted")


def summarize_points(trials: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    """Group trials that differ only by seed; return the groups best first.

    A point's value is the mean of its trials' best metric values (failed trials excluded);
    a point without any value sorts last.
    """
    groups: dict[str, dict[str, Any]] = {}
    for trial in trials:
        values = {key: value for key, value in trial["values"].items() if key != "train.seed"}
        key = json.dumps([trial.get("variant"), values], sort_keys=True, default=str)
        point = groups.setdefault(key, {"variant": trial.get("variant"), "values": values,
                                        "trials": [], "statuses": {}, "scores": []})
        point["trials"].append(trial["trial_id"])
        point["statuses"][trial["status"]] = point["statuses"].get(trial["status"], 0) + 1
        if trial.get("best_value") is not None:
            point["scores"].append(trial["best_value"])
    points = []
    for point in groups.values():
        scores = point.pop("scores")
        point["mean"] = statistics.fmean(scores) if scores else None
        point["std"] = statistics.stdev(scores) if len(scores) > 1 else (0.0 if scores else None)
        point["n"] = len(scores)
        points.append(point)
    sign = -1.0 if mode == "max" else 1.0
    points.sort(key=lambda p: (p["mean"] is None, sign * (p["mean"] or 0.0)))
    return points


def differing_keys(points: list[dict[str, Any]]) -> list[str]:
    """The config keys whose values differ between points (the table shows only these)."""
    keys = sorted({key for point in points for key in point["values"]})
    return [key for key in keys
            if len({json.dumps(point["values"].get(key), default=str) for point in points}) > 1]


def sweep_table(summary: dict[str, Any], lang: str | None = None) -> Table:
    """A Rich table of a sweep's points, best first: variant, differing values, mean ± std.

    Args:
        summary: the content of sweep.json.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)
    points = summary["points"]
    metric = summary["spec"]["metric"]
    table = Table(title=i18n.t("sweep.table.title", lang, name=summary["name"], metric=metric,
                               mode=summary["spec"]["mode"]))
    table.add_column("#", justify="right")
    has_variants = any(point.get("variant") for point in points)
    if has_variants:
        table.add_column(i18n.t("sweep.page.column.variant", lang))
    keys = differing_keys(points)
    for key in keys:
        table.add_column(key)
    table.add_column(metric, justify="right")
    table.add_column(i18n.t("sweep.page.trials", lang), justify="right")
    table.add_column(i18n.t("sweep.page.column.status", lang))
    for rank, point in enumerate(points, start=1):
        cells = [str(rank)]
        if has_variants:
            cells.append(str(point.get("variant") or ""))
        cells += [_format_value(point["values"].get(key)) for key in keys]
        cells.append(_format_score(point["mean"], point["std"], point["n"], lang))
        cells.append(str(len(point["trials"])))
        cells.append(", ".join(f"{count} {status_label(status, lang)}"
                               for status, count in sorted(point["statuses"].items())))
        table.add_row(*cells)
    return table


def status_label(status: str, lang: str = "en") -> str:
    """A trial's status in words ("stopped_early" -> "stopped early"; Vietnamese "dừng sớm")."""
    key = f"status.{status}"
    return i18n.t(key, lang) if key in i18n.MESSAGES["en"] else status.replace("_", " ")


def _format_score(mean: float | None, std: float | None, n: int, lang: str = "en") -> str:
    if mean is None:
        return "—"
    if n > 1 and std is not None:
        return i18n.decimal_mark(f"{mean:.4f} ± {std:.4f}", lang)
    return i18n.decimal_mark(f"{mean:.4f}", lang)


def _format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def best_of(values: list[float], mode: str) -> tuple[int, float] | None:
    """The (1-based epoch, value) of the best finite value, or None when there is none."""
    finite = [(index + 1, value) for index, value in enumerate(values)
              if value is not None and math.isfinite(value)]
    if not finite:
        return None
    pick = max if mode == "max" else min
    return pick(finite, key=lambda item: item[1])
