"""Tests for visionlab.reports.figures.

Every figure renders to a real PNG with the right content.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from PIL import Image

from visionlab import i18n
from visionlab.errors import ConfigError
from visionlab.reports import figures


def _saved_png(figure: Figure, path, dpi: int = 60) -> Image.Image:
    """Save `figure`, check the PNG is real and has the figure's aspect, and return it."""
    width_inches, height_inches = figure.get_size_inches()
    figures.save_figure(figure, path, dpi=dpi)
    assert path.stat().st_size > 3_000
    image = Image.open(path)
    assert image.format == "PNG"
    assert image.size == (round(width_inches * dpi), round(height_inches * dpi))
    # No temporary file is left beside the target.
    assert [item.name for item in path.parent.iterdir()] == [path.name]
    return image


def _history(epochs: int = 8, switch_at: int = 4) -> list[dict]:
    rows = []
    for epoch in range(1, epochs + 1):
        rows.append({
            "epoch": epoch,
            "phase": "warmup" if epoch < switch_at else "finetune",
            "loss": 2.0 / epoch, "accuracy": 1 - 1 / (epoch + 1),
            "val_loss": 2.2 / epoch, "val_accuracy": 0.9 - 0.5 / epoch,
            "lr": 1e-3 if epoch < switch_at else 1e-3 * 0.1 ** (epoch - switch_at + 1),
            "seconds": 1.5,
        })
    if epochs >= 6:
        rows[5]["val_accuracy"] = 0.95  # the best epoch is 6
    return rows


def test_save_figure_writes_png_with_figure_aspect(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (30, 60, 3), dtype=np.uint8)
    figure = figures.prediction_figure(image, "cat 91%", "green")
    assert figure.axes[0].title.get_color() == "green"
    image = _saved_png(figure, tmp_path / "nested" / "prediction.png")
    assert image.size[0] > image.size[1]  # a wide image gives a wide figure


def test_class_balance_vertical_for_few_classes(tmp_path):
    figure = figures.class_balance_figure({"train": [50, 30, 10], "test": [5, 3, 1]},
                                          ["pizza", "steak", "sushi"])
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["pizza", "steak", "sushi"]
    heights = sorted(patch.get_height() for patch in axes.patches)
    assert heights == [1, 3, 5, 10, 30, 50]
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == ["train (90)", "test (9)"]
    _saved_png(figure, tmp_path / "balance.png")


def test_class_balance_horizontal_for_many_classes(tmp_path):
    names = [f"class {index}" for index in range(20)]
    figure = figures.class_balance_figure({"train": list(range(1, 21))}, names)
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == names
    assert sorted(patch.get_width() for patch in axes.patches) == list(range(1, 21))
    _saved_png(figure, tmp_path / "balance.png")


def test_class_balance_rejects_wrong_count_length():
    with pytest.raises(ValueError, match="2 counts but there are 3 class names"):
        figures.class_balance_figure({"train": [1, 2]}, ["a", "b", "c"])


def test_image_grid_title_colours_and_grayscale(tmp_path):
    images = np.random.default_rng(0).integers(0, 255, (5, 16, 16, 1), dtype=np.uint8)
    colors = ["green", "red", "green", "red", "green"]
    figure = figures.image_grid_figure(images, [f"digit {i}" for i in range(5)], colors, columns=3)
    shown = [axes for axes in figure.axes if axes.images]
    assert len(figure.axes) == 6 and len(shown) == 5
    assert [axes.get_title() for axes in shown] == [f"digit {i}" for i in range(5)]
    assert [axes.title.get_color() for axes in shown] == colors
    assert all(axes.images[0].get_cmap().name == "gray" for axes in shown)
    _saved_png(figure, tmp_path / "grid.png")


def test_image_grid_rgb_and_errors():
    images = np.zeros((4, 8, 8, 3), dtype=np.uint8)
    figure = figures.image_grid_figure(images, ["a", "b", "c", "d"])
    assert sum(1 for axes in figure.axes if axes.images) == 4
    assert figure.axes[0].images[0].get_array().shape == (8, 8, 3)
    with pytest.raises(ValueError, match="4 images, 3 titles"):
        figures.image_grid_figure(images, ["a", "b", "c"])
    with pytest.raises(ValueError, match="shape"):
        figures.image_grid_figure(np.zeros((8, 8, 3), dtype=np.uint8), ["a"])


