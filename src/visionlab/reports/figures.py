"""Matplotlib figures of data and evaluation: class balance, image grids, predictions, confusion
matrices and histograms. The training curves live in `visionlab.reports.curves` and the shared
look in `visionlab.reports.style`; both are re-exported here, so this module still offers every
figure.

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
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from visionlab import i18n
from visionlab.reports.curves import (
    learning_curves_figure,
    lr_finder_figure,
    mean_std_curves_figure,
    overlay_curves_figure,
)
from visionlab.reports.style import (
    BEST_EPOCH_GID,
    LABEL_SIZE,
    PHASE_BOUNDARY_GID,
    SPLIT_COLORS,
    TICK_SIZE,
    TITLE_SIZE,
    TRAIN_COLOR,
    localize_ticks,
    metric_label,
    save_figure,
    shorten,
    show_image,
    split_label,
    style_axes,
)

# The curve figures live in `curves`; they and the shared helpers are re-exported here so
# `figures.learning_curves_figure` and friends keep working.
__all__ = [
    "BEST_EPOCH_GID",
    "PHASE_BOUNDARY_GID",
    "class_balance_figure",
    "confusion_matrix_figure",
    "histogram_figure",
    "image_grid_figure",
    "learning_curves_figure",
    "lr_finder_figure",
    "mean_std_curves_figure",
    "metric_label",
    "overlay_curves_figure",
    "prediction_figure",
    "save_figure",
]


def class_balance_figure(counts: Mapping[str, Sequence[int]], class_names: Sequence[str], *,
                         lang: str | None = None) -> Figure:
    """Draw images per class as bars grouped by split (horizontal bars when classes are many).

    Args:
        counts: split name -> number of images of each class, in `class_names` order.
        class_names: one display name per class.
        lang: language of the title, labels and split names, `"en"` or `"vi"`. Defaults to
            None (`i18n.resolve_language`).

    Example:
        class_balance_figure({"train": [50, 45], "test": [10, 9]}, ["cat", "dog"])
    """
    lang = i18n.resolve_language(lang)
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
        total = i18n.format_count(int(sum(split_counts)), lang)
        label = f"{split_label(split_name, lang)} ({total})"
        if horizontal:
            bars = axes.barh(offsets, split_counts, height=bar_size, label=label, color=color)
        else:
            bars = axes.bar(offsets, split_counts, width=bar_size, label=label, color=color)
        if num_classes * num_splits <= 40:
            axes.bar_label(bars, labels=[i18n.format_count(int(value), lang)
                                         for value in split_counts],
                           fontsize=TICK_SIZE - 1, padding=2)
    names = [shorten(name, 24) for name in class_names]
    if horizontal:
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlabel(i18n.t("figure.images", lang), fontsize=LABEL_SIZE)
        axes.margins(x=0.08)
    else:
        rotation = 0 if max(len(name) for name in names) * num_classes <= 60 else 35
        axes.set_xticks(positions, names, rotation=rotation, ha="right" if rotation else "center")
        axes.set_ylabel(i18n.t("figure.images", lang), fontsize=LABEL_SIZE)
        axes.margins(y=0.12)
    style_axes(axes, grid_axis="x" if horizontal else "y", lang=lang)
    axes.set_title(i18n.t("figure.images_per_class", lang), fontsize=TITLE_SIZE)
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
        show_image(axes, images[index])
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
    show_image(axes, image)
    axes.set_title(title, fontsize=TITLE_SIZE, color=color)
    return figure


def confusion_matrix_figure(matrix: np.ndarray, class_names: Sequence[str], *,
                            lang: str | None = None) -> Figure:
    """Draw a confusion matrix coloured by row share, each cell showing count and row percent.

    Rows are actual classes and columns predicted classes. Up to 25 classes a cell reads
    "123\\n45.6%"; beyond that cells show the count only, in a smaller font, to stay legible.

    Args:
        matrix: int array of shape (num_classes, num_classes); `matrix[actual, predicted]`.
        class_names: one display name per class.
        lang: language of the title, labels and percentages, `"en"` or `"vi"`.
            Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)
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
    localize_ticks(colorbar.ax, lang)
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
    names = [shorten(name, 18) for name in class_names]
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


def histogram_figure(values: Mapping[str, np.ndarray], title: str = "", *,
                     lang: str | None = None) -> Figure:
    """Draw a histogram per named array (for example the weights and biases of each layer).

    Args:
        values: name -> array of any shape; NaN and infinite entries are left out.
        title: figure title. Defaults to none.
        lang: language of the statistics under each histogram and of its numbers, `"en"` or
            `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)
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
            axes.set_xlabel(i18n.t("figure.histogram.stats", lang,
                                   mean=i18n.format_number(flat.mean(), lang, 3),
                                   std=i18n.format_number(flat.std(), lang, 3),
                                   count=i18n.format_count(len(flat), lang)),
                            fontsize=TICK_SIZE, color="#333333")
        else:
            axes.text(0.5, 0.5, i18n.t("figure.histogram.no_finite", lang),
                      transform=axes.transAxes, ha="center", va="center", fontsize=LABEL_SIZE,
                      color="gray")
        axes.set_title(shorten(name, 40), fontsize=LABEL_SIZE)
        style_axes(axes, lang=lang)
    if title:
        figure.suptitle(title, fontsize=TITLE_SIZE)
    return figure


