"""Seeded, stratified hold-out splits (scikit-learn `train_test_split(stratify=...)`).

Classes with a single image cannot be stratified; they stay entirely on the kept side so the
rest of the data can still be split, and the split is identical for the same labels and seed.
"""

from __future__ import annotations

import hashlib

import numpy as np
from sklearn.model_selection import train_test_split

from visionlab.data.cache import take_rows
from visionlab.data.dataset import ImageDataset, Split
from visionlab.errors import ConfigError, DataError
from visionlab.i18n import Message, percent


def check_fraction(name: str, fraction: float) -> float:
    """Return `fraction` as a float if 0 <= fraction < 1, else raise ConfigError naming it."""
    try:
        value = float(fraction)
    except (TypeError, ValueError):
        raise ConfigError(Message("error.data.fraction_not_number",
                                  {"name": name, "value": repr(fraction)})) from None
    if not 0.0 <= value < 1.0:
        raise ConfigError(Message("error.data.fraction_range",
                                  {"name": name, "value": repr(fraction)}))
    return value


def stratified_split(
    labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split sample indices into (keep, split) with about `fraction` of each class in split.

    Args:
        labels: int class label of each sample, shape (num_samples,).
        fraction: share of the samples to move to the split, in (0, 1).
        seed: random seed; the same labels, fraction and seed give the same indices.

    Returns:
        (keep_indices, split_indices): sorted int64 arrays that together cover every index once.

    Raises:
        DataError: too few images to put at least one of each class on both sides.

    Example:
        train_indices, validation_indices = stratified_split(labels, 0.1, seed=0)
    """
    labels = np.asarray(labels).astype(np.int64, copy=False)
    fraction = check_fraction("fraction", fraction)
    if fraction == 0.0:
        return np.arange(labels.size, dtype=np.int64), np.empty(0, dtype=np.int64)
    counts = np.bincount(labels) if labels.size else np.zeros(0, dtype=np.int64)
    # A class seen once cannot be on both sides; keep it whole on the kept side.
    splittable = counts[labels] >= 2
    candidates = np.flatnonzero(splittable)
    try:
        keep, split = train_test_split(
            candidates, test_size=fraction, random_state=seed, shuffle=True,
            stratify=labels[candidates],
        )
    except ValueError as error:
        raise DataError(Message("error.data.cannot_stratify", {
            "fraction": percent(fraction, 0), "count": labels.size, "error": error})) from None
    keep = np.concatenate([keep, np.flatnonzero(~splittable)])
    return np.sort(keep).astype(np.int64), np.sort(split).astype(np.int64)


def split_validation(dataset: ImageDataset, fraction: float, seed: int = 0) -> ImageDataset:
    """Carve a stratified "validation" split out of "train".

    The dataset is returned unchanged when it already has a "validation" split or `fraction`
    is 0. Gathering rows copies the train images into memory; for folders larger than RAM pass
    `validation_fraction` to `load_image_folder`, which gathers into the on-disk cache instead.

    Args:
        dataset: dataset with a "train" split.
        fraction: share of the train images moved to validation, in [0, 1).
        seed: random seed. Defaults to 0.

    Example:
        dataset = split_validation(load_dataset("fashion_mnist"), 0.1, seed=42)
    """
    fraction = check_fraction("validation fraction", fraction)
    if "validation" in dataset.splits or fraction == 0.0:
        return dataset
    train = dataset.split("train")
    keep, held_out = stratified_split(train.labels, fraction, seed)
    splits = {
        "train": _subset(train, keep),
        "validation": _subset(train, held_out),
        **{name: split for name, split in dataset.splits.items() if name != "train"},
    }
    checksum = hashlib.sha256(
        f"{dataset.checksum}|validation|{fraction!r}|{seed}".encode()
    ).hexdigest()
    info = {**dataset.info, "validation_split": {"fraction": fraction, "seed": seed,
                                                  "from": "train"}}
    return ImageDataset(
        name=dataset.name, class_names=list(dataset.class_names), splits=splits,
        source=dataset.source, checksum=checksum, skipped=list(dataset.skipped), info=info,
    )


def _subset(split: Split, indices: np.ndarray) -> Split:
    paths = [split.paths[index] for index in indices] if split.paths is not None else None
    return Split(images=take_rows(split.images, indices), labels=np.asarray(split.labels)[indices],
                 paths=paths)
