"""`visionlab export`: a real run (scikit-learn's 8x8 digits) exported to SavedModel, ONNX and
TFLite; each artifact is loaded here in its own runtime and compared with the Keras model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from needs import needs_module
from visionlab import api
from visionlab.cli.main import app
from visionlab.export import ExportError, get_format, list_formats
from visionlab.export.onnx import OnnxRunner

pytestmark = pytest.mark.xdist_group("export")

FORMATS = ("saved_model", "onnx", "tflite")
ARTIFACTS = {"saved_model": "model", "onnx": "model.onnx", "tflite": "model.tflite"}
TOLERANCE = 1e-5
DIGITS = {
    "name": "digits-export",
    "data": {"dataset": "digits", "validation_split": 0.2},
    # Conv + batch norm + dense: the ops a converter could get wrong, still seconds to train.
    "model": {"name": "cnn", "blocks": [8, 16], "convs_per_block": 1, "batch_norm": True},
    "train": {"epochs": 1, "batch_size": 64, "learning_rate": 0.01, "seed": 5},
}


def _needs_export_extra() -> None:
    for module in ("onnx", "tf2onnx", "onnxruntime", "ai_edge_litert"):
        needs_module(module, extra="export")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> api.Run:
    return api.train(DIGITS, runs_dir=tmp_path_factory.mktemp("runs"), verbose=0, report=False)


@pytest.fixture(scope="module")
def test_images(run) -> np.ndarray:
    return api.load_test_images(run).astype(np.float32)


@pytest.fixture(scope="module")
def keras_probabilities(run, test_images) -> np.ndarray:
    return np.asarray(run.load_model()(test_images, training=False))


@pytest.fixture(scope="module")
def exports(run) -> dict:
    _needs_export_extra()
    return {name: api.export_run(run, name) for name in FORMATS}


def _load_and_predict(format_name: str, artifact: Path, images: np.ndarray) -> np.ndarray:
    """Run `artifact` in its own runtime, without visionlab's runners."""
    if format_name == "onnx":
        session = needs_module("onnxruntime", extra="export").InferenceSession(
            str(artifact), providers=["CPUExecutionProvider"])
        return session.run(None, {session.get_inputs()[0].name: images})[0]
    if format_name == "tflite":
        return _tflite_predict(artifact, images)
    import tensorflow as tf  # the Keras backend of this suite

    loaded = tf.saved_model.load(str(artifact))  # kept: `serve` needs its variables alive
    return loaded.serve(images).numpy()


