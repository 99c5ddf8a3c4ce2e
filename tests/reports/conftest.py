"""A small but complete fake run folder (every file of docs/architecture.md but the model)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from visionlab import _io
from visionlab.evaluation.metrics import classification_metrics
from visionlab.runs import folder as runs
from visionlab.training.history import format_history_csv

CLASS_NAMES = ["circle", "square", "triangle", "cross"]
NUM_TEST_IMAGES = 48


@dataclass
class FakeRun:
    path: Path
    test_images: np.ndarray  # uint8 (N, 28, 28, 1), indexed by predictions.npz `indices`


def shape_images(labels: np.ndarray, seed: int = 0) -> np.ndarray:
    """Draw one white shape per label on a dark 28x28 canvas, jittered per image."""
    generator = np.random.default_rng(seed)
    images = np.zeros((len(labels), 28, 28, 1), dtype=np.uint8)
    for index, label in enumerate(labels):
        canvas = Image.new("L", (28, 28), color=int(generator.integers(0, 40)))
        draw = ImageDraw.Draw(canvas)
        x, y = generator.integers(3, 8, size=2)
        box = (int(x), int(y), int(x) + 16, int(y) + 16)
        if label == 0:
            draw.ellipse(box, outline=255, width=3)
        elif label == 1:
            draw.rectangle(box, outline=255, width=3)
        elif label == 2:
            draw.polygon([(box[0], box[3]), (box[2], box[3]), ((box[0] + box[2]) // 2, box[1])],
                         outline=255, width=3)
        else:
            draw.line(box, fill=255, width=3)
            draw.line((box[0], box[3], box[2], box[1]), fill=255, width=3)
        images[index, ..., 0] = np.asarray(canvas)
    return images


def healthy_history(epochs: int = 8, seed: int = 0, peak: float = 0.93) -> list[dict]:
    """A plausible converging history: accuracies rise and level off, loss falls."""
    generator = np.random.default_rng(seed)
    rows = []
    for epoch in range(1, epochs + 1):
        progress = 1 - math.exp(-epoch / 2.5)
        noise = generator.normal(0, 0.004)
        accuracy = 0.5 + (peak + 0.01 - 0.5) * progress
        rows.append({
            "epoch": epoch, "phase": "train", "loss": 1.2 * (1 - progress) + 0.22,
            "accuracy": accuracy, "val_loss": 1.1 * (1 - progress) + 0.26 + noise,
            "val_accuracy": accuracy - 0.01 + noise, "lr": 0.001, "seconds": 2.0 + 0.1 * epoch,
        })
    return rows


def write_fake_run(folder: Path, *, name: str = "shapes-cnn", seed: int = 0,
                   history: list[dict] | None = None, config_extra: str = "",
                   group: str | None = None, with_test: bool = True) -> FakeRun:
    """Write a run folder like `visionlab train` does; return it with its test images."""
    folder.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(seed)
    history = history if history is not None else healthy_history(seed=seed)
    y_true = np.repeat(np.arange(len(CLASS_NAMES)), NUM_TEST_IMAGES // len(CLASS_NAMES))
    test_images = shape_images(y_true, seed=seed)
    # Logits favour the true class for ~80% of images; the rest are confident mistakes.
    logits = generator.normal(0, 1, size=(len(y_true), len(CLASS_NAMES)))
    confident = generator.random(len(y_true)) < 0.8
    logits[np.arange(len(y_true)), y_true] += np.where(confident, 4.0, -1.0)
    y_prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    order = generator.permutation(len(y_true))  # predictions cover the test split shuffled
    metrics = classification_metrics(y_true[order], y_prob[order], CLASS_NAMES)
    metrics["test_loss"] = float(-np.mean(np.log(y_prob[order][np.arange(len(order)),
                                                               y_true[order]])))
    per_class = {name: int(count) for name, count in zip(CLASS_NAMES, np.bincount(y_true))}
    best = max(history, key=lambda row: row["val_accuracy"]) if history else None
    info = {
        "name": name, "status": "completed", "created": "2026-11-23T10:15:00",
        "finished": "2026-11-23T10:15:42", "seconds": 41.7,
        "environment": {"visionlab": "0.1.0", "keras": "3.15.1", "backend": "tensorflow",
                        "backend_version": "2.21.0", "python": "3.11.7",
                        "platform": "Linux-x86_64", "cpu": "Test CPU", "cpu_count": 2,
                        "visionlab_commit": None, "project_commit": None},
        "dataset": {"name": "shapes", "source": "synthetic", "checksum": "ab" * 32,
                    "image_shape": [28, 28, 1], "class_names": CLASS_NAMES,
                    "splits": {"train": {"count": 400, "per_class": {n: 100 for n in CLASS_NAMES}},
                               "test": {"count": len(y_true), "per_class": per_class}},
                    "skipped": 0},
        "model": {"name": "cnn", "params": 12_345, "trainable_params": 12_345},
        "best": ({"epoch": best["epoch"], "val_accuracy": best["val_accuracy"],
                  "val_loss": best["val_loss"]} if best else None),
    }
    if group is not None:
        info["group"] = group
    config = (f'name = "{name}"\n\n[data]\ndataset = "shapes"\n\n[model]\nname = "cnn"\n'
              f'filters = [8, 16]\n\n[train]\nepochs = {len(history)}\nbatch_size = 32\n'
              f'learning_rate = 0.001\nseed = {seed}\n{config_extra}')
    _io.write_text(folder / runs.CONFIG_FILE, config)
    _io.write_json(folder / runs.INFO_FILE, info)
    _io.write_json(folder / runs.CLASS_NAMES_FILE, CLASS_NAMES)
    _io.write_text(folder / runs.HISTORY_FILE, format_history_csv(history))
    _io.write_text(folder / runs.SUMMARY_FILE,
                   'Model: "cnn"\n conv2d (Conv2D)   (None, 26, 26, 8)   80\n'
                   " dense (Dense)     (None, 4)           12,265\nTotal params: 12,345\n")
    if with_test:
        _io.write_json(folder / runs.METRICS_FILE, metrics)
        np.savez(folder / runs.PREDICTIONS_FILE, y_true=y_true[order], y_prob=y_prob[order],
                 indices=order)
    return FakeRun(folder, test_images)


@pytest.fixture(scope="session")
def make_fake_run():
    """The `write_fake_run` function, for tests that need several or differently shaped runs."""
    return write_fake_run


@pytest.fixture
def fake_run(tmp_path: Path) -> FakeRun:
    """A completed 8-epoch run on four synthetic shape classes, with its test images."""
    return write_fake_run(tmp_path / "shapes-cnn-20261123-101500")
