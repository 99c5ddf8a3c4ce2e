"""Fit glue: input scaling, augmentation layers, optimizers, class weights, accuracy metrics."""

import keras
import numpy as np
import pytest

from visionlab.config import AugmentConfig, TrainConfig
from visionlab.training.fit import (
    accuracy_metric,
    augmentation_layers,
    balanced_class_weight,
    build_training_model,
    channel_statistics,
    compile_model,
    make_optimizer,
    scaling_layers,
    training_loss,
)
from visionlab.training.heads import output_spec


def test_channel_statistics_match_numpy_in_chunks():
    images = np.random.default_rng(0).integers(0, 256, size=(50, 4, 4, 3), dtype=np.uint8)
    mean, variance = channel_statistics(images, chunk_size=7)
    np.testing.assert_allclose(mean, images.reshape(-1, 3).mean(axis=0))
    np.testing.assert_allclose(variance, images.reshape(-1, 3).var(axis=0), rtol=1e-9)


def test_standardize_layer_gives_zero_mean_unit_variance():
    images = np.random.default_rng(1).integers(0, 256, size=(64, 6, 6, 1), dtype=np.uint8)
    (layer,) = scaling_layers("standardize", images)
    out = keras.ops.convert_to_numpy(layer(images.astype("float32")))
    assert abs(out.mean()) < 1e-4 and abs(out.std() - 1) < 1e-3
    (rescale,) = scaling_layers("rescale", None)
    assert float(keras.ops.convert_to_numpy(rescale(np.full((1, 1, 1, 1), 255.0)))[0, 0, 0, 0]) == 1
    assert scaling_layers("none", None) == []


def test_augmentation_layers_only_change_images_in_training():
    layers = augmentation_layers(AugmentConfig(flip="horizontal", rotation=0.2, zoom=0.1,
                                               translation=0.1, brightness=0.2, contrast=0.2), 0)
    assert [layer.name for layer in layers] == [
        "augment_flip", "augment_rotation", "augment_zoom", "augment_translation",
        "augment_brightness", "augment_contrast"]
    # (batch, height, width, channels): 16 images, so a coin-flip layer changes at least one.
    batch = np.random.default_rng(2).uniform(0, 255, size=(16, 8, 8, 1)).astype("float32")
    for layer in layers:
        unchanged = keras.ops.convert_to_numpy(layer(batch, training=False))
        np.testing.assert_allclose(unchanged, batch, atol=1e-4, err_msg=layer.name)
        augmented = keras.ops.convert_to_numpy(layer(batch, training=True))
        assert augmented.shape == batch.shape
        assert np.abs(augmented - batch).max() > 1.0, f"{layer.name} left the images alone"
    body = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    model = build_training_model(body, image_shape=(8, 8, 1), preprocessing=layers)
    plain = keras.ops.convert_to_numpy(body(batch))
    inference = keras.ops.convert_to_numpy(model(batch, training=False))
    np.testing.assert_allclose(inference, plain, atol=1e-5)
    training = keras.ops.convert_to_numpy(model(batch, training=True))
    assert np.abs(training - plain).max() > 1e-3  # the same model augments when training
    assert augmentation_layers(AugmentConfig(), 0) == []


@pytest.mark.parametrize("name, expected", [("sgd", keras.optimizers.SGD),
                                            ("rmsprop", keras.optimizers.RMSprop),
                                            ("adam", keras.optimizers.Adam),
                                            ("adamw", keras.optimizers.AdamW)])
def test_make_optimizer(name, expected):
    optimizer = make_optimizer(TrainConfig(optimizer=name, learning_rate=0.05))
    assert type(optimizer) is expected
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(0.05)


def test_sgd_momentum_and_nesterov():
    optimizer = make_optimizer(TrainConfig(optimizer="sgd", momentum=0.9, nesterov=True))
    assert optimizer.momentum == pytest.approx(0.9) and optimizer.nesterov


def test_balanced_class_weight_inverts_frequency():
    labels = np.array([0] * 90 + [1] * 10)
    weights = balanced_class_weight(labels, 3)
    assert weights[1] / weights[0] == pytest.approx(9.0)
    assert weights[2] == 1.0  # absent class keeps a neutral weight


def test_accuracy_metric_follows_the_head():
    assert isinstance(accuracy_metric(output_spec("binary_crossentropy", "auto", 2)),
                      keras.metrics.BinaryAccuracy)
    assert isinstance(accuracy_metric(output_spec("binary_crossentropy", "auto", 10)),
                      keras.metrics.CategoricalAccuracy)
    assert isinstance(accuracy_metric(output_spec("sparse_categorical_crossentropy", "auto", 10)),
                      keras.metrics.SparseCategoricalAccuracy)


def test_label_smoothing_moves_the_targets_off_zero_and_one():
    spec = output_spec("categorical_crossentropy", "auto", 4)
    assert training_loss(spec, 0.0) == "categorical_crossentropy"  # unchanged without smoothing
    smoothed = training_loss(spec, 0.2)
    targets = np.eye(4, dtype=np.float32)[[0, 2]]
    probabilities = np.array([[0.7, 0.1, 0.1, 0.1], [0.05, 0.05, 0.85, 0.05]], np.float32)
    # Keras's rule: y * (1 - s) + s / classes, so the true class gets 0.85 and the others 0.05.
    expected_targets = targets * 0.8 + 0.05
    expected = -np.mean(np.sum(expected_targets * np.log(probabilities), axis=1))
    assert float(smoothed(targets, probabilities)) == pytest.approx(expected, rel=1e-5)
    plain = keras.losses.categorical_crossentropy(targets, probabilities)
    assert float(smoothed(targets, probabilities)) > float(np.mean(plain))
    binary = training_loss(output_spec("binary_crossentropy", "auto", 2), 0.1)
    assert isinstance(binary, keras.losses.BinaryCrossentropy)
    with pytest.raises(ValueError, match="one-hot"):
        training_loss(output_spec("sparse_categorical_crossentropy", "auto", 4), 0.1)


def test_model_compiled_with_label_smoothing_saves_and_reloads_in_safe_mode(tmp_path):
    spec = output_spec("categorical_crossentropy", "auto", 3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    compile_model(model, TrainConfig(loss="categorical_crossentropy", label_smoothing=0.1), spec)
    images = np.random.default_rng(0).random((8, 4), dtype=np.float32)
    model.fit(images, np.eye(3, dtype=np.float32)[np.arange(8) % 3], epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras", safe_mode=True)
    assert reloaded.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    np.testing.assert_allclose(reloaded.predict(images, verbose=0),
                               model.predict(images, verbose=0))
