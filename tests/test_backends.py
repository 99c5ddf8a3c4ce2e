"""KERAS_BACKEND=jax: the data layer and a training smoke test work on JAX too."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

from needs import needs


@pytest.fixture(autouse=True)
def _jax_installed():
    needs(importlib.util.find_spec("jax") is not None, "JAX", "pip install 'visionlab[jax]'")


SCRIPT = textwrap.dedent("""
    import json, sys, keras
    from visionlab.data.loading import load_dataset
    from visionlab.data.pipeline import ArrayBatches
    from visionlab import api

    dataset = load_dataset("digits", progress=False)
    train = dataset.split("train")
    images, labels = ArrayBatches(train.images, train.labels, 16, shuffle=True, seed=1)[0]
    run = api.train({
        "data": {"dataset": "digits", "validation_split": 0.2},
        "model": {"name": "mlp", "units": [64], "dropout": 0.1},
        "train": {"epochs": 3, "batch_size": 32, "learning_rate": 0.01},
        "augment": {"contrast": 0.1},
    }, runs_dir=sys.argv[1], verbose=0, report=False)
    model = run.load_model()
    print(json.dumps({
        "backend": keras.backend.backend(),
        "batch": [list(images.shape), str(images.dtype), len(labels)],
        "status": run.status,
        "test_accuracy": run.metrics["test_accuracy"],
        "reloaded_backend": run.info["environment"]["backend"],
        "params": model.count_params(),
    }))
""")


def test_jax_backend_loads_data_and_trains(tmp_path):
    environment = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env=environment,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["backend"] == facts["reloaded_backend"] == "jax"
    assert facts["batch"] == [[16, 8, 8, 1], "uint8", 16]
    assert facts["status"] == "completed"
    assert facts["test_accuracy"] > 0.3  # well above the 10% of chance after 3 epochs
