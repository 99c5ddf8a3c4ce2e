"""Fit-loop glue: assemble the trainable model (augmentation + scaling + body) and compile it.

Pixels reach the model as float32 0..255. Augmentation (Keras preprocessing layers, active only in
training) and scaling (`Rescaling` or `Normalization` with train statistics) are layers of the
saved model, so prediction on new images uses exactly the training preprocessing.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from visionlab.config import AugmentConfig, TrainConfig
from visionlab.training.heads import OutputSpec, get_loss
from visionlab.training.optimizers import make_optimizer


def channel_statistics(images: np.ndarray, chunk_size: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Return per-channel mean and variance of uint8 images (N, H, W, C), reading in chunks.

    Chunking keeps memory flat for memory-mapped datasets larger than RAM.
    """
    channels = images.shape[-1]
    total = np.zeros(channels)
    total_sq = np.zeros(channels)
    count = 0
    for start in range(0, len(images), chunk_size):
        block = np.asarray(images[start:start + chunk_size], dtype=np.float64)
        block = block.reshape(-1, channels)
        total += block.sum(axis=0)
        total_sq += np.square(block).sum(axis=0)
        count += len(block)
    mean = total / max(count, 1)
    variance = np.maximum(total_sq / max(count, 1) - np.square(mean), 1e-12)
    return mean, variance


def augmentation_layers(augment: AugmentConfig, seed: int) -> list[keras.layers.Layer]:
    """Return Keras preprocessing layers for the configured augmentation (empty when off)."""
    layers: list[keras.layers.Layer] = []
    if augment.flip:
        layers.append(keras.layers.RandomFlip(augment.flip, seed=seed, name="augment_flip"))
    if augment.rotation:
        layers.append(keras.layers.RandomRotation(augment.rotation, seed=seed + 1,
                                                  name="augment_rotation"))
    if augment.zoom:
        layers.append(keras.layers.RandomZoom(augment.zoom, seed=seed + 2, name="augment_zoom"))
    if augment.translation:
        layers.append(keras.layers.RandomTranslation(augment.translation, augment.translation,
                                                     seed=seed + 3, name="augment_translation"))
    if augment.brightness:
        layers.append(keras.layers.RandomBrightness(augment.brightness, value_range=(0, 255),
                                                    seed=seed + 4, name="augment_brightness"))
    if augment.contrast:
        layers.append(keras.layers.RandomContrast(augment.contrast, seed=seed + 5,
                                                  name="augment_contrast"))
    return layers


def scaling_layers(normalize: str, train_images: np.ndarray | None) -> list[keras.layers.Layer]:
    """Return the input scaling for `normalize`: none, rescale (/255) or standardize (mean/std)."""
    if normalize == "none":
        return []
    if normalize == "rescale":
        return [keras.layers.Rescaling(1.0 / 255.0, name="rescale")]
    if train_images is None:
        raise ValueError("normalize='standardize' needs the training images to compute statistics.")
    mean, variance = channel_statistics(train_images)
    return [keras.layers.Normalization(axis=-1, mean=mean.tolist(), variance=variance.tolist(),
                                       name="standardize")]


def build_training_model(
    body: keras.Model,
    *,
    image_shape: tuple[int, int, int],
    preprocessing: list[keras.layers.Layer],
    name: str = "visionlab_model",
) -> keras.Model:
    """Wrap `body` with preprocessing layers into one model taking float32 0..255 images.

    Args:
        body: the architecture from the model registry.
        image_shape: (height, width, channels).
        preprocessing: layers applied in order before the body (augmentation, then scaling).
        name: the model's name.
    """
    inputs = keras.Input(shape=image_shape, name="pixels")
    tensor = inputs
    for layer in preprocessing:
        tensor = layer(tensor)
    outputs = body(tensor)
    return keras.Model(inputs, outputs, name=name)


def accuracy_metric(spec: OutputSpec) -> keras.metrics.Metric:
    """Return the accuracy that matches the head: binary, categorical (argmax) or sparse."""
    if spec.binary_single_unit:
        return keras.metrics.BinaryAccuracy(name="accuracy")
    if spec.one_hot:
        # One sigmoid per class with one-hot labels is scored like softmax: by argmax.
        return keras.metrics.CategoricalAccuracy(name="accuracy")
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def training_loss(spec: OutputSpec, label_smoothing: float = 0.0) -> str | keras.losses.Loss:
    """Return the loss `compile` gets: the head's loss name, or a Keras loss with smoothing.

    Args:
        spec: the head (its loss name).
        label_smoothing: Keras's `label_smoothing` factor; only the categorical and binary
            cross-entropies take it (the config rejects it for the sparse one). Defaults to 0.0.
    """
    if not label_smoothing:
        return spec.loss
    return get_loss(spec.loss, label_smoothing=label_smoothing)


def compile_model(
    model: keras.Model,
    train: TrainConfig,
    spec: OutputSpec,
    learning_rate: float | Any | None = None,
) -> None:
    """Compile `model` with the configured optimizer, the head's loss and a matching accuracy."""
    model.compile(
        optimizer=make_optimizer(train, learning_rate),
        loss=training_loss(spec, train.label_smoothing),
        metrics=[accuracy_metric(spec)],
        jit_compile=train.jit_compile,  # True, False or "auto" (validated by TrainConfig)
    )


def compile_sharing_optimizer(top: keras.Model, model: keras.Model, train: TrainConfig,
                              spec: OutputSpec) -> None:
    """Compile `top`, a model made of compiled `model`'s trainable layers, with its optimizer.

    The optimizer is built on `model`'s trainable variables first (the same variables as
    `top`'s), so the slots it saves with `model` in a checkpoint are in `model`'s order.
    """
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    top.compile(optimizer=optimizer, loss=training_loss(spec, train.label_smoothing),
                metrics=[accuracy_metric(spec)], jit_compile=train.jit_compile)


def balanced_class_weight(labels: np.ndarray, num_classes: int) -> dict[int, float]:
    """Return scikit-learn's 'balanced' class weights as a Keras `class_weight` dict."""
    present = np.unique(labels)
    weights = compute_class_weight("balanced", classes=present, y=np.asarray(labels))
    result = {index: 1.0 for index in range(num_classes)}
    result.update({int(label): float(weight) for label, weight in zip(present, weights)})
    return result
