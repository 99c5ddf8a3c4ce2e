"""Training, wired: config -> dataset -> model -> pre-flight -> fit -> evaluation -> report.

`train`, `resume` and `train_repeated` are the Python API behind `visionlab train`; every stage
they call lives in its own package (data, models, training, evaluation, runs, reports).

Example:
    import visionlab
    run = visionlab.train("mnist-codelab-cnn", overrides=["train.epochs=2"])
    run.metrics["test_accuracy"]
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from typing import Any

import keras
from rich.console import Console

from visionlab import i18n
from visionlab.api.runs import Run, open_run
from visionlab.api.tracking import print_tracking, start_run_tracking, tracking_overrides
from visionlab.config import ExperimentConfig, load_config
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import ConfigError, RunError
from visionlab.evaluation.evaluate import evaluate_split
from visionlab.evaluation.interpretation import dead_units_sample
from visionlab.i18n import Message, term
from visionlab.models.backbones.transfer_body import (
    build_transfer_body,
    is_backbone,
    preprocessing_description,
    run_backbone_path,
)
from visionlab.models.registry import create_model
from visionlab.notebook.progress import notebook_progress
from visionlab.reports import html as html_report
from visionlab.reports.style import split_label
from visionlab.runs.folder import SKIPPED_FILE, RunFolder, new_run_dir
from visionlab.tracking.session import TrackingSession, require_trackers
from visionlab.training import phases
from visionlab.training.checkpoints import (
    has_checkpoint,
    load_checkpoint,
    restore_early_stopping,
)
from visionlab.training.determinism import seed_everything
from visionlab.training.fit import (
    augmentation_layers,
    build_training_model,
    compile_model,
    scaling_layers,
)
from visionlab.training.heads import OutputSpec, output_spec
from visionlab.training.history import is_finite_number
from visionlab.training.preflight import PreflightFacts, in_memory_bytes, run_preflight
from visionlab.training.schedules import learning_rate_plan
from visionlab.training.trainer import Trainer, early_stopping_callbacks

ConfigSource = str | os.PathLike | dict | ExperimentConfig | None


def build_model(config: ExperimentConfig, dataset: ImageDataset, spec: OutputSpec) -> Any:
    """Create the configured model wrapped with augmentation and input scaling layers.

    A backbone or `"run:<folder>"` model gets a new head on the pretrained base, trainable as
    the first phase of `[transfer]` says.
    """
    image_shape = dataset.image_shape
    if config.transfer is not None or is_backbone(config.model.name):
        plan = phases.plan_phases(config) if config.transfer is not None else []
        body = build_transfer_body(config, image_shape, spec.num_outputs, spec.activation,
                                   run_model=_run_base_model(config))
        if plan and plan[0].name in ("full", "scratch"):
            phases.apply_phase_trainability(body, plan[0])
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


def _run_base_model(config: ExperimentConfig) -> Any:
    """The model of a `"run:<folder>"` base (None for other model names)."""
    run_path = run_backbone_path(config.model.name)
    if run_path is None:
        return None
    try:
        return Run(run_path).load_model()
    except RunError as error:
        raise ConfigError(Message("error.model.run_base", {
            "name": config.model.name, "error": error.message})) from None


def _model_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
    return cleaned or "visionlab_model"


def _backbone_preprocessing(config: ExperimentConfig) -> str | None:
    run_path = run_backbone_path(config.model.name)
    if run_path is None:
        return preprocessing_description(config.model.name)
    try:
        normalize = Run(run_path).config.data.normalize
    except RunError:
        return i18n.t("preflight.run_scaling", path=run_path)
    return i18n.t("preflight.run_normalize", path=run_path, normalize=normalize)


def _preflight(config: ExperimentConfig, dataset: ImageDataset, model: Any,
               spec: OutputSpec) -> list[str]:
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
        backbone_preprocessing=_backbone_preprocessing(config),
    )
    return run_preflight(facts)


def prepare_experiment(
    config: ConfigSource, overrides: list[str] | None = None, verbose: int = 1
) -> tuple[ExperimentConfig, ImageDataset, OutputSpec, Any, list[str]]:
    """Resolve the config, load the data, seed, build the (uncompiled) model, run pre-flight.

    Returns:
        `(config, dataset, output_spec, model, preflight_warnings)`.
    """
    resolved = load_config(config, overrides)
    dataset = prepare_dataset(resolved.data, resolved.train.seed, progress=verbose > 0)
    # Seed after the data set-up (a download, a copy, decoding on a cold cache) so that the
    # model's initial weights and every later draw depend only on the config and the seed.
    # A weights conversion inside build_model keeps off the streams by itself (_random.py).
    seed_everything(resolved.train.seed, resolved.train.deterministic)
    spec = output_spec(resolved.train.loss, resolved.train.output_activation, dataset.num_classes)
    model = build_model(resolved, dataset, spec)
    warnings_ = _preflight(resolved, dataset, model, spec)
    return resolved, dataset, spec, model, warnings_


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
    track: str | list[str] | None = None,
    tracking_uri: str | None = None,
) -> Run:
    """Train an experiment and return its completed `Run`.

    In a notebook the progress is one block updated in place, and the returned `Run` shows
    as a summary card.

    Args:
        config: a TOML path, a recipe name, a dict, an `ExperimentConfig`, or None (defaults).
        overrides: `"section.key=value"` strings applied on top. Defaults to None.
        name: run name (folder prefix). Defaults to the config's `name`.
        runs_dir: parent folder of runs. Defaults to `$VISIONLAB_RUNS` or `./runs`.
        verbose: 0 for silence, 1 for progress. Defaults to 1.
        report: write report.html at the end. Defaults to True.
        extra_info: facts stored in run.json (e.g. a repeat group). Defaults to None.
        callbacks: extra Keras callbacks for `fit`. Defaults to None.
        track: experiment trackers to feed as well, `"mlflow"` and/or `"tensorboard"` (sets
            the config's `tracking`). Defaults to None (the config's).
        tracking_uri: MLflow's tracking URI, e.g. a server's (sets `tracking_uri`). Defaults
            to None (the config's, else `$MLFLOW_TRACKING_URI`, else `runs/mlflow.db`).

    Raises:
        ConfigError, DataError, TrainingError: with a message naming the fix.
        TrackingError: a tracker's extra is missing (`pip install 'visionlab[mlflow]'`).
        TrainingInterrupted: after Ctrl-C (or a notebook kernel's interrupt), once the partial
            run folder is saved; `resume(run_folder)` continues it.
    """
    resolved = load_config(config, [*(overrides or []), *tracking_overrides(track, tracking_uri)])
    require_trackers(resolved)  # a missing extra fails before any data is loaded
    resolved, dataset, spec, model, warnings_ = prepare_experiment(resolved, None, verbose)
    folder = RunFolder(new_run_dir(name or resolved.name, runs_dir))
    folder.write_header(resolved, dataset, spec, model,
                        extra={"warnings": warnings_, **(extra_info or {})})
    try:
        tracking = start_run_tracking(folder, resolved)
    except Exception as error:  # e.g. an unreachable tracking server: nothing was trained
        folder.save_info(status="failed", error=f"Tracking could not start: {error}")
        raise
    if verbose:
        _print_start(folder, dataset, model, warnings_, tracking)
    return _fit_from_start(folder, resolved, dataset, spec, model, verbose=verbose,
                           report=report, callbacks=callbacks, tracking=tracking)


def _fit_from_start(folder: RunFolder, config: ExperimentConfig, dataset: ImageDataset,
                    spec: OutputSpec, model: keras.Model, *, verbose: int, report: bool,
                    callbacks: list[Any] | None = None,
                    tracking: TrackingSession | None = None) -> Run:
    """Compile (plain runs; transfer phases compile per phase), fit from epoch 0, finish."""
    tracking = tracking or TrackingSession()
    schedule_callbacks: list[Any] = []
    if config.transfer is None:
        learning_rate, schedule_callbacks = _learning_rate_plan(config, dataset)
        compile_model(model, config.train, spec, learning_rate)
    trainer = Trainer(config, dataset, spec, folder, verbose=verbose,
                      progress=notebook_progress(verbose))
    stopping = [*early_stopping_callbacks(config), *(callbacks or []), *tracking.callbacks()]
    with tracking.during_training():
        if config.transfer is not None:
            rows = phases.fit_transfer(trainer, model, stopping)
        else:
            rows = trainer.fit(model, epochs=config.train.epochs,
                               extra_callbacks=[*schedule_callbacks, *stopping])
        run = finish_run(folder, config, dataset, spec, model, rows, report=report)
    tracking.complete(run)
    return run


def resume(run_path: str | os.PathLike[str], *, verbose: int = 1, report: bool = True) -> Run:
    """Continue an interrupted or killed run from its last complete epoch.

    With the same seed the finished run is identical to one that was never interrupted. A run
    killed before its first epoch ended has no checkpoint: it starts again from epoch 1 in the
    same folder, exactly as `train` would have. A tracked run continues its MLflow run (the
    one in run.json's `tracking`) and its TensorBoard folder.
    """
    run = open_run(run_path)
    if run.status == "completed":
        raise RunError(Message("error.run.already_completed", {"path": run.path}))
    config = run.config
    require_trackers(config)
    folder = RunFolder(run.path, info=run.info)
    if not has_checkpoint(folder.checkpoint_dir):
        return _restart(run, folder, verbose=verbose, report=report)
    seed_everything(config.train.seed, config.train.deterministic)
    model, state = load_checkpoint(folder.checkpoint_dir)
    dataset = prepare_dataset(config.data, config.train.seed, progress=verbose > 0)
    run.check_same_data(dataset, term("error.data_changed.resume"),
                        term("error.data_changed.fix_restore_or_new"))
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    next_epoch = int(state["next_epoch"])
    rows = [row for row in run.history if int(row["epoch"]) <= next_epoch]  # 1-based epochs
    folder.save_info(status="running", resumed_from_epoch=next_epoch)
    tracking = start_run_tracking(folder, config, run.info.get("tracking"))
    trainer = Trainer(config, dataset, spec, folder, verbose=verbose,
                      progress=notebook_progress(verbose))
    if verbose:
        Console().print(i18n.t("train.resuming", path=run.path, epoch=next_epoch + 1,
                               epochs=phases.total_epochs(config)))
        print_tracking(tracking)
    early_stopping = early_stopping_callbacks(config)
    with tracking.during_training():
        if config.transfer is not None:
            rows = phases.resume_transfer(trainer, model, state, rows,
                                          [*early_stopping, *tracking.callbacks()])
        else:
            _, schedule_callbacks = _learning_rate_plan(config, dataset)
            restore_early_stopping(early_stopping, state, folder.checkpoint_dir)
            rows = trainer.fit(model, epochs=config.train.epochs, initial_epoch=next_epoch,
                               history_rows=rows,
                               extra_callbacks=[*schedule_callbacks, *early_stopping,
                                                *tracking.callbacks()])
        finished = finish_run(folder, config, dataset, spec, model, rows, report=report)
    tracking.complete(finished)
    return finished


def _restart(run: Run, folder: RunFolder, *, verbose: int, report: bool) -> Run:
    resolved, dataset, spec, model, _ = prepare_experiment(run.config, None, verbose)
    run.check_same_data(dataset, term("error.data_changed.restart"),
                        term("error.data_changed.fix_restore_or_new"))
    folder.save_info(status="running", resumed_from_epoch=0)
    if verbose:
        Console().print(i18n.t("train.restarting", path=run.path,
                               epochs=phases.total_epochs(resolved)))
    return _fit_from_start(folder, resolved, dataset, spec, model, verbose=verbose,
                           report=report,
                           tracking=start_run_tracking(folder, resolved, run.info.get("tracking")))


def train_repeated(config: ConfigSource, *, overrides: list[str] | None = None,
                   name: str | None = None, runs_dir: str | os.PathLike[str] | None = None,
                   repeat: int = 1, verbose: int = 1, report: bool = True,
                   track: str | list[str] | None = None,
                   tracking_uri: str | None = None) -> list[Run]:
    """Train `repeat` times with seeds seed, seed+1, …; runs share a `group` for comparison.

    `track` and `tracking_uri` are `train`'s: each seed is its own tracked run.
    """
    if repeat <= 1:
        return [train(config, overrides=overrides, name=name, runs_dir=runs_dir,
                      verbose=verbose, report=report, track=track, tracking_uri=tracking_uri)]
    base = load_config(config, [*(overrides or []), *tracking_overrides(track, tracking_uri)])
    group = f"{name or base.name}-x{repeat}"
    finished = []
    for offset in range(repeat):
        seeded = base.model_copy(deep=True)
        seeded.train.seed = base.train.seed + offset
        finished.append(train(seeded, name=f"{name or base.name}-seed{seeded.train.seed}",
                              runs_dir=runs_dir, verbose=verbose, report=report,
                              extra_info={"group": group}))
    return finished


def finish_run(folder: RunFolder, config: ExperimentConfig, dataset: ImageDataset,
               spec: OutputSpec, model: keras.Model, history_rows: list[dict[str, Any]],
               report: bool = True) -> Run:
    """Save the model, evaluate on the test split, mark the run completed, write the report.

    A report that fails is recorded as `report_error` in run.json (and warned about); the run
    itself stays completed.
    """
    folder.save_model(model)
    test = dataset.splits.get("test")
    metrics: dict[str, Any] = {}
    if test is not None and len(test):
        # A transfer run evaluates its top on the test images' stored features.
        cached = phases.evaluation_features(model, config, test.images)
        if cached is not None:
            folder.save_info(test_features=cached.describe())
        metrics = evaluate_split(
            model, test, dataset.class_names, spec, config.train,
            dead_units_sample=dead_units_sample(len(test)),
            features=(cached.cache.top, cached.features) if cached is not None else None)
        folder.write_predictions(test.labels, metrics.pop("_y_prob"))
        dead_units = metrics.pop("_dead_units")
        if dead_units is not None:
            folder.save_info(dead_units=dead_units)
        folder.write_metrics(metrics)
    folder.save_info(
        status="completed",
        finished=dt.datetime.now().isoformat(timespec="seconds"),
        epochs_completed=len(history_rows),
        best=_best_row(history_rows),
        test_accuracy=metrics.get("test_accuracy"),
    )
    if report:
        write_run_report(folder, test)
    return Run(folder.path)


def write_run_report(folder: RunFolder, test: Split | None) -> None:
    """Write the run's report; a failure is recorded as `report_error` and warned about."""
    try:
        html_report.build_report(Run(folder.path),
                                 test_images=test.images if test is not None else None)
    except Exception as error:  # any report bug must not lose the completed run
        message = i18n.t("train.report_failed", kind=type(error).__name__, error=error,
                         path=folder.path)
        folder.save_info(report_error=message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _learning_rate_plan(config: ExperimentConfig, dataset: ImageDataset) -> tuple[Any, list]:
    return learning_rate_plan(config.train.schedule, base_lr=config.train.learning_rate,
                              epochs=config.train.epochs,
                              train_size=len(dataset.split("train")),
                              batch_size=config.train.batch_size)


def _best_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [row for row in rows if is_finite_number(row.get("val_accuracy"))]
    key = "val_accuracy"
    if not scored:
        scored = [row for row in rows if is_finite_number(row.get("accuracy"))]
        key = "accuracy"
    if not scored:
        return None
    best = max(scored, key=lambda row: row[key])
    return {"epoch": best.get("epoch"), "metric": key, "value": best[key],
            "val_loss": best.get("val_loss")}


def _print_start(folder: RunFolder, dataset: ImageDataset, model: Any,
                 warnings_: list[str], tracking: TrackingSession) -> None:
    console, lang = Console(), i18n.current_language()
    counts = ", ".join(f"{split_label(name, lang)} {i18n.format_count(len(split), lang)}"
                       for name, split in dataset.splits.items())
    console.print(i18n.t("train.run_folder", lang, path=folder.path))
    console.print(i18n.t("train.data", lang, name=dataset.name, counts=counts,
                         classes=dataset.num_classes,
                         shape="x".join(map(str, dataset.image_shape)),
                         params=i18n.format_count(model.count_params(), lang)))
    if dataset.skipped:
        skipped = i18n.t("train.skipped", lang, count=i18n.format_count(len(dataset.skipped), lang),
                         path=folder.path / SKIPPED_FILE)
        console.print(f"[yellow]{skipped}[/]", highlight=False, soft_wrap=True)
    print_tracking(tracking)
    for warning in warnings_:
        console.print(f"[yellow]{i18n.t('train.warning_label', lang)}[/] {warning}")
