"""Inference speed: Keras (`model.predict`, a direct call, a `tf.function`) vs the exported
SavedModel, ONNX Runtime and TFLite (LiteRT), on the same model and the same real images.

Not a test; run on demand and record the output in BENCHMARKS.md:

    .venv/bin/python benchmarks/inference.py                      # MNIST CNN, about 2 minutes
    .venv/bin/python benchmarks/inference.py --model lite0        # EfficientNet-Lite0, 224x224
    .venv/bin/python benchmarks/inference.py --run runs/SOME-RUN  # any finished run

Models (each trained here once, cheaply, unless --run is given; the speed does not depend on
how well it learned, the argmax check is only meaningful because it learned something):
    mnist  the `mnist-cnn-fast` recipe (codelab CNN + batch norm, 28x28x1) for 1 epoch on
           300 real MNIST images per class; 100 test images per class.
    lite0  EfficientNet-Lite0 (ImageNet weights, frozen, `head-only` for 1 epoch) on the real
           photos of ../shared/datasets/dogs-vs-cats at 224x224 RGB; 50 test photos per class.

Each run is exported with `visionlab.export_run` (which itself checks parity on the test
images). Then, interleaved (the side order rotates each repeat) `--repeats` times:
    batch 1    `--calls` single-image calls; median latency of the calls
    batch 64   `--batches` calls of 64 images; images/s of the whole pass
for the sides
    predict        model.predict(x, batch_size=len(x), verbose=0)
    predict_on_batch  model.predict_on_batch(x): Keras's own call without predict's per-call
                   set-up (data adapter, callbacks, progress)
    keras call     model(x, training=False), eager
    tf.function    tf.function(model(x, training=False)) with a (None, h, w, c) signature
    saved_model    tf.saved_model.load(...).serve(x)
    onnxruntime    onnxruntime.InferenceSession (CPUExecutionProvider), --threads intra-op
    tflite         LiteRT Interpreter, --threads, input resized to the batch
Reported: medians over repeats, CPU ms per image (getrusage, every thread of this process),
ratios vs model.predict, and per side on all test images at batch 64: the share of argmax
predictions identical to model.predict's and the max abs difference of the probabilities.

Writes benchmarks/_out/inference-<model>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_out"
DOGS_VS_CATS = ROOT.parent / "shared" / "datasets" / "dogs-vs-cats"
BATCH = 64
MODELS = {
    "mnist": ("mnist-cnn-fast", {
        "data": {"train_per_class": 300, "test_per_class": 100},
        "train": {"epochs": 1},
        "augment": {"translation": 0.0},
    }),
    "lite0": ({
        "name": "lite0-dogs-vs-cats",
        "data": {"dataset": str(DOGS_VS_CATS), "image_size": [224, 224], "color_mode": "rgb",
                 "train_per_class": 100, "test_per_class": 50, "validation_split": 0.1,
                 "normalize": "none"},
        "model": {"name": "efficientnet_lite0", "dropout": 0.2},
        "train": {"batch_size": 32, "optimizer": "adam", "seed": 0},
        "transfer": {"strategy": "head-only", "warmup_epochs": 1,
                     "warmup_learning_rate": 0.001},
    }, {}),
}


def machine() -> dict:
    """The CPU, cores, load and versions beside every number."""
    import keras
    import tensorflow as tf

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = {name: metadata.version(name) for name in
                ("visionlab", "onnx", "tf2onnx", "onnxruntime", "ai-edge-litert")}
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "numpy": np.__version__, "keras": keras.__version__, "tensorflow": tf.__version__,
            **versions, "load_average_at_start": os.getloadavg()[0]}


def train_run(model_key: str, runs_dir: Path):
    import visionlab

    config, overrides = MODELS[model_key]
    settings = [f"{section}.{key}={json.dumps(value)}"
                for section, values in overrides.items() for key, value in values.items()]
    return visionlab.api.train(config, overrides=settings, runs_dir=runs_dir, verbose=0,
                               report=False)


def make_sides(run, model, threads: int) -> tuple[dict[str, Callable], dict]:
    """Export the run three ways; return one predict function per side, and the exports."""
    import tensorflow as tf

    from visionlab import api
    from visionlab.export.litert import LiteRTRunner
    from visionlab.export.onnx import OnnxRunner
    from visionlab.export.saved_model import SavedModelRunner

    exports = {name: api.export_run(run, name) for name in ("saved_model", "onnx", "tflite")}
    signature = tf.TensorSpec([None, *model.input_shape[1:]], tf.float32)
    compiled = tf.function(lambda x: model(x, training=False), input_signature=[signature])
    saved_model = SavedModelRunner(exports["saved_model"].artifact)
    onnx = OnnxRunner(exports["onnx"].artifact, threads=threads)
    tflite = LiteRTRunner(exports["tflite"].artifact, threads=threads)
    sides = {
        "predict": lambda x: model.predict(x, batch_size=len(x), verbose=0),
        "predict_on_batch": model.predict_on_batch,
        "keras call": lambda x: np.asarray(model(x, training=False)),
        "tf.function": lambda x: compiled(x).numpy(),
        "saved_model": saved_model,
        "onnxruntime": onnx,
        "tflite": tflite,
    }
    return sides, {name: result.parity for name, result in exports.items()}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def batch1_pass(predict: Callable, images: np.ndarray, calls: int) -> dict:
    latencies = []
    cpu_start = cpu_seconds()
    for index in range(calls):
        image = images[index % len(images)][np.newaxis]
        start = time.perf_counter()
        predict(image)
        latencies.append(time.perf_counter() - start)
    return {"latency_ms": 1000 * statistics.median(latencies),
            "cpu_ms_per_image": 1000 * (cpu_seconds() - cpu_start) / calls}


def batch64_pass(predict: Callable, images: np.ndarray, batches: int) -> dict:
    starts = [(index * BATCH) % max(1, len(images) - BATCH + 1) for index in range(batches)]
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    for offset in starts:
        predict(images[offset:offset + BATCH])
    seconds = time.perf_counter() - start
    count = batches * BATCH
    return {"images_per_s": count / seconds,
            "cpu_ms_per_image": 1000 * (cpu_seconds() - cpu_start) / count}


def agreement(sides: dict[str, Callable], images: np.ndarray) -> dict:
    """Each side on every image at batch 64, against model.predict's probabilities."""
    outputs = {name: np.concatenate([np.asarray(predict(images[start:start + BATCH]))
                                     for start in range(0, len(images), BATCH)])
               for name, predict in sides.items()}
    reference = outputs["predict"]
    return {name: {"same_argmax": float(np.mean(output.argmax(1) == reference.argmax(1))),
                   "max_abs_diff": float(np.abs(output - reference).max())}
            for name, output in outputs.items()}


