"""Every registered architecture builds, trains, saves, reloads; knobs do what they say."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from visionlab.errors import ModelError
from visionlab.models.registry import create_model, list_models

# Tiny widths keep each model to a few thousand parameters so the tests stay fast on a shared CPU.
SMALL_ARGUMENTS = {
    "mlp": {"units": [6, 5]},
    "tinyvgg": {"filters": 3},
    "codelab_cnn": {"filters": [4, 6, 8], "dense_units": 8},
    "cnn": {"blocks": [4, 6], "dense_units": [5]},
}
SMALL_SHAPES = {"mlp": (12, 12, 1), "tinyvgg": (28, 28, 1)}
ARCHITECTURES = list_models(kind="architecture")


def small_model(name: str, num_outputs: int = 3, output_activation: str = "softmax", **extra):
    arguments = {**SMALL_ARGUMENTS.get(name, {}), **extra}
    return create_model(name, SMALL_SHAPES.get(name, (16, 16, 3)), num_outputs,
                        output_activation, **arguments)


def weighted_layers(model):
    return [layer for layer in model.layers
            if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))]


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("name", ARCHITECTURES)
def test_builds_trains_saves_reloads_and_predicts_the_same(name, batch_norm, tmp_path):
    keras.utils.set_random_seed(0)
    model = small_model(name, batch_norm=batch_norm, dropout=0.25)
    assert model.inputs[0].name == "image"
    assert model.layers[-1].name == "predictions"
    assert model.output_shape == (None, 3)

    input_shape = model.input_shape[1:]
    images = np.random.default_rng(0).random((4, *input_shape), dtype=np.float32)
    labels = np.array([0, 1, 2, 1])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [weight.copy() for weight in model.get_weights()]
    loss = model.train_on_batch(images, labels)
    assert np.isfinite(loss)
    assert any(not np.array_equal(old, new) for old, new in zip(before, model.get_weights()))

    path = tmp_path / f"{name}.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    expected = model.predict(images, verbose=0)
    np.testing.assert_allclose(reloaded.predict(images, verbose=0), expected, atol=1e-6)
    np.testing.assert_allclose(expected.sum(axis=1), 1.0, atol=1e-5)


def test_tinyvgg_matches_the_tutorial_parameter_count_and_layers():
    model = create_model("tinyvgg", (224, 224, 3), 1, "sigmoid")
    assert model.count_params() == 31_101
    assert [layer.name for layer in model.layers] == [
        "image", "block1_conv1", "block1_conv2", "block1_pool",
        "block2_conv1", "block2_conv2", "block2_pool", "flatten", "predictions",
    ]
    assert model.layers[-1].get_config()["activation"] == "sigmoid"


@pytest.mark.parametrize("units, expected", [([10, 10], 1_505_411), ([128, 128, 128], 19_300_865)])
def test_mlp_parameter_counts_on_224_images(units, expected):
    model = create_model("mlp", (224, 224, 3), 1, "sigmoid", units=units)
    assert model.count_params() == expected


def test_tutorial_mnist_nets():
    # [4, 4] hidden units: (784*4 + 4) + (4*4 + 4) + (4*10 + 10).
    assert create_model("mlp", (28, 28, 1), 10, units=[4, 4]).count_params() == 3_210
    # No hidden layer is softmax regression: 784*10 + 10.
    assert create_model("mlp", (28, 28, 1), 10, units=[]).count_params() == 7_850


def test_codelab_cnn_default_shapes_and_counts():
    model = create_model("codelab_cnn", (28, 28, 1), 10)
    # 28x28 -> stride 1 -> 28, stride 2 -> 14, stride 2 -> 7 (same padding).
    assert model.get_layer("conv3").output.shape == (None, 7, 7, 64)
    expected = ((6 * 6 * 1 * 24 + 24) + (5 * 5 * 24 * 48 + 48) + (4 * 4 * 48 * 64 + 64)
                + (7 * 7 * 64 * 200 + 200) + (200 * 10 + 10))
    assert model.count_params() == expected

    gap = create_model("codelab_cnn", (28, 28, 1), 10, head="gap", dropout=0.5)
    names = [layer.name for layer in gap.layers]
    assert names[-3:] == ["global_pool", "head_dropout", "predictions"]
    assert "fc1" not in names


def test_cnn_blocks_pooling_and_heads():
    model = create_model("cnn", (16, 16, 3), 4, blocks=[4, 6], convs_per_block=3, pool="avg",
                         head="flatten", dense_units=[7, 5], dropout=0.1)
    names = [layer.name for layer in model.layers]
    assert names.count("block1_conv3") == 1 and "block1_conv4" not in names
    assert isinstance(model.get_layer("block2_pool"), keras.layers.AveragePooling2D)
    # 16 -> 8 -> 4 after two pools; flatten 4*4*6 = 96 features.
    assert model.get_layer("flatten").output.shape == (None, 96)
    assert names[-6:] == ["head_dropout", "fc1", "fc1_dropout", "fc2", "fc2_dropout",
                          "predictions"]
    assert model.get_layer("fc2").units == 5


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_zeros_initializer_applies_to_every_layer(name):
    model = small_model(name, kernel_initializer="zeros", bias_initializer="ones")
    layers = weighted_layers(model)
    assert layers and layers[-1].name == "predictions"
    for layer in layers:
        assert not np.any(layer.kernel.numpy()), layer.name
        np.testing.assert_array_equal(layer.bias.numpy(), 1.0)


def test_initializer_config_dicts_and_unseeded_instances():
    model = small_model(
        "mlp", kernel_initializer={"class_name": "Constant", "config": {"value": 0.5}})
    np.testing.assert_array_equal(model.get_layer("fc1").kernel.numpy(), 0.5)
    # One unseeded instance shared by all layers must still give different weights per layer.
    model = small_model("cnn", blocks=[4, 4], kernel_initializer=keras.initializers.GlorotUniform())
    first = model.get_layer("block1_conv2").kernel.numpy()
    second = model.get_layer("block2_conv1").kernel.numpy()
    assert first.shape == second.shape
    assert not np.allclose(first, second)


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_l2_penalties_add_one_loss_per_kernel_and_bias(name):
    plain = small_model(name)
    assert plain.losses == []
    layers = weighted_layers(plain)

    kernel_only = small_model(name, kernel_l2=0.01, kernel_initializer="ones")
    assert len(kernel_only.losses) == len(layers)
    kernel_weights = sum(int(np.prod(layer.kernel.shape)) for layer in layers)
    # L2 penalty = 0.01 * sum(kernel ** 2) and every kernel entry is 1.
    np.testing.assert_allclose(float(sum(kernel_only.losses)), 0.01 * kernel_weights, rtol=1e-5)

    both = small_model(name, kernel_l2=0.01, bias_l2=0.02)
    assert len(both.losses) == 2 * len(layers)
    # With batch norm only the output layer keeps a bias to penalize.
    normalized = small_model(name, kernel_l2=0.01, bias_l2=0.02, batch_norm=True)
    assert len(normalized.losses) == len(layers) + 1


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_batch_norm_replaces_hidden_biases(name):
    plain = small_model(name)
    normalized = small_model(name, batch_norm=True)
    hidden = weighted_layers(normalized)[:-1]
    norms = [layer for layer in normalized.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in plain.layers)
    assert len(norms) == len(hidden) > 0
    assert all(not layer.use_bias for layer in hidden)
    assert all(layer.use_bias for layer in weighted_layers(plain))
    assert normalized.get_layer("predictions").use_bias


def test_activation_knob_reaches_hidden_layers_only():
    model = small_model("mlp", activation="tanh", output_activation="sigmoid")
    assert model.get_layer("fc1").get_config()["activation"] == "tanh"
    assert model.get_layer("predictions").get_config()["activation"] == "sigmoid"
    logits = small_model("tinyvgg", output_activation=None)
    assert logits.get_layer("predictions").get_config()["activation"] == "linear"


@pytest.mark.parametrize("name, arguments, message", [
    ("mlp", {"activation": "rleu"}, "activation='rleu' is not a Keras activation"),
    ("mlp", {"kernel_initializer": "he_norml"}, "kernel_initializer='he_norml' is not a Keras"),
    ("mlp", {"dropout": 1.5}, r"dropout must be in \[0, 1\)"),
    ("mlp", {"units": [8, 0]}, "units must be a list of positive integers"),
    ("mlp", {"kernel_l2": -1}, "kernel_l2 must be a number >= 0"),
    ("mlp", {"batch_norm": "yes"}, "batch_norm must be true or false"),
    ("cnn", {"head": "gapp"}, "head must be one of 'flatten', 'gap'; got 'gapp'"),
    ("cnn", {"pool": "min"}, "pool must be one of 'max', 'avg'"),
    ("cnn", {"blocks": []}, "blocks must be a non-empty list of positive integers"),
    ("codelab_cnn", {"kernel_sizes": [6, 5]}, "kernel_sizes must have 3 entries"),
    ("tinyvgg", {"filters": 2.5}, "filters must be a positive integer"),
])
def test_bad_arguments_raise_model_errors(name, arguments, message):
    with pytest.raises(ModelError, match=message):
        small_model(name, **arguments)
