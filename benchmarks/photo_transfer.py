"""The photo path against the tutorial's way: dogs-cats-transfer vs plain Keras (issue 16).

Contestants, each a fresh child process, interleaved per repetition:

    peer          the transfer tutorial's notebook as plain Keras:
                  `keras.utils.image_dataset_from_directory` (train and validation folders of
                  the same photos visionlab uses), the same EfficientNet-Lite0 base with its
                  ImageNet weights (visionlab's Keras port: Keras ships no Lite0) and the same
                  head (Dense 128 relu + L2 1e-4, Dropout 0.3, sigmoid), RandomFlip, `fit` 2
                  epochs with the base frozen (Adam 1e-3), unfreeze the top 20 weight layers
                  (BatchNorm stays frozen), `fit` 1 epoch (Adam 1e-4), `evaluate` on the test
                  photos. No report.
    visionlab     `visionlab.train("dogs-cats-transfer")` as shipped (the same schedule, flip
                  included), report written; the decoded-image cache and the feature store
                  already filled by an earlier run (a user's next run on the same photos and
                  base: another head, dropout, learning rate).
    visionlab cold  the same with an empty decoded-image cache and feature store (the first
                  run ever on these photos).
    visionlab, features not stored  decoded images cached, `transfer.store_features = false`:
                  the features are computed in this run (a first run of this base on photos
                  already decoded).
    visionlab, no feature cache  decoded images cached, `transfer.cache_features = false`:
                  every epoch runs the base on the images, as the peer does.

Wall time is measured by the parent from spawning the child to its exit (imports included).
Each child records the time of every epoch end, so time-to-97% and time-to-98% validation
accuracy count from the spawn too. Needs the installed dogs_vs_cats dataset (`visionlab datasets
fetch dogs_vs_cats --from ../shared/datasets/dogs-vs-cats`) and the converted Lite0 weights.

Run:  .venv/bin/python benchmarks/photo_transfer.py [--repeats 3] [--only "peer;visionlab"]
Writes benchmarks/_out/photo_transfer.json and prints Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_out"
SPLIT_DIR = ROOT / "benchmarks" / "_data" / "photo-transfer-split"
RECIPE = "dogs-cats-transfer"
SIZE, BATCH, WARMUP, FINETUNE, TOP_LAYERS = 224, 32, 2, 1, 20
THRESHOLDS = (0.97, 0.98)


# -- children ------------------------------------------------------------------------------------


def _epoch_clock(path: Path):
    """A Keras callback that appends (phase begin/end, epoch end, val_accuracy) times to JSON."""
    import keras

    class Clock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events: list[dict] = []

        def _write(self):
            path.write_text(json.dumps(self.events))

        def on_train_begin(self, logs=None):
            self.events.append({"event": "fit_begin", "time": time.time()})

        def on_train_end(self, logs=None):
            self.events.append({"event": "fit_end", "time": time.time()})
            self._write()

        def on_epoch_end(self, epoch, logs=None):
            self.events.append({"event": "epoch", "epoch": epoch + 1, "time": time.time(),
                                "val_accuracy": float((logs or {}).get("val_accuracy", "nan"))})
            self._write()

    return Clock()


OVERRIDES = {"visionlab, features not stored": ["transfer.store_features=false"],
             "visionlab, no feature cache": ["transfer.cache_features=false"]}


def child_visionlab(kind: str, events: Path, runs_dir: Path) -> dict:
    import visionlab

    run = visionlab.train(RECIPE, overrides=OVERRIDES.get(kind, []), runs_dir=runs_dir,
                          verbose=0, report=True, callbacks=[_epoch_clock(events)])
    phases = run.info["transfer"]["phases"]
    return {"test_accuracy": run.metrics["test_accuracy"],
            "val_accuracy": run.history[-1]["val_accuracy"],
            "train_images": run.info["dataset"]["splits"]["train"]["count"],
            "cached_features": [phase.get("cached_features") for phase in phases],
            "test_features": run.info.get("test_features"),
            "epoch_seconds": [row["seconds"] for row in run.history]}


def child_peer(events: Path) -> dict:
    import keras

    from visionlab.models.backbones.efficientnet_lite import efficientnet_lite0

    def folder(name: str, shuffle: bool):
        return keras.utils.image_dataset_from_directory(
            SPLIT_DIR / name, label_mode="binary", image_size=(SIZE, SIZE), batch_size=BATCH,
            shuffle=shuffle, seed=0, verbose=False)

    train, validation, test = folder("train", True), folder("validation", False), folder(
        "test", False)
    base = efficientnet_lite0(input_shape=(SIZE, SIZE, 3), include_top=False)
    inputs = keras.Input((SIZE, SIZE, 3))
    x = keras.layers.RandomFlip("horizontal", seed=0)(inputs)
    x = keras.layers.Rescaling(1 / 128.0, offset=-127 / 128.0)(x)  # Lite0's (x - 127) / 128
    x = base(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(128, activation="relu",
                           kernel_regularizer=keras.regularizers.l2(1e-4))(x)
    x = keras.layers.Dropout(0.3)(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    clock = _epoch_clock(events)
    base.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(train, validation_data=validation, epochs=WARMUP, callbacks=[clock], verbose=0)
    base.trainable = True
    weighted = [layer for layer in base.layers
                if layer.weights and not isinstance(layer, keras.layers.BatchNormalization)]
    top = {id(layer) for layer in weighted[-TOP_LAYERS:]}
    for layer in base.layers:
        layer.trainable = id(layer) in top
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train, validation_data=validation, epochs=WARMUP + FINETUNE,
                        initial_epoch=WARMUP, callbacks=[clock], verbose=0)
    _, test_accuracy = model.evaluate(test, verbose=0)
    return {"test_accuracy": float(test_accuracy),
            "val_accuracy": float(history.history["val_accuracy"][-1]),
            "train_images": len(train.file_paths)}


# -- parent --------------------------------------------------------------------------------------


def write_split() -> dict[str, int]:
    """Link visionlab's seeded train/validation/test split of the photos into class folders."""
    from visionlab.config import load_config
    from visionlab.data.prepare import prepare_dataset

    config = load_config(RECIPE)
    dataset = prepare_dataset(config.data, config.train.seed, progress=False)
    counts = {}
    for name, split in dataset.splits.items():
        for path, label in zip(split.paths, split.labels):
            target = SPLIT_DIR / name / dataset.class_names[int(label)] / Path(path).name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(Path(path).resolve())
        counts[name] = len(split.labels)
    return counts


