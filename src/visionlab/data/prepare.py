"""`prepare_dataset`: the dataset an experiment trains on, from its `[data]` section.

Loads the configured dataset, leaves out the images listed in `data.exclude` (`data/exclude.py`),
subsamples it per class when asked, carves a stratified validation split and resizes array
datasets to the configured size, in that order: so 100 images per class of Fashion-MNIST at
96x96 resize 1,000 images, not 70,000. Folders are decoded at the target
size directly (`formats.resized_after_loading` is that rule).

Example:
    dataset = prepare_dataset(config.data, seed=config.train.seed)
    dataset.splits.keys()   # train, validation, test
"""

from __future__ import annotations

import numpy as np

from visionlab.config import DataConfig
from visionlab.data import loading
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.exclude import exclude_images
from visionlab.data.formats import resized_after_loading
from visionlab.data.splits import split_validation
from visionlab.data.transforms import conform


def prepare_dataset(data: DataConfig, seed: int, progress: bool = True) -> ImageDataset:
    """Load, subsample, split and resize the dataset `data` describes.

    Args:
        data: the experiment's `[data]` section.
        seed: seed of the subsample and the splits.
        progress: show decoding progress. Defaults to True.
    """
    # Arrays are resized after subsampling (fewer images to resize); folders decode at size.
    resize_later = resized_after_loading(data.dataset) and bool(data.image_size or data.color_mode)
    dataset = loading.load_dataset(
        data.dataset,
        data_path=data.data_path,
        image_size=None if resize_later else data.image_size,
        color_mode=None if resize_later else data.color_mode,
        resize_mode=data.resize_mode,
        validation_fraction=data.validation_split,
        test_fraction=data.test_split,
        seed=seed,
        strict=data.strict,
        progress=progress,
    )
    if data.exclude:
        dataset = exclude_images(dataset, data.exclude)
    if data.train_per_class:
        dataset = subsample_per_class(dataset, data.train_per_class, seed)
    if data.test_per_class and "test" in dataset.splits:
        dataset = subsample_per_class(dataset, data.test_per_class, seed, split_name="test")
    if data.validation_split > 0 and "validation" not in dataset.splits:
        dataset = split_validation(dataset, data.validation_split, seed)
    if resize_later:
        dataset = conform(dataset, image_size=data.image_size, color_mode=data.color_mode,
                          resize_mode=data.resize_mode)
    return dataset


def subsample_per_class(dataset: ImageDataset, per_class: int, seed: int,
                        split_name: str = "train") -> ImageDataset:
    """Keep at most `per_class` seeded-random images of each class in split `split_name`."""
    split = dataset.split(split_name)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in range(dataset.num_classes):
        members = np.flatnonzero(split.labels == label)
        chosen.append(rng.permutation(members)[:per_class])
    indices = np.sort(np.concatenate(chosen))
    paths = [split.paths[i] for i in indices] if split.paths else None
    splits = dict(dataset.splits)
    splits[split_name] = Split(np.asarray(split.images[indices]), split.labels[indices], paths)
    info = {**dataset.info, f"{split_name}_per_class": per_class}
    return ImageDataset(dataset.name, dataset.class_names, splits, dataset.source,
                        dataset.checksum, dataset.skipped, info)
