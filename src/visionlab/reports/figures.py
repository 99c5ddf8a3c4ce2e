"""Every matplotlib figure visionlab draws: data overviews, training curves and evaluation plots.

Each function builds a `matplotlib.figure.Figure` with the object API (no `pyplot` global state),
so figures can be drawn from several threads and never open a window. `save_figure` writes one
to PNG atomically. Figures embedded in reports take `lang` ("en" or "vi"): their titles, labels,
legends and numbers (decimal comma in Vietnamese) come from `visionlab.reports.i18n`.

Example:
    figure = learning_curves_figure(history_rows)
    save_figure(figure, "runs/demo/figures/learning_curves.png")
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from visionlab._io import atomic_path
from visionlab.reports import i18n
from visionlab.training.history import history_column

# Shared look: explicit sizes on every artist instead of rcParams, which are process-global.
TITLE_SIZE = 12
LABEL_SIZE = 10
TICK_SIZE = 9
TRAIN_COLOR = "#1f77b4"
VALIDATION_COLOR = "#d62728"
LEARNING_RATE_COLOR = "#2ca02c"
BOUNDARY_COLOR = "#555555"
BEST_COLOR = "#ff7f0e"
SPLIT_COLORS = {"train": "#1f77b4", "validation": "#ff7f0e", "test": "#2ca02c"}
PHASE_BOUNDARY_GID = "phase-boundary"
BEST_EPOCH_GID = "best-epoch"


def save_figure(figure: Figure, path: str | os.PathLike[str], dpi: int = 110) -> Path:
    """Write `figure` as a PNG atomically, release it, and return the path.

    Args:
        figure: the figure to save.
        path: destination `.png` file; missing folders are created.
        dpi: resolution in dots per inch. Defaults to 110.
    """
    with atomic_path(path, suffix=".png") as temporary:
        figure.savefig(temporary, dpi=dpi, format="png", facecolor="white")
    # A figure created through pyplot would stay registered (and in memory) until closed.
    if getattr(figure.canvas, "manager", None) is not None:
        from matplotlib import pyplot

        pyplot.close(figure)
    return Path(path)


def class_balance_figure(counts: Mapping[str, Sequence[int]], class_names: Sequence[str]) -> Figure:
    """Draw images per class as bars grouped by split (horizontal bars when classes are many).

    Args:
        counts: split name -> number of images of each class, in `class_names` order.
        class_names: one display name per class.

    Example:
        class_balance_figure({"train": [50, 45], "test": [10, 9]}, ["cat", "dog"])
    """
    num_classes = len(class_names)
    if num_classes == 0 or not counts:
        raise ValueError("class_balance_figure needs at least one class and one split.")
    for split_name, split_counts in counts.items():
        if len(split_counts) != num_classes:
            raise ValueError(f"Split '{split_name}' has {len(split_counts)} counts but there are "
                             f"{num_classes} class names; give one count per class.")
    horizontal = num_classes > 12
    num_splits = len(counts)
    positions = np.arange(num_classes)
    bar_size = 0.8 / num_splits
    if horizontal:
        figure = Figure(figsize=(8, max(4.0, 0.28 * num_classes * max(1, num_splits / 2) + 1.5)),
                        layout="constrained")
    else:
        figure = Figure(figsize=(max(6.0, 0.55 * num_classes * max(1, num_splits / 2) + 2), 4.5),
                        layout="constrained")
    axes = figure.add_subplot()
    for index, (split_name, split_counts) in enumerate(counts.items()):
        offsets = positions - 0.4 + bar_size * (index + 0.5)
        color = SPLIT_COLORS.get(split_name, f"C{index + 3}")
        label = f"{split_name} ({int(sum(split_counts)):,})"
        if horizontal:
            bars = axes.barh(offsets, split_counts, height=bar_size, label=label, color=color)
        else:
            bars = axes.bar(offsets, split_counts, width=bar_size, label=label, color=color)
        if num_classes * num_splits <= 40:
            axes.bar_label(bars, fmt="{:,.0f}", fontsize=TICK_SIZE - 1, padding=2)
    names = [_shorten(name, 24) for name in class_names]
    if horizontal:
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlabel("images", fontsize=LABEL_SIZE)
        axes.margins(x=0.08)
    else:
        rotation = 0 if max(len(name) for name in names) * num_classes <= 60 else 35
        axes.set_xticks(positions, names, rotation=rotation, ha="right" if rotation else "center")
        axes.set_ylabel("images", fontsize=LABEL_SIZE)
        axes.margins(y=0.12)
    _style(axes, grid_axis="x" if horizontal else "y")
    axes.set_title("Images per class", fontsize=TITLE_SIZE)
    axes.legend(fontsize=TICK_SIZE, frameon=False)
    return figure


def image_grid_figure(images: np.ndarray, titles: Sequence[str],
                      colors: Sequence[str] | None = None, columns: int | None = None) -> Figure:
    """Draw images in a grid, each with a title (for example its label, green/red when right/wrong).

    Args:
        images: uint8 array of shape (num_images, height, width, channels), 1, 3 or 4 channels.
        titles: one title per image; an empty title leaves the cell untitled.
        colors: one title colour per image. Defaults to black for every title.
        columns: images per row. Defaults to about the square root of the number of images.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0 or images.shape[-1] not in (1, 3, 4):
        raise ValueError("image_grid_figure needs images of shape (num_images, height, width, "
                         f"1|3|4 channels) with at least one image; got shape {images.shape}.")
    num_images = len(images)
    if len(titles) != num_images or (colors is not None and len(colors) != num_images):
        raise ValueError(f"image_grid_figure got {num_images} images, {len(titles)} titles and "
                         f"{'no' if colors is None else len(colors)} colours; give one per image.")
    columns = max(1, min(num_images, columns or math.ceil(math.sqrt(num_images))))
    rows = math.ceil(num_images / columns)
    height, width = images.shape[1:3]
    cell_width = 1.9
    cell_height = cell_width * height / width + 0.35  # room for the title line
    figure = Figure(figsize=(cell_width * columns, cell_height * rows), layout="constrained")
    grid_axes = figure.subplots(rows, columns, squeeze=False)
    for index, axes in enumerate(grid_axes.flat):
        axes.set_axis_off()
        if index >= num_images:
            continue
        _show_image(axes, images[index])
        if titles[index]:
            # Long titles ("actual / predicted (prob)") wrap onto a second line, not off the cell.
            title = textwrap.fill(titles[index], width=26, max_lines=2, placeholder="…")
            axes.set_title(title, fontsize=TICK_SIZE,
                           color=colors[index] if colors is not None else "black")
    return figure


