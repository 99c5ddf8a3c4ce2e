"""Input-pipeline benchmark: images/s to produce 224x224 RGB batches from a JPEG folder.

Each side produces the batches its `model.fit` consumes: `ArrayBatches` yields uint8 (the model
casts to float32 inside its compiled step); Keras's `image_dataset_from_directory` yields
float32 (its resize does).

Data: >= 1,500 real JPEGs made by re-encoding the photos shipped in the PyPI packages
`foolbox` (foolbox/data/imagenet_*.jpg) and `scikit-image` (skimage/data/*.png|jpg) at several
crops, sizes and JPEG qualities into benchmarks/_data/photos/<class>/ (gitignored). Only the
packages' data files are read; neither package is imported. Install them with
`.venv/bin/pip install --no-deps foolbox scikit-image`.

Measured, interleaved, `--repeats` times (median reported):
    threads vs processes  decoding every file with 2 workers (how visionlab's default was chosen)
    visionlab cold        load_image_folder with an empty cache + one pass of ArrayBatches(32)
    visionlab cached      the same with the cache filled (no decoding)
    keras                 keras.utils.image_dataset_from_directory(image_size=(224, 224),
                          batch_size=32) iterated once (the target's peer)
    keras, area resize    the same with interpolation="area": antialiased like visionlab's
                          BOX resize, so the same output quality
Each pass records wall time and CPU time (getrusage user + system of the whole process, all
threads, TensorFlow's included): on a shared machine the CPU ms per image is the fair figure.
The cold pass runs once per thread count in --threads.

`--source DIR` benchmarks an existing folder of class folders instead (e.g. the real photos in
../shared/datasets/dogs-vs-cats); --images and --sides are then ignored. `--decoders` only
times, on one thread, each way to make a row: visionlab's Pillow path and its stages against
TensorFlow's JPEG decoder and area resize (see `decoder_costs`).

Run: .venv/bin/python benchmarks/pipeline.py [--images 1600] [--repeats 3] [--threads 2,3,4]
     [--skip-strategies] [--sides 1024,1600,2048,3000] [--source DIR] [--decoders]
Writes benchmarks/_out/pipeline.json (pipeline-<sides>.json for other --sides,
pipeline-<DIR name>.json for --source) and prints Markdown tables for BENCHMARKS.md, with the
ratio of each repetition to the same-quality peer.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "photos"
OUT = HERE / "_out"
IMAGE_SIZE = (224, 224)
BATCH_SIZE = 32
CLASSES = ("animals", "objects", "scenes", "textures")
LONGEST_SIDES = (256, 320, 400, 512, 640, 800)
QUALITIES = (70, 80, 90, 95)
WORKERS = 2


def package_photos(package: str, patterns: tuple[str, ...], min_side: int) -> list[Path]:
    """Photo files shipped inside an installed package's data/ folder (never imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        sys.exit(f"Package '{package}' is not installed; run "
                 f".venv/bin/pip install --no-deps {package.replace('skimage', 'scikit-image')}")
    folder = Path(spec.origin).parent / "data"
    found = sorted(path for pattern in patterns for path in folder.glob(pattern))
    return [path for path in found if min(Image.open(path).size) >= min_side]


def make_dataset(count: int, seed: int = 0, sides: tuple[int, ...] = LONGEST_SIDES) -> Path:
    """Write `count` re-encoded JPEGs into a DATA folder's <class>/ unless already there.

    The default sides write DATA itself; other sides write DATA-<sides> beside it.
    """
    root = DATA if sides == LONGEST_SIDES else DATA.with_name(
        f"{DATA.name}-{'-'.join(map(str, sides))}")
    marker = root / f".complete-{count}-{seed}"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    sources = (package_photos("foolbox", ("imagenet_*.jpg",), 256)
               + package_photos("skimage", ("*.png", "*.jpg"), 300))
    generator = np.random.default_rng(seed)
    originals = [Image.open(path).convert("RGB") for path in sources]
    for index in range(count):
        source_index = index % len(originals)
        image = originals[source_index]
        width, height = image.size
        # Random crop keeping 50..100 % of each side, then a typical photo size and quality.
        crop_width = int(width * generator.uniform(0.5, 1.0))
        crop_height = int(height * generator.uniform(0.5, 1.0))
        left = int(generator.integers(0, width - crop_width + 1))
        top = int(generator.integers(0, height - crop_height + 1))
        crop = image.crop((left, top, left + crop_width, top + crop_height))
        longest = int(generator.choice(sides))
        scale = longest / max(crop.size)
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                           Image.Resampling.LANCZOS)
        folder = root / CLASSES[source_index % len(CLASSES)]
        folder.mkdir(parents=True, exist_ok=True)
        crop.save(folder / f"{index:05d}.jpg", quality=int(generator.choice(QUALITIES)))
    marker.write_text(f"{len(sources)} source photos\n")
    return root


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _decode_one(path: str) -> np.ndarray:
    from visionlab.data.decode import decode_image

    return decode_image(path, IMAGE_SIZE)


