"""`sweep.html`: a sweep's results as one self-contained page, and its figures.

Three kinds of figure, each also kept as a PNG in `<sweep>/figures/`: the metric per trial
(bars, best first, stopped-early and failed trials marked), the metric against each swept
parameter (one scatter each, a log axis for `loguniform`, categories for variants and grid or
choice values that are not numbers), and the learning curves of the best five trials (read
from their run folders). The page is rendered with the report's templates and style.

Its texts come from the message catalog (`visionlab.i18n`), in the language asked for.

Example:
    write_sweep_page(Path("sweeps/digits-20261123-101500"), summary, lang="vi")
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from visionlab import _io, i18n
from visionlab.errors import RunError
from visionlab.reports.curves import overlay_curves_figure
from visionlab.reports.html import png_data_uri, render_page
from visionlab.reports.style import (
    BEST_COLOR,
    LABEL_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    TRAIN_COLOR,
    VALIDATION_COLOR,
    metric_label,
    save_figure,
    shorten,
    style_axes,
)
from visionlab.runs.run import Run
from visionlab.sweeps.results import differing_keys, status_label

PAGE_FILE = "sweep.html"
FIGURES_DIR = "figures"
CURVES_LIMIT = 5  # learning curves of the best trials
STATUS_COLORS = {"completed": TRAIN_COLOR, "stopped_early": "#9e9e9e",
                 "failed": VALIDATION_COLOR, "interrupted": "#c7c7c7"}
VARIANT = "variant"


def write_sweep_page(sweep_dir: str | Path, summary: dict[str, Any],
                     lang: str | None = None) -> Path:
    """Write `sweep.html` (figures embedded) and `figures/*.png` for a finished sweep.

    Args:
        sweep_dir: the sweep folder (its trials' run folders are read for their curves).
        summary: the content of its sweep.json.
        lang: `"en"` or `"vi"`, for the page and its figures. Defaults to None
            (`i18n.resolve_language`).

    Returns:
        The path of sweep.html.
    """
    lang = i18n.resolve_language(lang)
    sweep_dir = Path(sweep_dir)
    figures_dir = sweep_dir / FIGURES_DIR
    spec = summary["spec"]
    metric, mode = spec["metric"], spec["mode"]
    trials = ranked_trials(summary["trials"], mode)

    def embed(figure: Figure, name: str) -> str:
        return png_data_uri(save_figure(figure, figures_dir / f"{name}.png"))

    per_trial = embed(trials_figure(trials, metric, lang=lang), "trials")
    kinds = swept_parameters(spec)
    parameters = [(key, embed(parameter_figure(trials, key, kind, metric, lang=lang),
                              f"parameter-{_file_name(key)}"))
                  for key, kind in kinds.items()]
    histories = best_histories(sweep_dir, trials)
    curves = (embed(overlay_curves_figure(histories, metric, lang=lang), "curves")
              if histories else None)
    keys = differing_keys(summary["points"]) or [key for key in kinds if key != VARIANT]
    page = render_page(
        "sweep.html", lang, summary=summary, trials=trials, keys=keys, metric=metric,
        metric_name=metric_label(metric, lang), per_trial=per_trial, parameters=parameters,
        curves=curves, curve_count=len(histories),
        status_label=lambda status: status_label(status, lang),
        statuses=_status_counts(trials), value=_format_value)
    return _io.write_text(sweep_dir / PAGE_FILE, page)


def ranked_trials(trials: Sequence[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    """The trials best first by their best value; trials without one (failed) last."""
    sign = -1.0 if mode == "max" else 1.0
    return sorted(trials, key=lambda trial: (trial.get("best_value") is None,
                                             sign * (trial.get("best_value") or 0.0),
                                             trial["trial_id"]))


def swept_parameters(spec: dict[str, Any]) -> dict[str, str]:
    """The swept keys and their distribution kind, `variant` ("choice") first when there are
    variants; `train.seed` is a repetition, not a parameter."""
    kinds = {VARIANT: "choice"} if spec.get("variants") else {}
    for key, distribution in (spec.get("parameters") or {}).items():
        kinds[key] = next(iter(distribution))
    return kinds


def trial_label(trial: dict[str, Any]) -> str:
    """A trial's short name on a figure: its number in the sweep and its variant."""
    number = trial["trial_id"].rsplit("_", 1)[-1]
    return " ".join(part for part in (number, trial.get("variant")) if part)


def trials_figure(trials: Sequence[dict[str, Any]], metric: str, *,
                  lang: str = "en") -> Figure:
    """Draw each trial's best `metric` as a horizontal bar, the given order top down.

    Stopped-early trials are grey and hatched, failed ones (no value) a red cross at the axis;
    each bar is labelled with its value and, unless completed, its status.

    Args:
        trials: sweep.json trial rows, best first (`ranked_trials`).
        metric: the sweep's metric (the axis label).
        lang: language of the labels, `"en"` or `"vi"`. Defaults to `"en"`.
    """
    figure = Figure(figsize=(8.5, max(2.2, 0.34 * len(trials) + 1.2)), layout="constrained")
    axes = figure.add_subplot()
    positions = np.arange(len(trials))
    values = [trial.get("best_value") for trial in trials]
    finite = [value for value in values if _finite(value)]
    for position, trial, value in zip(positions, trials, values):
        status = trial.get("status", "completed")
        color = STATUS_COLORS.get(status, TRAIN_COLOR)
        if _finite(value):
            axes.barh(position, value, color=color, height=0.7,
                      hatch="//" if status == "stopped_early" else None,
                      edgecolor="white" if status == "stopped_early" else color)
            shown = i18n.decimal_mark(f"{value:.4f}", lang)
            note = shown if status == "completed" else (
                f"{shown}  {status_label(status, lang)} "
                f"({i18n.t('sweep.figure.epochs_short', lang, epochs=trial.get('epochs'))})")
            axes.text(value, position, f"  {note}", va="center", fontsize=TICK_SIZE - 1)
        else:
            axes.plot([0], [position], marker="x", color=color, markersize=8, linestyle="none")
            axes.text(0, position, f"   {status_label(status, lang)}", va="center",
                      fontsize=TICK_SIZE - 1, color=color)
    axes.set_yticks(positions, [shorten(trial_label(trial), 28) for trial in trials])
    if finite:  # the best trial's name in the highlight colour
        best = next(index for index, value in enumerate(values) if _finite(value))
        axes.get_yticklabels()[best].set_color(BEST_COLOR)
        axes.get_yticklabels()[best].set_fontweight("bold")
    axes.invert_yaxis()  # best on top
    top = max(finite, default=1.0)
    axes.set_xlim(min(0.0, min(finite, default=0.0)), top * 1.35 if top > 0 else 1.0)
    label = metric_label(metric, lang)
    axes.set_xlabel(i18n.t("sweep.figure.best_per_trial", lang, metric=label),
                    fontsize=LABEL_SIZE)
    axes.set_title(i18n.t("sweep.figure.per_trial_title", lang, metric=label),
                   fontsize=TITLE_SIZE)
    style_axes(axes, grid_axis="x")
    return figure


def parameter_figure(trials: Sequence[dict[str, Any]], key: str, kind: str,
                     metric: str, *, lang: str = "en") -> Figure:
    """Draw each trial's best `metric` against its value of parameter `key`.

    Numbers go on a linear axis (a log axis for `loguniform`); anything else (variants, lists,
    strings) on one position per distinct value, in order of appearance. Failed trials have no
    value and are left out; stopped-early ones are grey.

    Args:
        trials: sweep.json trial rows.
        key: a swept config key, or `"variant"`.
        kind: its distribution (`grid`, `choice`, `uniform`, `loguniform`, `randint`).
        metric: the sweep's metric (the y-axis label).
        lang: language of the labels, `"en"` or `"vi"`. Defaults to `"en"`.
    """
    figure = Figure(figsize=(6.0, 3.6), layout="constrained")
    axes = figure.add_subplot()
    scored = [trial for trial in trials if _finite(trial.get("best_value"))]
    raw = [_parameter_value(trial, key) for trial in scored]
    numeric = bool(raw) and all(isinstance(value, int | float) and not isinstance(value, bool)
                                for value in raw)
    if numeric:
        xs = [float(value) for value in raw]
        if kind == "loguniform" and all(x > 0 for x in xs):
            axes.set_xscale("log")
    else:
        categories = list(dict.fromkeys(_category(value) for value in raw))
        xs = [float(categories.index(_category(value))) for value in raw]
        axes.set_xticks(range(len(categories)), [shorten(c, 18) for c in categories],
                        rotation=30 if len(categories) > 4 else 0, ha="right"
                        if len(categories) > 4 else "center")
    for status, color in STATUS_COLORS.items():
        points = [(x, trial["best_value"]) for x, trial in zip(xs, scored)
                  if trial.get("status") == status]
        if points:
            axes.scatter(*zip(*points), color=color, s=30, label=status_label(status, lang),
                         zorder=3)
    label = metric_label(metric, lang)
    axes.set_xlabel(key, fontsize=LABEL_SIZE)
    axes.set_ylabel(label, fontsize=LABEL_SIZE)
    axes.set_title(i18n.t("sweep.page.versus", lang, metric=label, parameter=key),
                   fontsize=TITLE_SIZE)
    style_axes(axes)
    if scored:
        axes.legend(fontsize=TICK_SIZE, frameon=False, loc="best")
    return figure


def best_histories(sweep_dir: Path, trials: Sequence[dict[str, Any]],
                   limit: int = CURVES_LIMIT) -> dict[str, list[dict[str, Any]]]:
    """The history rows of the best `limit` trials with a run folder, label -> rows."""
    histories: dict[str, list[dict[str, Any]]] = {}
    for trial in trials:
        if len(histories) >= limit:
            break
        if trial.get("best_value") is None or not trial.get("run_dir"):
            continue
        try:
            history = Run(sweep_dir / trial["run_dir"]).history
        except RunError:
            continue
        if history:
            histories[trial_label(trial)] = history
    return histories


def _parameter_value(trial: dict[str, Any], key: str) -> Any:
    if key == VARIANT:
        return trial.get("variant")
    return trial.get("values", {}).get(key)


def _category(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _status_counts(trials: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for trial in trials:
        counts[trial.get("status", "")] = counts.get(trial.get("status", ""), 0) + 1
    return counts


def _format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return value if isinstance(value, str) else json.dumps(value)


def _file_name(key: str) -> str:
    return "".join(character if character.isalnum() else "-" for character in key)
