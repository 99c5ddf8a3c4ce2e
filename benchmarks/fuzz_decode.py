"""Fuzz the decoder: thousands of mutated real images through `decode_image` and the folder loader.

    python benchmarks/fuzz_decode.py --files 2500 --seed 1 [--json out.json]

Each file must decode or raise `BadImageError` with a reason; any other exception is a crash
(a bug, printed with its file so it can become a regression fixture). Prints counts per
mutation, crashes, the slowest file's decode time and the peak RSS. Results go to BENCHMARKS.md
("Reliability").
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import PIL

import visionlab
from fuzzing import write_corpus
from visionlab.data.decode import BadImageError, decode_image
from visionlab.data.folders import load_image_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "corpus"
        made = write_corpus(folder, args.files, seed=args.seed)
        outcomes: Counter = Counter()
        crashes, slowest = [], (0.0, "")
        started = time.perf_counter()
        for path in sorted(folder.glob("*/*")):
            begin = time.perf_counter()
            try:
                decode_image(path, (64, 64))
                outcomes[(made[path.name], "decoded")] += 1
            except BadImageError:
                outcomes[(made[path.name], "skipped")] += 1
            except Exception:  # a crash: anything but a bad-file reason
                crashes.append({"file": path.name, "error": traceback.format_exc(limit=3)})
            elapsed = time.perf_counter() - begin
            slowest = max(slowest, (elapsed, path.name))
        decode_seconds = time.perf_counter() - started
        begin = time.perf_counter()
        dataset = load_image_folder(folder, image_size=(64, 64), test_fraction=0.2,
                                    cache_dir=Path(temporary) / "cache", progress=False)
        loader_seconds = time.perf_counter() - begin
        kept = sum(len(split) for split in dataset.splits.values())
    result = {
        "files": len(made), "seed": args.seed, "crashes": crashes,
        "by_mutation": {f"{mutation}/{outcome}": count
                        for (mutation, outcome), count in sorted(outcomes.items())},
        "slowest_seconds": round(slowest[0], 4), "slowest_file": slowest[1],
        "decode_seconds": round(decode_seconds, 2),
        "loader": {"kept": kept, "skipped": len(dataset.skipped),
                   "accounted": kept + len(dataset.skipped) == len(made),
                   "seconds": round(loader_seconds, 2)},
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": {"cpu": platform.processor() or platform.machine(), "python":
                    platform.python_version(), "pillow": PIL.__version__,
                    "visionlab": visionlab.__version__},
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(1 if crashes or not result["loader"]["accounted"] else 0)


if __name__ == "__main__":
    main()