def decode_with(executor_kind: str, paths: list[str]) -> None:
    """Decode every path into one array: serially, or with 2 threads or 2 processes."""
    output = np.empty((len(paths), *IMAGE_SIZE, 3), dtype=np.uint8)
    if executor_kind == "serial":
        for index, path in enumerate(paths):
            output[index] = _decode_one(path)
        return
    if executor_kind == "threads":
        executor = ThreadPoolExecutor(WORKERS)
    else:
        context = multiprocessing.get_context(executor_kind.split("-")[1])
        executor = ProcessPoolExecutor(WORKERS, mp_context=context)
    with executor:
        for index, array in enumerate(executor.map(_decode_one, paths, chunksize=16)):
            output[index] = array


def visionlab_pass(root: Path, cache_dir: Path, workers: int = WORKERS) -> int:
    from visionlab.data.folders import load_image_folder
    from visionlab.data.pipeline import ArrayBatches

    dataset = load_image_folder(root, image_size=IMAGE_SIZE, cache_dir=cache_dir,
                                workers=workers, progress=False)
    seen = 0
    for split in dataset.splits.values():
        batches = ArrayBatches(split.images, split.labels, BATCH_SIZE, shuffle=True)
        for index in range(len(batches)):
            images, _ = batches[index]
            seen += len(images)
    return seen


