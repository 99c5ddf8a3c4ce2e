"""The Python API that mirrors the CLI: `train`, `evaluate`, `predict`.

Example:
    import visionlab
    run = visionlab.train("mnist-codelab-cnn", overrides=["train.epochs=2"])
    run.metrics["test_accuracy"]
    run.predict(["digit.png"], top_k=3)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.data.dataset import ImageDataset, Split
from visionlab.errors import DataError, RunError
from visionlab.experiments import runs, transfer, transfer_model
from visionlab.experiments.config import DataConfig, ExperimentConfig, load_config
from visionlab.training.heads import OutputSpec, output_spec

ConfigSource = str | os.PathLike | dict | ExperimentConfig | None


def prepare_dataset(data: DataConfig, seed: int, progress: bool = True) -> ImageDataset:
    """Load the configured dataset, subsample if asked, carve a stratified validation split.

    Built-in array datasets are resized (`data.image_size`, `data.color_mode`) after
    subsampling, so 100 images per class of Fashion-MNIST at 96x96 resize 1,000 images, not
    70,000. Folders are decoded at the target size directly.
    """
    from visionlab.data.loading import load_dataset
    from visionlab.data.registry import is_registered
    from visionlab.data.splits import split_validation

    resize_later = is_registered(data.dataset) and (data.image_size or data.color_mode)
    dataset = load_dataset(
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
    if data.train_per_class:
        dataset = _subsample_per_class(dataset, data.train_per_class, seed)
    if data.test_per_class and "test" in dataset.splits:
        dataset = _subsample_per_class(dataset, data.test_per_class, seed, split_name="test")
    if data.validation_split > 0 and "validation" not in dataset.splits:
        dataset = split_validation(dataset, data.validation_split, seed)
    if resize_later:
        from visionlab.data.transforms import conform

        dataset = conform(dataset, image_size=data.image_size, color_mode=data.color_mode,
                          resize_mode=data.resize_mode)
    return dataset


def _subsample_per_class(dataset: ImageDataset, per_class: int, seed: int,
                         split_name: str = "train") -> ImageDataset:
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


def build_model(config: ExperimentConfig, dataset: ImageDataset, spec: OutputSpec) -> Any:
    """Create the registry model wrapped with augmentation and input scaling layers."""
    from visionlab.models.registry import create_model
    from visionlab.training.fit import augmentation_layers, build_training_model, scaling_layers

    image_shape = dataset.image_shape
    if config.transfer is not None or transfer_model.is_backbone(config.model.name):
        body = transfer_model.build_transfer_body(config, image_shape, spec.num_outputs,
                                                  spec.activation)
    else:
        body = create_model(config.model.name, input_shape=image_shape,
                            num_outputs=spec.num_outputs, output_activation=spec.activation,
                            **config.model.arguments)
    preprocessing = [
        *augmentation_layers(config.augment, config.train.seed),
        *scaling_layers(config.data.normalize, dataset.split("train").images),
    ]
    return build_training_model(body, image_shape=image_shape, preprocessing=preprocessing,
                                name=_model_name(config.name))


def _model_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
    return cleaned or "visionlab_model"


def _preflight(config: ExperimentConfig, dataset: ImageDataset, model: Any,
               spec: OutputSpec) -> list[str]:
    from visionlab.training.preflight import PreflightFacts, in_memory_bytes, run_preflight

    train = dataset.split("train")
    facts = PreflightFacts(
        loss=spec.loss,
        output_units=int(model.outputs[0].shape[-1]),
        output_activation=spec.activation,
        one_hot_labels=spec.one_hot,
        num_classes=dataset.num_classes,
        train_size=len(train),
        batch_size=config.train.batch_size,
        model_params=int(model.count_params()),
        optimizer=config.train.optimizer,
        image_shape=dataset.image_shape,
        in_memory_bytes=in_memory_bytes(*(split.images for split in dataset.splits.values())),
        normalize=config.data.normalize,
        backbone_preprocessing=transfer_model.preprocessing_description(config),
    )
    return run_preflight(facts)


def prepare_experiment(
    config: ConfigSource, overrides: list[str] | None = None, verbose: int = 1
) -> tuple[ExperimentConfig, ImageDataset, OutputSpec, Any, list[str]]:
    """Resolve the config, seed, load the data, build the (uncompiled) model, run pre-flight.

    Returns:
        `(config, dataset, output_spec, model, preflight_warnings)`.
    """
    from visionlab.experiments.environment import seed_everything

    resolved = load_config(config, overrides)
    seed_everything(resolved.train.seed, resolved.train.deterministic)
    dataset = prepare_dataset(resolved.data, resolved.train.seed, progress=verbose > 0)
    spec = output_spec(resolved.train.loss, resolved.train.output_activation, dataset.num_classes)
    model = build_model(resolved, dataset, spec)
    warnings = _preflight(resolved, dataset, model, spec)
    return resolved, dataset, spec, model, warnings


def train(
    config: ConfigSource = None,
    *,
    overrides: list[str] | None = None,
    name: str | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
    verbose: int = 1,
    report: bool = True,
    extra_info: dict[str, Any] | None = None,
    callbacks: list[Any] | None = None,
) -> runs.Run:
    """Train an experiment and return its completed `Run`.

    Args:
        config: a TOML path, a recipe name, a dict, an `ExperimentConfig`, or None (defaults).
        overrides: `"section.key=value"` strings applied on top. Defaults to None.
        name: run name (folder prefix). Defaults to the config's `name`.
        runs_dir: parent folder of runs. Defaults to `$VISIONLAB_RUNS` or `./runs`.
        verbose: 0 for silence, 1 for progress. Defaults to 1.
        report: write report.html at the end. Defaults to True.
        extra_info: facts stored in run.json (e.g. a repeat group). Defaults to None.
        callbacks: extra Keras callbacks for `fit`. Defaults to None.

    Raises:
        ConfigError, DataError, TrainingError: with a message naming the fix.
        TrainingInterrupted: after Ctrl-C, once the partial run folder is saved.
    """
    from visionlab.experiments.trainer import TrainingJob
    from visionlab.training.fit import compile_model
    from visionlab.training.schedules import get_schedule, learning_rate_and_callbacks

    resolved, dataset, spec, model, warnings = prepare_experiment(config, overrides, verbose)
    if resolved.transfer is None:  # transfer phases compile per phase
        steps_per_epoch = -(-len(dataset.split("train")) // resolved.train.batch_size)
        schedule = get_schedule(resolved.train.schedule, base_lr=resolved.train.learning_rate,
                                epochs=resolved.train.epochs, steps_per_epoch=steps_per_epoch)
        learning_rate, schedule_callbacks = learning_rate_and_callbacks(schedule)
        compile_model(model, resolved.train, spec, learning_rate)

    run_dir = runs.new_run_dir(name or resolved.name, runs_dir)
    job = TrainingJob(resolved, dataset, spec, run_dir, verbose=verbose)
    job.write_header(model, extra={"warnings": warnings, **(extra_info or {})})
    if verbose:
        _print_start(run_dir, dataset, model, warnings)
    if resolved.transfer is not None:
        rows = transfer.fit_transfer(job, model, [*_early_stopping(resolved), *(callbacks or [])])
        return job.finish(model, rows, report=report)
    rows = job.fit(model, epochs=resolved.train.epochs,
                   extra_callbacks=[*schedule_callbacks, *_early_stopping(resolved),
                                    *(callbacks or [])])
    return job.finish(model, rows, report=report)


def resume(run_path: str | os.PathLike[str], *, verbose: int = 1, report: bool = True) -> runs.Run:
    """Continue an interrupted or killed run from its last complete epoch.

    With the same seed the finished run is identical to one that was never interrupted.
    """
    from visionlab.experiments.environment import seed_everything
    from visionlab.experiments.trainer import TrainingJob
    from visionlab.training.checkpoints import load_checkpoint, restore_early_stopping
    from visionlab.training.schedules import get_schedule, learning_rate_and_callbacks

    run = runs.Run(run_path)
    if run.status == "completed":
        raise RunError(f"Run '{run.path}' already completed; nothing to resume.")
    config = run.config
    seed_everything(config.train.seed, config.train.deterministic)
    model, state = load_checkpoint(run.path / runs.CHECKPOINT_DIR)
    dataset = prepare_dataset(config.data, config.train.seed, progress=verbose > 0)
    recorded = run.info.get("dataset", {}).get("checksum")
    if recorded and recorded != dataset.checksum:
        raise DataError(
            f"The data changed since run '{run.path}' started (checksum {recorded[:12]}… became "
            f"{dataset.checksum[:12]}…), so resuming would not reproduce it. Restore the original "
            "files or start a new run."
        )
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    next_epoch = int(state["next_epoch"])
    rows = [row for row in run.history if int(row["epoch"]) <= next_epoch]  # 1-based epochs
    steps_per_epoch = -(-len(dataset.split("train")) // config.train.batch_size)
    schedule = get_schedule(config.train.schedule, base_lr=config.train.learning_rate,
                            epochs=config.train.epochs, steps_per_epoch=steps_per_epoch)
    _, schedule_callbacks = learning_rate_and_callbacks(schedule)
    job = TrainingJob(config, dataset, spec, run.path, verbose=verbose)
    job.info = dict(run.info)
    job.save_info(status="running", resumed_from_epoch=next_epoch)
    if verbose:
        from rich.console import Console

        Console().print(f"Resuming [bold]{run.path}[/] at epoch {next_epoch + 1}/"
                        f"{transfer.total_epochs(config)}")
    early_stopping = _early_stopping(config)
    if config.transfer is not None:
        rows = transfer.resume_transfer(job, model, state, rows, early_stopping)
        return job.finish(model, rows, report=report)
    restore_early_stopping(early_stopping, state, run.path / runs.CHECKPOINT_DIR)
    rows = job.fit(model, epochs=config.train.epochs, initial_epoch=next_epoch,
                   history_rows=rows, extra_callbacks=[*schedule_callbacks, *early_stopping])
    return job.finish(model, rows, report=report)


def _early_stopping(config: ExperimentConfig) -> list[Any]:
    settings = config.train.early_stopping
    if settings is None:
        return []
    from visionlab.training.checkpoints import ResumableEarlyStopping

    return [ResumableEarlyStopping(
        monitor=settings.monitor, patience=settings.patience, min_delta=settings.min_delta,
        restore_best_weights=settings.restore_best_weights, mode=settings.mode)]


def _print_start(run_dir: Path, dataset: ImageDataset, model: Any, warnings: list[str]) -> None:
    from rich.console import Console

    console = Console()
    counts = ", ".join(f"{name} {len(split):,}" for name, split in dataset.splits.items())
    console.print(f"Run folder: [bold]{run_dir}[/]")
    console.print(f"Data: {dataset.name} ({counts}; {dataset.num_classes} classes, "
                  f"{'x'.join(map(str, dataset.image_shape))})  Model: {model.count_params():,} "
                  "parameters")
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def evaluate(run: runs.Run | str | os.PathLike[str], data: str | None = None,
             data_path: str | None = None) -> dict[str, Any]:
    """Evaluate a run's model on its own test split, or on another dataset/folder `data`.

    Metrics on the run's own test split are (re)written to metrics.json; on other data they go
    to `evaluations/<name>.json` inside the run folder.
    """
    from visionlab.experiments.trainer import evaluate_split

    run = run if isinstance(run, runs.Run) else runs.Run(run)
    config = run.config
    model = run.load_model()
    if data is None:
        dataset = prepare_dataset(config.data, config.train.seed, progress=False)
        split = dataset.split("test")
        destination = run.path / runs.METRICS_FILE
    else:
        split = _load_other_data(run, data, data_path)
        safe = "".join(ch if ch.isalnum() else "_" for ch in Path(data).name or data)
        destination = run.path / "evaluations" / f"{safe}.json"
    spec = output_spec(config.train.loss, config.train.output_activation, len(run.class_names))
    metrics = evaluate_split(model, split, run.class_names, spec, config.train.batch_size)
    metrics.pop("_y_prob")
    from visionlab import _io

    _io.write_json(destination, metrics)
    return metrics


def _load_other_data(run: runs.Run, data: str, data_path: str | None) -> Split:
    from visionlab.data.loading import load_dataset

    height, width, channels = run.info["dataset"]["image_shape"]
    dataset = load_dataset(data, data_path=data_path, image_size=(height, width),
                           color_mode="grayscale" if channels == 1 else "rgb",
                           resize_mode=run.config.data.resize_mode, test_fraction=0.0,
                           progress=False)
    if dataset.class_names != run.class_names:
        raise DataError(
            f"'{data}' has classes {dataset.class_names} but the run was trained on "
            f"{run.class_names}. Evaluate on data with the same class folders."
        )
    if "test" in dataset.splits:
        return dataset.split("test")
    parts = list(dataset.splits.values())
    return Split(np.concatenate([p.images for p in parts]),
                 np.concatenate([p.labels for p in parts]))


def predict(run: runs.Run | str | os.PathLike[str], paths: list[str | os.PathLike[str]],
            top_k: int = 3) -> list[dict[str, Any]]:
    """Predict image files (or folders of them) with the run's preprocessing and class names.

    Returns one dict per file: `path`, `top` (list of {class, probability}), `predicted`,
    `probability`; a file that cannot be decoded gets `error` instead (it is not fatal).
    """
    from visionlab.data.decode import BadImageError, decode_image
    from visionlab.evaluation.metrics import class_probabilities

    run = run if isinstance(run, runs.Run) else runs.Run(run)
    height, width, channels = run.info["dataset"]["image_shape"]
    color_mode = "grayscale" if channels == 1 else "rgb"
    files = _expand_paths(paths)
    results: list[dict[str, Any]] = []
    images, positions = [], []
    for path in files:
        try:
            images.append(decode_image(path, (height, width), color_mode,
                                       run.config.data.resize_mode))
            positions.append(len(results))
            results.append({"path": str(path)})
        except BadImageError as error:
            results.append({"path": str(path), "error": str(error)})
    if images:
        model = run.load_model()
        batch = np.stack(images).astype(np.float32)
        probabilities = class_probabilities(np.asarray(model.predict(batch, verbose=0)))
        k = max(1, min(top_k, len(run.class_names)))
        for position, row in zip(positions, probabilities):
            order = np.argsort(row)[::-1][:k]
            top = [{"class": run.class_names[i], "probability": float(row[i])} for i in order]
            results[position].update(top=top, predicted=top[0]["class"],
                                     probability=top[0]["probability"])
    return results


_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


def _expand_paths(paths: list[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*")
                            if p.suffix.lower() in _IMAGE_SUFFIXES and not p.name.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            raise DataError(f"Image '{path}' does not exist. Check the path.")
    if not files:
        raise DataError(f"No image files found in {', '.join(map(str, paths))}.")
    return files


def train_repeated(config: ConfigSource, *, overrides: list[str] | None = None,
                   name: str | None = None, runs_dir: str | os.PathLike[str] | None = None,
                   repeat: int = 1, verbose: int = 1, report: bool = True) -> list[runs.Run]:
    """Train `repeat` times with seeds seed, seed+1, …; runs share a `group` for comparison."""
    if repeat <= 1:
        return [train(config, overrides=overrides, name=name, runs_dir=runs_dir,
                      verbose=verbose, report=report)]
    base = load_config(config, overrides)
    group = f"{name or base.name}-x{repeat}"
    finished = []
    for offset in range(repeat):
        seeded = base.model_copy(deep=True)
        seeded.train.seed = base.train.seed + offset
        finished.append(train(seeded, name=f"{name or base.name}-seed{seeded.train.seed}",
                              runs_dir=runs_dir, verbose=verbose, report=report,
                              extra_info={"group": group}))
    return finished
