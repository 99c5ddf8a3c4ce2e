"""Transfer learning on small data: pretrained EfficientNet-Lite0 vs the same network from scratch.

Trains three built-in recipes on 100 real Fashion-MNIST images per class (96x96 RGB) and records,
for each, the validation accuracy after the first epoch, the best validation accuracy, the final
test accuracy and the time, to check the tutorials' three claims for transfer learning: a higher
start, a faster rise and a higher final accuracy.

    .venv/bin/python benchmarks/transfer_demo.py              # about 10 minutes on 2 CPU cores
    .venv/bin/python benchmarks/transfer_demo.py --set transfer.finetune_epochs=1

Results go to benchmarks/_out/transfer_demo.json and into the table between the markers in
docs/reproductions.md (section "Transfer learning on small data").
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "_out" / "transfer_demo.json"
DOC = ROOT / "docs" / "reproductions.md"
SECTION = "## Transfer learning on small data"
START, END = "<!-- transfer:start -->", "<!-- transfer:end -->"
RECIPES = {
    "transfer-small-data": "ImageNet weights, warm-up 3 + fine-tune 3 (top 20 layers)",
    "transfer-small-data-head-only": "ImageNet weights, frozen base, head only, 6 epochs",
    "transfer-small-data-scratch": "random weights, every layer, 6 epochs",
}


def measure(recipe: str, overrides: list[str], runs_dir: Path) -> dict:
    """Train `recipe` and return the numbers of one table row."""
    import visionlab

    started = time.perf_counter()
    run = visionlab.train(recipe, overrides=overrides, runs_dir=runs_dir, verbose=1,
                          report=False)
    wall_seconds = time.perf_counter() - started
    history = run.history
    best = run.best_epoch() or {}
    return {
        "recipe": recipe,
        "setup": RECIPES.get(recipe, ""),
        "strategy": run.config.transfer.strategy if run.config.transfer else "",
        "train_images": run.info["dataset"]["splits"]["train"]["count"],
        "test_images": run.metrics["test_count"],
        "epochs": len(history),
        "phases": [row["phase"] for row in history],
        "epoch1_val_accuracy": history[0]["val_accuracy"],
        "val_accuracy_by_epoch": [row["val_accuracy"] for row in history],
        "best_val_accuracy": best.get("val_accuracy", math.nan),
        "best_epoch": best.get("epoch"),
        "test_accuracy": run.metrics["test_accuracy"],
        "fit_seconds": run.info["seconds"],
        "wall_seconds": wall_seconds,
        "trainable_params": [phase["trainable_params"]
                             for phase in run.info.get("transfer", {}).get("phases", [])],
        "run": str(run.path),
        "environment": run.info["environment"],
    }


def render(rows: list[dict]) -> str:
    """Return the Markdown table (with the machine and versions) between the markers."""
    lines = [
        START,
        ("| recipe | setup | val acc after epoch 1 | val acc per epoch | best val acc (epoch) "
         "| test acc | fit time | wall time |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        per_epoch = " ".join(f"{value:.2f}" for value in row["val_accuracy_by_epoch"])
        lines.append(
            f"| `{row['recipe']}` | {row['setup']} | {row['epoch1_val_accuracy']:.1%} | "
            f"{per_epoch} | {row['best_val_accuracy']:.1%} ({row['best_epoch']}) | "
            f"**{row['test_accuracy']:.2%}** | {row['fit_seconds']:.0f} s | "
            f"{row['wall_seconds']:.0f} s |")
    if rows:
        env, first = rows[0]["environment"], rows[0]
        lines += [
            "",
            f"{first['train_images']} training images (100 per class minus the validation "
            f"tenth), {first['test_images']} test images; one run per recipe (seed 0)"
            + (f", overrides {' '.join(first['overrides'])}" if first["overrides"] else "")
            + ". "
            f"Machine: {env['cpu']}, {env['cpu_count']} cores shared with other jobs; "
            f"visionlab {env['visionlab']}, Keras {env['keras']}, {env['backend']} "
            f"{env['backend_version']}, Python {env['python']}. Fit time is `model.fit` "
            "alone; wall time adds loading and resizing all 70,000 Fashion-MNIST images "
            "before subsampling, and testing (no report).",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_doc(block: str) -> None:
    """Replace the table between the markers, or append the section with it."""
    write_section(DOC, SECTION, START, END, block)


def write_section(doc: Path, section: str, start: str, end: str, block: str) -> None:
    """Replace the text between markers `start` and `end` of `doc` with `block`, or append
    `section` (a heading) with it."""
    from visionlab import _io

    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Reproductions\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + f"\n\n{section}\n\n{block}\n"
    _io.write_text(doc, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="*", default=list(RECIPES),
                        help="Recipes to train. Defaults to the three transfer-small-data ones.")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        help="Override applied to every recipe, e.g. --set data.test_per_class=50.")
    parser.add_argument("--runs-dir", type=Path, default=ROOT / "benchmarks" / "_out" / "runs")
    parser.add_argument("--render-only", action="store_true",
                        help="Rewrite the table from the recorded results without training.")
    args = parser.parse_args()

    from visionlab import _io

    # Rows are kept per recipe, so re-running one recipe updates its row only.
    results = _io.read_json(RESULTS) if RESULTS.is_file() else {}
    for recipe in [] if args.render_only else args.recipes:
        row = measure(recipe, args.overrides, args.runs_dir)
        results[recipe] = {**row, "overrides": args.overrides}
        _io.write_json(RESULTS, results)
        print(f"{recipe}: epoch-1 val {row['epoch1_val_accuracy']:.3f}, best val "
              f"{row['best_val_accuracy']:.3f}, test {row['test_accuracy']:.4f}, "
              f"{row['wall_seconds']:.0f} s", flush=True)
    ordered = [results[name] for name in [*RECIPES, *sorted(set(results) - set(RECIPES))]
               if name in results]
    write_doc(render(ordered))
    return 0


if __name__ == "__main__":
    sys.exit(main())