def decoder_costs(paths: list[str], repeats: int, limit: int = 600) -> dict:
    """One thread, CPU ms per image (min over repeats) of each way to make a 224x224 RGB row.

    pillow                visionlab's `decode_image` (libjpeg-turbo via Pillow, BOX resize)
    pillow decode only    Pillow's libjpeg decode (with `Image.draft` where it applies)
    pillow BOX only       the BOX resize of the already decoded image
    tf decode             tf.io.decode_jpeg (INTEGER_ACCURATE DCT, ratio like Image.draft)
    tf decode + BOX       TensorFlow's decode, then Pillow's BOX resize (Image.fromarray)
    tf decode + area      tf.image.resize(method="area") rounded to uint8, as Keras's peer

    Also counts files whose TensorFlow decode differs from Pillow's, and the per-pixel
    difference of "tf decode + area" from "pillow".
    """
    import tensorflow as tf  # imported here like keras above: 2-3 s, only when asked for

    from visionlab.data import decode

    paths = paths[:: max(1, len(paths) // limit)][:limit]
    encoded = [Path(path).read_bytes() for path in paths]

    def ratio(data: bytes) -> int:  # the scale Image.draft picks (1, 2, 4 or 8)
        image = Image.open(io.BytesIO(data))
        full_width = image.width
        image.draft("RGB", IMAGE_SIZE)
        return round(full_width / image.width)

    ratios = [ratio(data) for data in encoded]

    def pillow_decoded(data: bytes) -> Image.Image:
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", IMAGE_SIZE)
        image.load()
        return image

    decoded = [pillow_decoded(data) for data in encoded]

    def tf_decode(data: bytes, scale: int) -> np.ndarray:
        return tf.io.decode_jpeg(data, channels=3, ratio=scale,
                                 dct_method="INTEGER_ACCURATE").numpy()

    def box(image: Image.Image) -> np.ndarray:
        return np.asarray(image.resize(IMAGE_SIZE[::-1], Image.Resampling.BOX,
                                       reducing_gap=2.0))

    def tf_area(data: bytes, scale: int) -> np.ndarray:
        resized = tf.image.resize(tf.io.decode_jpeg(data, channels=3, ratio=scale,
                                                    dct_method="INTEGER_ACCURATE"),
                                  IMAGE_SIZE, method="area")
        return tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8).numpy()

    ways = {
        "pillow": lambda: [decode.decode_image(path, IMAGE_SIZE) for path in paths],
        "pillow decode only": lambda: [pillow_decoded(data) for data in encoded],
        "pillow BOX only": lambda: [box(image) for image in decoded],
        "tf decode": lambda: [tf_decode(data, scale) for data, scale in zip(encoded, ratios)],
        "tf decode + BOX": lambda: [box(Image.fromarray(tf_decode(data, scale)))
                                    for data, scale in zip(encoded, ratios)],
        "tf decode + area": lambda: [tf_area(data, scale)
                                     for data, scale in zip(encoded, ratios)],
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(repeats):  # interleaved, so load changes hit every way alike
        for name, make in ways.items():
            start = time.process_time()
            make()
            best[name] = min(best[name], time.process_time() - start)
    differing = sum(not np.array_equal(np.asarray(image), tf_decode(data, scale))
                    for image, data, scale in zip(decoded, encoded, ratios))
    difference = np.stack([np.abs(decode.decode_image(path, IMAGE_SIZE).astype(np.int16)
                                  - tf_area(data, scale))
                           for path, data, scale in zip(paths, encoded, ratios)])
    return {"files": len(paths),
            "cpu_ms_per_image": {name: 1000 * value / len(paths) for name, value in best.items()},
            "tf_decode_differs_from_pillow": int(differing),
            "tf_area_vs_pillow": {"mean": float(difference.mean()),
                                  "max": int(difference.max())}}


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far, all threads (TensorFlow's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def keras_pass(root: Path, interpolation: str = "bilinear") -> int:
    import keras

    dataset = keras.utils.image_dataset_from_directory(root, image_size=IMAGE_SIZE,
                                                       batch_size=BATCH_SIZE, verbose=False,
                                                       interpolation=interpolation)
    return sum(int(images.shape[0]) for images, _ in dataset)


def machine() -> dict:
    cpu = platform.processor()
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import keras
    import PIL
    import tensorflow as tf

    import visionlab

    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "numpy": np.__version__, "pillow": PIL.__version__, "keras": keras.__version__,
            "tensorflow": tf.__version__, "visionlab": visionlab.__version__,
            "load_average_at_start": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1600)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="2,3,4",
                        help="comma-separated decode thread counts for the cold pass")
    parser.add_argument("--skip-strategies", action="store_true",
                        help="skip the threads-vs-processes comparison")
    parser.add_argument("--decoders", action="store_true",
                        help="only compare one-thread decode paths (Pillow vs TensorFlow)")
    parser.add_argument("--sides", default=",".join(map(str, LONGEST_SIDES)),
                        help="comma-separated longest sides (px) the photos are re-encoded at; "
                             "e.g. 1024,1600,2048,3000 for phone-sized photos")
    parser.add_argument("--source", type=Path, default=None,
                        help="benchmark this folder of class folders instead of re-encoded photos")
    arguments = parser.parse_args()
    if arguments.source is not None:
        root = arguments.source.expanduser().resolve()
        if not root.is_dir():
            sys.exit(f"--source '{arguments.source}' is not a folder of class folders.")
    else:
        root = make_dataset(arguments.images,
                            sides=tuple(int(side) for side in arguments.sides.split(",")))
    paths = sorted(str(path) for path in root.rglob("*")
                   if path.suffix.lower() in (".jpg", ".jpeg"))
    if arguments.decoders:
        from visionlab._io import write_json

        costs = {"source": str(root), **decoder_costs(paths, arguments.repeats)}
        write_json(OUT / f"decoders-{root.name}.json", costs)
        print(f"{costs['files']} JPEGs from {root}, one thread, CPU ms per image, min of "
              f"{arguments.repeats}; {machine()}\n\n| path | CPU ms / image |\n| --- | ---: |")
        for name, value in costs["cpu_ms_per_image"].items():
            print(f"| {name} | {value:.3f} |")
        differing = costs["tf_decode_differs_from_pillow"]
        print(f"\nTensorFlow's decode differs from Pillow's in {differing} files; "
              f"tf decode + area vs pillow: {costs['tf_area_vs_pillow']}")
        return
    # Decode strategies first, before TensorFlow's threads exist (fork is only safe then).
    strategies = () if arguments.skip_strategies else (
        "serial", "threads", "processes-fork", "processes-spawn")
    strategy_seconds = {name: [] for name in strategies}
    for _ in range(arguments.repeats):
        for name in strategies:
            strategy_seconds[name].append(timed(lambda name=name: decode_with(name, paths)))
    info = machine()
    cache_dir = OUT / "cache"
    thread_counts = [int(count) for count in arguments.threads.split(",")]
    passes = {}
    for count in thread_counts:
        passes[f"visionlab cold, {count} threads"] = (
            lambda count=count: visionlab_pass(root, cache_dir, workers=count), True)
    passes["visionlab cached"] = (lambda: visionlab_pass(root, cache_dir), False)
    passes["keras"] = (lambda: keras_pass(root), False)
    # Keras's default bilinear resize skips pixels when shrinking (no antialiasing); "area"
    # averages them like visionlab's BOX resize: the same-quality comparison.
    passes["keras, area resize"] = (lambda: keras_pass(root, "area"), False)
    keras_pass(root)  # warm-up: TensorFlow's one-off start-up is not part of any pass
    seconds = {name: [] for name in passes}
    cpu = {name: [] for name in passes}  # all threads of this process: contention-proof
    counts = {}
    load_averages = []  # 1-minute load average before each repetition (the box is shared)
    for _ in range(arguments.repeats):
        load_averages.append(os.getloadavg()[0])
        for name, (run_pass, cold) in passes.items():
            if cold:
                shutil.rmtree(cache_dir, ignore_errors=True)  # the cold pass starts with no cache
            start, start_cpu = time.perf_counter(), cpu_seconds()
            counts[name] = run_pass()
            seconds[name].append(time.perf_counter() - start)
            cpu[name].append(cpu_seconds() - start_cpu)
    info["load_average_at_end"] = os.getloadavg()[0]
    report(arguments, info, paths, strategy_seconds, seconds, cpu, counts, load_averages)


def report(arguments, info, paths, strategy_seconds, seconds, cpu_seconds, counts,
           load_averages) -> None:
    from visionlab._io import write_json

    # Medians of per-repetition rates, so each ratio compares the same repetitions' numbers.
    rates = {name: statistics.median(counts[name] / value for value in values)
             for name, values in seconds.items()}
    cpu_ms = {name: statistics.median(1000 * value / counts[name] for value in values)
              for name, values in cpu_seconds.items()}
    strategy_rates = {name: len(paths) / statistics.median(values)
                      for name, values in strategy_seconds.items()}
    result = {"machine": info, "images": len(paths), "repeats": arguments.repeats,
              "seconds": seconds, "cpu_seconds": cpu_seconds, "images_per_second": rates,
              "cpu_ms_per_image": cpu_ms, "decode_strategy_seconds": strategy_seconds,
              "decode_strategy_images_per_second": strategy_rates}
    result["longest_sides"] = arguments.sides
    result["source"] = str(arguments.source) if arguments.source else None
    result["load_average_per_repeat"] = load_averages
    default = arguments.sides == ",".join(map(str, LONGEST_SIDES))
    if arguments.source is not None:
        name = f"pipeline-{arguments.source.expanduser().resolve().name}.json"
    else:
        name = ("pipeline.json" if default else
                f"pipeline-{arguments.sides.replace(',', '-')}.json")
    write_json(OUT / name, result)
    print(f"{len(paths)} JPEGs -> {IMAGE_SIZE} RGB batches of {BATCH_SIZE}; "
          f"median of {arguments.repeats}; {info}")
    print("\n| pipeline | images/s | vs keras | CPU ms / image | keras CPU / this | cores used |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in seconds:
        cores = statistics.median(c / s for c, s in zip(cpu_seconds[name], seconds[name]))
        print(f"| {name} | {rates[name]:,.0f} | {rates[name] / rates['keras']:.2f}x | "
              f"{cpu_ms[name]:.2f} | {cpu_ms['keras'] / cpu_ms[name]:.2f}x | {cores:.2f} |")
    # Each repetition's cold pass against the same repetition's same-quality peer.
    peer = "keras, area resize"
    print("\n| repetition | load average | " + " | ".join(
        f"{name} images/s (vs area)" for name in seconds if name.startswith("visionlab cold"))
        + f" | {peer} images/s |\n| ---: | ---: |" + " ---: |" * (
        1 + sum(name.startswith("visionlab cold") for name in seconds)))
    for repeat, load in enumerate(load_averages):
        peer_rate = counts[peer] / seconds[peer][repeat]
        cells = [f"{counts[name] / seconds[name][repeat]:,.0f} "
                 f"({counts[name] / seconds[name][repeat] / peer_rate:.2f}x)"
                 for name in seconds if name.startswith("visionlab cold")]
        print(f"| {repeat + 1} | {load:.1f} | " + " | ".join(cells) + f" | {peer_rate:,.0f} |")
    if strategy_seconds:
        print(f"\n| decode strategy ({WORKERS} workers) | median s | images/s |\n"
              "| --- | ---: | ---: |")
        for name, values in strategy_seconds.items():
            print(f"| {name} | {statistics.median(values):.2f} | {strategy_rates[name]:,.0f} |")


if __name__ == "__main__":
    main()
