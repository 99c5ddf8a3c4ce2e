"""Batches for `model.fit` straight from uint8 arrays or memory maps.

Each batch is one fancy-index gather (indices sorted, so a memory map is read front to back)
and nothing else: images stay uint8 0..255. Keras converts a model's inputs to its `Input`
dtype (float32) inside the compiled step, and scaling lives inside the model, so batches carry
a quarter of the bytes of float32 ones and a cached epoch costs one memory copy per image
(BENCHMARKS.md, "Input pipeline").
"""

from __future__ import annotations

import math

import keras
import numpy as np

from visionlab.errors import ConfigError, DataError
from visionlab.i18n import Message


class ArrayBatches(keras.utils.PyDataset):
    """A Keras `PyDataset` of (images, labels) batches, reshuffled every epoch.

    Args:
        images: uint8 array or memmap of shape (num_images, height, width, channels); batches
            keep its dtype.
        labels: int class labels of shape (num_images,).
        batch_size: images per batch; the last batch may be smaller.
        shuffle: visit images in a new random order every epoch. Defaults to False.
        seed: seed of the shuffling; the same seed gives the same sequence of epochs.
            Defaults to 0.
        num_classes: number of classes; required with `one_hot=True`. Defaults to None.
        one_hot: yield float32 one-hot labels (num_images, num_classes) instead of int32.
            Defaults to False.
        workers, use_multiprocessing, max_queue_size: passed to `keras.utils.PyDataset`.
            Defaults to 1, False and 10.

    Example:
        train = dataset.split("train")
        batches = ArrayBatches(train.images, train.labels, 32, shuffle=True, seed=0)
        model.fit(batches, epochs=5)
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        batch_size: int,
        *,
        shuffle: bool = False,
        seed: int = 0,
        num_classes: int | None = None,
        one_hot: bool = False,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ) -> None:
        super().__init__(workers=workers, use_multiprocessing=use_multiprocessing,
                         max_queue_size=max_queue_size)
        if int(batch_size) < 1:
            raise ConfigError(Message("error.data.batches.batch_size",
                                      {"value": repr(batch_size)}))
        if len(images) != len(labels):
            raise DataError(Message("error.data.batches.lengths",
                                    {"images": len(images), "labels": len(labels)}))
        self.images = images
        self.labels = np.asarray(labels).astype(np.int32, copy=False)
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.one_hot = bool(one_hot)
        self.num_classes = num_classes
        if one_hot:
            if num_classes is None:
                raise ConfigError(Message("error.data.batches.num_classes"))
            if self.labels.size and (self.labels.min() < 0 or self.labels.max() >= num_classes):
                raise DataError(Message("error.data.batches.label_range", {
                    "low": self.labels.min(), "high": self.labels.max(),
                    "classes": num_classes, "last": num_classes - 1}))
        self.seed = int(seed)
        self._order = np.arange(len(self.labels), dtype=np.int64)
        self.set_epoch(0)

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} is out of range for {len(self)} batches.")
        # Sorted indices read a memmap sequentially; the order inside a batch does not matter.
        indices = np.sort(self._order[index * self.batch_size:(index + 1) * self.batch_size])
        images = self._inputs(indices)
        labels = self.labels[indices]
        if self.one_hot:
            one_hot = np.zeros((labels.size, self.num_classes), dtype=np.float32)
            one_hot[np.arange(labels.size), labels] = 1.0
            return images, one_hot
        return images, labels

    def _inputs(self, indices: np.ndarray) -> np.ndarray:
        """The batch's inputs for the sorted `indices` (a subclass may pick among variants)."""
        # (batch, height, width, channels), a plain ndarray even when gathered from a memmap
        return np.asarray(self.images[indices])

    def set_epoch(self, epoch: int) -> None:
        """Use the shuffle order of `epoch` (0-based); a resumed run replays the same batches.

        The order of each epoch depends only on (seed, epoch), never on how many epochs this
        object has already served.
        """
        self.epoch = int(epoch)
        if self.shuffle:
            self._order = np.random.default_rng([self.seed, self.epoch]).permutation(
                len(self.labels))

    def on_epoch_end(self) -> None:
        self.set_epoch(self.epoch + 1)
