"""The in-memory contract every data source produces: an `ImageDataset` of named `Split`s.

Built-in datasets (MNIST, CIFAR-10 …) and image folders both load into this one shape, so
models, training, evaluation and reports never care where pixels came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from visionlab.errors import DataError
from visionlab.i18n import Message

SPLIT_NAMES = ("train", "validation", "test")


class SplitShapeError(DataError, ValueError):
    """Images and labels that cannot form a `Split` (a ValueError too, as it always was)."""


class MissingSplitError(DataError, KeyError):
    """A split the dataset does not have (a KeyError too, as it always was)."""


@dataclass(frozen=True)
class BadFile:
    """A file that was skipped while loading, with a human-readable reason."""

    path: str
    reason: str


@dataclass
class Split:
    """One split of a dataset.

    Attributes:
        images: uint8 array of shape (num_images, height, width, channels); may be a read-only
            `np.memmap` for datasets streamed from the on-disk cache.
        labels: int64 array of shape (num_images,), indices into the dataset's `class_names`.
        paths: source file of each image for folder datasets, `None` for array datasets.
    """

    images: np.ndarray
    labels: np.ndarray
    paths: list[str] | None = None

    def __post_init__(self) -> None:
        if self.images.ndim != 4:
            raise SplitShapeError(Message("error.data.split.image_shape",
                                          {"shape": self.images.shape}))
        if len(self.images) != len(self.labels):
            raise SplitShapeError(Message("error.data.split.label_count", {
                "images": len(self.images), "labels": len(self.labels)}))

    def __len__(self) -> int:
        return len(self.labels)

    def class_counts(self, num_classes: int) -> np.ndarray:
        """Return the number of images of each class as an int64 array of `num_classes`."""
        return np.bincount(np.asarray(self.labels, dtype=np.int64), minlength=num_classes)


@dataclass
class ImageDataset:
    """A labelled image dataset split into train / validation (optional) / test.

    Attributes:
        name: registry name (`"mnist"`) or folder path for image folders.
        class_names: one display name per label index.
        splits: mapping of split name (`"train"`, `"validation"`, `"test"`) to `Split`.
        source: where the data was found (a folder, a file, `"scikit-learn"` …).
        checksum: SHA-256 identifying the exact content trained on.
        skipped: files that could not be decoded, each with its reason.
        info: free-form extra facts worth recording (original sizes, colour modes …).
    """

    name: str
    class_names: list[str]
    splits: dict[str, Split]
    source: str
    checksum: str
    skipped: list[BadFile] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(height, width, channels) shared by every image."""
        first = next(iter(self.splits.values()))
        return tuple(int(dim) for dim in first.images.shape[1:])  # type: ignore[return-value]

    def split(self, name: str) -> Split:
        """Return split `name`, or raise a `MissingSplitError` (a KeyError) that lists the
        splits present."""
        if name not in self.splits:
            raise MissingSplitError(Message("error.data.split.missing", {
                "name": self.name, "split": name, "splits": ", ".join(self.splits)}))
        return self.splits[name]

    def summary(self) -> dict[str, Any]:
        """Return a JSON-ready description: counts per split and class, shape, checksum."""
        return {
            "name": self.name,
            "source": self.source,
            "checksum": self.checksum,
            "image_shape": list(self.image_shape),
            "class_names": list(self.class_names),
            "splits": {
                split_name: {
                    "count": len(split),
                    "per_class": dict(
                        zip(self.class_names, split.class_counts(self.num_classes).tolist())
                    ),
                }
                for split_name, split in self.splits.items()
            },
            "skipped": len(self.skipped),
        }
