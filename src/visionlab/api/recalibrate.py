"""Precise BN after the fact: recompute a finished run's batch-norm statistics, re-evaluate it.

A run trained with lagging batch-norm statistics (`train.precise_bn = false`, or a run from
before precise BN existed) keeps weights that are fine and statistics that are not; the
diagnosis names it "batch-norm statistics lag behind the weights". `recalibrate_bn` applies
the fix that `train.precise_bn` applies during training, the same pass over the same sample of
training images (`visionlab.training.precise_bn`), to the saved model, then evaluates the test
split again.

Example:
    record = visionlab.api.recalibrate_bn("runs/mnist-slice-20261205-101500")
    record["test_accuracy_before"], record["test_accuracy"]
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from visionlab.api.experiment import write_run_report
from visionlab.api.runs import open_run
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import RunError
from visionlab.evaluation.evaluate import evaluate_split
from visionlab.evaluation.interpretation import dead_units_sample
from visionlab.i18n import Message, term
from visionlab.runs import run as run_reader
from visionlab.runs.folder import RunFolder
from visionlab.training.determinism import seed_everything
from visionlab.training.heads import output_spec
from visionlab.training.precise_bn import recompute_batch_norm_statistics, trainable_batch_norms
from visionlab.training.trainer import make_statistics_batches


def recalibrate_bn(run: run_reader.Run | str | os.PathLike[str], *,
                   report: bool = True, verbose: int = 0) -> dict[str, Any]:
    """Recompute a run's batch-norm statistics and rewrite its model, metrics and report.

    Every trainable BatchNormalization (frozen backbone layers are left alone) gets the exact
    average of its batch statistics over the run's training images, as `train.precise_bn`
    computes them; the test split is then evaluated again. Everything is computed before the
    first file is replaced; then model.keras, predictions.npz and metrics.json are each
    replaced atomically, and run.json last, with the record under `recalibrated_bn`. Running
    it again gives the same statistics, so an interrupted rewrite is repaired by a rerun.
    The checkpoint (only for resuming, which a completed run no longer needs) and
    history.csv (what training saw) stay as they were.

    Args:
        run: a run or its folder.
        report: rewrite report.html afterwards. Defaults to True.
        verbose: 1 shows the data loading progress. Defaults to 0.

    Returns:
        The record stored in run.json: `layers`, `batches`, `images`, `seconds`,
        `test_accuracy_before`, `test_accuracy` (and the validation accuracies when the run
        has a validation split).

    Raises:
        RunError: the run has no model.keras, or no trainable batch-norm layer.
        DataError: the run's data changed since it was trained.
    """
    run = open_run(run)
    model = run.load_model()
    if not trainable_batch_norms(model):
        raise RunError(Message("error.run.no_batch_norm", {"path": run.path}))
    config = run.config
    seed_everything(config.train.seed, config.train.deterministic)
    dataset = prepare_dataset(config.data, config.train.seed, progress=verbose > 0)
    run.check_same_data(dataset, term("error.data_changed.recalibrate"),
                        term("error.data_changed.fix_restore"))
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    train, test = dataset.split("train"), dataset.splits.get("test")
    validation = dataset.splits.get("validation")

    def accuracy(split: Any) -> float:
        metrics = evaluate_split(model, split, dataset.class_names, spec, config.train)
        return float(metrics["test_accuracy"])

    record: dict[str, Any] = {"at": dt.datetime.now().isoformat(timespec="seconds")}
    if validation is not None and len(validation):
        record["validation_accuracy_before"] = accuracy(validation)
    if test is not None and len(test):
        record["test_accuracy_before"] = accuracy(test)
    batches = make_statistics_batches(train, config.train, spec, dataset.num_classes)
    started = time.perf_counter()
    record["layers"] = recompute_batch_norm_statistics(model, batches, config.train.seed)
    record.update(seconds=round(time.perf_counter() - started, 3), batches=len(batches),
                  images=batches.image_count)
    if validation is not None and len(validation):
        record["validation_accuracy"] = accuracy(validation)
    metrics: dict[str, Any] = {}
    if test is not None and len(test):
        metrics = evaluate_split(model, test, dataset.class_names, spec, config.train,
                                 dead_units_sample=dead_units_sample(len(test)))
        record["test_accuracy"] = float(metrics["test_accuracy"])

    folder = RunFolder(run.path, info=run.info)
    folder.save_model(model)
    updates: dict[str, Any] = {"recalibrated_bn": record}
    if metrics:
        folder.write_predictions(test.labels, metrics.pop("_y_prob"))
        dead_units = metrics.pop("_dead_units")
        if dead_units is not None:
            updates["dead_units"] = dead_units
        folder.write_metrics(metrics)
    if "test_accuracy" in record:
        updates["test_accuracy"] = record["test_accuracy"]
    folder.save_info(**updates)
    if report:
        write_run_report(folder, test)
    return record
