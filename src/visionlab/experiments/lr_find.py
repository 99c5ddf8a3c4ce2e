"""`visionlab lr-find`: the learning-rate range test for an experiment config.

Two variants: fastai's mini-batch sweep over a fraction of an epoch (default), and the
tutorial's per-epoch range test that trains with `lr = 1e-3 * 10**(epoch/20)` and plots
validation loss against the learning rate.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from visionlab import _io
from visionlab.experiments.api import ConfigSource, prepare_experiment


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
) -> tuple[Any, Path]:
    """Run the LR range test for `config`; write `lr_finder.png` and `lr_finder.json`.

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

    Returns:
        `(LRFinderResult, output folder)`.
    """
    from visionlab.reports.figures import lr_finder_figure, save_figure
    from visionlab.training.fit import compile_model
    from visionlab.training.lr_finder import find_learning_rate, per_epoch_lr_range

    config, dataset, spec, model, _ = prepare_experiment(config, overrides, verbose)
    folder = Path(output_dir) if output_dir is not None else Path("lr-find") / config.name
    train = dataset.split("train")
    if per_epoch:
        import keras

        from visionlab.data.pipeline import ArrayBatches
        from visionlab.training.callbacks import EpochTimer
        from visionlab.training.schedules import get_schedule

        total = epochs or config.train.epochs
        schedule = get_schedule("lr_range", base_lr=config.train.learning_rate, epochs=total)
        compile_model(model, config.train, spec, schedule(0))
        batches = ArrayBatches(train.images, train.labels, config.train.batch_size, shuffle=True,
                               seed=config.train.seed, one_hot=spec.one_hot,
                               num_classes=dataset.num_classes)
        validation = dataset.splits.get("validation")
        validation_batches = (ArrayBatches(validation.images, validation.labels,
                                           config.train.batch_size, one_hot=spec.one_hot,
                                           num_classes=dataset.num_classes)
                              if validation is not None else None)
        history = model.fit(batches, validation_data=validation_batches, epochs=total, verbose=0,
                            shuffle=False,
                            callbacks=[keras.callbacks.LearningRateScheduler(schedule),
                                       EpochTimer()])
        monitor = "val_loss" if validation_batches is not None else "loss"
        result = per_epoch_lr_range(history, monitor=monitor, rule=rule)
    else:
        from visionlab.data.pipeline import ArrayBatches

        compile_model(model, config.train, spec, start_lr)
        batches = ArrayBatches(train.images, train.labels, config.train.batch_size, shuffle=True,
                               seed=config.train.seed, one_hot=spec.one_hot,
                               num_classes=dataset.num_classes)
        result = find_learning_rate(model, batches, start_lr=start_lr, end_lr=end_lr,
                                    num_steps=num_steps, rule=rule, seed=config.train.seed)
    title = f"{config.name}: " + ("per-epoch range test" if per_epoch else "LR range test")
    save_figure(lr_finder_figure(result.learning_rates, result.smoothed_losses,
                                 result.suggested_lr, title=title), folder / "lr_finder.png")
    _io.write_json(folder / "lr_finder.json", {
        "config": config.name, "variant": "per_epoch" if per_epoch else "mini_batch",
        "suggested_lr": result.suggested_lr, "rule": result.rule, "reason": result.reason,
        "stopped_early": result.stopped_early, "suggestions": result.suggestions,
        "learning_rates": result.learning_rates, "losses": result.losses,
        "smoothed_losses": result.smoothed_losses,
    })
    return result, folder
