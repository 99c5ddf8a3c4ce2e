"""`visionlab models` and `visionlab summary` through Typer's test runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from visionlab.cli import model_commands
from visionlab.cli.main import app
from visionlab.models.backbones.catalog import BACKBONES
from visionlab.models.registry import list_models

runner = CliRunner()


def invoke(*arguments: str):
    result = runner.invoke(app, list(arguments), env={"COLUMNS": "200"})
    # Rich wraps long lines; compare with whitespace collapsed.
    return result, " ".join(result.output.split())


def test_models_lists_every_architecture_with_defaults():
    result, output = invoke("models")
    assert result.exit_code == 0, output
    for name in list_models(kind="architecture"):
        assert name in output
    assert "architecture" in output
    assert "units=[128]" in output
    assert "blocks=[32, 64, 128]" in output


def test_models_pattern_filters_names():
    result, output = invoke("models", "tiny*")
    assert result.exit_code == 0, output
    assert "tinyvgg" in output
    assert "codelab_cnn" not in output and "mlp" not in output


def test_models_pattern_without_match_is_one_error_line():
    result, output = invoke("models", "resnet9000*")
    assert result.exit_code == 2
    assert "error: No model matches the pattern 'resnet9000*'" in output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_models_backbones_lists_only_backbones():
    result, output = invoke("models", "--backbones")
    assert result.exit_code == 0, output
    # Every catalog entry is listed (the catalog is never empty: a registry that lost its
    # backbones must fail here), and no plain architecture is.
    assert sorted(BACKBONES) == list_models(kind="backbone")
    assert {"efficientnet_lite0", "mobilenet_v2", "resnet50"} <= set(BACKBONES)
    for name in BACKBONES:
        assert name in output, name
    for name in list_models(kind="architecture"):
        assert f" {name} " not in f" {output} ", name


def test_summary_prints_keras_summary_and_counts():
    result, output = invoke("summary", "tinyvgg", "--input-shape", "224,224,3",
                            "--num-outputs", "1", "--output-activation", "sigmoid")
    assert result.exit_code == 0, output
    assert "block1_conv1 (Conv2D)" in output
    assert "total parameters 31,101, trainable parameters 31,101" in output


def test_summary_passes_model_arguments():
    result, output = invoke("summary", "mlp", "--input-shape", "28,28,1", "--set", "units=[4,4]",
                            "--arg", "kernel_initializer=he_normal", "--set", "batch_norm=false")
    assert result.exit_code == 0, output
    # (784*4 + 4) + (4*4 + 4) + (4*10 + 10).
    assert "total parameters 3,210" in output

    result, output = invoke("summary", "mlp", "--input-shape", "28x28x1", "--set", "units=[4]",
                            "--set", "batch_norm=true")
    assert result.exit_code == 0, output
    assert "fc1_bn (BatchNormalization)" in output
    # BatchNormalization's moving mean and variance (2 * 4) are not trainable.
    assert "total parameters 3,202, trainable parameters 3,194" in output


@pytest.mark.parametrize("arguments, message", [
    (["summary", "tinyvg"], "Unknown model 'tinyvg'. Did you mean 'tinyvgg'?"),
    (["summary", "mlp", "--set", "unitz=[3]"], "'unitz' (did you mean 'units'?)"),
    (["summary", "mlp", "--set", "units"], "Model arguments are written KEY=VALUE"),
    (["summary", "mlp", "--input-shape", "224,224"], "--input-shape must be three positive"),
    (["summary", "mlp", "--output-activation", "relu"], "output_activation must be one of"),
])
def test_summary_bad_input_is_one_error(arguments, message):
    result, output = invoke(*arguments)
    assert result.exit_code == 2, output
    assert message in output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.mark.parametrize("text, value", [
    ("[10,10]", [10, 10]),
    ("true", True),
    ("False", False),
    ("None", None),
    ("0.5", 0.5),
    ("(6, 5, 4)", (6, 5, 4)),
    ("he_normal", "he_normal"),
    ('{"class_name": "Constant", "config": {"value": 1}}',
     {"class_name": "Constant", "config": {"value": 1}}),
])
def test_argument_values_parse_as_json_then_python_then_text(text, value):
    assert model_commands._parse_value(text) == value
