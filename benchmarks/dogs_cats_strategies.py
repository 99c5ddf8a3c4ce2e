"""Scratch vs head-only vs warm-up + fine-tune on the real dog and cat photos, several seeds.

The transfer tutorials' three claims for a pretrained base (a higher start, a faster rise, a
higher end than the same network trained from scratch) on `dogs_vs_cats`: `dogs-cats-transfer`
as shipped (EfficientNet-Lite0 with ImageNet weights, 2 warm-up + 1 fine-tune epochs), the same
with the base frozen for all 3 epochs, and the same network from random weights for 3 epochs,
every seed of `--seeds`.

    .venv/bin/python benchmarks/dogs_cats_strategies.py              # about 20 min on 2 cores
    .venv/bin/python benchmarks/dogs_cats_strategies.py --seeds 0,1,2

Writes the `visionlab compare` page of every run (seed groups as mean ± std) to
docs/dogs-cats-strategies/, the results to benchmarks/_out/dogs_cats_strategies.json and the
table between the markers in docs/reproductions.md (section "Dogs vs cats: scratch, head only,
warm-up + fine-tune").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import transfer_demo  # noqa: E402  (its marker-table writer)

RESULTS = ROOT / "benchmarks" / "_out" / "dogs_cats_strategies.json"
PAGE = ROOT / "docs" / "dogs-cats-strategies"
DOC = ROOT / "docs" / "reproductions.md"
SECTION = "## Dogs vs cats: scratch, head only, warm-up + fine-tune"
START, END = "<!-- dogs-cats-strategies:start -->", "<!-- dogs-cats-strategies:end -->"
RECIPE = "dogs-cats-transfer"
STRATEGIES = {
    "warm-up + fine-tune": ([], "ImageNet weights, 2 epochs head only (lr 1e-3), then 1 with "
                                "the top 20 base layers unfrozen (lr 1e-4)"),
    "head only": (["transfer.strategy=head-only", "transfer.warmup_epochs=3"],
                  "ImageNet weights, frozen base, 3 epochs (lr 1e-3)"),
    "scratch": (["transfer.strategy=scratch", "train.epochs=3", "train.learning_rate=0.001"],
                "random weights, every layer (BatchNorm included), 3 epochs (lr 1e-3)"),
}


def measure(strategy: str, seed: int, runs_dir: Path) -> dict:
    """Train one strategy with one seed (report written) and return its numbers."""
    import visionlab

    overrides = [*STRATEGIES[strategy][0], f"train.seed={seed}"]
    slug = strategy.replace(" + ", "-").replace(" ", "-")
    started = time.perf_counter()
    run = visionlab.train(RECIPE, overrides=overrides, name=f"dogs-cats-{slug}-seed{seed}",
                          runs_dir=runs_dir, verbose=0, report=True)
    history = run.history
    return {
        "strategy": strategy, "seed": seed, "run": str(run.path),
        "val_accuracy_by_epoch": [row["val_accuracy"] for row in history],
        "test_accuracy": run.metrics["test_accuracy"],
        "fit_seconds": run.info["seconds"],
        "wall_seconds": time.perf_counter() - started,
        "train_images": run.info["dataset"]["splits"]["train"]["count"],
        "validation_images": run.info["dataset"]["splits"]["validation"]["count"],
        "test_images": run.metrics["test_count"],
        "environment": run.info["environment"],
    }


def _mean_std(values: list[float], percent: bool = True) -> str:
    scale, unit = (100, "%") if percent else (1, " s")
    mean = statistics.fmean(values) * scale
    if len(values) < 2:
        return f"{mean:.1f}{unit}"
    return f"{mean:.1f} ± {statistics.pstdev(values) * scale:.1f}{unit}"


def render(rows: list[dict]) -> str:
    """The Markdown table (mean ± std over seeds), with machine and versions."""
    lines = [START,
             "| strategy | setup | seeds | val acc after epoch 1 | mean val acc per epoch "
             "| final val acc | test acc | fit time | wall time (report included) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for strategy, (_, setup) in STRATEGIES.items():
        runs = [row for row in rows if row["strategy"] == strategy]
        if not runs:
            continue
        by_epoch = list(zip(*[row["val_accuracy_by_epoch"] for row in runs]))
        per_epoch = " ".join(f"{statistics.fmean(values):.3f}" for values in by_epoch)
        lines.append(
            f"| {strategy} | {setup} | {len(runs)} | "
            f"{_mean_std([row['val_accuracy_by_epoch'][0] for row in runs])} | {per_epoch} | "
            f"{_mean_std([row['val_accuracy_by_epoch'][-1] for row in runs])} | "
            f"**{_mean_std([row['test_accuracy'] for row in runs])}** | "
            f"{_mean_std([row['fit_seconds'] for row in runs], percent=False)} | "
            f"{_mean_std([row['wall_seconds'] for row in runs], percent=False)} |")
    if rows:
        first, env = rows[0], rows[0]["environment"]
        lines += ["", (
            f"{first['train_images']} training, {first['validation_images']} validation and "
            f"{first['test_images']} test photos (seeded stratified split), 224x224, random "
            f"horizontal flip; seeds {sorted({row['seed'] for row in rows})}, mean ± population "
            f"std. Machine: {env['cpu']}, {env['cpu_count']} cores; visionlab "
            f"{env['visionlab']}, Keras {env['keras']}, {env['backend']} "
            f"{env['backend_version']}, Python {env['python']}. Transfer runs read their "
            "features from the feature store after the first seed. The comparison page: "
            "`docs/dogs-cats-strategies/compare.html`.")]
    lines.append(END)
    return "\n".join(lines)


def write_doc(block: str) -> None:
    """Replace the table between the markers, or append the section with it."""
    transfer_demo.write_section(DOC, SECTION, START, END, block)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1", help="Comma-separated seeds. Defaults to 0,1.")
    parser.add_argument("--only", default=";".join(STRATEGIES),
                        help="Semicolon-separated strategies. Defaults to all three.")
    parser.add_argument("--runs-dir", type=Path,
                        default=ROOT / "benchmarks" / "_out" / "runs" / "dogs-cats-strategies")
    parser.add_argument("--render-only", action="store_true",
                        help="Rewrite the table and page from the recorded results.")
    args = parser.parse_args()

    import visionlab
    from visionlab import _io

    results = _io.read_json(RESULTS) if RESULTS.is_file() else {}
    seeds = [int(seed) for seed in args.seeds.split(",")]
    strategies = [name.strip() for name in args.only.split(";") if name.strip()]
    for strategy in [] if args.render_only else strategies:
        for seed in seeds:
            row = measure(strategy, seed, args.runs_dir)
            results[f"{strategy}/{seed}"] = row
            _io.write_json(RESULTS, results)
            print(f"{strategy} seed {seed}: val {row['val_accuracy_by_epoch']}, test "
                  f"{row['test_accuracy']:.4f}, {row['wall_seconds']:.0f} s", flush=True)
    rows = list(results.values())
    runs = [row["run"] for row in rows if Path(row["run"]).is_dir()]
    if len(runs) >= 2:
        visionlab.compare(runs, output_dir=PAGE)
    write_doc(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
