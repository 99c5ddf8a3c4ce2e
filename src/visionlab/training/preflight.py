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
from visionlab.i18n import Localized, Message, joined, t


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
    """Run every check; raise TrainingError listing all problems, or return warnings (in the
    current language: they are printed and kept in run.json as written).

    Args:
        facts: the planned run.
        available_bytes: memory available for the job. Defaults to MemAvailable of this machine.
    """
    problems: list[Message] = []
    warnings: list[str] = []
    problems += _check_loss_and_outputs(facts)
    if facts.batch_size > facts.train_size:
        problems.append(Message("preflight.batch_size", {
            "batch_size": facts.batch_size, "train_size": facts.train_size}))
    if facts.backbone_preprocessing and facts.normalize != "none":
        problems.append(Message("preflight.backbone_normalize", {
            "preprocessing": facts.backbone_preprocessing, "normalize": facts.normalize}))
    estimate = estimate_memory_bytes(facts)
    available = available_bytes if available_bytes is not None else available_memory_bytes()
    if available and estimate > available:
        problems.append(Message("preflight.memory", {
            "estimate": _gib(estimate), "available": _gib(available)}))
    elif available and estimate > 0.7 * available:
        warnings.append(t("preflight.memory_warning", estimate=_gib(estimate),
                          available=_gib(available)))
    if problems:
        raise TrainingError(Message("preflight.failed", {"problems": joined(problems, "\n  - ")}))
    return warnings


def _gib(size: float) -> Localized:
    """A size in GiB with one decimal, written with the reader's decimal mark."""
    return Localized("decimal", size / 2**30, 1)


def _check_loss_and_outputs(facts: PreflightFacts) -> list[Message]:
    problems = []
    if facts.output_units == 1 and facts.output_activation == "softmax":
        problems.append(Message("preflight.single_softmax"))
    if facts.loss == "binary_crossentropy":
        expected = 1 if facts.num_classes == 2 else facts.num_classes
        if facts.output_units != expected:
            problems.append(Message("preflight.binary_units", {
                "classes": facts.num_classes, "expected": expected,
                "units": facts.output_units}))
    else:
        if facts.output_units != facts.num_classes:
            problems.append(Message("preflight.units_per_class", {
                "loss": facts.loss, "classes": facts.num_classes, "units": facts.output_units}))
        if facts.loss == "categorical_crossentropy" and not facts.one_hot_labels:
            problems.append(Message("preflight.needs_one_hot"))
        if facts.loss == "sparse_categorical_crossentropy" and facts.one_hot_labels:
            problems.append(Message("preflight.needs_integers"))
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
