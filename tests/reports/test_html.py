"""The HTML run report: every section, only embedded images, both languages, missing pieces."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.errors import ConfigError, DataError
from visionlab.reports.html import SECTION_IDS, build_report
from visionlab.runs.run import Run


class PageParser(HTMLParser):
    """Collect element ids, image sources and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.image_sources: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "img":
            self.image_sources.append(attributes.get("src") or "")
        for name in ("src", "href", "action", "poster", "data"):
            if attributes.get(name):
                self.urls.append(attributes[name])


def parse(path: Path) -> tuple[PageParser, str]:
    text = path.read_text(encoding="utf-8")
    parser = PageParser()
    parser.feed(text)
    return parser, text


@pytest.fixture(scope="module")
def english_report(tmp_path_factory, make_fake_run):
    fake = make_fake_run(tmp_path_factory.mktemp("en") / "shapes-cnn-20261123-101500")
    return build_report(fake.path, test_images=fake.test_images)


def test_report_has_every_section_and_only_embedded_images(english_report):
    parser, text = parse(english_report)
    assert english_report.name == "report.html"
    for section_id in SECTION_IDS:
        assert section_id in parser.ids, section_id
    assert len(parser.image_sources) == 4  # curves, confusion matrix, predictions, top losses
    for source in parser.image_sources:
        assert source.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        assert image.width > 200 and image.height > 100
    for url in parser.urls:
        assert url.startswith(("data:", "#")), url
    assert "http://" not in text and "https://" not in text
    assert "script" not in parser.tags and "link" not in parser.tags


def test_report_writes_figures_beside_it(english_report):
    figures = sorted(path.name for path in (english_report.parent / "figures").iterdir())
    assert figures == ["confusion_matrix.png", "learning_curves.png", "predictions.png",
                       "top_losses.png"]
    assert not [path for path in english_report.parent.iterdir() if path.name.startswith(".")]


def test_report_shows_the_run_facts(english_report):
    _, text = parse(english_report)
    run = Run(english_report.parent)
    assert f"{100 * run.metrics['test_accuracy']:.2f}%" in text
    assert "Training looks healthy" in text
    assert "12,345" in text                       # parameter count
    assert "learning_rate = 0.001" in text        # config.toml
    assert "conv2d (Conv2D)" in text              # summary.txt
    assert "Test CPU" in text and "41.7 s" in text
    for name in run.class_names:
        assert f"<td>{name}</td>" in text         # per-class table
    worst = max(run.metrics["per_class"].values(), key=lambda entry: -entry["recall"])
    assert f"{worst['recall']:.3f}" in text


def test_vietnamese_report_and_missing_test_images(fake_run, tmp_path):
    output = build_report(fake_run.path, lang="vi", output=tmp_path / "out" / "bao-cao.html")
    parser, text = parse(output)
    assert set(SECTION_IDS) <= set(parser.ids)
    assert '<html lang="vi">' in text
    assert "Chẩn đoán" in text and "Ma trận nhầm lẫn" in text and "Độ chính xác" in text
    assert "không được cung cấp ảnh kiểm tra" in text  # grids skipped with a note
    assert len(parser.image_sources) == 2
    assert sorted(path.name for path in (tmp_path / "out" / "figures").iterdir()) == [
        "confusion_matrix.png", "learning_curves.png"]
    # The figures are drawn in the report's language too: the same run in English differs.
    build_report(fake_run.path, output=tmp_path / "en" / "report.html")
    for name in ("confusion_matrix.png", "learning_curves.png"):
        vietnamese = (tmp_path / "out" / "figures" / name).read_bytes()
        assert vietnamese != (tmp_path / "en" / "figures" / name).read_bytes(), name


def test_run_without_test_evaluation_still_renders(tmp_path, make_fake_run):
    fake = make_fake_run(tmp_path / "run", with_test=False, history=[])
    parser, text = parse(build_report(fake.path, test_images=fake.test_images))
    assert set(SECTION_IDS) <= set(parser.ids)
    assert "no metrics.json" in text and "no predictions.npz" in text
    assert "nothing to diagnose" in text
    assert parser.image_sources == []


def test_bad_language_and_misaligned_images_are_clear_errors(fake_run):
    with pytest.raises(ConfigError, match="'xx'"):
        build_report(fake_run.path, lang="xx")
    with pytest.raises(DataError, match="only 5 test images"):
        build_report(fake_run.path, test_images=fake_run.test_images[:5])
    with pytest.raises(DataError, match="uint8"):
        build_report(fake_run.path, test_images=fake_run.test_images.astype(np.float32))


def test_dead_units_are_measured_on_the_saved_model(tmp_path, make_fake_run):
    import keras

    fake = make_fake_run(tmp_path / "run")
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(4, activation="relu", name="hidden"),
                              keras.layers.Dense(4, activation="softmax")])
    # Zero weights: each hidden unit outputs relu(bias); two negative biases -> half dead.
    model.get_layer("hidden").set_weights([np.zeros((784, 4)), np.array([-1.0, -1.0, 1.0, 1.0])])
    model.save(fake.path / "model.keras")
    _, text = parse(build_report(fake.path, test_images=fake.test_images))
    assert "Dead ReLU units" in text and "layer hidden: 50% of units never activate" in text
