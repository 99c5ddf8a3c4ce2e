"""Looking before and around training: explore a dataset, preview augmentation, find a
learning rate, list recipes, compare runs.

In a notebook `explore` shows the class table and sample grid, and `compare` the comparison.

Example:
    visionlab.explore("fashion_mnist")
    visionlab.compare(["runs/cnn-a", "runs/cnn-b"], lang="vi")
    visionlab.lr_find("mnist-codelab-cnn")
    visionlab.augment_preview("dogs-cats-tinyvgg", image="cat.jpg")
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tomllib

from visionlab import _io, i18n
from visionlab.api.experiment import ConfigSource, prepare_experiment
from visionlab.config import color_mode_for_channels, load_config
from visionlab.data import loading
from visionlab.data.decode import decode_image
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import ConfigError
from visionlab.i18n import Message, resolve_language
from visionlab.notebook.pages import ExploreSummary, HtmlPage
from visionlab.recipes import list_recipes, recipe_path
from visionlab.reports.compare import compare_runs
from visionlab.reports.explore import explore_dataset
from visionlab.reports.figures import image_grid_figure, lr_finder_figure, save_figure
from visionlab.training.callbacks import EpochTimer
from visionlab.training.fit import augmentation_layers, compile_model
from visionlab.training.lr_finder import LRFinderResult, find_learning_rate, per_epoch_lr_range
from visionlab.training.phases import total_epochs
from visionlab.training.precise_bn import PreciseBatchNorm
from visionlab.training.schedules import get_schedule
from visionlab.training.trainer import make_batches, make_statistics_batches


def explore(data: str | os.PathLike[str], *, data_path: str | os.PathLike[str] | None = None,
            image_size: int | None = None, seed: int = 0,
            output: str | os.PathLike[str] | None = None,
            samples_per_class: int = 5, lang: str | None = None) -> ExploreSummary:
    """Load a dataset and write its overview: class balance, samples, sizes, bad files.

    Args:
        data: a built-in dataset name or an image folder.
        data_path: where a built-in dataset's files are. Defaults to None (search).
        image_size: resize to this side in pixels. Defaults to None (folders: 224).
        seed: seed of the sample images and splits. Defaults to 0.
        output: the output folder. Defaults to `explore/<dataset name>/`.
        samples_per_class: images per class in samples.png. Defaults to 5.
        lang: language of the figures and of the notebook table, `"en"` or `"vi"`. Defaults
            to None (`i18n.resolve_language`).

    Returns:
        The statistics of `visionlab.reports.explore.explore_dataset` (also in explore.json),
        a dict that a notebook shows as the class table and the sample grid.
    """
    lang = resolve_language(lang)
    size = (image_size, image_size) if image_size else None
    dataset = loading.load_dataset(data, data_path=data_path, image_size=size, seed=seed)
    output_dir = Path(output) if output is not None else Path("explore") / _folder_name(
        dataset.name)
    return ExploreSummary(explore_dataset(dataset, output_dir, samples_per_class=samples_per_class,
                                          seed=seed, lang=lang), lang=lang)


def compare(runs: list[Any], *, metric: str = "val_accuracy",
            output_dir: str | os.PathLike[str] = "comparison", lang: str | None = None) -> HtmlPage:
    """Compare runs side by side: write compare.html and compare.png, as `visionlab compare`.

    Args:
        runs: two or more `Run`s or run folders.
        metric: the history column compared and drawn. Defaults to `"val_accuracy"`.
        output_dir: the folder of the two files. Defaults to `comparison/`.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).

    Returns:
        compare.html's path, an `HtmlPage` that a notebook shows as the comparison.
    """
    return HtmlPage(compare_runs(runs, metric=metric, output_dir=output_dir, lang=lang))


def _folder_name(dataset_name: str) -> str:
    """Turn a registry name or a folder path into one safe folder name."""
    name = Path(dataset_name.rstrip("/\\")).name or "dataset"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def augment_preview(
    config: ConfigSource,
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
    resolved = load_config(config, overrides)
    layers = augmentation_layers(resolved.augment, seed)
    if not layers:
        raise ConfigError(Message("error.augment.nothing_to_preview"))
    dataset = prepare_dataset(resolved.data, resolved.train.seed, progress=False)
    height, width, channels = dataset.image_shape
    if image is not None:
        one = decode_image(image, (height, width), color_mode_for_channels(channels),
                           resolved.data.resize_mode)
        batch = np.repeat(one[None], count, axis=0)
        titles = [i18n.t("augment.original")] + [i18n.t("augment.augmented", index=index)
                                                 for index in range(1, count)]
    else:
        train = dataset.split("train")
        rng = np.random.default_rng(seed)
        indices = np.sort(rng.choice(len(train), size=min(count, len(train)), replace=False))
        batch = np.asarray(train.images[indices])
        titles = [dataset.class_names[int(label)] for label in train.labels[indices]]
    augmented = keras.ops.convert_to_numpy(
        keras.Sequential(layers)(batch.astype("float32"), training=True))
    augmented = np.clip(augmented, 0, 255).astype(np.uint8)
    if image is not None:
        augmented[0] = batch[0]
    path = Path(output) if output is not None else Path("augment-preview") / f"{resolved.name}.png"
    save_figure(image_grid_figure(augmented, titles), path)
    return path


def lr_find(
    config: ConfigSource,
    *,
    overrides: list[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    rule: str = "valley",
    per_epoch: bool = False,
    epochs: int | None = None,
    verbose: int = 1,
    lang: str | None = None,
) -> tuple[LRFinderResult, Path]:
    """Run the LR range test for `config`; write `lr_finder.png` and `lr_finder.json`.

    Two variants: fastai's mini-batch sweep over a fraction of an epoch (default), and the
    tutorial's per-epoch range test that trains with `lr = 1e-3 * 10**(epoch/20)` and plots
    validation loss against the learning rate.

    Args:
        config: a TOML path, recipe name, dict or config.
        overrides: `key=value` overrides. Defaults to None.
        output_dir: where to write. Defaults to `lr-find/<config name>/`.
        start_lr: first rate of the mini-batch sweep. Defaults to 1e-7.
        end_lr: last rate of the mini-batch sweep. Defaults to 10.
        num_steps: mini-batches in the sweep. Defaults to 100.
        rule: "valley" or "steepest". Defaults to "valley".
        per_epoch: use the tutorial's per-epoch variant (trains `epochs` epochs with the
            "lr_range" schedule starting at `train.learning_rate`). Defaults to False.
        epochs: epochs of the per-epoch variant. Defaults to the config's `train.epochs`.
        verbose: progress output. Defaults to 1.
        lang: language of the figure, `"en"` or `"vi"`. Defaults to None
            (`i18n.resolve_language`).

    Returns:
        `(LRFinderResult, output folder)`.
    """
    lang = resolve_language(lang)
    config, dataset, spec, model, _ = prepare_experiment(config, overrides, verbose)
    folder = Path(output_dir) if output_dir is not None else Path("lr-find") / config.name
    train_batches = make_batches(dataset.split("train"), config.train, spec,
                                 dataset.num_classes, shuffle=True)
    if per_epoch:
        total = epochs or config.train.epochs
        schedule = get_schedule("lr_range", base_lr=config.train.learning_rate, epochs=total)
        compile_model(model, config.train, spec, schedule(0))
        validation = dataset.splits.get("validation")
        validation_batches = (make_batches(validation, config.train, spec, dataset.num_classes)
                              if validation is not None else None)
        # Validation loss is what this variant reads: measure it with precise statistics
        # when train.precise_bn asks for them (lagging ones would bend the curve).
        precise = PreciseBatchNorm(
            config.train.precise_bn,
            make_statistics_batches(dataset.split("train"), config.train, spec,
                                    dataset.num_classes),
            validation_batches, seed=config.train.seed)
        history = model.fit(train_batches, validation_data=validation_batches, epochs=total,
                            verbose=0, shuffle=False,
                            callbacks=[keras.callbacks.LearningRateScheduler(schedule),
                                       precise, EpochTimer()])
        monitor = "val_loss" if validation_batches is not None else "loss"
        result = per_epoch_lr_range(history, monitor=monitor, rule=rule)
    else:
        compile_model(model, config.train, spec, start_lr)
        result = find_learning_rate(model, train_batches, start_lr=start_lr, end_lr=end_lr,
                                    num_steps=num_steps, rule=rule, seed=config.train.seed)
    title = i18n.t("lr_find.title.per_epoch" if per_epoch else "lr_find.title.mini_batch",
                   lang, name=config.name)
    save_figure(lr_finder_figure(result.learning_rates, result.smoothed_losses,
                                 result.suggested_lr, title=title, lang=lang),
                folder / "lr_finder.png")
    _io.write_json(folder / "lr_finder.json", {
        "config": config.name, "variant": "per_epoch" if per_epoch else "mini_batch",
        "suggested_lr": result.suggested_lr, "rule": result.rule, "reason": result.reason_in(lang),
        "stopped_early": result.stopped_early, "suggestions": result.suggestions,
        "learning_rates": result.learning_rates, "losses": result.losses,
        "smoothed_losses": result.smoothed_losses,
    })
    return result, folder


def recipe_table() -> list[dict[str, Any]]:
    """Return one row per recipe: name, description, dataset, model, and its reference figure.

    `published` says whether that figure is the tutorial's published one (True) or visionlab's
    own target (False); None when the recipe has no reference.
    """
    rows = []
    for name in list_recipes():
        path = recipe_path(name)
        data = tomllib.loads(path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
        reference = data.get("reference", {})
        rows.append({
            "name": name,
            "description": data.get("description", ""),
            "dataset": data.get("data", {}).get("dataset", ""),
            "model": data.get("model", {}).get("name", ""),
            "epochs": total_epochs(load_config(path)),
            "reference_metric": reference.get("metric"),
            "reference_value": reference.get("value"),
            "source": reference.get("source", ""),
            "published": bool(reference.get("published", True)) if reference else None,
        })
    return rows
