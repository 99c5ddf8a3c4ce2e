"""`visionlab augment-preview`: look at the augmentation pipeline before trusting it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from visionlab.errors import ConfigError


def augment_preview(
    config,
    *,
    overrides: list[str] | None = None,
    image: str | os.PathLike[str] | None = None,
    count: int = 20,
    output: str | os.PathLike[str] | None = None,
    seed: int = 0,
) -> Path:
    """Save a grid of augmented images: `count` versions of one image, or one batch of `count`.

    Args:
        config: a TOML path, recipe name, dict or config with an `[augment]` section.
        overrides: `key=value` overrides. Defaults to None.
        image: an image file to augment `count` times. Defaults to a batch from the train split.
        count: how many images in the grid. Defaults to 20.
        output: the PNG path. Defaults to `augment-preview/<config name>.png`.
        seed: choice of training images and augmentation randomness. Defaults to 0.
    """
    import keras

    from visionlab.experiments.api import prepare_dataset
    from visionlab.experiments.config import load_config
    from visionlab.reports.figures import image_grid_figure, save_figure
    from visionlab.training.fit import augmentation_layers

    resolved = load_config(config, overrides)
    layers = augmentation_layers(resolved.augment, seed)
    if not layers:
        raise ConfigError(
            "The config has no augmentation to preview: set e.g. augment.flip = 'horizontal' or "
            "augment.rotation = 0.1 (or --set augment.rotation=0.1)."
        )
    dataset = prepare_dataset(resolved.data, resolved.train.seed, progress=False)
    height, width, channels = dataset.image_shape
    if image is not None:
        from visionlab.data.decode import decode_image

        one = decode_image(image, (height, width), "grayscale" if channels == 1 else "rgb",
                           resolved.data.resize_mode)
        batch = np.repeat(one[None], count, axis=0)
        titles = ["original"] + [f"augmented {index}" for index in range(1, count)]
    else:
        train = dataset.split("train")
        rng = np.random.default_rng(seed)
        indices = np.sort(rng.choice(len(train), size=min(count, len(train)), replace=False))
        batch = np.asarray(train.images[indices])
        titles = [dataset.class_names[int(label)] for label in train.labels[indices]]
    pipeline = keras.Sequential(layers)
    augmented = keras.ops.convert_to_numpy(
        pipeline(batch.astype("float32"), training=True))
    augmented = np.clip(augmented, 0, 255).astype(np.uint8)
    if image is not None:
        augmented[0] = batch[0]
    path = Path(output) if output is not None else Path("augment-preview") / f"{resolved.name}.png"
    save_figure(image_grid_figure(augmented, titles), path)
    return path
