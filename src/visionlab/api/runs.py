"""Using a finished run: evaluate it, predict new images, (re)write its report, draw it.

`Run` is the runs layer's reader (`visionlab.runs.run.Run`) plus these actions, so
`visionlab.load_run(path).predict(["cat.jpg"])` works in a notebook as on the command line.
In a notebook a `Run` shows as its summary card, `run.report()` shows the report inline, and
`plot_curves`, `plot_confusion_matrix`, `show_predictions` and `top_losses` return matplotlib
figures (the report's) that display as images.

Example:
    run = visionlab.load_run("runs/fashion-mnist-dense-128-20261123-101500")
    run.evaluate()["test_accuracy"]
    run.predict(["shoe.png"], top_k=3)
    run.plot_confusion_matrix(lang="vi")
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from visionlab import _io, i18n
from visionlab.config import color_mode_for_channels
from visionlab.data import loading
from visionlab.data.dataset import Split
from visionlab.data.decode import BadImageError, decode_image, list_image_files
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import DataError, RunError
from visionlab.evaluation.evaluate import evaluate_split
from visionlab.evaluation.metrics import class_probabilities
from visionlab.evaluation.weights import weight_statistics
from visionlab.i18n import Message, resolve_language, term
from visionlab.notebook.pages import HtmlFragment, HtmlPage
from visionlab.notebook.shell import show_inline
from visionlab.reports import html as html_report
from visionlab.reports.card import run_card_html
from visionlab.reports.figures import (
    confusion_matrix_figure,
    histogram_figure,
    learning_curves_figure,
    save_figure,
)
from visionlab.reports.grids import prediction_grid_figure, top_losses_figure
from visionlab.reports.predictions import plot_predictions
from visionlab.runs import run as run_reader
from visionlab.runs.folder import EVALUATIONS_DIR, FIGURES_DIR, METRICS_FILE
from visionlab.training.heads import output_spec


class Run(run_reader.Run):
    """A run folder with the actions of the Python API: evaluate, predict, report, and the
    figures and summary card that a notebook shows."""

    def evaluate(self, **kwargs: Any) -> dict[str, Any]:
        """Evaluate the run's model on its test data (or `data=`); see `visionlab.evaluate`."""
        return evaluate(self, **kwargs)

    def predict(self, paths: list[str | os.PathLike[str]], top_k: int = 3) -> list[dict[str, Any]]:
        """Predict image files with the run's preprocessing; see `visionlab.predict`."""
        return predict(self, paths, top_k=top_k)

    def report(self, lang: str | None = None, images: bool = True) -> HtmlPage:
        """(Re)write the run's report.html; see `visionlab.report`. A notebook shows it."""
        return report(self, lang=lang, images=images)

    def _repr_html_(self) -> str:
        """The summary card a notebook shows for a run (`card(lang)` in another language)."""
        return run_card_html(self)

    def card(self, lang: str | None = None) -> HtmlFragment:
        """The run's summary card: dataset, model, test accuracy, best epoch, time, diagnosis.

        Args:
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        """
        return HtmlFragment(run_card_html(self, lang=lang))

    def plot_curves(self, lang: str | None = None) -> Figure:
        """Accuracy, loss and learning rate per epoch (the report's learning curves).

        Args:
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        """
        return show_inline(learning_curves_figure(self.history, lang=lang))

    def plot_confusion_matrix(self, lang: str | None = None) -> Figure:
        """The test split's confusion matrix with counts and row percentages.

        Args:
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        """
        matrix = self.metrics.get("confusion_matrix")
        if not matrix:
            raise RunError(Message("error.run.no_confusion_matrix", {"path": self.path}))
        return show_inline(confusion_matrix_figure(np.asarray(matrix), self.class_names,
                                                   lang=lang))

    def show_predictions(self, count: int = 24, lang: str | None = None) -> Figure:
        """`count` random test images titled "actual / predicted (probability)", green when
        right and red when wrong (the report's grid; the same images for the same run).

        Args:
            count: images in the grid. Defaults to 24.
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).

        Raises:
            RunError: the run has no test predictions. DataError: its data changed.
        """
        lang = resolve_language(lang)
        figure = prediction_grid_figure(self.test_images, self._test_predictions(),
                                        self.class_names, count=count, lang=lang)
        if figure is None:
            raise RunError(Message("error.run.no_test_predictions", {"path": self.path}))
        return show_inline(figure)

    def top_losses(self, k: int = 16, lang: str | None = None) -> Figure | None:
        """The `k` most confident mistakes on the test split; None when there is no mistake.

        Args:
            k: images in the grid. Defaults to 16.
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        """
        lang = resolve_language(lang)
        figure = top_losses_figure(self.test_images, self._test_predictions(), self.class_names,
                                   k=k, lang=lang)
        return show_inline(figure) if figure is not None else None

    @cached_property
    def test_images(self) -> np.ndarray:
        """The test images the run was evaluated on (its dataset prepared again, once)."""
        return load_test_images(self)

    def _test_predictions(self) -> dict[str, np.ndarray]:
        if self.predictions is None:
            raise RunError(Message("error.run.no_predictions_file", {"path": self.path}))
        return self.predictions


