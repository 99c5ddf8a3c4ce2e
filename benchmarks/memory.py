"""Peak memory (RSS) of loading growing photo folders, and of a short 224x224 transfer run.

Every measurement runs in a fresh subprocess, so each peak belongs to that measurement alone:

    imports only        Python with keras and visionlab's loader imported: the floor under all
    visionlab cold      load_image_folder(root, image_size=(224, 224)) with an empty
                        memory-mapped cache, then one epoch of ArrayBatches(32, shuffle=True)
                        over the train split
    visionlab cached    the same with the cache filled (nothing decoded)
    visionlab in RAM    the same with cache_dir=False (decoded into memory): what the cache avoids
    keras               keras.utils.image_dataset_from_directory(root, image_size=(224, 224),
                        batch_size=32) iterated once (tf.data streams the files)
    transfer run        `visionlab train dogs-cats-transfer --set transfer.warmup_epochs=1
                        --set transfer.finetune_epochs=0 --no-report` (the CLI in a child
                        process), decoded-image cache empty at the start (VISIONLAB_CACHE
                        points at benchmarks/_out/)
    transfer run + fine-tune   the same with 1 fine-tuning epoch (top 20 layers trainable)
                        (both train on the installed dogs_vs_cats dataset: `visionlab datasets
                        fetch dogs_vs_cats --from ../shared/datasets/dogs-vs-cats` first)

for 1x, 4x and 16x the dogs-vs-cats photo count. The 4x and 16x folders hold hard links (copies
where links fail) to the same 1,299 photos under benchmarks/_data/memory-<n>x/ (gitignored);
peak RSS depends on the count and size of the decoded images, not on their content.

Reported per process: `ru_maxrss` (getrusage: the peak resident set, file-backed pages of memory
maps included) and the peak anonymous RSS (RssAnon in /proc/self/status, sampled every 20 ms):
pages of the cache's memory map that an epoch touched count in ru_maxrss but are page cache the
kernel can drop, while anonymous memory is what the process really holds.

Run: .venv/bin/python benchmarks/memory.py [--source DIR] [--factors 1,4,16] [--skip-transfer]
(--factors "" measures only the transfer runs).
Writes benchmarks/_out/memory.json (memory-transfer.json for --factors "") and prints Markdown
tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data"
OUT = HERE / "_out"
DEFAULT_SOURCE = ROOT.parent / "shared" / "datasets" / "dogs-vs-cats"
IMAGE_SIZE = (224, 224)
BATCH_SIZE = 32
TRANSFER_RUNS = ("transfer run", "transfer run + fine-tune")
TRANSFER_FINETUNE = TRANSFER_RUNS[1]
LOADERS = ("imports only", "visionlab cold", "visionlab cached", "visionlab in RAM", "keras")


def replicate(source: Path, factor: int) -> Path:
    """Return a folder of class folders holding every photo of `source` `factor` times."""
    if factor == 1:
        return source
    root = DATA / f"memory-{factor}x"
    marker = root / ".complete"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    for class_folder in sorted(path for path in source.iterdir() if path.is_dir()):
        photos = sorted(path for path in class_folder.iterdir() if path.is_file())
        target = root / class_folder.name
        target.mkdir(parents=True)
        for copy in range(factor):
            for photo in photos:
                destination = target / f"{copy:02d}-{photo.name}"
                try:
                    os.link(photo, destination)
                except OSError:  # another file system, or links not allowed
                    shutil.copyfile(photo, destination)
    marker.write_text(f"{factor}x {source}\n")
    return root


class AnonymousPeak:
    """Sample a process's RssAnon (kB) every `interval` seconds on a daemon thread.

    Args:
        pid: the process; "self" for this one.
    """

    def __init__(self, interval: float = 0.02, pid: int | str = "self") -> None:
        self.peak_kb = 0
        self._status = f"/proc/{pid}/status"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> AnonymousPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        try:
            with open(self._status, encoding="ascii") as status:
                text = status.read()
        except OSError:  # the process has ended
            return
        for line in text.splitlines():
            if line.startswith("RssAnon:"):
                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                return

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.sample()


def child(kind: str, root: Path, cache_dir: Path) -> dict:
    """One measurement, in this (fresh) process; returns its numbers."""
    if kind in TRANSFER_RUNS:
        return transfer_child(kind)
    start = time.perf_counter()
    with AnonymousPeak() as anonymous:
        if kind == "imports only":  # the floor under every loader: Python, NumPy, TensorFlow
            import keras

            from visionlab.data.folders import load_image_folder
            from visionlab.data.pipeline import ArrayBatches

            images, extra = None, {}
        elif kind == "keras":
            import keras

            dataset = keras.utils.image_dataset_from_directory(
                root, image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, verbose=False)
            images = sum(int(batch.shape[0]) for batch, _ in dataset)
            extra = {"files": len(dataset.file_paths)}
        else:
            from visionlab.data.folders import load_image_folder
            from visionlab.data.pipeline import ArrayBatches

            dataset = load_image_folder(
                root, image_size=IMAGE_SIZE, progress=False,
                cache_dir=False if kind == "visionlab in RAM" else cache_dir)
            train = dataset.splits["train"]
            batches = ArrayBatches(train.images, train.labels, BATCH_SIZE, shuffle=True)
            images = sum(len(batches[index][0]) for index in range(len(batches)))
            extra = {"files": sum(len(split.labels) for split in dataset.splits.values())}
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return {"kind": kind, "root": str(root), "images_iterated": images,
            "seconds": time.perf_counter() - start, "ru_maxrss_mb": peak_kb / 1024,
            "rss_anon_peak_mb": anonymous.peak_kb / 1024, **extra}


def transfer_child(kind: str) -> dict:
    """Run `visionlab train` as this process's only child; its peak RSS is RUSAGE_CHILDREN's."""
    runs_dir = OUT / "memory-runs"
    finetune_epochs = 1 if kind == TRANSFER_FINETUNE else 0
    command = [str(Path(sys.executable).with_name("visionlab")), "train", "dogs-cats-transfer",
               "--set", "transfer.warmup_epochs=1",
               "--set", f"transfer.finetune_epochs={finetune_epochs}",
               "--runs-dir", str(runs_dir), "--no-report", "--quiet"]
    before = set(runs_dir.glob("*")) if runs_dir.is_dir() else set()
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as process, AnonymousPeak(pid=process.pid) as anonymous:
        _, errors = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"visionlab train failed ({process.returncode}):\n{errors[-2000:]}")
    runs = sorted(set(runs_dir.glob("*")) - before)
    metrics = json.loads((runs[-1] / "metrics.json").read_text()) if runs else {}
    return {"kind": kind, "root": "dogs_vs_cats", "images_iterated": None,
            "seconds": time.perf_counter() - start,
            "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "rss_anon_peak_mb": anonymous.peak_kb / 1024,
            "test_accuracy": metrics.get("test_accuracy"),
            "run": str(runs[-1]) if runs else None}


def measure(kind: str, root: Path, cache_dir: Path) -> dict:
    """Run `child` in a fresh interpreter and return its JSON line."""
    command = [sys.executable, __file__, "--child", kind, "--root", str(root),
               "--cache-dir", str(cache_dir)]
    environment = {**os.environ, "VISIONLAB_CACHE": str(OUT / "memory-cache")}
    finished = subprocess.run(command, capture_output=True, text=True, env=environment,
                              check=False)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        return {"kind": kind, "root": str(root), "error": finished.stderr[-2000:]}
    return json.loads(lines[-1])


def machine() -> dict:
    import keras
    import numpy
    import PIL
    import tensorflow

    import visionlab

    with open("/proc/meminfo", encoding="ascii") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return {"nproc": os.cpu_count(), "memory_gb": round(total_kb / 1024**2, 1),
            "python": platform.python_version(), "numpy": numpy.__version__,
            "pillow": PIL.__version__, "keras": keras.__version__,
            "tensorflow": tensorflow.__version__, "visionlab": visionlab.__version__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--factors", default="1,4,16")
    parser.add_argument("--skip-transfer", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child(arguments.child, arguments.root, arguments.cache_dir)))
        return
    if not arguments.source.is_dir():
        sys.exit(f"--source '{arguments.source}' is not a folder of class folders.")
    info = {**machine(), "load_average_at_start": os.getloadavg()[0]}
    results = []
    for factor in (int(value) for value in arguments.factors.split(",") if value):
        root = replicate(arguments.source.resolve(), factor)
        cache_dir = OUT / "memory-cache" / f"{factor}x"
        shutil.rmtree(cache_dir, ignore_errors=True)  # "visionlab cold" starts with no cache
        for kind in LOADERS:
            result = {"factor": factor, **measure(kind, root, cache_dir)}
            print(json.dumps(result), flush=True)
            results.append(result)
        shutil.rmtree(cache_dir, ignore_errors=True)  # up to 3 GB at 16x
    for kind in () if arguments.skip_transfer else TRANSFER_RUNS:
        shutil.rmtree(OUT / "memory-cache" / "decoded", ignore_errors=True)
        result = {"factor": 1, **measure(kind, arguments.source, OUT / "memory-cache")}
        print(json.dumps(result), flush=True)
        results.append(result)
    info["load_average_at_end"] = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    name = "memory.json" if arguments.factors else "memory-transfer.json"
    (OUT / name).write_text(json.dumps({"machine": info, "results": results},
                                                indent=2))
    report(info, results)


def report(info: dict, results: list[dict]) -> None:
    print(f"\n{info}\n\n| loader | photos | images in the epoch | peak RSS (ru_maxrss) MB | "
          "peak anonymous RSS MB | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        if "error" in result:
            print(f"| {result['kind']} ({result['factor']}x) | failed: see memory.json | | | | |")
            continue
        photos = f"{result['files']:,}" if "files" in result else ""
        print(f"| {result['kind']} ({result['factor']}x) | {photos} | "
              f"{result['images_iterated'] or ''} | {result['ru_maxrss_mb']:,.0f} | "
              f"{result['rss_anon_peak_mb']:,.0f} | {result['seconds']:.1f} |")


if __name__ == "__main__":
    main()