def run_child(kind: str, work: Path) -> dict:
    slug = "".join(char if char.isalnum() else "_" for char in kind)
    events, result_file = work / f"{slug}-events.json", work / f"{slug}-result.json"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    if kind == "visionlab cold":
        # An empty decoded-image cache; the converted weights and the installed dataset stay.
        cache = work / "cold-cache"
        cache.mkdir()
        real = Path(os.environ.get("VISIONLAB_CACHE") or Path.home() / ".cache" / "visionlab")
        for name in ("weights", "datasets"):
            if (real / name).exists():
                (cache / name).symlink_to(real / name)
        env["VISIONLAB_CACHE"] = str(cache)
    started = time.time()
    subprocess.run([sys.executable, __file__, "--child", kind, "--events", str(events),
                    "--result", str(result_file), "--work", str(work)],
                   check=True, env=env, cwd=ROOT)
    wall = time.time() - started
    result = json.loads(result_file.read_text())
    timeline = json.loads(events.read_text())
    epochs = [event for event in timeline if event["event"] == "epoch"]
    fits = [(begin["time"], end["time"]) for begin, end in zip(
        [e for e in timeline if e["event"] == "fit_begin"],
        [e for e in timeline if e["event"] == "fit_end"])]
    result.update(kind=kind, wall_seconds=wall,
                  val_by_epoch=[event["val_accuracy"] for event in epochs],
                  phase_seconds=[end - begin for begin, end in fits],
                  before_first_fit=fits[0][0] - started if fits else None)
    for threshold in THRESHOLDS:
        reached = next((event["time"] - started for event in epochs
                        if event["val_accuracy"] >= threshold), None)
        result[f"time_to_{round(threshold * 100)}"] = reached
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="peer;visionlab;visionlab cold;"
                        "visionlab, features not stored;visionlab, no feature cache",
                        help="contestants, separated by ';'")
    parser.add_argument("--child")
    parser.add_argument("--events", type=Path)
    parser.add_argument("--result", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child:
        result = (child_peer(args.events) if args.child == "peer" else
                  child_visionlab(args.child, args.events, args.work / "runs"))
        args.result.write_text(json.dumps(result))
        return
    counts = write_split()
    kinds = [kind.strip() for kind in args.only.split(";")]
    rows = []
    OUT.mkdir(parents=True, exist_ok=True)  # the children's work folders go in it
    for repeat in range(args.repeats):
        for kind in kinds:
            with tempfile.TemporaryDirectory(dir=OUT) as work:
                row = run_child(kind, Path(work))
            row["repeat"] = repeat + 1
            rows.append(row)
            print(json.dumps(row), flush=True)
    from pipeline import machine  # the same facts as the pipeline benchmark: CPU, versions

    facts = {"machine": machine(), "split": counts, "rows": rows}
    (OUT / "photo_transfer.json").write_text(json.dumps(facts, indent=1))
    print(markdown(rows, kinds))


def markdown(rows: list[dict], kinds: list[str]) -> str:
    def median(kind: str, key: str):
        values = [row[key] for row in rows if row["kind"] == kind and row.get(key) is not None]
        return statistics.median(values) if values else None

    lines = ["| repetition | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for repeat in sorted({row["repeat"] for row in rows}):
        cells = []
        for kind in kinds:
            row = next(r for r in rows if r["repeat"] == repeat and r["kind"] == kind)
            cells.append(f"{row['wall_seconds']:.1f} s (val {row['val_accuracy']:.1%}, test "
                         f"{row['test_accuracy']:.1%})")
        lines.append(f"| {repeat} | " + " | ".join(cells) + " |")
    lines.append("")
    peer = median("peer", "wall_seconds")
    for kind in kinds:
        wall = median(kind, "wall_seconds")
        ratio = f", {peer / wall:.2f}x the peer" if peer and wall and kind != "peer" else ""
        to97, to98 = median(kind, "time_to_97"), median(kind, "time_to_98")
        lines.append(f"- {kind}: median {wall:.1f} s{ratio}; to 97% validation "
                     f"{'-' if to97 is None else f'{to97:.1f} s'}, to 98% "
                     f"{'-' if to98 is None else f'{to98:.1f} s'}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
