"""The mnist-ablation table two ways: trained one configuration after another, or swept with ASHA.

Not a test; run on demand and record the output in BENCHMARKS.md:

    .venv/bin/python benchmarks/sweep_asha.py                        # the recorded size
    .venv/bin/python benchmarks/sweep_asha.py --train-per-class 100 --epochs 2 --variants 3

- **sequential** (the tutorial's way): each configuration of the shipped `mnist-ablation` sweep
  (its variants, seed 0) trained to the end with `visionlab.train`, one after another in one
  Python process (TensorFlow using every core), as the notebook's cells do. The best
  configuration is known when the last run ends.
- **ASHA**: `visionlab.sweep` of the same configurations on a local Ray with the same cores
  (`--cpus`, one CPU per trial, so `cpus` trials at a time), ASHA stopping poor trials after
  `--grace-period` epochs (`--reduction-factor`). The best configuration is known when the
  sweep returns; the sweep's time includes starting Ray and its workers.

Both train on the same MNIST slice (`data.train_per_class`, `data.test_per_class`) for the same
`--epochs` (a variant's own `train.epochs`, 100 for `batch-8-early-stopping`, is capped to it).
Reported per side: wall time to the best configuration, the best configuration (by best-epoch
validation accuracy) and its final test accuracy, and the epochs trained in all. Results go to
benchmarks/_out/sweep_asha.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_out" / "sweep_asha.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-per-class", type=int, default=1000,
                        help="MNIST training images per class (then 10%% for validation).")
    parser.add_argument("--test-per-class", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--variants", type=int, default=10,
                        help="the first N variants of mnist-ablation (10: all).")
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--grace-period", type=int, default=2)
    parser.add_argument("--reduction-factor", type=float, default=3.0)
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args()

    from visionlab import api  # after argparse: `--help` without TensorFlow
    from visionlab.sweeps.spec import apply_values

    base, spec = api.load_sweep("mnist-ablation")
    variants = dict(list(spec.variants.items())[: args.variants])
    size = {"data.train_per_class": args.train_per_class,
            "data.test_per_class": args.test_per_class, "train.epochs": args.epochs}
    # a variant's own epochs (batch-8-early-stopping: 100) capped to the benchmark's
    variants = {name: {**overrides, **({"train.epochs": args.epochs}
                                       if "train.epochs" in overrides else {})}
                for name, overrides in variants.items()}
    load = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="sweep-asha-"))
    try:
        sized = apply_values(base.to_dict(), size)
        sequential = run_sequential(api, apply_values, sized, variants, scratch / "runs")
        asha = run_asha(api, sized, variants, args, scratch / "sweeps")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or
                    platform.machine(), "load_before": load, "load_after": os.getloadavg()},
        "versions": versions(),
        "size": {"train_per_class": args.train_per_class, "test_per_class": args.test_per_class,
                 "epochs": args.epochs, "configurations": len(variants),
                 "cpus": args.cpus, "grace_period": args.grace_period,
                 "reduction_factor": args.reduction_factor},
        "sequential": sequential,
        "asha": asha,
        "time_ratio": asha["seconds"] / sequential["seconds"],
        "same_best": asha["best"] == sequential["best"],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({key: result[key] for key in ("size", "time_ratio", "same_best")}, indent=2))
    for side in ("sequential", "asha"):
        row = result[side]
        print(f"{side:>10}: {row['seconds']:7.1f} s, best {row['best']} "
              f"(val {row['best_val_accuracy']:.4f}, test {row['best_test_accuracy']:.4f}), "
              f"{row['epochs_trained']} epochs trained")


def run_sequential(api: Any, apply_values: Any, base: dict[str, Any],
                   variants: dict[str, dict[str, Any]], runs_dir: Path) -> dict[str, Any]:
    """Train every configuration to the end, one after another; the best when the last ends."""
    rows = {}
    started = time.perf_counter()
    for name, overrides in variants.items():
        config = apply_values({**base, "name": f"ablation-{name}"},
                              {"train.seed": 0, **overrides})
        run = api.train(config, runs_dir=runs_dir, verbose=0, report=False)
        rows[name] = {"best_val_accuracy": max(row["val_accuracy"] for row in run.history),
                      "test_accuracy": run.metrics["test_accuracy"],
                      "epochs": len(run.history), "seconds": run.info.get("seconds")}
        print(f"sequential {name}: {rows[name]}", flush=True)
    seconds = time.perf_counter() - started
    best = max(rows, key=lambda name: rows[name]["best_val_accuracy"])
    return {"seconds": seconds, "best": best,
            "best_val_accuracy": rows[best]["best_val_accuracy"],
            "best_test_accuracy": rows[best]["test_accuracy"],
            "epochs_trained": sum(row["epochs"] for row in rows.values()), "runs": rows}


def run_asha(api: Any, base: dict[str, Any], variants: dict[str, dict[str, Any]],
             args: argparse.Namespace, sweeps_dir: Path) -> dict[str, Any]:
    """Sweep the same configurations with ASHA on `args.cpus` cores, one CPU per trial."""
    sweep = {**base, "sweep": {
        "metric": "val_accuracy", "mode": "max", "seeds": [0], "scheduler": "asha",
        "grace_period": args.grace_period, "reduction_factor": args.reduction_factor,
        "max_epochs": args.epochs, "cpus_per_trial": 1, "variants": variants}}
    temp_dir = tempfile.mkdtemp(prefix="vlb-", dir="/tmp")  # Ray's socket paths stay short
    try:
        started = time.perf_counter()
        result = api.sweep(sweep, sweeps_dir=sweeps_dir, cpus=args.cpus,
                           temp_dir=temp_dir, report=False)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    trials = {trial["variant"]: trial for trial in result.trials}
    best = result.points[0]["variant"]
    best_run = api.load_run(result.path / trials[best]["run_dir"])
    return {"seconds": seconds, "best": best,
            "best_val_accuracy": trials[best]["best_value"],
            "best_test_accuracy": best_run.metrics.get("test_accuracy"),
            "best_status": trials[best]["status"],
            "epochs_trained": sum(trial["epochs"] for trial in result.trials),
            "trials": {name: {key: trial[key] for key in ("status", "epochs", "best_value")}
                       for name, trial in trials.items()}}


def versions() -> dict[str, str]:
    import keras
    import ray
    import tensorflow as tf

    return {"python": platform.python_version(), "keras": keras.__version__,
            "tensorflow": tf.__version__, "ray": ray.__version__}


if __name__ == "__main__":
    sys.exit(main())
