"""Time to a test accuracy: visionlab's recipe vs the tutorials' plain-Keras way, same model.

Not a test; run on demand and record the output in BENCHMARKS.md:

    .venv/bin/python benchmarks/train_speed.py [--repeat 2] [--datasets fashion_mnist mnist]

For each dataset the two contestants alternate (peer, ours, peer, ours …) so the machine's speed
drift hits both alike. Both train the same architecture (the codelab CNN with batch norm and
dropout) on the same real data:

- peer: the tutorial's cell — `x / 255.0` arrays, `model.fit(x, y, batch_size=128, epochs=...)`,
  Adam with the codelab's per-epoch decay `0.01 * 0.666**epoch`;
- ours: `visionlab.train(recipe)` with the speed settings that won on this CPU (see BENCHMARKS.md),
  i.e. a one-cycle learning-rate schedule that reaches the targets in fewer epochs.

Timing is training wall time only: a callback evaluates the test set after each epoch and
subtracts its own time. Reported: seconds to each target (median over repeats), seconds/epoch,
and train-step GFLOP/s as a share of numpy's float32 matmul GFLOP/s measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_out" / "train_speed.json"
TARGETS = {"fashion_mnist": (0.92,), "mnist": (0.99, 0.995)}
MAX_EPOCHS = {"fashion_mnist": 12, "mnist": 12}
OURS = {
    "model": {"name": "codelab_cnn", "batch_norm": True, "dropout": 0.3},
    "data": {"normalize": "rescale", "validation_split": 0.1},
    "train": {"batch_size": 128, "optimizer": "adam", "learning_rate": 0.01,
              "loss": "sparse_categorical_crossentropy",
              "schedule": {"name": "one_cycle", "pct_start": 0.25}},
}
OURS_EPOCHS = {"fashion_mnist": 8, "mnist": 6}


def sgemm_gflops(size: int = 1024, repeats: int = 10) -> float:
    """Measure numpy float32 matmul GFLOP/s (median of `repeats`)."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((size, size), dtype=np.float32)
    a @ b
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        rates.append(2 * size**3 / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


def forward_flops(model) -> int:
    """Multiply-adds x 2 of the Conv2D and Dense layers for one image."""
    import keras

    total = 0
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, channels_out = layer.output.shape
            kernel_height, kernel_width = layer.kernel_size
            channels_in = layer.input.shape[-1]
            total += 2 * height * width * kernel_height * kernel_width * channels_in * channels_out
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return int(total)


class TimeToAccuracy:
    """Keras callback factory: test accuracy after each epoch, training time without eval time."""

    def __new__(cls, images, labels, targets):
        import keras

        class _Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.started = time.perf_counter()
                self.excluded = 0.0
                self.epochs = []  # (training seconds so far, test accuracy)

            def on_epoch_end(self, epoch, logs=None):
                trained = time.perf_counter() - self.started - self.excluded
                begin = time.perf_counter()
                probabilities = self.model.predict(images, batch_size=1000, verbose=0)
                accuracy = float(np.mean(np.argmax(probabilities, axis=1) == labels))
                self.excluded += time.perf_counter() - begin
                self.epochs.append((trained, accuracy))
                print(f"    epoch {epoch + 1}: {trained:6.1f}s  test {accuracy:.4f}", flush=True)
                if accuracy >= max(targets):
                    self.model.stop_training = True

            def time_to(self, target):
                return next((seconds for seconds, accuracy in self.epochs if accuracy >= target),
                            None)

        return _Callback()


def run_peer(dataset_name: str, seed: int) -> dict:
    """The tutorial's way: arrays / 255, model.fit, LearningRateScheduler with codelab decay."""
    import keras

    from visionlab.data.loading import load_dataset
    from visionlab.models.registry import create_model

    keras.utils.set_random_seed(seed)
    dataset = load_dataset(dataset_name, progress=False)
    train, test = dataset.split("train"), dataset.split("test")
    x_train = np.asarray(train.images, dtype=np.float32) / 255.0
    x_test = np.asarray(test.images, dtype=np.float32) / 255.0
    model = create_model("codelab_cnn", input_shape=x_train.shape[1:], num_outputs=10,
                         batch_norm=True, dropout=0.3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    tracker = TimeToAccuracy(x_test, test.labels, TARGETS[dataset_name])
    decay = keras.callbacks.LearningRateScheduler(lambda epoch: 0.01 * 0.666**epoch)
    model.fit(x_train, train.labels, batch_size=128, epochs=MAX_EPOCHS[dataset_name],
              callbacks=[decay, tracker], verbose=0)
    return _summary(tracker, dataset_name, model, len(x_train))


def run_ours(dataset_name: str, seed: int, runs_dir: Path) -> dict:
    """visionlab.train with the winning settings; same architecture and data."""
    import visionlab
    from visionlab.data.loading import load_dataset

    test = load_dataset(dataset_name, progress=False).split("test")
    config = json.loads(json.dumps(OURS))
    config["name"] = f"speed-{dataset_name}"
    config["data"]["dataset"] = dataset_name
    config["train"]["epochs"] = OURS_EPOCHS[dataset_name]
    config["train"]["seed"] = seed
    tracker = TimeToAccuracy(np.asarray(test.images, dtype=np.float32), test.labels,
                             TARGETS[dataset_name])
    run = visionlab.train(config, runs_dir=runs_dir, verbose=0, report=False, callbacks=[tracker])
    train_count = run.info["dataset"]["splits"]["train"]["count"]
    return _summary(tracker, dataset_name, run.load_model(), train_count)


def _summary(tracker, dataset_name: str, model, train_count: int) -> dict:
    seconds_per_epoch = tracker.epochs[0][0] if len(tracker.epochs) == 1 else (
        (tracker.epochs[-1][0] - tracker.epochs[0][0]) / (len(tracker.epochs) - 1))
    flops_per_image = 3 * forward_flops(model)  # forward + backward (2x forward)
    return {
        "epochs": len(tracker.epochs),
        "final_test_accuracy": tracker.epochs[-1][1],
        "seconds_per_epoch": seconds_per_epoch,
        "train_gflops": flops_per_image * train_count / seconds_per_epoch / 1e9,
        "time_to": {str(t): tracker.time_to(t) for t in TARGETS[dataset_name]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--datasets", nargs="*", default=list(TARGETS))
    parser.add_argument("--table", action="store_true", help="Print the table of saved results.")
    args = parser.parse_args()
    if args.table:
        print_table(json.loads(OUT.read_text()))
        return 0


    results: dict = {"machine": {}, "runs": []}
    for repeat in range(args.repeat):
        for dataset_name in args.datasets:
            for contestant in ("peer", "ours"):
                gemm = sgemm_gflops()
                print(f"[{repeat + 1}/{args.repeat}] {dataset_name} {contestant} "
                      f"(numpy sgemm {gemm:.0f} GFLOP/s)", flush=True)
                if contestant == "peer":
                    outcome = run_peer(dataset_name, seed=repeat)
                else:
                    outcome = run_ours(dataset_name, repeat, ROOT / "benchmarks" / "_out" / "runs")
                outcome.update(dataset=dataset_name, contestant=contestant, repeat=repeat,
                               sgemm_gflops=gemm)
                results["runs"].append(outcome)
                if not results["machine"]:
                    from visionlab.experiments.environment import environment_info

                    results["machine"] = environment_info()
                OUT.parent.mkdir(parents=True, exist_ok=True)
                OUT.write_text(json.dumps(results, indent=2))
    OUT.write_text(json.dumps(results, indent=2))
    print_table(results)
    return 0


def print_table(results: dict) -> None:
    """Print a Markdown table of medians and ratios."""
    print("| dataset | target | peer s (median) | ours s (median) | speed-up |")
    print("| --- | --- | --- | --- | --- |")
    datasets = sorted({run["dataset"] for run in results["runs"]})
    for dataset_name in datasets:
        for target in TARGETS[dataset_name]:
            times = {}
            for contestant in ("peer", "ours"):
                values = [run["time_to"][str(target)] for run in results["runs"]
                          if run["dataset"] == dataset_name and run["contestant"] == contestant]
                reached = [value for value in values if value is not None]
                times[contestant] = (statistics.median(reached) if len(reached) == len(values)
                                     and reached else None)
            peer, ours = times["peer"], times["ours"]
            ratio = f"{peer / ours:.2f}x" if peer and ours else "n/a"
            show = lambda value: f"{value:.0f}" if value else "not reached"  # noqa: E731
            print(f"| {dataset_name} | {target:.1%} | {show(peer)} | {show(ours)} | {ratio} |")
    for dataset_name in datasets:
        for contestant in ("peer", "ours"):
            rows = [run for run in results["runs"]
                    if run["dataset"] == dataset_name and run["contestant"] == contestant]
            print(f"{dataset_name} {contestant}: s/epoch median "
                  f"{statistics.median(r['seconds_per_epoch'] for r in rows):.1f}, train GFLOP/s "
                  f"{statistics.median(r['train_gflops'] for r in rows):.1f} = "
                  f"{statistics.median(r['train_gflops'] / r['sgemm_gflops'] for r in rows):.1%} "
                  f"of sgemm, final acc {[round(r['final_test_accuracy'], 4) for r in rows]}")
    print(f"machine: {platform.processor() or platform.machine()}, "
          f"{results['machine'].get('cpu', '?')}, {results['machine'].get('cpu_count')} cores, "
          f"keras {results['machine'].get('keras')}, {results['machine'].get('backend')} "
          f"{results['machine'].get('backend_version')}")


if __name__ == "__main__":
    sys.exit(main())
