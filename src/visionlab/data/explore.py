"""Look at a dataset before training: counts per split and class, sizes, colour modes, bad files.

`dataset_statistics` computes the numbers; `visionlab.reports.explore` draws the figures and
the terminal table from them.

Example:
    dataset = load_dataset("data/pizza_steak_sushi", image_size=224)
    stats = dataset_statistics(dataset)
    stats["imbalance_ratio"], stats["skipped"]["count"]
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from PIL import Image

from visionlab.data.dataset import ImageDataset
from visionlab.errors import ConfigError, DataError
from visionlab.i18n import Message

# Channels of a decoded array -> the Pillow mode name users know from their files.
COLOR_MODE_BY_CHANNELS = {1: "L", 3: "RGB", 4: "RGBA"}
PIXEL_SAMPLE_SIZE = 1000
MAX_CLASSES_IN_SAMPLES = 50


def dataset_statistics(dataset: ImageDataset, *, samples_per_class: int = 5,
                       seed: int = 0) -> dict[str, Any]:
    """Compute a dataset's statistics: counts, imbalance, sizes, colour modes, pixels, bad files.

    Args:
        dataset: the loaded dataset.
        samples_per_class: sample images chosen per class (their indices go in `samples`).
            Defaults to 5.
        seed: seed of the random sample and pixel-statistics choice. Defaults to 0.

    Returns:
        A JSON-ready dict with `splits` (count and per-class counts), `imbalance_ratio`,
        `image_sizes`, `color_modes`, `pixel_statistics`, `skipped` and `samples`.
    """
    if samples_per_class < 1:
        raise ConfigError(Message("error.data.explore.samples_per_class",
                                  {"value": samples_per_class}))
    total_images = sum(len(split) for split in dataset.splits.values())
    if total_images == 0 or dataset.num_classes == 0:
        raise DataError(Message("error.data.explore.no_images",
                                {"name": dataset.name, "source": dataset.source}))
    # Samples, pixel statistics and the imbalance ratio come from train, or the first split
    # holding images when train is missing or empty.
    sample_split = next(name for name in ("train", *dataset.splits)
                        if name in dataset.splits and len(dataset.splits[name]))
    counts = {name: split.class_counts(dataset.num_classes).tolist()
              for name, split in dataset.splits.items()}
    samples = _choose_samples(dataset.splits[sample_split].labels, dataset.num_classes,
                              samples_per_class, seed)
    headers = _original_headers(dataset)
    stats: dict[str, Any] = {
        "name": dataset.name,
        "source": dataset.source,
        "checksum": dataset.checksum,
        "class_names": list(dataset.class_names),
        "num_classes": dataset.num_classes,
        "image_shape": list(dataset.image_shape),
        "total_images": total_images,
        "splits": {name: {"count": int(sum(split_counts)),
                          "per_class": dict(zip(dataset.class_names, split_counts))}
                   for name, split_counts in counts.items()},
        **_imbalance(counts[sample_split], dataset.class_names, sample_split),
        "image_sizes": _image_sizes(dataset, headers),
        "color_modes": _color_modes(dataset, headers),
        "pixel_statistics": _pixel_statistics(dataset, sample_split, seed),
        "skipped": {
            "count": len(dataset.skipped),
            "reasons": dict(Counter(bad.reason for bad in dataset.skipped).most_common()),
            "files": [{"path": bad.path, "reason": bad.reason} for bad in dataset.skipped],
        },
        "samples": {"split": sample_split, "seed": seed, "per_class": samples_per_class,
                    "indices": {dataset.class_names[label]: indices
                                for label, indices in samples.items()}},
    }
    return stats


def sample_images(dataset: ImageDataset, stats: dict[str, Any]) -> tuple[np.ndarray, list[str]]:
    """Return the sample images chosen by `dataset_statistics` (class by class) and titles."""
    samples = stats["samples"]
    by_label = {dataset.class_names.index(name): indices
                for name, indices in samples["indices"].items()}
    return _sample_grid(dataset, samples["split"], by_label, samples["per_class"])


def _choose_samples(labels: np.ndarray, num_classes: int, samples_per_class: int,
                    seed: int) -> dict[int, list[int]]:
    """Return up to `samples_per_class` random indices per class (first classes only if many)."""
    generator = np.random.default_rng(seed)
    labels = np.asarray(labels)
    chosen: dict[int, list[int]] = {}
    for label in range(min(num_classes, MAX_CLASSES_IN_SAMPLES)):
        members = np.flatnonzero(labels == label)
        picked = generator.choice(members, size=min(samples_per_class, len(members)),
                                  replace=False)
        chosen[label] = sorted(int(index) for index in picked)
    return chosen


def _sample_grid(dataset: ImageDataset, split_name: str, samples: dict[int, list[int]],
                 samples_per_class: int) -> tuple[np.ndarray, list[str]]:
    """Stack the chosen images one class per row; rows with fewer images are padded blank."""
    split = dataset.splits[split_name]
    blank = np.full(split.images.shape[1:], 255, dtype=np.uint8)
    images: list[np.ndarray] = []
    titles: list[str] = []
    for label, indices in samples.items():
        for column in range(samples_per_class):
            if column < len(indices):
                images.append(np.asarray(split.images[indices[column]]))
                titles.append(dataset.class_names[label])
            else:
                images.append(blank)
                titles.append("")
    return np.stack(images), titles


def _imbalance(train_counts: list[int], class_names: list[str], split_name: str) -> dict[str, Any]:
    counts = np.asarray(train_counts)
    largest, smallest = int(np.argmax(counts)), int(np.argmin(counts))
    return {
        # None instead of infinity: JSON has no infinity and a class without images is listed.
        "imbalance_ratio": float(counts[largest] / counts[smallest]) if counts[smallest] else None,
        "imbalance": {
            "split": split_name,
            "largest_class": class_names[largest], "largest_count": int(counts[largest]),
            "smallest_class": class_names[smallest], "smallest_count": int(counts[smallest]),
            "empty_classes": [name for name, count in zip(class_names, counts) if count == 0],
        },
    }


def _original_headers(dataset: ImageDataset) -> tuple[list[tuple[int, int]], list[str]] | None:
    """Sizes and modes of the source files, read from their headers only (no decoding).

    Folder datasets carry `Split.paths`; array datasets (MNIST …) have no files to read.
    """
    if "original_sizes" in dataset.info:
        return dataset.info["original_sizes"], dataset.info.get("original_modes", [])
    paths = [path for split in dataset.splits.values() for path in (split.paths or [])]
    if not paths:
        return None
    sizes, modes = [], []
    for path in paths:
        try:
            with Image.open(path) as image:  # lazy: parses the header, decodes nothing
                sizes.append(image.size)
                modes.append(image.mode)
        except (OSError, ValueError, Image.DecompressionBombError):
            continue  # changed since loading; the loader reports bad files itself
    return sizes, modes


def _image_sizes(dataset: ImageDataset, headers: Any) -> dict[str, Any]:
    if headers and headers[0]:
        sizes = Counter(f"{int(width)}x{int(height)}" for width, height in headers[0])
        return {"source": "original files", "counts": dict(sizes.most_common())}
    sizes: Counter[str] = Counter()
    for split in dataset.splits.values():
        height, width = split.images.shape[1:3]
        sizes[f"{width}x{height}"] += len(split)
    return {"source": "arrays", "counts": dict(sizes.most_common())}


def _color_modes(dataset: ImageDataset, headers: Any) -> dict[str, Any]:
    if headers and headers[1]:
        return {"source": "original files", "counts": dict(Counter(headers[1]).most_common())}
    modes: Counter[str] = Counter()
    for split in dataset.splits.values():
        channels = split.images.shape[-1]
        modes[COLOR_MODE_BY_CHANNELS.get(channels, f"{channels} channels")] += len(split)
    return {"source": "arrays", "counts": dict(modes.most_common())}


def _pixel_statistics(dataset: ImageDataset, split_name: str, seed: int) -> dict[str, Any]:
    """Per-channel mean and std on the 0-1 scale over a seeded sample of the split's images."""
    images = dataset.splits[split_name].images
    sample_size = min(PIXEL_SAMPLE_SIZE, len(images))
    # Sorted indices read a memory-mapped split front to back.
    indices = np.sort(np.random.default_rng(seed).choice(len(images), sample_size, replace=False))
    pixels = np.asarray(images[indices], dtype=np.float64) / 255.0
    return {"split": split_name, "sample_size": int(sample_size), "scale": "0-1",
            "mean": pixels.mean(axis=(0, 1, 2)).round(6).tolist(),
            "std": pixels.std(axis=(0, 1, 2)).round(6).tolist()}


