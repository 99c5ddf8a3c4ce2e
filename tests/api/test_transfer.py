"""Transfer strategies on real data: a digits run as the base of a new model (cheap), and a
registered backbone (EfficientNet-Lite0, random weights, 32x32) for freezing and scratch."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from visionlab import api
from visionlab.api import Run, list_runs
from visionlab.config import validate_config
from visionlab.errors import ConfigError, TrainingError, TrainingInterrupted
from visionlab.training.phases import (
    apply_phase_trainability,
    backbone_owner,
    plan_phases,
    total_epochs,
)

pytestmark = pytest.mark.xdist_group("training")

PRETRAIN = {
    "name": "digits-pretrain",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32, 16], "batch_norm": True},
    "train": {"epochs": 2, "batch_size": 64, "learning_rate": 0.01, "seed": 1},
}
FOLDER_CLASSES = {"seven": 7, "eight": 8, "nine": 9}


class WeightSnapshots(keras.callbacks.Callback):
    """Copy the base's weights (BatchNorm statistics included) when each phase begins and ends."""

    def __init__(self):
        super().__init__()
        self.snapshots: list[dict[str, np.ndarray]] = []

    def on_train_begin(self, logs=None):
        self.snapshots.append(_base_weights(self.model))

    def on_train_end(self, logs=None):
        self.snapshots.append(_base_weights(self.model))


class InterruptDuring(keras.callbacks.Callback):
    """Press Ctrl-C (a real SIGINT) in the middle of epoch index `epoch` (0-based, absolute)."""

    def __init__(self, epoch: int):
        super().__init__()
        self.epoch, self.current = epoch, -1

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == 3:
            os.kill(os.getpid(), signal.SIGINT)


def _base_weights(model) -> dict[str, np.ndarray]:
    base = backbone_owner(model).get_layer("backbone")
    return {weight.path: np.array(keras.ops.convert_to_numpy(weight)) for weight in base.weights}


def _changed(before: dict, after: dict) -> set[str]:
    return {path for path in before if not np.array_equal(before[path], after[path])}


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory) -> Run:
    return api.train(PRETRAIN, runs_dir=tmp_path_factory.mktemp("pretrain"), verbose=0,
                     report=False)


