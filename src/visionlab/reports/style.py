"""The shared look of visionlab's figures: sizes, colours, axis styling, localized ticks, and
atomic PNG saving. `figures` and `curves` draw with these helpers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps, pyplot
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from visionlab import i18n
from visionlab._io import atomic_path

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
        pyplot.close(figure)
    return Path(path)


def split_label(split: str, lang: str = "en") -> str:
    """A split's name ("train", "validation", "test") in `lang`; other names stay as they are."""
    key = f"split.{split}"
    return i18n.t(key, lang) if key in i18n.MESSAGES[i18n.check_language(lang)] else split


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


def localize_ticks(axes: Axes, lang: str) -> None:
    """Give linear axes tick labels with the language's decimal mark (log axes have none)."""
    if i18n.decimal_mark("0.5", lang) == "0.5":
        return
    for axis in (axes.xaxis, axes.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(_DecimalMarkFormatter(lang))


def style_axes(axes: Axes, grid_axis: str = "both", lang: str = "en") -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(True, axis=grid_axis, color="#e3e3e3", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=TICK_SIZE)
    localize_ticks(axes, lang)


def show_image(axes: Axes, image: np.ndarray) -> None:
    if image.shape[-1] == 1:
        axes.imshow(image[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        axes.imshow(image, interpolation="nearest")


def plot_finite(axes: Axes, x: np.ndarray, y: np.ndarray, *, color: Any, label: str | None,
                 linestyle: str = "-", alpha: float = 1.0, marker: str | None = "o") -> None:
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        return
    axes.plot(x[keep], y[keep], color=color, linestyle=linestyle, alpha=alpha, linewidth=1.8,
              marker=marker if keep.sum() <= 40 else None, markersize=3.5, label=label)


def series_color(index: int, total: int) -> Any:
    return f"C{index}" if total <= 10 else colormaps["tab20"](index % 20)


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"

