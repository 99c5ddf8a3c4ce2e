"""Tests for visionlab.data.explore on small synthetic ImageDatasets."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from visionlab._io import read_json
from visionlab.data.dataset import BadFile, ImageDataset, Split
from visionlab.errors import ConfigError, DataError
from visionlab.reports.explore import explore_dataset, render_explore_table

CLASS_NAMES = ["pizza", "steak", "sushi"]


def make_dataset(train_counts=(6, 4, 2), test_counts=(2, 2, 1), channels=3, info=None,
                 skipped=None) -> ImageDataset:
    """A dataset of 8x12 images whose pixel value encodes (split, class, index) for checks."""
    rng = np.random.default_rng(123)

    def split(counts, path_prefix):
        labels = np.repeat(np.arange(len(counts)), counts).astype(np.int64)
        images = rng.integers(0, 256, (len(labels), 8, 12, channels), dtype=np.uint8)
        paths = [f"{path_prefix}/{CLASS_NAMES[label]}/{index}.jpg"
                 for index, label in enumerate(labels)]
        return Split(images, labels, paths)

    return ImageDataset(
        name="data/pizza_steak_sushi", class_names=list(CLASS_NAMES),
        splits={"train": split(train_counts, "train"), "test": split(test_counts, "test")},
        source="data/pizza_steak_sushi", checksum="abc123",
        skipped=skipped or [], info=info or {})


def test_counts_imbalance_and_files(tmp_path):
    skipped = [BadFile("train/pizza/broken.jpg", "cannot identify image file"),
               BadFile("train/sushi/empty.jpg", "empty file"),
               BadFile("test/steak/x.jpg", "cannot identify image file")]
    dataset = make_dataset(skipped=skipped)
    stats = explore_dataset(dataset, tmp_path / "out", samples_per_class=3, seed=0)

    assert stats["total_images"] == 17
    assert stats["splits"]["train"] == {"count": 12,
                                        "per_class": {"pizza": 6, "steak": 4, "sushi": 2}}
    assert stats["splits"]["test"]["per_class"] == {"pizza": 2, "steak": 2, "sushi": 1}
    assert stats["imbalance_ratio"] == pytest.approx(3.0)
    assert stats["imbalance"]["largest_class"] == "pizza"
    assert stats["imbalance"]["smallest_class"] == "sushi"
    assert stats["image_sizes"] == {"source": "arrays", "counts": {"12x8": 17}}
    assert stats["color_modes"] == {"source": "arrays", "counts": {"RGB": 17}}
    assert stats["skipped"]["count"] == 3
    assert stats["skipped"]["reasons"] == {"cannot identify image file": 2, "empty file": 1}
    assert stats["skipped"]["files"][1] == {"path": "train/sushi/empty.jpg", "reason": "empty file"}

    train_images = dataset.splits["train"].images / 255.0
    np.testing.assert_allclose(stats["pixel_statistics"]["mean"],
                               train_images.mean(axis=(0, 1, 2)), atol=1e-6)
    np.testing.assert_allclose(stats["pixel_statistics"]["std"],
                               train_images.std(axis=(0, 1, 2)), atol=1e-6)
    assert stats["pixel_statistics"]["sample_size"] == 12

    sample_indices = stats["samples"]["indices"]
    assert [len(sample_indices[name]) for name in CLASS_NAMES] == [3, 3, 2]
    labels = dataset.splits["train"].labels
    for label, name in enumerate(CLASS_NAMES):
        assert all(labels[index] == label for index in sample_indices[name])

    output = tmp_path / "out"
    assert sorted(item.name for item in output.iterdir()) == [
        "class_balance.png", "explore.json", "samples.png"]
    assert read_json(output / "explore.json") == stats
    for name in ("class_balance.png", "samples.png"):
        with Image.open(output / name) as image:
            assert image.format == "PNG" and min(image.size) > 200
    with Image.open(output / "samples.png") as image:
        # 3 rows (classes) x 3 columns of wide 12x8 images: wider than tall.
        assert image.size[0] > image.size[1]


def test_seed_makes_sample_choice_stable(tmp_path):
    dataset = make_dataset(train_counts=(30, 30, 30))
    first = explore_dataset(dataset, tmp_path / "a", seed=7)["samples"]["indices"]
    again = explore_dataset(dataset, tmp_path / "b", seed=7)["samples"]["indices"]
    other = explore_dataset(dataset, tmp_path / "c", seed=8)["samples"]["indices"]
    assert first == again
    assert first != other
    assert ((tmp_path / "a" / "samples.png").read_bytes()
            == (tmp_path / "b" / "samples.png").read_bytes())


def test_original_sizes_and_modes_from_info(tmp_path):
    info = {"original_sizes": [(640, 480)] * 3 + [(512, 512)] * 2,
            "original_modes": ["RGB", "RGB", "L", "RGB", "P"]}
    stats = explore_dataset(make_dataset(channels=1, info=info), tmp_path)
    assert stats["image_sizes"] == {"source": "original files",
                                    "counts": {"640x480": 3, "512x512": 2}}
    assert stats["color_modes"] == {"source": "original files",
                                    "counts": {"RGB": 3, "L": 1, "P": 1}}
    assert len(stats["pixel_statistics"]["mean"]) == 1


def test_empty_class_gives_no_ratio_and_is_named(tmp_path):
    stats = explore_dataset(make_dataset(train_counts=(5, 0, 3)), tmp_path)
    assert stats["imbalance_ratio"] is None
    assert stats["imbalance"]["empty_classes"] == ["steak"]
    assert stats["samples"]["indices"]["steak"] == []
    assert (tmp_path / "samples.png").exists()


def test_bad_arguments_raise_user_errors(tmp_path):
    with pytest.raises(ConfigError, match="samples_per_class"):
        explore_dataset(make_dataset(), tmp_path, samples_per_class=0)
    with pytest.raises(DataError, match="no images"):
        explore_dataset(make_dataset(train_counts=(0, 0, 0), test_counts=(0, 0, 0)), tmp_path)


def test_render_explore_table_walks_the_dataset(tmp_path):
    dataset = make_dataset(skipped=[BadFile("train/pizza/broken.jpg", "truncated file")])
    stats = explore_dataset(dataset, tmp_path)
    console = Console(record=True, width=120)
    console.print(render_explore_table(stats))
    text = console.export_text()
    assert "There are 6 images in 'train/pizza'." in text
    assert "There is 1 image in 'test/sushi'." in text
    assert "17 images in 2 splits" in text
    assert "3.00" in text and "12x8" in text
    assert "truncated file" in text


def test_folder_explore_reports_original_sizes_and_modes(tmp_path):
    from PIL import Image

    from visionlab.data.folders import load_image_folder

    for split, count in (("train", 3), ("test", 1)):
        for name, mode, size in (("cat", "RGB", (40, 30)), ("dog", "L", (20, 20))):
            folder = tmp_path / "photos" / split / name
            folder.mkdir(parents=True)
            for index in range(count):
                Image.new(mode, size).save(folder / f"{index}.png")
    dataset = load_image_folder(tmp_path / "photos", image_size=(16, 16), cache_dir=False,
                                progress=False)
    stats = explore_dataset(dataset, tmp_path / "out")
    assert stats["image_sizes"] == {"source": "original files", "counts": {"40x30": 4, "20x20": 4}}
    assert stats["color_modes"]["counts"] == {"RGB": 4, "L": 4}