def test_learning_curves_phase_boundaries_and_best_epoch(tmp_path):
    history = _history()
    # Rows read back from CSV carry strings, blanks and NaN.
    history[2] = {key: str(value) for key, value in history[2].items()}
    history[3]["val_loss"] = ""
    history[4]["loss"] = float("nan")
    figure = figures.learning_curves_figure(history)
    assert len(figure.axes) == 3
    for axes in figure.axes:
        boundaries = [line for line in axes.lines if line.get_gid() == figures.PHASE_BOUNDARY_GID]
        assert len(boundaries) == 1
        assert boundaries[0].get_xdata()[0] == pytest.approx(3.5)
        assert {"warmup", "finetune"} <= {text.get_text() for text in axes.texts}
    best = [line for line in figure.axes[0].lines if line.get_gid() == figures.BEST_EPOCH_GID]
    assert len(best) == 1 and best[0].get_xdata()[0] == 6 and best[0].get_ydata()[0] == 0.95
    assert figure.axes[2].get_yscale() == "log"  # lr spans 1e-3 .. 1e-8
    train_loss = figure.axes[1].lines[0]
    assert len(train_loss.get_xdata()) == 7  # the NaN loss is left out
    _saved_png(figure, tmp_path / "curves.png")


def test_learning_curves_without_lr_or_phases():
    history = [{"epoch": epoch, "accuracy": 0.5, "val_accuracy": 0.4, "loss": 1.0,
                "val_loss": 1.1, "lr": 0.01} for epoch in range(3)]
    figure = figures.learning_curves_figure(history)
    assert len(figure.axes) == 3 and figure.axes[2].get_yscale() == "linear"
    no_lr = figures.learning_curves_figure(
        [{key: value for key, value in row.items() if key != "lr"} for row in history])
    assert len(no_lr.axes) == 2
    assert not any(line.get_gid() == figures.PHASE_BOUNDARY_GID
                   for axes in no_lr.axes for line in axes.lines)
    empty = figures.learning_curves_figure([])
    assert "no epochs recorded" in [text.get_text() for text in empty.axes[0].texts]


def test_confusion_matrix_cells_show_counts_and_percentages(tmp_path):
    matrix = np.array([[8, 2, 0], [1, 3, 0], [0, 0, 5]])
    figure = figures.confusion_matrix_figure(matrix, ["cat", "dog", "bird"])
    axes = figure.axes[0]
    cells = {text.get_position(): text.get_text() for text in axes.texts}
    assert cells[(0, 0)] == "8\n80.0%"  # (column = predicted, row = actual)
    assert cells[(1, 0)] == "2\n20.0%"
    assert cells[(0, 1)] == "1\n25.0%"
    assert cells[(2, 2)] == "5\n100.0%"
    assert cells[(2, 0)] == "0"
    assert axes.get_xlabel() == "Predicted class" and axes.get_ylabel() == "Actual class"
    assert "16 correct of 19" in axes.get_title() or "84.2%" in axes.get_title()
    colours = axes.images[0].get_array()
    assert colours[1, 1] == pytest.approx(0.75) and colours.max() <= 1.0
    image = _saved_png(figure, tmp_path / "confusion.png")
    assert image.size[0] > image.size[1]  # room for the colour bar


def test_confusion_matrix_many_classes_stays_legible():
    size = 30
    matrix = np.diag(np.arange(1, size + 1) * 10)
    matrix[0, 1] = 3
    figure = figures.confusion_matrix_figure(matrix, [f"class {index}" for index in range(size)])
    texts = figure.axes[0].texts
    assert len(texts) == size + 1  # zero cells stay blank
    assert all("%" not in text.get_text() for text in texts)
    assert min(text.get_fontsize() for text in texts) >= 5
    small = figures.confusion_matrix_figure(np.eye(3, dtype=int), ["a", "b", "c"])
    assert figure.get_size_inches()[0] > 2 * small.get_size_inches()[0]
    with pytest.raises(ValueError, match="square matrix of 3 x 3"):
        figures.confusion_matrix_figure(np.zeros((2, 2)), ["a", "b", "c"])


def test_overlay_curves_one_line_per_run_with_dashed_train(tmp_path):
    histories = {"cnn": _history(), "dense": _history(5)}
    figure = figures.overlay_curves_figure(histories, metric="val_accuracy")
    axes = figure.axes[0]
    solid = [line for line in axes.lines if line.get_linestyle() == "-"]
    dashed = [line for line in axes.lines if line.get_linestyle() == "--"]
    assert [line.get_label() for line in solid] == ["cnn", "dense"]
    assert len(dashed) == 2 and dashed[0].get_color() == solid[0].get_color()
    assert len(solid[1].get_xdata()) == 5
    loss_only = figures.overlay_curves_figure(histories, metric="loss")
    assert all(line.get_linestyle() == "-" for line in loss_only.axes[0].lines)
    _saved_png(figure, tmp_path / "overlay.png")


