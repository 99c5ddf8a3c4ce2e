"""Training-curve figures: learning curves, overlaid and mean ± std runs, the LR finder.

Same conventions as `visionlab.reports.figures` (object API, `lang` for report text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from visionlab import i18n
from visionlab.reports.style import (
    BEST_COLOR,
    BEST_EPOCH_GID,
    BOUNDARY_COLOR,
    LABEL_SIZE,
    LEARNING_RATE_COLOR,
    PHASE_BOUNDARY_GID,
    TICK_SIZE,
    TITLE_SIZE,
    TRAIN_COLOR,
    VALIDATION_COLOR,
    metric_label,
    plot_finite,
    series_color,
    style_axes,
)
from visionlab.training.history import history_column


def learning_curves_figure(history: Sequence[Mapping[str, Any]], *,
                           lang: str | None = None) -> Figure:
    """Draw accuracy, loss and learning rate per epoch, with phase boundaries and the best epoch.

    Args:
        history: one row per epoch with any of `epoch, phase, loss, accuracy, val_loss,
            val_accuracy, lr, seconds`; values may be numbers, numeric strings, empty or NaN
            (rows read back from `history.csv` work as they are).
        lang: language of titles, labels and legends, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).

    Example:
        learning_curves_figure(run.history, lang="vi")  # "Độ chính xác", "huấn luyện", ...
    """
    lang = i18n.resolve_language(lang)
    epochs = history_column(history, "epoch")
    if np.isnan(epochs).all():
        epochs = np.arange(1, len(history) + 1, dtype=float)
    learning_rates = history_column(history, "lr")
    has_learning_rate = bool(np.isfinite(learning_rates).any())
    figure = Figure(figsize=(13 if has_learning_rate else 9.5, 4.2), layout="constrained")
    panels = figure.subplots(1, 3 if has_learning_rate else 2, squeeze=False)[0]
    for axes, metric in ((panels[0], "accuracy"), (panels[1], "loss")):
        train = history_column(history, metric)
        validation = history_column(history, f"val_{metric}")
        plot_finite(axes, epochs, train, color=TRAIN_COLOR, label=i18n.t("figure.train", lang))
        plot_finite(axes, epochs, validation, color=VALIDATION_COLOR,
                     label=i18n.t("figure.validation", lang))
        axes.set_title(i18n.t(f"figure.{metric}", lang), fontsize=TITLE_SIZE)
        axes.set_ylabel(i18n.t(f"figure.metric.{metric}", lang), fontsize=LABEL_SIZE)
    if has_learning_rate:
        axes = panels[2]
        plot_finite(axes, epochs, learning_rates, color=LEARNING_RATE_COLOR,
                     label=i18n.t("figure.learning_rate_legend", lang))
        finite = learning_rates[np.isfinite(learning_rates) & (learning_rates > 0)]
        if len(finite) and finite.max() > 10 * finite.min():
            axes.set_yscale("log")
        elif len(finite) and np.isclose(finite.max(), finite.min()):
            axes.set_ylim(0, 1.5 * finite.max())  # a constant rate: show it against zero
        axes.set_title(i18n.t("figure.learning_rate", lang), fontsize=TITLE_SIZE)
        axes.set_ylabel(i18n.t("figure.metric.lr", lang), fontsize=LABEL_SIZE)
    for axes in panels:
        axes.set_xlabel(i18n.t("figure.epoch", lang), fontsize=LABEL_SIZE)
        style_axes(axes, lang=lang)
        axes.xaxis.get_major_locator().set_params(integer=True)
    if len(history) == 0:
        panels[0].text(0.5, 0.5, i18n.t("figure.no_epochs", lang), transform=panels[0].transAxes,
                       ha="center", va="center", fontsize=LABEL_SIZE, color="gray")
    _mark_phases(panels, epochs, [str(row.get("phase") or "") for row in history])
    validation_accuracy = history_column(history, "val_accuracy")
    if np.isfinite(validation_accuracy).any():
        best = int(np.nanargmax(validation_accuracy))
        best_epoch, best_value = epochs[best], validation_accuracy[best]
        panels[0].plot([best_epoch], [best_value], marker="*", markersize=15, color=BEST_COLOR,
                       linestyle="none", zorder=5, gid=BEST_EPOCH_GID,
                       label=i18n.t("figure.best_epoch", lang,
                                    value=i18n.format_decimal(best_value, lang, 4),
                                    epoch=i18n.format_number(best_epoch, lang, 6)))
        panels[1].axvline(best_epoch, color=BEST_COLOR, linestyle=":", linewidth=1.2)
    for axes in panels:
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize=TICK_SIZE, frameon=False)
    return figure


def overlay_curves_figure(histories: Mapping[str, Sequence[Mapping[str, Any]]],
                          metric: str = "val_accuracy",
                          bands: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
                          *, lang: str | None = None) -> Figure:
    """Draw one metric per epoch for several runs on shared axes, to compare experiments.

    When `metric` starts with `val_`, the matching training metric is drawn dashed in the same
    colour. `bands` adds mean ± standard deviation curves (for repeated seeds).

    Args:
        histories: run label -> history rows (as for `learning_curves_figure`).
        metric: history column to draw. Defaults to `"val_accuracy"`.
        bands: label -> (mean, std) arrays indexed by epoch (epoch 1 first). Defaults to none.
        lang: language of the title and axis labels, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).

    Example:
        overlay_curves_figure({"cnn": cnn_rows, "dense": dense_rows}, metric="val_loss")
    """
    lang = i18n.resolve_language(lang)
    bands = bands or {}
    if not histories and not bands:
        raise ValueError("overlay_curves_figure needs at least one history or band to draw.")
    figure = Figure(figsize=(8.5, 5), layout="constrained")
    axes = figure.add_subplot()
    train_metric = metric[len("val_"):] if metric.startswith("val_") else None
    for index, (label, history) in enumerate(histories.items()):
        color = series_color(index, len(histories) + len(bands))
        epochs = history_column(history, "epoch")
        if np.isnan(epochs).all():
            epochs = np.arange(1, len(history) + 1, dtype=float)
        plot_finite(axes, epochs, history_column(history, metric), color=color, label=label)
        if train_metric:
            plot_finite(axes, epochs, history_column(history, train_metric), color=color,
                         linestyle="--", alpha=0.6, marker=None, label=None)
    for index, (label, (mean, std)) in enumerate(bands.items(), start=len(histories)):
        color = series_color(index, len(histories) + len(bands))
        mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
        epochs = np.arange(1, len(mean) + 1, dtype=float)
        plot_finite(axes, epochs, mean, color=color, label=label)
        axes.fill_between(epochs, mean - std, mean + std, color=to_rgba(color, 0.18), linewidth=0)
    axes.set_xlabel(i18n.t("figure.epoch", lang), fontsize=LABEL_SIZE)
    title = metric_label(metric, lang)
    axes.set_ylabel(title, fontsize=LABEL_SIZE)
    if train_metric and histories:
        title = i18n.t("figure.dashed_train", lang, metric=title,
                       train_metric=metric_label(train_metric, lang))
    axes.set_title(title, fontsize=TITLE_SIZE)
    axes.xaxis.get_major_locator().set_params(integer=True)
    style_axes(axes, lang=lang)
    axes.legend(fontsize=TICK_SIZE, frameon=False, loc="best")
    return figure


def mean_std_curves_figure(groups: Mapping[str, Sequence[Sequence[Mapping[str, Any]]]],
                           metric: str = "val_accuracy", *, lang: str | None = None) -> Figure:
    """Draw the mean ± standard deviation of `metric` per epoch over repeated runs of each group.

    Runs of different lengths are aligned by epoch; an epoch averages the runs that reached it.

    Args:
        groups: group label -> the histories of its repeated runs (for example one per seed).
        metric: history column to average. Defaults to `"val_accuracy"`.
        lang: language of the title and axis labels, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).
    """
    bands: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for label, runs in groups.items():
        if not runs:
            continue
        length = max(len(run) for run in runs)
        stacked = np.full((len(runs), length), np.nan)
        for row, run in enumerate(runs):
            stacked[row, : len(run)] = history_column(run, metric)
        reached = np.isfinite(stacked).any(axis=0)
        mean, std = np.full(length, np.nan), np.full(length, np.nan)
        mean[reached] = np.nanmean(stacked[:, reached], axis=0)
        std[reached] = np.nanstd(stacked[:, reached], axis=0)
        bands[f"{label} (n={len(runs)})"] = (mean, std)
    return overlay_curves_figure({}, metric=metric, bands=bands, lang=lang)


def lr_finder_figure(learning_rates: Sequence[float], losses: Sequence[float],
                     suggested_lr: float | None, title: str = "", *,
                     lang: str | None = None) -> Figure:
    """Draw loss against learning rate on a log axis, with the suggested learning rate marked.

    Args:
        learning_rates: learning rate of each step, increasing.
        losses: (smoothed) loss of each step.
        suggested_lr: learning rate to mark, or None when no suggestion could be made.
        title: figure title. Defaults to "Learning rate finder" in `lang`.
        lang: language of the title, labels and legend, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).

    Example:
        lr_finder_figure(result.learning_rates, result.smoothed_losses, 1e-3, lang="vi")
    """
    lang = i18n.resolve_language(lang)
    learning_rates = np.asarray(learning_rates, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if learning_rates.shape != losses.shape or learning_rates.ndim != 1:
        raise ValueError(f"lr_finder_figure got {learning_rates.shape} learning rates and "
                         f"{losses.shape} losses; give one loss per learning rate.")
    keep = np.isfinite(learning_rates) & np.isfinite(losses) & (learning_rates > 0)
    learning_rates, losses = learning_rates[keep], losses[keep]
    figure = Figure(figsize=(7.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    loss_label = i18n.t("figure.metric.loss", lang)
    axes.plot(learning_rates, losses, color=TRAIN_COLOR, linewidth=1.8, label=loss_label)
    axes.set_xscale("log")
    if len(losses):
        # The loss explodes at the end of the sweep; cap the view so the useful dip stays visible.
        low, start = losses.min(), losses[0]
        high = min(losses.max(), start + 1.5 * max(start - low, 0.05 * abs(start)))
        margin = 0.05 * max(high - low, 1e-8)
        axes.set_ylim(low - margin, high + margin)
    if suggested_lr is not None and np.isfinite(suggested_lr) and len(losses):
        nearest = int(np.argmin(np.abs(np.log(learning_rates) - np.log(suggested_lr))))
        axes.axvline(suggested_lr, color=BEST_COLOR, linestyle="--", linewidth=1.2)
        axes.plot([suggested_lr], [losses[nearest]], marker="o", markersize=9, color=BEST_COLOR,
                  linestyle="none", label=i18n.t("figure.lr_finder.suggested", lang,
                                                 lr=i18n.decimal_mark(f"{suggested_lr:.2e}",
                                                                      lang)))
    axes.set_xlabel(i18n.t("figure.lr_finder.x_label", lang), fontsize=LABEL_SIZE)
    axes.set_ylabel(loss_label, fontsize=LABEL_SIZE)
    axes.set_title(title or i18n.t("figure.lr_finder.title", lang), fontsize=TITLE_SIZE)
    style_axes(axes, lang=lang)
    axes.legend(fontsize=TICK_SIZE, frameon=False)
    return figure


def _mark_phases(panels: Sequence[Axes], epochs: np.ndarray, phases: list[str]) -> None:
    """Draw a dashed line where the training phase changes and name each phase at its start."""
    starts = [index for index in range(len(phases))
              if phases[index] and (index == 0 or phases[index] != phases[index - 1])]
    if len(set(phases) - {""}) < 2 and len(starts) < 2:
        return
    for index in starts:
        position = epochs[index] - 0.5 if index > 0 else epochs[index]
        for axes in panels:
            if index > 0:
                axes.axvline(position, color=BOUNDARY_COLOR, linestyle="--", linewidth=1.1,
                             gid=PHASE_BOUNDARY_GID)
            axes.annotate(phases[index], xy=(position, 1.0), xycoords=("data", "axes fraction"),
                          xytext=(3, -3), textcoords="offset points", ha="left", va="top",
                          fontsize=TICK_SIZE - 1, color=BOUNDARY_COLOR, style="italic")