def _tflite_predict(artifact: Path, images: np.ndarray) -> np.ndarray:
    interpreter_module = needs_module("ai_edge_litert.interpreter", extra="export")
    interpreter = interpreter_module.Interpreter(model_path=str(artifact))
    (details,) = interpreter.get_input_details()
    interpreter.resize_tensor_input(details["index"], images.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(details["index"], images)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def test_every_format_is_registered():
    assert set(FORMATS) <= set(list_formats())
    assert get_format("litert") is get_format("tflite")
    with pytest.raises(ExportError, match="Did you mean 'onnx'"):
        get_format("onxx")


@pytest.mark.parametrize("format_name", FORMATS)
def test_export_writes_artifact_and_metadata(format_name, exports, run, test_images):
    result = exports[format_name]
    assert result.directory == run.path / "exports" / format_name
    assert result.artifact == result.directory / ARTIFACTS[format_name]
    assert result.artifact.exists()
    assert sorted(path.name for path in result.directory.iterdir()) == sorted(
        [ARTIFACTS[format_name], "metadata.json"])
    metadata = json.loads(result.metadata_path.read_text())
    assert metadata["format"] == format_name
    assert metadata["class_names"] == [str(digit) for digit in range(10)]
    assert metadata["input"]["shape"] == [None, 8, 8, 1]
    assert metadata["input"]["dtype"] == "float32"
    assert metadata["input"]["color_mode"] == "grayscale"
    assert metadata["input"]["value_range"] == [0, 255]
    assert metadata["output"]["shape"] == [None, 10]
    assert metadata["run"]["name"] == run.name
    assert Path(metadata["run"]["path"]) == run.path.resolve()
    assert {"visionlab", "keras", "backend_version"} <= set(metadata["versions"])
    parity = metadata["parity"]
    assert parity["images"] == min(256, len(test_images))  # the default cap
    assert parity["max_abs_diff"] <= TOLERANCE
    assert parity["runtime"]


@pytest.mark.parametrize("format_name", FORMATS)
def test_artifact_matches_keras_in_its_own_runtime(format_name, exports, test_images,
                                                   keras_probabilities):
    outputs = _load_and_predict(format_name, exports[format_name].artifact, test_images)
    assert outputs.shape == keras_probabilities.shape
    difference = np.abs(outputs - keras_probabilities).max()
    assert difference <= TOLERANCE
    assert np.array_equal(outputs.argmax(axis=1), keras_probabilities.argmax(axis=1))


@pytest.mark.parametrize("batch", [1, 7])
def test_tflite_runs_any_batch_size(batch, exports, test_images, keras_probabilities):
    artifact = exports["tflite"].artifact
    outputs = _tflite_predict(artifact, test_images[:batch])
    assert outputs.shape == (batch, 10)
    assert np.abs(outputs - keras_probabilities[:batch]).max() <= TOLERANCE
    runner = get_format("tflite").load(artifact)  # visionlab's runner resizes between calls
    for size in (batch, 3, batch):
        assert np.abs(runner(test_images[:size]) - keras_probabilities[:size]).max() <= TOLERANCE
    assert "resize_tensor_input" in exports["tflite"].metadata["input"]["batch"]


def test_parity_failure_names_the_difference_and_writes_nothing(run, exports, tmp_path,
                                                                monkeypatch):
    original = OnnxRunner.__call__

    def perturbed(self, batch):
        return original(self, batch) + 3e-4

    monkeypatch.setattr(OnnxRunner, "__call__", perturbed)
    output = tmp_path / "new" / "onnx"
    with pytest.raises(ExportError, match=r"differ by up to 0\.0003 \(limit 1e-05\)"):
        api.export_run(run, "onnx", output=output, parity_images=20)
    assert not (tmp_path / "new").exists()
    # A failed export over an earlier one keeps the earlier one untouched.
    before = exports["onnx"].artifact.read_bytes()
    with pytest.raises(ExportError, match="Nothing was written"):
        api.export_run(run, "onnx", parity_images=20)
    assert exports["onnx"].artifact.read_bytes() == before
    assert sorted(path.name for path in exports["onnx"].directory.parent.iterdir()) == sorted(
        FORMATS)


def test_export_refuses_to_replace_a_folder_that_is_not_an_export(run, tmp_path):
    _needs_export_extra()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not a visionlab export"):
        api.export_run(run, "onnx", output=folder, parity_images=4)
    assert (folder / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(("format_name", "module"), [("onnx", "onnxruntime"),
                                                      ("onnx", "tf2onnx"),
                                                      ("tflite", "ai_edge_litert.interpreter")])
def test_missing_extra_says_how_to_install(format_name, module, run, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    with pytest.raises(ExportError, match=r"pip install 'visionlab\[export\]'"):
        api.export_run(run, format_name, output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_exports_and_prints_parity(run, tmp_path):
    _needs_export_extra()
    runner = CliRunner()
    output = tmp_path / "cli-tflite"
    result = runner.invoke(app, ["export", str(run.path), "--format", "tflite", "--output",
                                 str(output), "--parity-images", "50"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "max abs diff" in result.output and "50 test images" in result.output
    assert (output / "model.tflite").is_file()
    assert json.loads((output / "metadata.json").read_text())["parity"]["images"] == 50


def test_cli_reports_errors_in_one_line(run):
    result = CliRunner().invoke(app, ["export", str(run.path), "--format", "coreml"])
    assert result.exit_code == 2
    assert "Unknown export format 'coreml'" in result.output