def test_mean_std_curves_average_repeated_runs(tmp_path):
    run_a = [{"epoch": epoch, "val_accuracy": value}
             for epoch, value in enumerate([0.5, 0.7, 0.8], 1)]
    run_b = [{"epoch": epoch, "val_accuracy": value} for epoch, value in enumerate([0.3, 0.5], 1)]
    figure = figures.mean_std_curves_figure({"cnn": [run_a, run_b]})
    axes = figure.axes[0]
    (line,) = axes.lines
    assert line.get_label() == "cnn (n=2)"
    np.testing.assert_allclose(line.get_ydata(), [0.4, 0.6, 0.8])
    assert sum(isinstance(item, PolyCollection) for item in axes.collections) == 1
    _saved_png(figure, tmp_path / "mean_std.png")


def test_lr_finder_marks_suggestion_on_log_axis(tmp_path):
    learning_rates = np.logspace(-6, 0, 60)
    losses = 2.3 - np.tanh(np.log10(learning_rates) + 4) + np.where(learning_rates > 0.1, 50, 0)
    losses[3] = np.nan
    figure = figures.lr_finder_figure(learning_rates, losses, suggested_lr=1e-3, title="Finder")
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_title() == "Finder"
    assert any(line.get_xdata()[0] == 1e-3 for line in axes.lines[1:])
    assert "suggested lr 1.00e-03" in [text.get_text() for text in axes.get_legend().get_texts()]
    assert axes.get_ylim()[1] < 10  # the exploding tail does not flatten the useful part
    _saved_png(figure, tmp_path / "lr_finder.png")
    assert len(figures.lr_finder_figure([1e-4, 1e-3], [1.0, 0.9], None).axes[0].lines) == 1


def test_histogram_one_subplot_per_entry(tmp_path):
    rng = np.random.default_rng(1)
    values = {"dense/kernel": rng.normal(size=(20, 10)), "dense/bias": np.zeros(10),
              "conv/kernel": rng.normal(size=(3, 3, 1, 4)), "empty": np.array([np.nan])}
    figure = figures.histogram_figure(values, title="Weights")
    visible = [axes for axes in figure.axes if axes.axison]
    assert [axes.get_title() for axes in visible] == list(values)
    assert sum(patch.get_height() for patch in visible[0].patches) == 200
    assert "n 200" in visible[0].get_xlabel()
    assert len(figure.axes) == 3 * math.ceil(len(values) / 3)
    _saved_png(figure, tmp_path / "histograms.png")


def test_lr_finder_english_default_and_vietnamese(tmp_path):
    learning_rates = np.logspace(-6, 0, 60)
    losses = 2.3 - np.tanh(np.log10(learning_rates) + 4)
    english = figures.lr_finder_figure(learning_rates, losses, suggested_lr=1e-3).axes[0]
    assert english.get_title() == "Learning rate finder"
    assert (english.get_xlabel(), english.get_ylabel()) == ("learning rate (log scale)", "loss")
    figure = figures.lr_finder_figure(learning_rates, losses, suggested_lr=1e-3, lang="vi")
    axes = figure.axes[0]
    assert axes.get_title() == "Công cụ tìm tốc độ học"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("tốc độ học (thang logarit)", "loss")
    assert _legend_texts(axes) == ["loss", "tốc độ học đề xuất 1,00e-03"]  # decimal comma
    assert axes.yaxis.get_major_formatter().format_ticks([0.5, 0.75]) == ["0,50", "0,75"]
    _saved_png(figure, tmp_path / "lr_finder_vi.png")


def test_histogram_statistics_in_vietnamese(tmp_path):
    values = {"dense/kernel": np.full(1200, 0.25), "empty": np.array([np.inf])}
    english = figures.histogram_figure(values)
    assert english.axes[0].get_xlabel() == "mean 0.25   std 0   n 1,200"
    assert [text.get_text() for text in english.axes[1].texts] == ["no finite values"]
    figure = figures.histogram_figure(values, title="Biểu đồ", lang="vi")
    assert figure.axes[0].get_xlabel() == "trung bình 0,25   độ lệch chuẩn 0   n 1.200"
    assert [text.get_text() for text in figure.axes[1].texts] == ["không có giá trị hữu hạn"]
    _saved_png(figure, tmp_path / "histograms_vi.png")


def _legend_texts(axes) -> list[str]:
    return [text.get_text() for text in axes.get_legend().get_texts()]


