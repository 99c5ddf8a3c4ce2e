"""The self-contained HTML run report: one `report.html` with every figure embedded.

The page needs no network and no JavaScript: figures are PNG data URIs, the style is inline and a
Content-Security-Policy forbids loading anything else. The PNGs are also written to `figures/`
beside the report, for slides and notebooks.

Example:
    build_report("runs/fashion-mnist-dense-128-20261123-101500", lang="vi")
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from visionlab import __version__, _io, i18n
from visionlab.errors import DataError, ModelError
from visionlab.evaluation.diagnosis import diagnose
from visionlab.evaluation.interpretation import (
    dead_unit_shares,
    dead_units_sample,
    most_confused_pairs,
    top_losses,
)
from visionlab.reports import figures, grids
from visionlab.reports.grids import TOP_LOSSES_SIZE
from visionlab.runs.folder import CONFIG_FILE, FIGURES_DIR, REPORT_FILE, SUMMARY_FILE
from visionlab.runs.run import Run

# Stable section ids (tests and links rely on them) -> title key, in page order.
SECTIONS = {
    "overview": "section.header", "diagnosis": "section.diagnosis", "curves": "section.curves",
    "confusion": "section.confusion", "predictions": "section.predictions",
    "top-losses": "section.top_losses", "model": "section.model", "config": "section.config",
    "data": "section.data", "environment": "section.environment", "timings": "section.timings",
}
SECTION_IDS = tuple(SECTIONS)
LOW_RECALL = 0.7  # per-class recall shown in red below this
CONFUSED_PAIRS = 5


def build_report(
    run: Run | str | os.PathLike[str],
    *,
    lang: str | None = None,
    output: str | os.PathLike[str] | None = None,
    test_images: np.ndarray | None = None,
    dead_units: dict[str, float] | None = None,
) -> Path:
    """Write the run's self-contained `report.html` (and its figures as PNG files) and return it.

    Args:
        run: a `Run` or the path of a run folder.
        lang: report language, `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        output: the HTML file to write. Defaults to `report.html` inside the run folder; the
            PNGs go into `figures/` beside it.
        test_images: the test split's uint8 images (N, H, W, C), indexed by the `indices` of
            predictions.npz. Defaults to None: the image grids are replaced by a note.
        dead_units: layer name -> share of never-active ReLU units, for the diagnosis.
            Defaults to `run.info["dead_units"]`, else measured on the run's model when
            `test_images` are given.
    """
    lang = i18n.resolve_language(lang)
    run = run if isinstance(run, Run) else Run(run)
    output = Path(output) if output is not None else run.path / REPORT_FILE
    predictions = run.predictions
    if test_images is not None:
        test_images = _check_images(test_images, predictions)
    if dead_units is None:
        dead_units = run.info.get("dead_units")
    if dead_units is None and test_images is not None:
        dead_units = _measure_dead_units(run, test_images)
    images = _figures(run, test_images, output.parent / FIGURES_DIR, lang)
    context = _context(run, images, dead_units, has_images=test_images is not None, lang=lang)
    return _io.write_text(output, render_page("report.html", lang, **context))


def _measure_dead_units(run: Run, test_images: np.ndarray) -> dict[str, float] | None:
    if not run.model_path.is_file():
        return None
    sample = dead_units_sample(len(test_images))
    try:
        return dead_unit_shares(run.load_model(), np.asarray(test_images)[sample])
    except ModelError:
        return None  # an architecture that cannot be probed: the rule is skipped


def _figures(run: Run, test_images: np.ndarray | None, figures_dir: Path,
             lang: str) -> dict[str, str]:
    """Draw the report's figures into `figures_dir`; return them as data URIs by section."""
    history, metrics, predictions = run.history, run.metrics, run.predictions
    class_names = _class_names(run)
    images: dict[str, str] = {}
    if history:
        images["curves"] = _save(figures.learning_curves_figure(history, lang=lang),
                                 figures_dir / "learning_curves.png")
    matrix = metrics.get("confusion_matrix")
    if matrix and class_names:
        images["confusion"] = _save(
            figures.confusion_matrix_figure(np.asarray(matrix), class_names, lang=lang),
            figures_dir / "confusion_matrix.png")
    if test_images is not None and predictions is not None:
        images.update(_grids(test_images, predictions, class_names, figures_dir, lang))
    return images


def _context(run: Run, images: dict[str, str], dead_units: dict[str, float] | None, *,
             has_images: bool, lang: str) -> dict[str, Any]:
    """The template variables of report.html."""
    info, history, metrics = run.info, run.history, run.metrics
    class_names = _class_names(run)
    status_key = f"status.{run.status}"
    return {
        "run": run,
        "info": info,
        "title": info.get("name") or run.name,
        "status": run.status,
        "status_text": (i18n.t(status_key, lang) if status_key in i18n.MESSAGES[lang]
                        else run.status),
        "metrics": metrics,
        "findings": diagnose(history, metrics=metrics, class_names=class_names,
                             dead_units=dead_units, batch_norm=run.batch_norm, lang=lang),
        "history": history,
        "best": run.best_epoch(),
        "per_class": _per_class_rows(metrics, class_names),
        "confused_pairs": _confused_pairs(metrics.get("confusion_matrix"), class_names),
        "mistakes": _mistakes(run.predictions, class_names, lang),
        "has_predictions": run.predictions is not None,
        "has_images": has_images,
        "images": images,
        "summary_text": _read_optional(run.path / SUMMARY_FILE),
        "config_text": _read_optional(run.path / CONFIG_FILE),
        "dataset": info.get("dataset") or {},
        "split_table": _split_table(info.get("dataset") or {}),
        "environment": info.get("environment") or {},
        "timings": _timings(info, history),
        "sections": SECTIONS,
        "low_recall": LOW_RECALL,
    }


def render_page(template_name: str, lang: str, **context: Any) -> str:
    """Render one of the report templates with the language's `t` and number filters.

    Args:
        template_name: file name in `visionlab/reports/templates`.
        lang: `"en"` or `"vi"`.
        **context: template variables.
    """
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        t=lambda key, **fmt: i18n.t(key, lang, **fmt), lang=lang, version=__version__,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    environment.filters.update(
        percent=lambda value, digits=1: i18n.format_percent(_float(value), lang, digits),
        number=lambda value, digits=4: i18n.format_number(_float(value), lang, digits),
        decimal=lambda value, digits=3: i18n.format_decimal(_float(value), lang, digits),
        count=lambda value: i18n.format_count(value, lang),
        seconds=lambda value: i18n.format_seconds(_float(value), lang),
        when=_format_time,
    )
    return environment.get_template(template_name).render(**context)


def png_data_uri(path: str | os.PathLike[str]) -> str:
    """Return a PNG file as a `data:image/png;base64,...` URI for embedding in HTML."""
    encoded = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f"data:image/png;base64,{encoded}"


def _save(figure: Any, path: Path) -> str:
    return png_data_uri(figures.save_figure(figure, path))


def _class_names(run: Run) -> list[str]:
    try:
        return run.class_names
    except FileNotFoundError:
        return list(run.metrics.get("class_names") or [])


def _check_images(test_images: Any, predictions: dict[str, np.ndarray] | None) -> np.ndarray:
    images = np.asarray(test_images)
    if images.ndim != 4 or images.dtype != np.uint8:
        raise DataError(
            f"build_report needs test_images as uint8 (N, height, width, channels); got "
            f"{images.dtype} of shape {images.shape}. Pass the test split's `images` array."
        )
    if predictions is not None:
        indices = predictions.get("indices", np.arange(len(predictions["y_true"])))
        if len(indices) and int(np.max(indices)) >= len(images):
            raise DataError(
                f"predictions.npz refers to test image {int(np.max(indices))} but only "
                f"{len(images)} test images were given; pass the same test split the run was "
                "evaluated on."
            )
    return images


def _grids(test_images: np.ndarray, predictions: dict[str, np.ndarray],
           class_names: Sequence[str], figures_dir: Path, lang: str) -> dict[str, str]:
    images: dict[str, str] = {}
    figure = grids.prediction_grid_figure(test_images, predictions, class_names, lang=lang)
    if figure is not None:
        images["predictions"] = _save(figure, figures_dir / "predictions.png")
    figure = grids.top_losses_figure(test_images, predictions, class_names, lang=lang)
    if figure is not None:
        images["top_losses"] = _save(figure, figures_dir / "top_losses.png")
    return images


def _mistakes(predictions: dict[str, np.ndarray] | None, class_names: Sequence[str],
              lang: str) -> list[dict[str, Any]]:
    """Top-loss rows for the table under the grid (shown even without test images)."""
    if predictions is None:
        return []
    mistakes = top_losses(predictions["y_true"], predictions["y_prob"], TOP_LOSSES_SIZE)
    indices = predictions.get("indices", np.arange(len(predictions["y_true"])))
    names = list(class_names)

    def name(index: int) -> str:
        return names[index] if index < len(names) else str(index)

    return [{"test_index": int(indices[m.index]), "actual": name(m.actual),
             "predicted": name(m.predicted), "probability": m.probability, "loss": m.loss}
            for m in mistakes]


def _per_class_rows(metrics: dict[str, Any], class_names: Sequence[str]) -> list[dict[str, Any]]:
    per_class = metrics.get("per_class") or {}
    order = [name for name in class_names if name in per_class]
    order += [name for name in per_class if name not in order]
    return [{"name": name, **per_class[name]} for name in order]


def _confused_pairs(matrix: Any, class_names: Sequence[str]) -> list[Any]:
    if not matrix or not class_names:
        return []
    return most_confused_pairs(matrix, class_names, CONFUSED_PAIRS)


def _split_table(dataset: dict[str, Any]) -> dict[str, Any]:
    """Images per class (rows) and split (columns) from `ImageDataset.summary()`."""
    splits = dataset.get("splits") or {}
    names = list(dataset.get("class_names") or [])
    for split in splits.values():
        names += [name for name in (split.get("per_class") or {}) if name not in names]
    rows = [{"name": name, "counts": [(split.get("per_class") or {}).get(name, 0)
                                      for split in splits.values()]} for name in names]
    totals = [split.get("count", 0) for split in splits.values()]
    return {"splits": list(splits), "rows": rows, "totals": totals}


def _timings(info: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [row.get("seconds") for row in history]
    finite = [value for value in seconds if isinstance(value, float) and math.isfinite(value)]
    return {"created": info.get("created"), "finished": info.get("finished"),
            "seconds": info.get("seconds"), "epochs": len(history),
            "seconds_per_epoch": sum(finite) / len(finite) if finite else None}


def _read_optional(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _format_time(value: Any) -> str:
    """ISO timestamps as `2026-11-23 10:15:00`; anything else as given."""
    if not value:
        return "–"
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return str(value)
