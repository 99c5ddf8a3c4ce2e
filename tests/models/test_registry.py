"""Registry behaviour: registration, listing, argument checks and error messages."""

from __future__ import annotations

import pytest

from visionlab.errors import ModelError
from visionlab.models import registry
from visionlab.models.registry import (
    REQUIRED,
    create_model,
    format_default,
    get_model_entry,
    list_models,
    register_model,
)

BUILTIN_ARCHITECTURES = ["cnn", "codelab_cnn", "mlp", "tinyvgg"]


@pytest.fixture
def scratch_registry(monkeypatch):
    """A copy of the registry, so models registered by a test vanish afterwards."""
    list_models()  # load the built-in models before copying
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry._REGISTRY


@pytest.fixture
def recording_model(scratch_registry):
    """Register `recorder`, a factory that returns the arguments it was called with."""

    @register_model("recorder", description="Records its call.")
    def recorder(input_shape, num_outputs, output_activation="softmax", *, width=8,
                 depth=2, name_suffix="x"):
        return {"input_shape": input_shape, "num_outputs": num_outputs,
                "output_activation": output_activation, "width": width, "depth": depth,
                "name_suffix": name_suffix}

    return recorder


def test_builtin_architectures_are_registered():
    assert set(BUILTIN_ARCHITECTURES) <= set(list_models(kind="architecture"))
    assert list_models() == sorted(list_models())


def test_list_models_filters_by_pattern_and_kind():
    assert list_models("*cnn") == ["cnn", "codelab_cnn"]
    assert list_models("tiny*") == ["tinyvgg"]
    assert list_models("no-such-*") == []
    assert "tinyvgg" not in list_models(kind="backbone")
    with pytest.raises(ModelError, match="kind must be one of architecture, backbone"):
        list_models(kind="pretrained")


def test_entry_lists_own_arguments_with_defaults():
    entry = get_model_entry("tinyvgg")
    assert entry.name == "tinyvgg"
    assert entry.kind == "architecture"
    assert "TinyVGG" in entry.description
    assert entry.arguments["filters"] == 10
    assert entry.arguments["kernel_initializer"] == "glorot_uniform"
    assert "input_shape" not in entry.arguments
    assert "output_activation" not in entry.arguments
    assert get_model_entry("mlp").arguments["units"] == (128,)


def test_unknown_model_names_the_nearest():
    with pytest.raises(ModelError, match="Unknown model 'tinyvg'. Did you mean 'tinyvgg'"):
        create_model("tinyvg", (28, 28, 1), 10)
    with pytest.raises(ModelError, match="Run `visionlab models`"):
        get_model_entry("zzzzzzzz")


def test_unknown_argument_lists_accepted_arguments(recording_model):
    with pytest.raises(ModelError) as caught:
        create_model("recorder", (8, 8, 1), 2, widht=3)
    message = str(caught.value)
    assert "'widht' (did you mean 'width'?)" in message
    assert "Accepted arguments: width=8, depth=2, name_suffix='x'." in message


def test_none_arguments_are_dropped_so_defaults_apply(recording_model):
    call = create_model("recorder", [8, 8, 1], 2, width=None, depth=5, name_suffix=None)
    assert call == {"input_shape": (8, 8, 1), "num_outputs": 2, "output_activation": "softmax",
                    "width": 8, "depth": 5, "name_suffix": "x"}


def test_output_activation_none_means_linear(recording_model):
    assert create_model("recorder", (8, 8, 1), 2, None)["output_activation"] == "linear"
    assert create_model("recorder", (8, 8, 1), 1, "sigmoid")["output_activation"] == "sigmoid"
    with pytest.raises(ModelError, match="output_activation must be one of softmax, sigmoid"):
        create_model("recorder", (8, 8, 1), 2, "softplus")


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 0), (28, 28, 1.5), "28x28x1", None])
def test_bad_input_shape_is_a_model_error(recording_model, shape):
    with pytest.raises(ModelError, match="Input shape must be three positive integers"):
        create_model("recorder", shape, 2)


@pytest.mark.parametrize("num_outputs", [0, -1, 2.0, True, "10"])
def test_bad_num_outputs_is_a_model_error(recording_model, num_outputs):
    with pytest.raises(ModelError, match="num_outputs must be a positive integer"):
        create_model("recorder", (8, 8, 1), num_outputs)


def test_required_arguments_and_var_keyword_factories(scratch_registry):
    @register_model("needs_path", kind="backbone")
    def needs_path(input_shape, num_outputs, output_activation="softmax", *, weights_path,
                   **options):
        """Loads weights from a path.

        More text that is not part of the description.
        """
        return weights_path, options

    entry = get_model_entry("needs_path")
    assert entry.kind == "backbone"
    assert entry.description == "Loads weights from a path."
    assert entry.arguments == {"weights_path": REQUIRED}
    assert entry.accepts_any
    assert "needs_path" in list_models(kind="backbone")
    with pytest.raises(ModelError, match=r"needs the argument\(s\) weights_path"):
        create_model("needs_path", (8, 8, 3), 2)
    assert create_model("needs_path", (8, 8, 3), 2, weights_path="w.h5", extra=1) == (
        "w.h5", {"extra": 1})


def test_registration_errors_are_programming_errors(scratch_registry):
    with pytest.raises(ValueError, match="kind must be one of"):
        register_model("bad", kind="pretrained")

    with pytest.raises(TypeError, match="lacks num_outputs, output_activation"):
        @register_model("incomplete")
        def incomplete(input_shape):
            return None

    with pytest.raises(ValueError, match="'mlp' is already registered"):
        @register_model("mlp")
        def another_mlp(input_shape, num_outputs, output_activation="softmax"):
            return None


def test_keras_shape_errors_become_model_errors():
    # 8 -> 6 -> 4 -> pool 2 -> the third 3x3 valid convolution cannot fit.
    with pytest.raises(ModelError, match="Could not build model 'tinyvgg' for input shape "
                                         r"\(8, 8, 1\) with its default arguments"):
        create_model("tinyvgg", (8, 8, 1), 2)


def test_format_default():
    assert format_default((32, 64)) == "[32, 64]"
    assert format_default(()) == "[]"
    assert format_default("relu") == "'relu'"
    assert format_default(0.0) == "0.0"
    assert format_default(REQUIRED) == "required"


def test_summary_text_is_plain_text():
    model = create_model("mlp", (4, 4, 1), 3, units=[5])
    text = registry.summary_text(model)
    assert 'Model: "mlp"' in text
    # 16 * 5 + 5 + 5 * 3 + 3 parameters.
    assert "Total params: 103" in text
    assert "\x1b[" not in text