def open_run(run: run_reader.Run | str | os.PathLike[str]) -> Run:
    """Return `run` as an API `Run` (a path or a runs-layer reader is opened)."""
    if isinstance(run, Run):
        return run
    return Run(run.path if isinstance(run, run_reader.Run) else run)


def load_run(path: str | os.PathLike[str]) -> Run:
    """Open a run folder written by `visionlab train`."""
    return Run(path)


def list_runs(runs_dir: str | os.PathLike[str] | None = None,
              on_error: Callable[[RunError], None] | None = None) -> list[Run]:
    """Return every readable run folder under `runs_dir` (default `./runs`), oldest first.

    Args:
        runs_dir: the parent folder. Defaults to `$VISIONLAB_RUNS` or `./runs`.
        on_error: called with the `RunError` of each run whose run.json cannot be read (that
            run is left out). Defaults to None (a warning).
    """
    return run_reader.list_runs(runs_dir, run_class=Run,  # type: ignore[return-value]
                                on_error=on_error)


def evaluate(run: run_reader.Run | str | os.PathLike[str], data: str | None = None,
             data_path: str | None = None) -> dict[str, Any]:
    """Evaluate a run's model on its own test split, or on another dataset/folder `data`.

    Metrics on the run's own test split are (re)written to metrics.json; on other data they go
    to `evaluations/<name>.json` inside the run folder.
    """
    run = open_run(run)
    config = run.config
    model = run.load_model()
    if data is None:
        dataset = prepare_dataset(config.data, config.train.seed, progress=False)
        split = dataset.split("test")
        destination = run.path / METRICS_FILE
    else:
        split = _load_other_data(run, data, data_path)
        safe = "".join(ch if ch.isalnum() else "_" for ch in Path(data).name or data)
        destination = run.path / EVALUATIONS_DIR / f"{safe}.json"
    spec = output_spec(config.train.loss, config.train.output_activation, len(run.class_names))
    metrics = evaluate_split(model, split, run.class_names, spec, config.train)
    metrics.pop("_y_prob")
    _io.write_json(destination, metrics)
    return metrics


def _load_other_data(run: Run, data: str, data_path: str | None) -> Split:
    height, width, channels = run.info["dataset"]["image_shape"]
    dataset = loading.load_dataset(data, data_path=data_path, image_size=(height, width),
                                   color_mode=color_mode_for_channels(channels),
                                   resize_mode=run.config.data.resize_mode, test_fraction=0.0,
                                   validation_fraction=0.0, require_test=False, progress=False)
    if dataset.class_names != run.class_names:
        raise DataError(Message("error.data.other_classes", {
            "data": data, "found": dataset.class_names, "trained": run.class_names}))
    if "test" in dataset.splits:
        return dataset.split("test")
    parts = list(dataset.splits.values())
    return Split(np.concatenate([p.images for p in parts]),
                 np.concatenate([p.labels for p in parts]))


