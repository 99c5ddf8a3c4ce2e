"""Bring an array dataset to the image size and colour mode a model expects.

Typical use: Fashion-MNIST (28, 28, 1) -> (96, 96, 3) for a pretrained ImageNet backbone.
Resizing uses Pillow (the same resampling and "squash"/"crop"/"pad" modes as image folders);
grayscale -> RGB repeats the channel; RGB -> grayscale uses ITU-R 601 luma with Pillow's exact
integer arithmetic, vectorized with NumPy.
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.decode import check_options, resize_image
from visionlab.errors import DataError
from visionlab.i18n import Message

_CHANNELS = {"rgb": 3, "grayscale": 1}
_CHUNK_IMAGES = 1024


def conform(
    dataset: ImageDataset,
    image_size: tuple[int, int] | None = None,
    color_mode: str | None = None,
    resize_mode: str = "squash",
) -> ImageDataset:
    """Return `dataset` with every split resized to `image_size` and converted to `color_mode`.

    The result holds new in-memory uint8 arrays (N x height x width x channels bytes per
    split); the dataset is returned unchanged when nothing differs.

    Args:
        dataset: any ImageDataset with 1- or 3-channel images.
        image_size: target (height, width), or None to keep the size. Defaults to None.
        color_mode: "rgb", "grayscale", or None to keep the channels. Defaults to None.
        resize_mode: "squash", "crop" or "pad" (see `decode_image`). Defaults to "squash".

    Example:
        fashion = conform(load_dataset("fashion_mnist"), image_size=(96, 96), color_mode="rgb")
        fashion.image_shape  # (96, 96, 3)
    """
    size = check_options(image_size, color_mode or "rgb", resize_mode)
    height, width, channels = dataset.image_shape
    if channels not in (1, 3):
        raise DataError(Message("error.data.conform_channels",
                                {"name": dataset.name, "channels": channels}))
    target_size = size if size is not None else (height, width)
    target_channels = _CHANNELS[color_mode] if color_mode is not None else channels
    if target_size == (height, width) and target_channels == channels:
        return dataset
    splits = {
        name: Split(images=conform_images(split.images, target_size, target_channels, resize_mode),
                    labels=split.labels, paths=split.paths)
        for name, split in dataset.splits.items()
    }
    change = {"from": [height, width, channels],
              "to": [target_size[0], target_size[1], target_channels], "resize_mode": resize_mode}
    checksum = hashlib.sha256(f"{dataset.checksum}|conform|{change}".encode()).hexdigest()
    return ImageDataset(
        name=dataset.name, class_names=list(dataset.class_names), splits=splits,
        source=dataset.source, checksum=checksum, skipped=list(dataset.skipped),
        info={**dataset.info, "conformed": change},
    )


def conform_images(
    images: np.ndarray, image_size: tuple[int, int], channels: int, resize_mode: str = "squash"
) -> np.ndarray:
    """Resize uint8 (N, H, W, 1|3) images to (N, height, width, channels), chunk by chunk.

    Args:
        images: uint8 array or memmap of shape (num_images, height, width, 1 or 3).
        image_size: target (height, width).
        channels: 1 (grayscale) or 3 (RGB).
        resize_mode: "squash", "crop" or "pad". Defaults to "squash".
    """
    height, width = image_size
    output = np.empty((len(images), height, width, channels), dtype=np.uint8)
    for start in range(0, len(images), _CHUNK_IMAGES):
        chunk = np.asarray(images[start:start + _CHUNK_IMAGES], dtype=np.uint8)
        if chunk.shape[-1] == 3 and channels == 1:
            chunk = rgb_to_luma(chunk)  # convert before resizing: a third of the work
        if chunk.shape[1:3] != (height, width):
            chunk = _resize_chunk(chunk, image_size, resize_mode)
        # (n, height, width, 1) broadcasts to 3 channels: grayscale -> RGB repeats the channel.
        output[start:start + len(chunk)] = chunk
    return output


def rgb_to_luma(images: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma of uint8 (..., 3) RGB as uint8 (..., 1), bit-exact with Pillow's "L"."""
    weights = np.array([19595, 38470, 7471], dtype=np.uint32)  # 0.299, 0.587, 0.114 in 1/65536
    luma = (images.astype(np.uint32) @ weights + 0x8000) >> 16
    return luma.astype(np.uint8)[..., np.newaxis]


def _resize_chunk(chunk: np.ndarray, image_size: tuple[int, int], resize_mode: str) -> np.ndarray:
    height, width = image_size
    resized = np.empty((len(chunk), height, width, chunk.shape[-1]), dtype=np.uint8)
    for index, image in enumerate(chunk):
        pil_image = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
        resized[index] = np.asarray(resize_image(pil_image, image_size, resize_mode)).reshape(
            height, width, chunk.shape[-1])
    return resized