def prediction_figure(image: np.ndarray, title: str, color: str = "black") -> Figure:
    """Draw one image with a title (for example the predicted class and its probability).

    Args:
        image: uint8 array of shape (height, width, channels).
        title: text above the image.
        color: title colour. Defaults to black.
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] not in (1, 3, 4):
        raise ValueError("prediction_figure needs one image of shape (height, width, 1|3|4 "
                         f"channels); got shape {image.shape}.")
    height, width = image.shape[:2]
    figure = Figure(figsize=(4.5, 4.5 * height / width + 0.5), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    _show_image(axes, image)
    axes.set_title(title, fontsize=TITLE_SIZE, color=color)
    return figure


def learning_curves_figure(history: Sequence[Mapping[str, Any]], *, lang: str = "en") -> Figure:
    """Draw accuracy, loss and learning rate per epoch, with phase boundaries and the best epoch.

    Args:
        history: one row per epoch with any of `epoch, phase, loss, accuracy, val_loss,
            val_accuracy, lr, seconds`; values may be numbers, numeric strings, empty or NaN
            (rows read back from `history.csv` work as they are).
        lang: language of titles, labels and legends, `"en"` or `"vi"`. Defaults to `"en"`.

    Example:
        learning_curves_figure(run.history, lang="vi")  # "Độ chính xác", "huấn luyện", ...
    """
    i18n.check_language(lang)
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
        _plot_finite(axes, epochs, train, color=TRAIN_COLOR, label=i18n.t("figure.train", lang))
        _plot_finite(axes, epochs, validation, color=VALIDATION_COLOR,
                     label=i18n.t("figure.validation", lang))
        axes.set_title(i18n.t(f"figure.{metric}", lang), fontsize=TITLE_SIZE)
        axes.set_ylabel(i18n.t(f"figure.metric.{metric}", lang), fontsize=LABEL_SIZE)
    if has_learning_rate:
        axes = panels[2]
        _plot_finite(axes, epochs, learning_rates, color=LEARNING_RATE_COLOR,
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
        _style(axes, lang=lang)
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


def confusion_matrix_figure(matrix: np.ndarray, class_names: Sequence[str], *,
                            lang: str = "en") -> Figure:
    """Draw a confusion matrix coloured by row share, each cell showing count and row percent.

    Rows are actual classes and columns predicted classes. Up to 25 classes a cell reads
    "123\\n45.6%"; beyond that cells show the count only, in a smaller font, to stay legible.

    Args:
        matrix: int array of shape (num_classes, num_classes); `matrix[actual, predicted]`.
        class_names: one display name per class.
        lang: language of the title, labels and percentages, `"en"` or `"vi"`. Defaults to `"en"`.
    """
    i18n.check_language(lang)
    matrix = np.asarray(matrix)
    num_classes = len(class_names)
    if matrix.ndim != 2 or matrix.shape != (num_classes, num_classes) or num_classes == 0:
        raise ValueError(f"confusion_matrix_figure needs a square matrix of {num_classes} x "
                         f"{num_classes} (one row and column per class); got shape {matrix.shape}.")
    matrix = matrix.astype(np.int64)
    row_totals = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, row_totals, out=np.zeros(matrix.shape), where=row_totals > 0)
    if num_classes <= 10:
        cell_inches, font_size = 0.8, 9.0
    elif num_classes <= 25:
        cell_inches, font_size = 0.55, 7.0
    else:
        cell_inches, font_size = 0.42, max(5.0, 7.0 - (num_classes - 25) / 15)
    side = num_classes * cell_inches + 3.0
    figure = Figure(figsize=(side + 1.2, side), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    colorbar = figure.colorbar(image, ax=axes, fraction=0.046, pad=0.02, shrink=0.8)
    colorbar.set_label(i18n.t("figure.share_of_actual", lang), fontsize=LABEL_SIZE)
    colorbar.ax.tick_params(labelsize=TICK_SIZE)
    _localize_ticks(colorbar.ax, lang)
    show_percent = num_classes <= 25
    for actual in range(num_classes):
        for predicted in range(num_classes):
            count = matrix[actual, predicted]
            if count == 0 and not show_percent:
                continue  # blank zeros keep large matrices readable
            if count == 0:
                text, color = "0", "#b0b0b0"
            else:
                share = shares[actual, predicted]
                text = (f"{count}\n{i18n.format_percent(share, lang, 1)}" if show_percent
                        else f"{count}")
                color = "white" if share > 0.55 else "#1a1a1a"
            axes.text(predicted, actual, text, ha="center", va="center", fontsize=font_size,
                      color=color, linespacing=1.15)
    names = [_shorten(name, 18) for name in class_names]
    tick_size = TICK_SIZE if num_classes <= 25 else max(5.5, font_size + 1)
    axes.set_xticks(np.arange(num_classes), names, rotation=45 if num_classes <= 25 else 90,
                    ha="right" if num_classes <= 25 else "center",
                    rotation_mode="anchor" if num_classes <= 25 else "default", fontsize=tick_size)
    axes.set_yticks(np.arange(num_classes), names, fontsize=tick_size)
    axes.set_xlabel(i18n.t("figure.predicted_class", lang), fontsize=LABEL_SIZE + 1)
    axes.set_ylabel(i18n.t("figure.actual_class", lang), fontsize=LABEL_SIZE + 1)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    total = int(matrix.sum())
    accuracy = np.trace(matrix) / total if total else float("nan")
    axes.set_title(i18n.t("figure.confusion_title", lang,
                          accuracy=i18n.format_percent(accuracy, lang, 1),
                          total=i18n.format_count(total, lang)), fontsize=TITLE_SIZE)
    return figure


def overlay_curves_figure(histories: Mapping[str, Sequence[Mapping[str, Any]]],
                          metric: str = "val_accuracy",
                          bands: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
                          *, lang: str = "en") -> Figure:
    """Draw one metric per epoch for several runs on shared axes, to compare experiments.

    When `metric` starts with `val_`, the matching training metric is drawn dashed in the same
    colour. `bands` adds mean ± standard deviation curves (for repeated seeds).

    Args:
        histories: run label -> history rows (as for `learning_curves_figure`).
        metric: history column to draw. Defaults to `"val_accuracy"`.
        bands: label -> (mean, std) arrays indexed by epoch (epoch 1 first). Defaults to none.
        lang: language of the title and axis labels, `"en"` or `"vi"`. Defaults to `"en"`.

    Example:
        overlay_curves_figure({"cnn": cnn_rows, "dense": dense_rows}, metric="val_loss")
    """
    i18n.check_language(lang)
    bands = bands or {}
    if not histories and not bands:
        raise ValueError("overlay_curves_figure needs at least one history or band to draw.")
    figure = Figure(figsize=(8.5, 5), layout="constrained")
    axes = figure.add_subplot()
    train_metric = metric[len("val_"):] if metric.startswith("val_") else None
    for index, (label, history) in enumerate(histories.items()):
        color = _series_color(index, len(histories) + len(bands))
        epochs = history_column(history, "epoch")
        if np.isnan(epochs).all():
            epochs = np.arange(1, len(history) + 1, dtype=float)
        _plot_finite(axes, epochs, history_column(history, metric), color=color, label=label)
        if train_metric:
            _plot_finite(axes, epochs, history_column(history, train_metric), color=color,
                         linestyle="--", alpha=0.6, marker=None, label=None)
    for index, (label, (mean, std)) in enumerate(bands.items(), start=len(histories)):
        color = _series_color(index, len(histories) + len(bands))
        mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
        epochs = np.arange(1, len(mean) + 1, dtype=float)
        _plot_finite(axes, epochs, mean, color=color, label=label)
        axes.fill_between(epochs, mean - std, mean + std, color=to_rgba(color, 0.18), linewidth=0)
    axes.set_xlabel(i18n.t("figure.epoch", lang), fontsize=LABEL_SIZE)
    title = metric_label(metric, lang)
    axes.set_ylabel(title, fontsize=LABEL_SIZE)
    if train_metric and histories:
        title = i18n.t("figure.dashed_train", lang, metric=title,
                       train_metric=metric_label(train_metric, lang))
    axes.set_title(title, fontsize=TITLE_SIZE)
    axes.xaxis.get_major_locator().set_params(integer=True)
    _style(axes, lang=lang)
    axes.legend(fontsize=TICK_SIZE, frameon=False, loc="best")
    return figure


def mean_std_curves_figure(groups: Mapping[str, Sequence[Sequence[Mapping[str, Any]]]],
                           metric: str = "val_accuracy", *, lang: str = "en") -> Figure:
    """Draw the mean ± standard deviation of `metric` per epoch over repeated runs of each group.

    Runs of different lengths are aligned by epoch; an epoch averages the runs that reached it.

    Args:
        groups: group label -> the histories of its repeated runs (for example one per seed).
        metric: history column to average. Defaults to `"val_accuracy"`.
        lang: language of the title and axis labels, `"en"` or `"vi"`. Defaults to `"en"`.
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
                     suggested_lr: float | None, title: str = "") -> Figure:
    """Draw loss against learning rate on a log axis, with the suggested learning rate marked.

    Args:
        learning_rates: learning rate of each step, increasing.
        losses: (smoothed) loss of each step.
        suggested_lr: learning rate to mark, or None when no suggestion could be made.
        title: figure title. Defaults to "Learning rate finder".
    """
    learning_rates = np.asarray(learning_rates, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if learning_rates.shape != losses.shape or learning_rates.ndim != 1:
        raise ValueError(f"lr_finder_figure got {learning_rates.shape} learning rates and "
                         f"{losses.shape} losses; give one loss per learning rate.")
    keep = np.isfinite(learning_rates) & np.isfinite(losses) & (learning_rates > 0)
    learning_rates, losses = learning_rates[keep], losses[keep]
    figure = Figure(figsize=(7.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(learning_rates, losses, color=TRAIN_COLOR, linewidth=1.8, label="loss")
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
                  linestyle="none", label=f"suggested lr {suggested_lr:.2e}")
    axes.set_xlabel("learning rate (log scale)", fontsize=LABEL_SIZE)
    axes.set_ylabel("loss", fontsize=LABEL_SIZE)
    axes.set_title(title or "Learning rate finder", fontsize=TITLE_SIZE)
    _style(axes)
    axes.legend(fontsize=TICK_SIZE, frameon=False)
    return figure


def histogram_figure(values: Mapping[str, np.ndarray], title: str = "") -> Figure:
    """Draw a histogram per named array (for example the weights and biases of each layer).

    Args:
        values: name -> array of any shape; NaN and infinite entries are left out.
        title: figure title. Defaults to none.
    """
    if not values:
        raise ValueError("histogram_figure needs at least one named array to draw.")
    columns = min(3, len(values))
    rows = math.ceil(len(values) / columns)
    figure = Figure(figsize=(4.2 * columns, 3.0 * rows + (0.4 if title else 0)),
                    layout="constrained")
    grid_axes = figure.subplots(rows, columns, squeeze=False)
    for axes in grid_axes.flat[len(values):]:
        axes.set_axis_off()
    for axes, (name, array) in zip(grid_axes.flat, values.items()):
        flat = np.asarray(array, dtype=float).ravel()
        flat = flat[np.isfinite(flat)]
        if len(flat):
            axes.hist(flat, bins=min(50, max(5, len(flat) // 4)), color=TRAIN_COLOR, alpha=0.85)
            axes.set_xlabel(f"mean {flat.mean():.3g}   std {flat.std():.3g}   n {len(flat):,}",
                            fontsize=TICK_SIZE, color="#333333")
        else:
            axes.text(0.5, 0.5, "no finite values", transform=axes.transAxes, ha="center",
                      va="center", fontsize=LABEL_SIZE, color="gray")
        axes.set_title(_shorten(name, 40), fontsize=LABEL_SIZE)
        _style(axes)
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return figure


def metric_label(metric: str, lang: str = "en") -> str:
    """Name a history column for a figure, for example `"val_accuracy"` -> "val accuracy".

    In Vietnamese `"val_accuracy"` reads "độ chính xác (kiểm định)". Columns without a
    translation keep their name, with spaces for underscores.

    Args:
        metric: history column, for example `"val_loss"`.
        lang: `"en"` or `"vi"`. Defaults to `"en"`.
    """
    validation = metric.startswith("val_")
    base = metric[len("val_"):] if validation else metric
    key = f"figure.metric.{base}"
    name = i18n.t(key, lang) if key in i18n.MESSAGES[i18n.check_language(lang)] \
        else base.replace("_", " ")
    return i18n.t("figure.metric.validation", lang, metric=name) if validation else name


class _DecimalMarkFormatter(ScalarFormatter):
    """Matplotlib's default tick labels with the language's decimal mark ("0,25" in Vietnamese)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __call__(self, value: float, position: int | None = None) -> str:
        return i18n.decimal_mark(super().__call__(value, position), self.lang)

    def get_offset(self) -> str:
        return i18n.decimal_mark(super().get_offset(), self.lang)


def _localize_ticks(axes: Axes, lang: str) -> None:
    """Give linear axes tick labels with the language's decimal mark (log axes have none)."""
    if i18n.decimal_mark("0.5", lang) == "0.5":
        return
    for axis in (axes.xaxis, axes.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(_DecimalMarkFormatter(lang))


def _style(axes: Axes, grid_axis: str = "both", lang: str = "en") -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(True, axis=grid_axis, color="#e3e3e3", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=TICK_SIZE)
    _localize_ticks(axes, lang)


def _show_image(axes: Axes, image: np.ndarray) -> None:
    if image.shape[-1] == 1:
        axes.imshow(image[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        axes.imshow(image, interpolation="nearest")


def _plot_finite(axes: Axes, x: np.ndarray, y: np.ndarray, *, color: Any, label: str | None,
                 linestyle: str = "-", alpha: float = 1.0, marker: str | None = "o") -> None:
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        return
    axes.plot(x[keep], y[keep], color=color, linestyle=linestyle, alpha=alpha, linewidth=1.8,
              marker=marker if keep.sum() <= 40 else None, markersize=3.5, label=label)


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


def _series_color(index: int, total: int) -> Any:
    return f"C{index}" if total <= 10 else colormaps["tab20"](index % 20)


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"

