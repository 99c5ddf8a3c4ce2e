"""Train built-in recipes on the real data and record our numbers next to the tutorials'.

Run on demand (it takes about an hour on 2 cores for everything):

    .venv/bin/python benchmarks/reproduce.py                      # every recipe whose data is here
    .venv/bin/python benchmarks/reproduce.py mnist-codelab-cnn    # selected recipes

Each result is appended to benchmarks/_out/reproductions.json as soon as its run finishes, and the
table between the markers in docs/reproductions.md is rewritten from all results so far.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "_out" / "reproductions.json"
DOC = ROOT / "docs" / "reproductions.md"
START, END = "<!-- recipes:start -->", "<!-- recipes:end -->"

# Fast recipes first so partial results are useful; folder recipes need a user folder.
ORDER = [
    "fashion-mnist-dense-raw", "fashion-mnist-dense-normalized", "fashion-mnist-dense-128",
    "mnist-codelab-softmax", "mnist-codelab-dense", "mnist-codelab-dense-decay",
    "mnist-ablation-baseline", "mnist-ablation-zeros-init", "mnist-ablation-ones-init",
    "mnist-ablation-glorot-ones-bias", "mnist-ablation-l2", "mnist-ablation-momentum",
    "mnist-ablation-rmsprop", "mnist-ablation-adam", "mnist-codelab-cnn", "fashion-mnist-cnn-fast",
    "fashion-mnist-cnn",
    "mnist-codelab-cnn-bn", "mnist-ablation-batch-8", "mnist-ablation-batch-8-early-stopping",
]


def _dataset_present(name: str) -> bool:
    from visionlab.data.registry import get_dataset_entry, is_registered

    if not is_registered(name):
        return False
    try:
        return get_dataset_entry(name).locate() is not None
    except Exception:
        return False


def _diagnosis(run) -> list[str]:
    """Names of the diagnosis rules that fire on the run (what the report says about it)."""
    from visionlab.evaluation.diagnosis import diagnose

    findings = diagnose(run.history, metrics=run.metrics, num_classes=len(run.class_names),
                        class_names=run.class_names)
    return [finding.rule for finding in findings]


def _load_results(path: Path = RESULTS) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _render(results: dict) -> str:
    lines = [
        START,
        "| recipe | tutorial | ours (test acc) | epochs run | best val acc | time | s/epoch "
        "| diagnosis |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in [n for n in ORDER if n in results] + sorted(set(results) - set(ORDER)):
        r = results[name]
        lines.append(
            f"| `{name}` | {r['reference']:.2%} | **{r['test_accuracy']:.2%}** | {r['epochs']} | "
            f"{r['best_val_accuracy']:.2%} | {r['seconds'] / 60:.1f} min | "
            f"{r['seconds'] / max(r['epochs'], 1):.1f} | {', '.join(r.get('diagnosis', []))} |"
        )
    first = next(iter(results.values()), None)
    if first:
        env = first["environment"]
        lines.append("")
        lines.append(f"Machine: {env['cpu']}, {env['cpu_count']} cores; "
                     f"visionlab {env['visionlab']}, "
                     f"Keras {env['keras']}, {env['backend']} {env['backend_version']}, "
                     f"Python {env['python']}. One run per recipe (seed 0).")
    lines.append(END)
    return "\n".join(lines)


def _write_doc(results: dict) -> None:
    from visionlab import _io

    text = DOC.read_text() if DOC.is_file() else "# Reproductions\n"
    block = _render(results)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Built-in recipes on real data\n\n" + block + "\n"
    _io.write_text(DOC, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="*", help="Recipes to run (default: all with data here).")
    parser.add_argument("--runs-dir", default=str(ROOT / "benchmarks" / "_out" / "runs"))
    parser.add_argument("--results", default=str(RESULTS),
                        help="JSON file of results (use another one for a parallel run).")
    parser.add_argument("--merge", nargs="*", default=[],
                        help="Other results files to merge in before rewriting the doc.")
    parser.add_argument("--skip-done", action="store_true", help="Skip recipes already recorded.")
    parser.add_argument("--refresh", action="store_true",
                        help="Only recompute the diagnosis of recorded runs and rewrite the doc.")
    args = parser.parse_args()

    import visionlab
    from visionlab import _io
    from visionlab.experiments.config import load_config

    names = args.recipes or ORDER
    results_path = Path(args.results)
    results = _load_results(results_path)
    for other in args.merge:
        results.update(_load_results(Path(other)))
    if args.refresh:
        for result in results.values():
            result["diagnosis"] = _diagnosis(visionlab.load_run(result["run"]))
        _io.write_json(results_path, results)
        _write_doc(results)
        return 0
    for name in names:
        if args.skip_done and name in results:
            continue
        config = load_config(name)
        if not _dataset_present(config.data.dataset):
            print(f"skip {name}: dataset '{config.data.dataset}' is not on this machine",
                  flush=True)
            continue
        started = time.perf_counter()
        run = visionlab.train(name, runs_dir=args.runs_dir, verbose=0)
        elapsed = time.perf_counter() - started
        best = run.best_epoch() or {}
        results[name] = {
            "reference": config.reference.value,
            "test_accuracy": run.metrics["test_accuracy"],
            "best_val_accuracy": best.get("val_accuracy", float("nan")),
            "epochs": len(run.history),
            "seconds": run.info["seconds"],
            "wall_seconds": elapsed,
            "run": str(run.path),
            "environment": run.info["environment"],
            "diagnosis": _diagnosis(run),
        }
        _io.write_json(results_path, results)
        _write_doc(results)
        print(f"{name}: test {run.metrics['test_accuracy']:.4f} "
              f"(tutorial {config.reference.value}) "
              f"in {elapsed:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