def test_learning_curves_english_default_labels():
    figure = figures.learning_curves_figure(_history())
    assert [axes.get_title() for axes in figure.axes] == ["Accuracy", "Loss", "Learning rate"]
    assert [axes.get_ylabel() for axes in figure.axes] == ["accuracy", "loss", "lr"]
    assert {axes.get_xlabel() for axes in figure.axes} == {"epoch"}
    assert _legend_texts(figure.axes[0]) == ["train", "validation", "best 0.9500 (epoch 6)"]
    assert figure.axes[0].yaxis.get_major_formatter().format_ticks([0.5, 0.75]) == ["0.50", "0.75"]


def test_learning_curves_in_vietnamese(tmp_path):
    figure = figures.learning_curves_figure(_history(), lang="vi")
    assert [axes.get_title() for axes in figure.axes] == [
        "Độ chính xác", "Loss", "Tốc độ học (learning rate)"]
    assert [axes.get_ylabel() for axes in figure.axes] == ["độ chính xác", "loss", "tốc độ học"]
    assert {axes.get_xlabel() for axes in figure.axes} == {"epoch"}
    assert _legend_texts(figure.axes[0]) == ["huấn luyện", "kiểm định", "tốt nhất 0,9500 (epoch 6)"]
    assert _legend_texts(figure.axes[2]) == ["tốc độ học"]
    # Decimal comma on linear axes; the log-scaled learning rate keeps its 10^n labels.
    assert figure.axes[1].yaxis.get_major_formatter().format_ticks([0.5, 0.75]) == ["0,50", "0,75"]
    assert figure.axes[2].get_yscale() == "log"
    _saved_png(figure, tmp_path / "curves_vi.png")
    empty = figures.learning_curves_figure([], lang="vi")
    assert "chưa có epoch nào" in [text.get_text() for text in empty.axes[0].texts]


def test_confusion_matrix_english_default_and_vietnamese(tmp_path):
    matrix = np.array([[8, 2, 0], [1, 3, 0], [0, 0, 5]])
    english = figures.confusion_matrix_figure(matrix, ["cat", "dog", "bird"])
    assert english.axes[0].get_title() == "Confusion matrix: 84.2% correct of 19 images"
    assert english.axes[1].get_ylabel() == "share of the actual class"
    figure = figures.confusion_matrix_figure(matrix, ["mèo", "chó", "chim"], lang="vi")
    axes, colorbar_axes = figure.axes
    assert axes.get_title() == "Ma trận nhầm lẫn: đúng 84,2% trên 19 ảnh"
    assert axes.get_xlabel() == "Lớp dự đoán" and axes.get_ylabel() == "Lớp thực tế"
    assert colorbar_axes.get_ylabel() == "tỉ lệ trong lớp thực tế"
    assert colorbar_axes.yaxis.get_major_formatter().format_ticks([0.0, 0.2]) == ["0,0", "0,2"]
    cells = {text.get_position(): text.get_text() for text in axes.texts}
    assert cells[(0, 0)] == "8\n80,0%" and cells[(0, 1)] == "1\n25,0%"
    large = figures.confusion_matrix_figure(np.array([[1500, 0], [0, 700]]), ["a", "b"], lang="vi")
    assert large.axes[0].get_title().endswith("trên 2.200 ảnh")  # Vietnamese thousands dot
    _saved_png(figure, tmp_path / "confusion_vi.png")


def test_overlay_and_mean_std_curves_in_vietnamese():
    histories = {"cnn": _history(), "dense": _history(5)}
    english = figures.overlay_curves_figure(histories).axes[0]
    assert english.get_title() == "val accuracy (dashed: train accuracy)"
    axes = figures.overlay_curves_figure(histories, lang="vi").axes[0]
    assert axes.get_title() == (
        "độ chính xác (kiểm định) – nét đứt: độ chính xác trên tập huấn luyện")
    assert axes.get_ylabel() == "độ chính xác (kiểm định)" and axes.get_xlabel() == "epoch"
    run = [{"epoch": epoch, "val_loss": 1.0 / epoch} for epoch in (1, 2, 3)]
    bands = figures.mean_std_curves_figure({"cnn": [run, run]}, "val_loss", lang="vi").axes[0]
    assert bands.get_title() == "loss (kiểm định)"
    assert figures.metric_label("val_top5_rate", "vi") == "top5 rate (kiểm định)"
    assert figures.metric_label("val_top5_rate") == "val top5 rate"
    with pytest.raises(ConfigError, match="'fr'"):
        figures.overlay_curves_figure(histories, lang="fr")


def test_default_font_has_every_vietnamese_figure_glyph():
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties()))
    text = "".join(value for key, value in i18n.MESSAGES["vi"].items() if key.startswith("figure."))
    missing = sorted({char for char in text if font.get_char_index(ord(char)) == 0})
    assert "ộ" in text and missing == []
