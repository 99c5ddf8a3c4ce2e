"""Checks run before training starts, each failing with a message that says the fix.

They catch the mistakes the tutorials warn about before any time is spent: a loss that does not
match the output layer or labels, a batch larger than the dataset, a pretrained backbone fed
unnormalized pixels, or a job that will not fit in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from visionlab.errors import TrainingError


@dataclass(frozen=True)
class PreflightFacts:
    """What the checks need to know about the planned run."""

    loss: str
    output_units: int
    output_activation: str
    one_hot_labels: bool
    num_classes: int
    train_size: int
    batch_size: int
    model_params: int
    optimizer: str
    image_shape: tuple[int, ...]
    in_memory_bytes: int
    backbone_preprocessing: str | None = None
    normalize: str = "rescale"


def run_preflight(facts: PreflightFacts, available_bytes: int | None = None) -> list[str]:
    """Run every check; raise TrainingError listing all problems, or return warnings.

    Args:
        facts: the planned run.
        available_bytes: memory available for the job. Defaults to MemAvailable of this machine.
    """
    problems: list[str] = []
    warnings: list[str] = []
    problems += _check_loss_and_outputs(facts)
    if facts.batch_size > facts.train_size:
        problems.append(
            f"train.batch_size = {facts.batch_size} is larger than the training set "
            f"({facts.train_size} images). Set train.batch_size to at most {facts.train_size} "
            "(32 is a good start)."
        )
    if facts.backbone_preprocessing and facts.normalize != "none":
        problems.append(
            f"The pretrained backbone applies its own preprocessing "
            f"({facts.backbone_preprocessing}) to raw 0..255 pixels, but data.normalize = "
            f"'{facts.normalize}' scales them first, so it would see the wrong input range. "
            "Set data.normalize = 'none'."
        )
    estimate = estimate_memory_bytes(facts)
    available = available_bytes if available_bytes is not None else available_memory_bytes()
    if available and estimate > available:
        problems.append(
            f"The run needs about {estimate / 2**30:.1f} GiB of memory but only "
            f"{available / 2**30:.1f} GiB is available. Lower train.batch_size, use a smaller "
            "data.image_size, or a smaller model."
        )
    elif available and estimate > 0.7 * available:
        warnings.append(
            f"The run needs about {estimate / 2**30:.1f} GiB of the {available / 2**30:.1f} GiB "
            "available; close other programs or lower train.batch_size if it slows down."
        )
    if problems:
        raise TrainingError("Pre-flight check failed:\n  - " + "\n  - ".join(problems))
    return warnings


def _check_loss_and_outputs(facts: PreflightFacts) -> list[str]:
    problems = []
    if facts.output_units == 1 and facts.output_activation == "softmax":
        problems.append(
            "The model ends in one unit with softmax, which always outputs 1.0, so it cannot "
            "learn. For two classes use one sigmoid unit with binary_crossentropy "
            "(train.output_activation = 'sigmoid'), or two softmax units with "
            "sparse_categorical_crossentropy."
        )
    if facts.loss == "binary_crossentropy":
        expected = 1 if facts.num_classes == 2 else facts.num_classes
        if facts.output_units != expected:
            problems.append(
                f"binary_crossentropy with {facts.num_classes} classes needs {expected} output "
                f"unit(s) but the model has {facts.output_units}."
            )
    else:
        if facts.output_units != facts.num_classes:
            problems.append(
                f"train.loss = '{facts.loss}' needs one output unit per class "
                f"({facts.num_classes}) but the model has {facts.output_units}."
            )
        if facts.loss == "categorical_crossentropy" and not facts.one_hot_labels:
            problems.append(
                "categorical_crossentropy needs one-hot labels; use "
                "sparse_categorical_crossentropy for integer labels."
            )
        if facts.loss == "sparse_categorical_crossentropy" and facts.one_hot_labels:
            problems.append(
                "sparse_categorical_crossentropy needs integer labels, but the labels are one-hot; "
                "use categorical_crossentropy."
            )
    return problems


_OPTIMIZER_SLOTS = {"sgd": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def estimate_memory_bytes(facts: PreflightFacts) -> int:
    """Rough peak memory of training: data in RAM, weights+gradients+optimizer slots, one batch.

    Activations are estimated as 40 float32 feature maps the size of the input per image (a
    generous figure for the small CNNs here); good enough to catch runs that are 10x too big.
    """
    weight_copies = 2 + _OPTIMIZER_SLOTS.get(facts.optimizer, 2)  # weights, gradients, slots
    parameter_bytes = facts.model_params * 4 * weight_copies
    pixels = int(np.prod(facts.image_shape))
    activation_bytes = facts.batch_size * pixels * 4 * 40
    return int(facts.in_memory_bytes + parameter_bytes + activation_bytes)


def available_memory_bytes() -> int | None:
    """Return MemAvailable from /proc/meminfo (Linux), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def in_memory_bytes(*arrays: Any) -> int:
    """Bytes of arrays that live in RAM (memory-mapped arrays stream from disk and count 0)."""
    return int(sum(array.nbytes for array in arrays if not isinstance(array, np.memmap)))
