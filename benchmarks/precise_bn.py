"""Precise batch-norm statistics on small data (issue 13): plain Keras vs visionlab, fix on/off.

Not a test; run on demand and record the output in BENCHMARKS.md ("Precise BN"):

    .venv/bin/python benchmarks/precise_bn.py [--seeds 3 4 5]
    .venv/bin/python benchmarks/precise_bn.py --table        # medians of the saved results
    .venv/bin/python benchmarks/precise_bn.py --cost 5       # seconds: epoch vs pass, interleaved

The case: the codelab CNN with batch norm (`codelab_cnn`, 4 BatchNormalization layers) on 3,000
real MNIST images (`data.train_per_class = 300`: 2,700 train, 300 validation), 6 epochs of
batch 64 (258 steps), Adam 1e-3, tested on the 10,000 MNIST test images. Contestants, each a
fresh Python process, in turn for every seed:

- keras: the same architecture and splits trained by plain Keras (`model.fit` on `x / 255`
  arrays, Keras's defaults otherwise), tested as it is ("stale": Keras's moving statistics,
  momentum 0.99) and again after `recompute_batch_norm_statistics` (the fix applied to a plain
  Keras model), with the seconds that pass took;
- off: `visionlab.train` with `train.precise_bn = false` (Keras's statistics);
- auto: `visionlab.train` with the default `train.precise_bn = "auto"`, which measures the lag
  on the first epoch and recomputes the statistics after every epoch when it helps;
- momentum: precise BN off, `model.bn_momentum = 0.9` instead (the other knob).

Reported: test accuracy (median, min-max over seeds) and training seconds (model.fit /
run.json `seconds`, which includes the statistics passes), so "auto" minus "off" is what precise
BN costs a run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_out" / "precise_bn.json"
CONTESTANTS = ("keras", "off", "auto", "momentum")
CASE = {
    "name": "mnist-bn-small",
    "data": {"dataset": "mnist", "train_per_class": 300, "validation_split": 0.1},
    "model": {"name": "codelab_cnn", "batch_norm": True},
    "train": {"epochs": 6, "batch_size": 64, "optimizer": "adam", "learning_rate": 0.001},
}


def run_one(contestant: str, seed: int) -> dict:
    """Train one contestant in this process; return its result row."""
    # Imported here: the driver process never loads TensorFlow, each contestant's process does.
    import keras

    from visionlab import api
    from visionlab.config import load_config
    from visionlab.data.prepare import prepare_dataset
    from visionlab.models.registry import create_model
    from visionlab.training.precise_bn import StatisticsBatches, recompute_batch_norm_statistics

    config = json.loads(json.dumps(CASE))
    config["train"]["seed"] = seed
    row: dict = {"contestant": contestant, "seed": seed}
    if contestant == "keras":
        resolved = load_config(config)
        keras.utils.set_random_seed(seed)
        dataset = prepare_dataset(resolved.data, seed, progress=False)
        train, validation, test = (dataset.split(name) for name in
                                   ("train", "validation", "test"))

        def scaled(images):
            return images.astype("float32") / 255.0

        model = create_model("codelab_cnn", (28, 28, 1), 10, batch_norm=True)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        started = time.perf_counter()
        model.fit(scaled(train.images), train.labels, batch_size=64, epochs=6, verbose=0,
                  validation_data=(scaled(validation.images), validation.labels))
        row["seconds"] = time.perf_counter() - started
        row["test_accuracy"] = model.evaluate(scaled(test.images), test.labels, verbose=0)[1]
        batches = StatisticsBatches(scaled(train.images), train.labels, 64, seed=seed)
        started = time.perf_counter()
        recompute_batch_norm_statistics(model, batches, seed=seed)
        row["pass_seconds"] = time.perf_counter() - started
        row["pass_images"] = batches.image_count
        row["fixed_test_accuracy"] = model.evaluate(scaled(test.images), test.labels,
                                                    verbose=0)[1]
        return row
    overrides = {"off": ["train.precise_bn=false"], "auto": [],
                 "momentum": ["train.precise_bn=false", "model.bn_momentum=0.9"]}[contestant]
    run = api.train(config, overrides=overrides, runs_dir=ROOT / "benchmarks" / "_out" / "runs",
                    verbose=0, report=False)
    row.update(seconds=run.info["seconds"], test_accuracy=run.metrics["test_accuracy"],
               precise_bn=run.info.get("precise_bn"),
               epoch_seconds=[history_row["seconds"] for history_row in run.history],
               val_accuracy=[history_row["val_accuracy"] for history_row in run.history])
    return row


def measure_cost(seed: int, repeats: int) -> dict:
    """Seconds of one training epoch, one statistics pass and one validation, interleaved.

    The same visionlab training model (augmentation-free codelab CNN with batch norm, the
    case's 2,700 training images) alternates the three, `repeats` times, so a machine whose
    speed drifts (a shared VM) slows all three alike; medians are reported.
    """
    # Imported here: the driver process never loads TensorFlow.
    from visionlab.api.experiment import prepare_experiment
    from visionlab.training.fit import compile_model
    from visionlab.training.precise_bn import recompute_batch_norm_statistics
    from visionlab.training.trainer import make_batches, make_statistics_batches

    config = json.loads(json.dumps(CASE))
    config["train"]["seed"] = seed
    resolved, dataset, spec, model, _ = prepare_experiment(config, None, verbose=0)
    compile_model(model, resolved.train, spec, resolved.train.learning_rate)
    train = make_batches(dataset.split("train"), resolved.train, spec, dataset.num_classes,
                         shuffle=True)
    validation = make_batches(dataset.split("validation"), resolved.train, spec,
                              dataset.num_classes)
    statistics_batches = make_statistics_batches(dataset.split("train"), resolved.train, spec,
                                                 dataset.num_classes)
    model.fit(train, epochs=1, verbose=0)  # warm-up: tracing, first-call costs
    recompute_batch_norm_statistics(model, statistics_batches, seed)
    model.evaluate(validation, verbose=0)
    timings: dict[str, list[float]] = {"epoch": [], "pass": [], "validation": []}
    for _ in range(repeats):
        for name, work in (("epoch", lambda: model.fit(train, epochs=1, verbose=0)),
                           ("pass", lambda: recompute_batch_norm_statistics(
                               model, statistics_batches, seed)),
                           ("validation", lambda: model.evaluate(validation, verbose=0))):
            started = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()} | {
        "repeats": repeats, "train_images": len(dataset.split("train")),
        "validation_images": len(dataset.split("validation")),
        "pass_images": statistics_batches.image_count}


def _machine() -> dict:
    import keras  # the versions the contestants' processes use
    import numpy as np
    import tensorflow as tf

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {"cpu": cpu, "cores": os.cpu_count(), "keras": keras.__version__,
            "tensorflow": tf.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "load": os.getloadavg()[0]}


def _table(rows: list[dict]) -> str:
    def spread(values: list[float], scale: float = 100.0, digits: int = 1) -> str:
        if not values:
            return "–"
        values = [value * scale for value in values]
        return (f"{statistics.median(values):.{digits}f} "
                f"({min(values):.{digits}f}–{max(values):.{digits}f})")

    lines = ["| contestant | n | test accuracy % median (min–max) | training s median |",
             "| --- | --- | --- | --- |"]
    by = {name: [row for row in rows if row["contestant"] == name] for name in CONTESTANTS}
    for name in CONTESTANTS:
        group = by[name]
        if not group:
            continue
        label = {"keras": "plain Keras, Keras's statistics", "off": "visionlab, precise_bn=false",
                 "auto": "visionlab, precise_bn=\"auto\" (default)",
                 "momentum": "visionlab, precise_bn=false, bn_momentum=0.9"}[name]
        lines.append(f"| {label} | {len(group)} | "
                     f"{spread([row['test_accuracy'] for row in group])} | "
                     f"{statistics.median(row['seconds'] for row in group):.1f} |")
        if name == "keras":
            lines.append(f"| plain Keras + recompute_batch_norm_statistics | {len(group)} | "
                         f"{spread([row['fixed_test_accuracy'] for row in group])} | "
                         f"+{statistics.median(row['pass_seconds'] for row in group):.1f} "
                         f"(one pass, {group[0]['pass_images']:,} images) |")
    if by["auto"] and by["off"]:
        added = (statistics.median(row["seconds"] for row in by["auto"])
                 - statistics.median(row["seconds"] for row in by["off"]))
        lines.append(f"\nprecise BN (auto) adds {added:+.1f} s per run (median auto − median "
                     "off training seconds). Decisions: " + ", ".join(
                         f"seed {row['seed']}: {'on' if row['precise_bn']['active'] else 'off'}"
                         for row in by["auto"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 4, 5])
    parser.add_argument("--contestants", nargs="+", default=list(CONTESTANTS))
    parser.add_argument("--table", action="store_true", help="print the saved results")
    parser.add_argument("--cost", type=int, metavar="REPEATS",
                        help="time an epoch, a statistics pass and a validation, interleaved")
    parser.add_argument("--one", nargs=2, metavar=("CONTESTANT", "SEED"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(run_one(arguments.one[0], int(arguments.one[1]))))
        return
    if arguments.cost:
        print(json.dumps(_machine()))
        print(json.dumps(measure_cost(arguments.seeds[0], arguments.cost)))
        return
    saved = json.loads(OUT.read_text()) if OUT.is_file() else {"machine": {}, "rows": []}
    if not arguments.table:
        saved["machine"] = _machine()
        for seed in arguments.seeds:
            for contestant in arguments.contestants:
                result = subprocess.run(
                    [sys.executable, __file__, "--one", contestant, str(seed)],
                    capture_output=True, text=True, check=True)
                row = json.loads(result.stdout.strip().splitlines()[-1])
                saved["rows"].append(row)
                OUT.parent.mkdir(parents=True, exist_ok=True)
                OUT.write_text(json.dumps(saved, indent=2))
                print(json.dumps({key: row[key] for key in ("contestant", "seed",
                                                             "test_accuracy", "seconds")}),
                      flush=True)
    print(json.dumps(saved["machine"]))
    print(_table(saved["rows"]))


if __name__ == "__main__":
    main()