def predict(run: run_reader.Run | str | os.PathLike[str], paths: list[str | os.PathLike[str]],
            top_k: int = 3, plot: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Predict image files (or folders of them) with the run's preprocessing and class names.

    Args:
        run: a run or its folder.
        paths: image files or folders (searched recursively for image files).
        top_k: classes listed per image. Defaults to 3.
        plot: a folder for one figure per image ("actual / predicted"). Defaults to None.

    Returns:
        One dict per file: `path`, `top` (list of {class, probability}), `predicted`,
        `probability`; a file that cannot be decoded gets `error` instead (it is not fatal).
    """
    run = open_run(run)
    height, width, channels = run.info["dataset"]["image_shape"]
    color_mode = color_mode_for_channels(channels)
    results: list[dict[str, Any]] = []
    images, positions = [], []
    for path in list_image_files(paths):
        try:
            images.append(decode_image(path, (height, width), color_mode,
                                       run.config.data.resize_mode))
            positions.append(len(results))
            results.append({"path": str(path)})
        except BadImageError as error:
            results.append({"path": str(path), "error": str(error)})
    if images:
        model = run.load_model()
        batch = np.stack(images).astype(np.float32)
        probabilities = class_probabilities(np.asarray(model.predict(batch, verbose=0)))
        k = max(1, min(top_k, len(run.class_names)))
        for position, row in zip(positions, probabilities):
            order = np.argsort(row)[::-1][:k]
            top = [{"class": run.class_names[i], "probability": float(row[i])} for i in order]
            results[position].update(top=top, predicted=top[0]["class"],
                                     probability=top[0]["probability"])
    if plot is not None:
        plot_predictions(run, results, plot)
    return results


def load_test_images(run: run_reader.Run | str | os.PathLike[str]) -> np.ndarray:
    """Load the test images a run was evaluated on, by preparing its dataset as configured.

    Raises:
        DataError: the data cannot be loaded, or changed since the run (checksum differs).
    """
    run = open_run(run)
    config = run.config
    dataset = prepare_dataset(config.data, config.train.seed, progress=False)
    run.check_same_data(dataset, term("error.data_changed.test_images"),
                        term("error.data_changed.fix_no_images"))
    if "test" not in dataset.splits:
        raise DataError(Message("error.run.no_test_split", {"path": run.path}))
    return np.asarray(dataset.split("test").images)


def report(run: run_reader.Run | str | os.PathLike[str], *, lang: str | None = None,
           images: bool = True, output: str | os.PathLike[str] | None = None) -> HtmlPage:
    """(Re)write a run's report.html, with its test images unless `images=False`.

    Returns its path, an `HtmlPage`: a `pathlib.Path` that a notebook shows as the report.

    Args:
        run: a run or its folder.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
        images: load the run's test images for the prediction and top-loss grids (this
            prepares its dataset again; when the data is missing or changed, the grids are
            skipped with a RuntimeWarning). Defaults to True.
        output: the HTML file. Defaults to `report.html` in the run folder.
    """
    lang = resolve_language(lang)
    run = open_run(run)
    test_images = None
    if images and run.predictions is not None:
        try:
            test_images = load_test_images(run)
        except DataError as error:
            warnings.warn(i18n.t("report.grids_skipped", lang, error=error.text(lang)),
                          RuntimeWarning, stacklevel=2)
    return HtmlPage(html_report.build_report(run, lang=lang, output=output,
                                             test_images=test_images))


def weights(run: run_reader.Run | str | os.PathLike[str], layer: str | None = None, *,
            output: str | os.PathLike[str] | None = None,
            lang: str | None = None) -> tuple[list[dict[str, Any]], Path]:
    """Per-layer weight statistics of a run's model, and a histogram figure of its kernels.

    Args:
        run: a run or its folder.
        layer: only this layer. Defaults to None (every layer).
        output: the histogram PNG. Defaults to `figures/weights[-LAYER].png` in the run folder.
        lang: language of the figure, `"en"` or `"vi"`. Defaults to None
            (`i18n.resolve_language`).

    Returns:
        `(rows, figure path)`: one row per weight (`visionlab.evaluation.weights`).
    """
    lang = resolve_language(lang)
    run = open_run(run)
    rows = weight_statistics(run.load_model(), layer)
    trainable = [row for row in rows if "kernel" in row["weight"] or "bias" in row["weight"]]
    path = Path(output) if output is not None else (
        run.path / FIGURES_DIR / (f"weights-{layer}.png" if layer else "weights.png"))
    save_figure(histogram_figure({row["weight"]: row["_values"].ravel() for row in trainable[:12]},
                                 title=i18n.t("weights.histograms_title", lang, run=run.name),
                                 lang=lang), path)
    return rows, path
