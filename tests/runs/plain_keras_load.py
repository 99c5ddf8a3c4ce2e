"""Open `.keras` files with plain Keras in a process where visionlab cannot be imported.

Usage: python -I plain_keras_load.py JOBS_JSON

JOBS_JSON lists `{"name", "model", "images", "output", "batch_size"}` jobs: each model is loaded
with `keras.models.load_model` (safe mode, no custom objects), predicts the uint8 images of the
`.npy` file `images` as float32 (in batches of `batch_size`), and writes its probabilities to
the `.npy` file `output`. A job
without `images` only tries to load. One JSON line per job goes to stdout: the name, `error`
(null when it loaded), the optimizer class and its learning rate's type, and the modules of
every layer class, nested models included.

Before anything else an import hook makes `import visionlab` fail as if it were not installed
(an editable install would otherwise put it on the path), so a file that names a visionlab class
fails to load here exactly as it would on a machine without visionlab.
"""

from __future__ import annotations

import importlib.abc
import json
import sys


class HideVisionlab(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "visionlab" or name.startswith("visionlab."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden)", name=name)
        return None


def layer_modules(model) -> list[str]:
    modules, queue = set(), [model]
    while queue:
        layer = queue.pop()
        modules.add(type(layer).__module__)
        queue.extend(getattr(layer, "layers", []))
    return sorted(modules)


def run_job(job: dict) -> dict:
    import keras
    import numpy as np

    result = {"name": job["name"], "error": None}
    try:
        model = keras.models.load_model(job["model"])
    except Exception as error:  # reported to the test, which decides
        result["error"] = f"{type(error).__name__}: {error}"
        return result
    optimizer = getattr(model, "optimizer", None)
    result["optimizer"] = type(optimizer).__name__ if optimizer is not None else None
    if optimizer is not None:
        result["learning_rate"] = type(optimizer.get_config()["learning_rate"]).__name__
    result["layer_modules"] = layer_modules(model)
    if job.get("images"):
        images = np.load(job["images"]).astype("float32")
        size = job["batch_size"]  # called eagerly: tracing a deep model would take longer
        batches = [model(images[start:start + size], training=False)
                   for start in range(0, len(images), size)]
        np.save(job["output"], np.concatenate([keras.ops.convert_to_numpy(batch)
                                               for batch in batches]))
    return result


def main(jobs_path: str) -> None:
    sys.meta_path.insert(0, HideVisionlab())
    try:
        import visionlab  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("visionlab is still importable; the check would prove nothing")
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    for job in jobs:
        print(json.dumps(run_job(job)), flush=True)
    loaded = sorted(name for name in sys.modules if name.split(".")[0] == "visionlab")
    if loaded:
        raise SystemExit(f"visionlab modules were imported: {loaded}")


if __name__ == "__main__":
    main(sys.argv[1])
