"""Grids of a run's test images: random predictions (green right, red wrong) and the top losses
(the most confident mistakes), each titled "actual / predicted (probability)".

The report (`html.py`) embeds both; a notebook gets them from `Run.show_predictions()` and
`Run.top_losses(k)`.

Example:
    figure = prediction_grid_figure(test_images, run.predictions, run.class_names, lang="vi")
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from visionlab import i18n
from visionlab.evaluation.interpretation import random_sample_indices, top_losses
from visionlab.evaluation.metrics import class_probabilities
from visionlab.reports.figures import image_grid_figure

PREDICTION_GRID_SIZE = 24
TOP_LOSSES_SIZE = 16
GRID_COLUMNS = 8
SAMPLE_SEED = 0
RIGHT_COLOR = "#1a7f37"
WRONG_COLOR = "#cf222e"


class _Predictions:
    """predictions.npz read for drawing: labels, class probabilities, image rows, titles."""

    def __init__(self, test_images: np.ndarray, predictions: dict[str, np.ndarray],
                 class_names: Sequence[str], lang: str):
        self.images = np.asarray(test_images)
        self.y_true = np.asarray(predictions["y_true"]).astype(np.int64)
        self.y_prob = predictions["y_prob"]
        self.probabilities = class_probabilities(self.y_prob)
        self.indices = predictions.get("indices", np.arange(len(self.y_true)))
        self.names = (list(class_names)
                      or [str(index) for index in range(self.probabilities.shape[1])])
        self.lang = lang

    def title(self, row: int, predicted: int) -> str:
        return i18n.t("figure.prediction_title", self.lang, actual=self.names[self.y_true[row]],
                      predicted=self.names[predicted],
                      probability=i18n.format_percent(self.probabilities[row, predicted],
                                                      self.lang, 0))


def prediction_grid_figure(test_images: np.ndarray, predictions: dict[str, np.ndarray],
                           class_names: Sequence[str], *, count: int = PREDICTION_GRID_SIZE,
                           seed: int = SAMPLE_SEED, lang: str | None = None) -> Figure | None:
    """Draw `count` random test images with their predictions; None without test predictions.

    Args:
        test_images: the test split's uint8 images (N, H, W, C), indexed by `indices`.
        predictions: predictions.npz (`y_true`, `y_prob`, optional `indices`).
        class_names: one display name per class.
        count: images in the grid. Defaults to 24.
        seed: which images (the same seed, the same images). Defaults to 0.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    drawn = _Predictions(test_images, predictions, class_names, i18n.resolve_language(lang))
    sample = random_sample_indices(len(drawn.y_true), count, seed)
    if not len(sample):
        return None
    predicted = np.argmax(drawn.probabilities[sample], axis=1)
    return image_grid_figure(
        drawn.images[drawn.indices[sample]],
        [drawn.title(row, label) for row, label in zip(sample, predicted)],
        colors=[RIGHT_COLOR if label == drawn.y_true[row] else WRONG_COLOR
                for row, label in zip(sample, predicted)],
        columns=GRID_COLUMNS)


def top_losses_figure(test_images: np.ndarray, predictions: dict[str, np.ndarray],
                      class_names: Sequence[str], *, k: int = TOP_LOSSES_SIZE,
                      lang: str | None = None) -> Figure | None:
    """Draw the `k` test images with the highest loss; None when there is no mistake.

    Args:
        test_images: the test split's uint8 images (N, H, W, C), indexed by `indices`.
        predictions: predictions.npz (`y_true`, `y_prob`, optional `indices`).
        class_names: one display name per class.
        k: images in the grid. Defaults to 16.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    drawn = _Predictions(test_images, predictions, class_names, i18n.resolve_language(lang))
    mistakes = top_losses(drawn.y_true, drawn.y_prob, k)
    if not mistakes:
        return None
    rows = np.array([mistake.index for mistake in mistakes])
    return image_grid_figure(
        drawn.images[drawn.indices[rows]],
        [drawn.title(mistake.index, mistake.predicted) for mistake in mistakes],
        colors=[WRONG_COLOR] * len(mistakes), columns=GRID_COLUMNS)
