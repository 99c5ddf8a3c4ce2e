"""Pretrained backbones: building, head options, weights handling, preprocessing, freezing."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from visionlab.errors import ModelError
from visionlab.models.backbones import (
    BACKBONES,
    PREPROCESSING_MODES,
    backbone_preprocessing,
    preprocessing_layer,
    set_trainable,
)
from visionlab.models.backbones.layers import (
    BackbonePreprocessing,
    legacy_preprocessing_replaced,
    preprocessing_model,
)
from visionlab.models.registry import create_model, get_model_entry, list_models


def weight_snapshot(layer):
    return [np.array(variable) for variable in layer.weights]


def changed(before, after):
    return any(not np.array_equal(old, new) for old, new in zip(before, after))


def test_every_catalog_backbone_is_registered_as_a_backbone():
    assert list_models(kind="backbone") == sorted(BACKBONES)
    entry = get_model_entry("vgg16")
    assert entry.arguments["weights"] == "imagenet" and entry.arguments["pooling"] == "avg"
    assert entry.arguments["head_units"] == ()


@pytest.mark.parametrize("name", sorted(BACKBONES))
def test_every_backbone_builds_with_random_weights_and_a_frozen_base(name):
    model = create_model(name, (32, 32, 3), 3, weights="random")
    base = model.get_layer("backbone")
    assert model.output.shape == (None, 3)
    assert base.count_params() > 500_000
    assert not base.trainable_weights
    assert [variable.path for variable in model.trainable_weights] == [
        "predictions/kernel", "predictions/bias"]


def test_head_options_flatten_dense_units_dropout_l2_and_grayscale_input():
    model = create_model("vgg16", (32, 32, 1), 1, output_activation="sigmoid", weights="none",
                         pooling="flatten", head_units=[8, 4], dropout=0.5, kernel_l2=1e-3)
    names = [layer.name for layer in model.layers]
    assert names == ["image", "gray_to_rgb", "backbone", "pool", "head_dense_0",
                     "head_dropout_0", "head_dense_1", "head_dropout_1", "predictions"]
    assert isinstance(model.get_layer("pool"), keras.layers.Flatten)
    assert model.get_layer("head_dense_0").units == 8
    assert len(model.losses) == 3  # L2 on the two head layers and the output layer
    probabilities = model.predict(np.full((2, 32, 32, 1), 100.0, "float32"), verbose=0)
    assert probabilities.shape == (2, 1) and np.all((probabilities > 0) & (probabilities < 1))


@pytest.mark.parametrize("arguments, message", [
    ({"pooling": "mean"}, "pooling"),
    ({"head_units": [0]}, "head_units"),
    ({"dropout": 1.0}, "dropout"),
    ({"trainable_layers": -1}, "trainable backbone layers"),
    ({"weights": "imagenett"}, "must be 'imagenet', 'random'"),
])
def test_bad_arguments_raise_model_errors(arguments, message):
    with pytest.raises(ModelError, match=message):
        create_model("vgg16", (32, 32, 3), 2, **{"weights": "random", **arguments})


def test_too_small_or_wrong_channel_inputs_raise_model_errors():
    with pytest.raises(ModelError, match="at least 32x32"):
        create_model("resnet50", (28, 28, 3), 10, weights="random")
    with pytest.raises(ModelError, match="color_mode='rgb'"):
        create_model("resnet50", (64, 64, 2), 10, weights="random")


def test_offline_imagenet_weights_name_the_file_and_how_to_supply_it(monkeypatch):
    requested = []

    def offline_get_file(file_name, origin, **kwargs):
        requested.append(file_name)
        # keras.utils.get_file raises a bare Exception on fetch failures.
        raise Exception(f"URL fetch failure on {origin}: None -- no network")

    monkeypatch.setattr(keras.utils, "get_file", offline_get_file)
    with pytest.raises(ModelError) as error:
        create_model("vgg16", (32, 32, 3), 2)
    message = str(error.value)
    assert "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert "weights=PATH" in message and ".keras/models" in message
    with pytest.raises(ModelError, match="1.0_96_no_top.h5"):
        create_model("mobilenet_v2", (96, 96, 3), 2, weights="imagenet")
    assert requested == ["vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                         "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"]


def test_weights_from_a_local_file(tmp_path):
    source = create_model("mobilenet_v2", (32, 32, 3), 2, weights="random")
    path = tmp_path / "mobilenet_v2_notop.weights.h5"
    source.get_layer("backbone").save_weights(path)
    model = create_model("mobilenet_v2", (32, 32, 3), 2, weights=str(path))
    for old, new in zip(source.get_layer("backbone").weights, model.get_layer("backbone").weights):
        np.testing.assert_array_equal(np.array(old), np.array(new))
    with warnings.catch_warnings():  # Keras warns per skipped layer before it fails
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ModelError, match="Could not load the weights file"):
            create_model("mobilenet_v3_small", (32, 32, 3), 2, weights=str(path))
    with pytest.raises(ModelError, match="does not exist"):
        create_model("mobilenet_v2", (32, 32, 3), 2, weights=str(tmp_path / "absent.h5"))


def test_backbone_preprocessing_describes_every_backbone():
    expected = {"vgg16": "caffe", "resnet50": "caffe", "mobilenet_v2": "tf",
                "densenet121": "torch", "efficientnet_b0": "none", "efficientnet_lite0": "lite"}
    for name in BACKBONES:
        info = backbone_preprocessing(name)
        assert info["mode"] in PREPROCESSING_MODES and info["input_size"] == 224
        assert info["description"] and info["input_range"]
    assert {name: backbone_preprocessing(name)["mode"] for name in expected} == expected
    with pytest.raises(ModelError, match="Known backbones"):
        backbone_preprocessing("vgg17")


def test_preprocessing_layer_matches_keras_preprocess_input():
    images = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    applications = keras.applications
    for name, reference in [("vgg16", applications.vgg16.preprocess_input),
                            ("mobilenet_v2", applications.mobilenet_v2.preprocess_input),
                            ("densenet121", applications.densenet.preprocess_input)]:
        result = np.array(preprocessing_layer(name)(images))
        np.testing.assert_allclose(result, reference(images.copy()), rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(np.array(preprocessing_model("lite")(images)),
                                  (images - 127.0) / 128.0)
    np.testing.assert_array_equal(np.array(preprocessing_model("none")(images)), images)
    gray = np.array(preprocessing_layer("mobilenet_v2", channels=1)(images[..., :1]))
    assert gray.shape == (2, 8, 8, 3) and np.array_equal(gray[..., 0], gray[..., 2])
    with pytest.raises(ModelError, match="preprocessing mode"):
        preprocessing_model("inception")
    with pytest.raises(ModelError, match="1 \\(grayscale\\) or 3 \\(RGB\\)"):
        preprocessing_model("tf", channels=2)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("mode", sorted(PREPROCESSING_MODES))
def test_builtin_preprocessing_matches_the_legacy_layer_without_weights(mode, channels):
    pixels = np.random.default_rng(1).uniform(0, 255, (3, 5, 7, channels)).astype("float32")
    pixels[0, 0, 0], pixels[0, 0, 1] = 0.0, 255.0  # the ends of the range
    model = preprocessing_model(mode, channels)
    assert not model.weights  # nothing to train, freeze or count
    assert all(type(layer).__module__.startswith("keras.") for layer in model.layers)
    legacy = np.array(BackbonePreprocessing(mode)(pixels))
    np.testing.assert_allclose(np.array(model(pixels)), legacy, rtol=0, atol=1e-4)
    if mode in ("caffe", "lite", "none"):  # data movement, or exact float32 arithmetic
        np.testing.assert_array_equal(np.array(model(pixels)), legacy)


def test_model_with_preprocessing_saves_and_reloads_in_safe_mode(tmp_path):
    model = create_model("vgg16", (32, 32, 3), 3, weights="random", head_units=[4],
                         include_preprocessing=True)
    preprocessing = model.get_layer("preprocessing")
    assert [layer.name for layer in preprocessing.layers[1:]] == [
        "channels_first", "channel_2", "channel_1", "channel_0", "bgr", "channels_last",
        "caffe_scaling"]
    assert model.count_params() == create_model("vgg16", (32, 32, 3), 3, weights="random",
                                                head_units=[4]).count_params()
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(reloaded.get_layer("preprocessing"), keras.Model)
    np.testing.assert_allclose(reloaded.predict(images, verbose=0),
                               model.predict(images, verbose=0), rtol=1e-5, atol=1e-6)


def test_legacy_preprocessing_is_replaced_by_the_builtin_form():
    inputs = keras.Input((8, 8, 1), name="image")
    hidden = BackbonePreprocessing("torch", name="preprocessing")(inputs)
    hidden = keras.layers.Conv2D(2, 3, name="conv")(hidden)
    outputs = keras.layers.Dense(2, name="predictions")(keras.layers.Flatten()(hidden))
    legacy = keras.Model(inputs, outputs, name="body")
    replaced = legacy_preprocessing_replaced(legacy)
    assert isinstance(replaced.get_layer("preprocessing"), keras.Model)
    assert replaced.get_layer("conv") is legacy.get_layer("conv")  # shared, not copied
    pixels = np.random.default_rng(2).uniform(0, 255, (2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(np.array(replaced(pixels)), np.array(legacy(pixels)), atol=1e-5)
    assert legacy_preprocessing_replaced(replaced) is replaced


def fit_one_step(model):
    images = np.random.default_rng(0).uniform(-1, 1, (8, 32, 32, 3)).astype("float32")
    labels = np.arange(8) % 3
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(images, labels, batch_size=8, epochs=1, verbose=0)


def test_frozen_backbone_stays_unchanged_and_top_layers_unfreeze_without_batch_norm():
    # ResNet50: its skip connections keep random-weight activations (and gradients) alive.
    model = create_model("resnet50", (32, 32, 3), 3, weights="random")
    base = model.get_layer("backbone")
    before = {layer.name: weight_snapshot(layer) for layer in base.layers}
    head_before = weight_snapshot(model.get_layer("predictions"))
    fit_one_step(model)
    assert not [name for name, weights in before.items()
                if changed(weights, weight_snapshot(base.get_layer(name)))]
    assert changed(head_before, weight_snapshot(model.get_layer("predictions")))

    unfrozen = set_trainable(model, 2)
    assert unfrozen == ["conv5_block3_2_conv", "conv5_block3_3_conv"]
    before = {layer.name: weight_snapshot(layer) for layer in base.layers}
    fit_one_step(model)
    moved = [name for name, weights in before.items()
             if changed(weights, weight_snapshot(base.get_layer(name)))]
    assert moved == unfrozen  # conv5_block3_3_bn kept its weights and statistics

    all_layers = set_trainable(model, None)
    batch_norms = [layer for layer in base.layers
                   if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(all_layers) == 53 and not any(layer.trainable for layer in batch_norms)
    assert set_trainable(model, 0) == [] and not base.trainable_weights
    with pytest.raises(ModelError, match="no layer named 'backbone'"):
        set_trainable(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), 1)