@pytest.fixture(scope="module")
def digit_folder(tmp_path_factory) -> Path:
    """Three classes of real 8x8 digit PNGs in class folders: a new, small dataset."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    root = tmp_path_factory.mktemp("folder")
    for class_name, digit in FOLDER_CLASSES.items():
        (root / class_name).mkdir()
        for index in np.flatnonzero(digits.target == digit):
            pixels = (digits.images[index] * 255 / 16).astype(np.uint8)
            Image.fromarray(pixels).save(root / class_name / f"{index}.png")
    return root


def _run_config(pretrained: Run, folder: Path, **transfer) -> dict:
    return {
        "name": "digits-transfer",
        "data": {"dataset": str(folder), "image_size": [8, 8], "color_mode": "grayscale",
                 "validation_split": 0.2, "test_split": 0.2, "normalize": "none"},
        "model": {"name": f"run:{pretrained.path}", "dropout": 0.1},
        "train": {"batch_size": 16, "seed": 5},
        "transfer": {"strategy": "warmup-finetune", "warmup_epochs": 2, "finetune_epochs": 2,
                     "warmup_learning_rate": 0.01, "finetune_learning_rate": 0.003,
                     "unfreeze_top_layers": 1, **transfer},
    }


@pytest.fixture(scope="module")
def transferred(pretrained, digit_folder, tmp_path_factory) -> tuple[Run, WeightSnapshots]:
    snapshots = WeightSnapshots()
    run = api.train(_run_config(pretrained, digit_folder), runs_dir=tmp_path_factory.mktemp("tl"),
                    verbose=0, report=True, callbacks=[snapshots])
    return run, snapshots


def test_run_backbone_starts_from_the_pretrained_weights_and_warmup_keeps_them(
        pretrained: Run, transferred):
    run, snapshots = transferred
    warmup_begin, warmup_end, finetune_begin, finetune_end = snapshots.snapshots
    old_body = pretrained.load_model().layers[-1]
    for path, value in warmup_begin.items():
        layer_name, weight_name = path.rsplit("/", 1)
        (old,) = [w for w in old_body.get_layer(layer_name).weights if w.name == weight_name]
        np.testing.assert_array_equal(value, keras.ops.convert_to_numpy(old))
    assert {path.split("/")[0] for path in warmup_begin} >= {"fc1", "fc1_bn", "fc2", "fc2_bn"}
    assert _changed(warmup_begin, warmup_end) == set()  # frozen base, BN in inference mode
    assert _changed(warmup_end, finetune_begin) == set()
    # Fine-tuning the top weight layer changes fc2 only; BatchNorm statistics never move.
    changed = _changed(finetune_begin, finetune_end)
    assert {path.split("/")[0] for path in changed} == {"fc2"} and "fc2/kernel" in changed
    assert run.metrics["test_accuracy"] > 0.6  # 3 classes: chance is 0.33


def test_both_phases_share_one_history_checkpoint_and_report(transferred):
    run, _ = transferred
    assert [(row["epoch"], row["phase"]) for row in run.history] == [
        (1, "warmup"), (2, "warmup"), (3, "finetune"), (4, "finetune")]
    assert [row["lr"] for row in run.history] == pytest.approx([0.01, 0.01, 0.003, 0.003])
    state = json.loads((run.path / "checkpoint" / "state.json").read_text())
    # The state names and checksums the one checkpoint it belongs to (issue 15).
    checkpoint = run.path / "checkpoint" / state.pop("model")
    assert state.pop("model_sha256") == hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    assert state == {"phase": "finetune", "next_epoch": 4}
    phases = run.info["transfer"]["phases"]
    assert [(p["name"], p["first_epoch"], p["trainable_backbone_layers"]) for p in phases] == [
        ("warmup", 1, 0), ("finetune", 3, 1)]
    assert phases[0]["trainable_params"] < phases[1]["trainable_params"]
    report = (run.path / "report.html").read_text(encoding="utf-8")
    assert "finetune" in report and "warmup" in report
    reloaded = run.load_model()
    assert backbone_owner(reloaded).get_layer("backbone").get_layer("fc2").trainable


@pytest.mark.parametrize("interrupted_epoch", [1, 2, 3],
                         ids=["in-warmup", "at-phase-boundary", "in-finetune"])
def test_resume_continues_the_right_phase_and_matches_an_uninterrupted_run(
        pretrained, digit_folder, transferred, tmp_path: Path, interrupted_epoch: int):
    reference, _ = transferred
    with pytest.raises(TrainingInterrupted):
        api.train(_run_config(pretrained, digit_folder), runs_dir=tmp_path, verbose=0,
                  report=False, callbacks=[InterruptDuring(interrupted_epoch)])
    (partial,) = list_runs(tmp_path)
    assert len(partial.history) == interrupted_epoch
    resumed = api.resume(partial.path, verbose=0, report=False)
    assert [row["phase"] for row in resumed.history] == [row["phase"] for row in
                                                         reference.history]
    for column in ("loss", "val_loss", "lr"):
        assert [row[column] for row in resumed.history] == pytest.approx(
            [row[column] for row in reference.history], rel=1e-5)
    assert resumed.metrics["test_accuracy"] == pytest.approx(reference.metrics["test_accuracy"])


def test_preflight_refuses_normalized_pixels_for_a_run_backbone(pretrained, digit_folder,
                                                                tmp_path: Path):
    config = _run_config(pretrained, digit_folder)
    config["data"]["normalize"] = "rescale"
    with pytest.raises(TrainingError, match="data.normalize = 'none'") as error:
        api.train(config, runs_dir=tmp_path, verbose=0, report=False)
    assert "data.normalize = 'rescale' built into its model" in str(error.value)
    assert list_runs(tmp_path) == []


@pytest.mark.parametrize("change, message", [
    ({"model": {"name": "mlp"}}, "not a backbone"),
    ({"transfer": {"strategy": "scratch"}}, "cannot provide"),
    ({"model": {"trainable_layers": 2}}, "trainable_layers conflicts"),
    ({"model": {"units": [4]}}, "model.units does not apply"),
    ({"data": {"image_size": [16, 16]}}, r"data.image_size = \[8, 8\]"),
    ({"model": {"name": "run:no/such/run"}}, "does not exist"),
    ({"transfer": {"warmup_epochs": 0, "finetune_epochs": 0}}, "no epochs to train"),
])
def test_inconsistent_transfer_configs_fail_with_the_fix(pretrained, digit_folder,
                                                         tmp_path: Path, change, message):
    config = _run_config(pretrained, digit_folder)
    for section, values in change.items():
        config[section] = {**config[section], **values}
    with pytest.raises(ConfigError, match=message):
        api.train(config, runs_dir=tmp_path, verbose=0, report=False)
    assert list_runs(tmp_path) == []


def test_strategies_plan_their_phases():
    def phases(**transfer):
        config = validate_config({"model": {"name": "efficientnet_lite0"},
                                  "train": {"epochs": 7, "learning_rate": 0.02},
                                  "transfer": transfer})
        return [(p.name, p.epochs, p.learning_rate, p.top_layers, p.train_batch_norm)
                for p in plan_phases(config)], total_epochs(config)

    assert phases(strategy="head-only", warmup_epochs=4) == ([("warmup", 4, 1e-3, 0, False)], 4)
    assert phases(strategy="warmup-finetune", unfreeze_top_layers=5) == (
        [("warmup", 3, 1e-3, 0, False), ("finetune", 3, 1e-5, 5, False)], 6)
    assert phases(strategy="warmup-finetune", warmup_epochs=0) == (
        [("finetune", 3, 1e-5, None, False)], 3)
    assert phases(strategy="full") == ([("full", 7, 0.02, None, False)], 7)
    assert phases(strategy="scratch") == ([("scratch", 7, 0.02, None, True)], 7)


BACKBONE = {
    "name": "lite0-digits",
    "data": {"dataset": "digits", "image_size": [32, 32], "color_mode": "rgb",
             "train_per_class": 12, "validation_split": 0.2, "normalize": "none"},
    "model": {"name": "efficientnet_lite0", "weights": "random"},
    "train": {"batch_size": 48, "learning_rate": 0.01, "epochs": 1},
}


def _built(config: dict):
    """Config, model (from `api.build_model`) and one real training batch of 16 images."""
    from visionlab.training.heads import output_spec

    config = validate_config(config)
    dataset = api.prepare_dataset(config.data, config.train.seed, progress=False)
    spec = output_spec(config.train.loss, config.train.output_activation, dataset.num_classes)
    train = dataset.split("train")
    batch = (train.images[:16].astype("float32"), train.labels[:16])
    return config, api.build_model(config, dataset, spec), batch


def _eager_step(model, batch) -> set[str]:
    """Train one eager step (tracing EfficientNet's gradient graph would take half a minute);
    return the base weights it changed."""
    # Adam: random weights under frozen (identity) BatchNorm pass only tiny gradients, and
    # Adam's step does not shrink with them.
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  run_eagerly=True)
    before = _base_weights(model)
    model.train_on_batch(*batch)
    return _changed(before, _base_weights(model))


def test_registry_backbone_freezes_then_unfreezes_only_the_top_layers():
    config, model, batch = _built({**BACKBONE, "transfer": {
        "strategy": "warmup-finetune", "unfreeze_top_layers": 2}})
    body = backbone_owner(model)
    assert body.get_layer("preprocessing").get_layer("lite_scaling")  # inserted automatically
    assert tuple(model.inputs[0].shape[1:]) == (32, 32, 3)  # grayscale digits made RGB
    warmup, finetune = plan_phases(config)
    head = body.get_layer("predictions").bias
    head_before = np.array(keras.ops.convert_to_numpy(head))
    assert apply_phase_trainability(model, warmup) == []
    assert _eager_step(model, batch) == set()  # frozen base, BatchNorm in inference mode
    assert not np.array_equal(head_before, keras.ops.convert_to_numpy(head))
    assert apply_phase_trainability(model, finetune) == ["block15_project_conv", "head_conv"]
    changed = _eager_step(model, batch)
    # The top two weight layers of EfficientNet-Lite0 (1x1 convolutions without bias) move;
    # BatchNorm statistics and scales stay put.
    assert changed == {"block15_project_conv/kernel", "head_conv/kernel"}


def test_preflight_refuses_rescaled_pixels_for_a_registry_backbone(tmp_path: Path):
    config = {**BACKBONE, "data": {**BACKBONE["data"], "normalize": "rescale"},
              "transfer": {"strategy": "head-only"}}
    with pytest.raises(TrainingError, match="'lite' mode.*data.normalize = 'none'"):
        api.train(config, runs_dir=tmp_path, verbose=0, report=False)


@pytest.mark.parametrize("strategy", ["scratch", "full"])
def test_scratch_trains_batch_norm_and_full_keeps_it_frozen(strategy: str):
    _, model, batch = _built({**BACKBONE, "transfer": {"strategy": strategy}})
    changed = _eager_step(model, batch)
    batch_norm = {"stem_bn/moving_mean", "stem_bn/gamma", "head_bn/moving_variance"}
    base = backbone_owner(model).get_layer("backbone")
    frozen = {weight.path.split("/")[-1] for weight in base.non_trainable_weights}
    if strategy == "scratch":
        assert {"stem_conv/kernel", "head_conv/kernel", "block0_dwconv/kernel"} <= changed
        assert batch_norm <= changed  # batch statistics and scale learn from scratch
        assert frozen == {"moving_mean", "moving_variance"}
        assert base.get_layer("stem_bn").momentum == pytest.approx(0.9)  # tracks small data
    else:
        assert {"stem_conv/kernel", "head_conv/kernel", "block0_dwconv/kernel"} <= changed
        assert not batch_norm & changed  # pretrained statistics stay, inference mode
        assert frozen == {"gamma", "beta", "moving_mean", "moving_variance"}