def measure(sides: dict[str, Callable], images: np.ndarray, repeats: int, calls: int,
            batches: int) -> dict:
    names = list(sides)
    for predict in sides.values():  # warm-up: tracing, allocation, first-call costs
        predict(images[:1])
        predict(images[:BATCH])
    results: dict[str, dict[str, list[dict]]] = {name: {"batch1": [], "batch64": []}
                                                 for name in names}
    for repeat in range(repeats):
        order = names[repeat % len(names):] + names[:repeat % len(names)]
        for name in order:
            results[name]["batch1"].append(batch1_pass(sides[name], images, calls))
        for name in order:
            results[name]["batch64"].append(batch64_pass(sides[name], images, batches))
    return results


def summarize(results: dict, checks: dict) -> list[dict]:
    rows = []
    for name, passes in results.items():
        row = {"side": name}
        for mode, keys in (("batch1", ("latency_ms", "cpu_ms_per_image")),
                           ("batch64", ("images_per_s", "cpu_ms_per_image"))):
            for key in keys:
                row[f"{mode}_{key}"] = statistics.median(item[key] for item in passes[mode])
        row.update(checks[name])
        rows.append(row)
    base = rows[0]
    for row in rows:
        row["batch1_speedup"] = base["batch1_latency_ms"] / row["batch1_latency_ms"]
        row["batch64_speedup"] = row["batch64_images_per_s"] / base["batch64_images_per_s"]
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| side | batch 1 latency ms | vs predict | CPU ms/img | batch 64 images/s "
             "| vs predict | CPU ms/img | same argmax | max abs diff |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(
            f"| {row['side']} | {row['batch1_latency_ms']:.2f} | {row['batch1_speedup']:.1f}x "
            f"| {row['batch1_cpu_ms_per_image']:.2f} | {row['batch64_images_per_s']:,.0f} "
            f"| {row['batch64_speedup']:.2f}x | {row['batch64_cpu_ms_per_image']:.2f} "
            f"| {row['same_argmax']:.1%} | {row['max_abs_diff']:.1e} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="mnist")
    parser.add_argument("--run", type=Path, help="a finished run instead of training one")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200, help="batch-1 calls per pass")
    parser.add_argument("--batches", type=int, default=20, help="batch-64 calls per pass")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads of ONNX Runtime and TFLite (TF uses its own)")
    arguments = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from visionlab import api

    info = machine()
    with tempfile.TemporaryDirectory() as scratch:
        run = api.load_run(arguments.run) if arguments.run else train_run(
            arguments.model, Path(scratch))
        model = run.load_model()
        images = api.load_test_images(run).astype(np.float32)
        sides, export_parity = make_sides(run, model, arguments.threads)
        results = measure(sides, images, arguments.repeats, arguments.calls, arguments.batches)
        rows = summarize(results, agreement(sides, images))
    name = arguments.run.name if arguments.run else arguments.model
    report = {"model": name, "run": str(arguments.run or MODELS[arguments.model][0]),
              "input_shape": list(model.input_shape), "params": model.count_params(),
              "test_images": len(images), "repeats": arguments.repeats,
              "calls": arguments.calls, "batches": arguments.batches,
              "threads": arguments.threads, "machine": info,
              "load_average_at_end": os.getloadavg()[0], "export_parity": export_parity,
              "rows": rows, "passes": results}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"inference-{name}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{name}: input {model.input_shape}, {model.count_params():,} parameters, "
          f"{len(images)} test images, {arguments.repeats} repeats, threads {arguments.threads}, "
          f"load {info['load_average_at_start']:.1f} -> {report['load_average_at_end']:.1f}")
    print(markdown(rows))
    print(f"Results: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
