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
    "mnist-codelab-cnn-bn", "mnist-cnn-fast", "mnist-ablation-batch-8",
    "mnist-ablation-batch-8-early-stopping",
    "dogs-cats-transfer", "dogs-cats-tinyvgg", "dogs-cats-dense-10", "dogs-cats-dense-128",
    "dogs-cats-tinyvgg-augmented",
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


def _table_lines(text: str) -> list[str]:
    """The lines between the doc's table markers (none when the markers are missing)."""
    if START not in text or END not in text:
        return []
    return text.split(START, 1)[1].split(END, 1)[0].splitlines()


def _results_in_doc(text: str) -> dict:
    """Parse the recipe rows already in the doc's table back into results.

    The results JSON lives in the ignored benchmarks/_out/, so a fresh checkout has none; without
    this, recording one recipe would drop every other row of the table.
    """
    results = {}
    for line in _table_lines(text):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 9 or not cells[0].startswith("`"):
            continue
        name, reference, test, epochs, best_val, _, seconds_per_epoch, diagnosis, _ = cells
        results[name.strip("`")] = {
            "reference": float(reference.rstrip("%")) / 100,
            "test_accuracy": float(test.strip("*").rstrip("%")) / 100,
            "best_val_accuracy": float(best_val.rstrip("%")) / 100,
            "epochs": int(epochs),
            "seconds": float(seconds_per_epoch) * int(epochs),
            "diagnosis": [rule for rule in diagnosis.split(", ") if rule],
            "row": line.strip(),  # rendered back verbatim (the doc's rounding is lossy)
        }
    return results


def _machine(env: dict) -> str:
    return f"{env['cpu']}, {env['cpu_count']} cores"


def _render(results: dict, versions_line: str = "") -> str:
    lines = [
        START,
        "| recipe | tutorial | ours (test acc) | epochs run | best val acc | time | s/epoch "
        "| diagnosis | machine |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in [n for n in ORDER if n in results] + sorted(set(results) - set(ORDER)):
        r = results[name]
        if "row" in r:
            lines.append(r["row"])
            continue
        lines.append(
            f"| `{name}` | {r['reference']:.2%} | **{r['test_accuracy']:.2%}** | {r['epochs']} | "
            f"{r['best_val_accuracy']:.2%} | {r['seconds'] / 60:.1f} min | "
            f"{r['seconds'] / max(r['epochs'], 1):.1f} | {', '.join(r.get('diagnosis', []))} | "
            f"{_machine(r['environment'])} |"
        )
    first = next((r for r in results.values() if r.get("environment")), None)
    if first:
        env = first["environment"]
        versions_line = (f"Versions: visionlab {env['visionlab']}, Keras {env['keras']}, "
                         f"{env['backend']} {env['backend_version']}, Python {env['python']}. "
                         "One run per recipe (seed 0).")
    if versions_line:
        lines += ["", versions_line]
    lines.append(END)
    return "\n".join(lines)


def _write_doc(results: dict) -> None:
    """Rewrite the doc's table: its rows so far, replaced by `results` where they overlap."""
    from visionlab import _io

    text = DOC.read_text() if DOC.is_file() else "# Reproductions\n"
    results = {**_results_in_doc(text), **results}
    versions = next((line for line in _table_lines(text) if line.startswith("Versions:")), "")
    block = _render(results, versions)
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
    from visionlab.config import load_config

    names = args.recipes or ORDER
    results_path = Path(args.results)
    results = _load_results(results_path)
    recorded = set(_results_in_doc(DOC.read_text()) if DOC.is_file() else {})
    for other in args.merge:
        results.update(_load_results(Path(other)))
    if args.refresh:
        for result in results.values():
            result["diagnosis"] = _diagnosis(visionlab.load_run(result["run"]))
        _io.write_json(results_path, results)
        _write_doc(results)
        return 0
    for name in names:
        if args.skip_done and (name in results or name in recorded):
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
