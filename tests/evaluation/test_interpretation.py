"""Top losses, most-confused pairs, reproducible samples and dead ReLU units on tiny inputs."""

from __future__ import annotations

import numpy as np
import pytest

from visionlab.errors import DataError
from visionlab.evaluation.interpretation import (
    dead_unit_shares,
    most_confused_pairs,
    random_sample_indices,
    top_losses,
)
from visionlab.models.backbones import BACKBONE_LAYER


def test_top_losses_returns_most_confident_mistakes_first():
    y_true = np.array([0, 1, 2, 0, 1])
    y_prob = np.array([
        [0.9, 0.05, 0.05],   # right
        [0.7, 0.2, 0.1],     # wrong, p(true)=0.2
        [0.01, 0.98, 0.01],  # wrong, p(true)=0.01 -> the largest loss
        [0.4, 0.5, 0.1],     # wrong, p(true)=0.4
        [0.1, 0.8, 0.1],     # right
    ])
    mistakes = top_losses(y_true, y_prob, k=10)
    assert [mistake.index for mistake in mistakes] == [2, 1, 3]
    first = mistakes[0]
    assert (first.actual, first.predicted) == (2, 1)
    assert first.probability == pytest.approx(0.98)
    assert first.loss == pytest.approx(-np.log(0.01))
    assert [mistake.index for mistake in top_losses(y_true, y_prob, k=2)] == [2, 1]


def test_top_losses_reads_one_sigmoid_unit_as_binary():
    y_true = np.array([1, 0, 1, 0])
    y_prob = np.array([[0.9], [0.95], [0.3], [0.1]])  # rows 1 and 2 are wrong
    mistakes = top_losses(y_true, y_prob, k=5)
    assert [mistake.index for mistake in mistakes] == [1, 2]
    assert mistakes[0].predicted == 1 and mistakes[0].probability == pytest.approx(0.95)
    assert mistakes[1].predicted == 0 and mistakes[1].probability == pytest.approx(0.7)


def test_top_losses_rejects_mismatched_inputs():
    with pytest.raises(DataError, match="3 labels but 2"):
        top_losses(np.array([0, 1, 1]), np.array([[0.5, 0.5], [0.1, 0.9]]), k=1)
    with pytest.raises(DataError, match="class indices 0..1"):
        top_losses(np.array([0, 5]), np.array([[0.5, 0.5], [0.1, 0.9]]), k=1)


def test_most_confused_pairs_sorted_and_without_zeros():
    matrix = [[50, 3, 0],
              [10, 40, 1],
              [0, 0, 60]]
    pairs = most_confused_pairs(matrix, ["shirt", "t-shirt", "bag"], k=5)
    assert [(p.actual, p.predicted, p.count) for p in pairs] == [
        ("t-shirt", "shirt", 10), ("shirt", "t-shirt", 3), ("t-shirt", "bag", 1)]
    assert pairs[0].share == pytest.approx(10 / 51)
    assert len(most_confused_pairs(matrix, ["a", "b", "c"], k=1)) == 1
    with pytest.raises(DataError, match="one row and column per class"):
        most_confused_pairs(matrix, ["a", "b"])


def test_random_sample_indices_reproducible_distinct_sorted():
    first = random_sample_indices(100, 10, seed=3)
    assert np.array_equal(first, random_sample_indices(100, 10, seed=3))
    assert not np.array_equal(first, random_sample_indices(100, 10, seed=4))
    assert len(set(first.tolist())) == 10 and np.all(np.diff(first) > 0)
    assert random_sample_indices(5, 10).tolist() == [0, 1, 2, 3, 4]


def test_dead_unit_shares_per_relu_layer():
    import keras

    inputs = keras.Input((6, 6, 1))
    features = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    features = keras.layers.Flatten()(features)
    hidden = keras.layers.Dense(5, activation="relu", name="hidden")(features)
    linear = keras.layers.Dense(3, name="linear")(hidden)
    activated = keras.layers.ReLU(name="relu")(linear)
    outputs = keras.layers.Dense(2, activation="softmax", name="out")(activated)
    model = keras.Model(inputs, outputs)
    conv, dense, linear_layer = (model.get_layer(name) for name in ("conv", "hidden", "linear"))
    # Zero kernels make every output equal its bias: negative bias -> the unit never fires.
    conv.set_weights([np.zeros((3, 3, 1, 4)), np.array([-1.0, -1.0, 1.0, 1.0])])
    dense.set_weights([np.zeros((64, 5)), np.array([-1.0, 1.0, 1.0, 1.0, 1.0])])
    linear_layer.set_weights([np.zeros((5, 3)), np.array([-1.0, -1.0, -1.0])])
    images = np.random.default_rng(0).integers(0, 255, size=(10, 6, 6, 1), dtype=np.uint8)
    shares = dead_unit_shares(model, images)
    assert shares == {"conv": pytest.approx(0.5), "hidden": pytest.approx(0.2),
                      "relu": pytest.approx(1.0)}


def test_dead_unit_shares_looks_inside_nested_models():
    import keras

    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="relu",
                                                                    name="hidden")], name="mlp")
    inputs = keras.Input((2, 2, 1))
    outputs = inner(keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(inputs)))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(outputs))
    inner.get_layer("hidden").set_weights([np.zeros((4, 4)), np.array([-1.0, -1.0, -1.0, 1.0])])
    images = np.full((3, 2, 2, 1), 200, dtype=np.uint8)
    assert dead_unit_shares(model, images) == {"mlp/hidden": pytest.approx(0.75)}


def test_evaluation_measures_dead_units_in_its_own_pass():
    """`evaluate_split(..., dead_units_sample=...)` predicts as `model.predict` does and gives
    the shares `dead_unit_shares` gives on the sampled images, nested models included, without
    a second pass."""
    import keras

    from visionlab.config import TrainConfig
    from visionlab.data.dataset import Split
    from visionlab.evaluation.evaluate import evaluate_split
    from visionlab.evaluation.interpretation import dead_units_sample
    from visionlab.training.heads import output_spec

    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, activation="relu",
                                                                     name="hidden")], name="mlp")
    inputs = keras.Input((4, 4, 1))
    features = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(
        keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs))
    outputs = keras.layers.Dense(3, activation="softmax")(
        inner(keras.layers.Dense(16, name="linear")(keras.layers.Flatten()(features))))
    model = keras.Model(inputs, outputs)
    # A zero kernel and a negative bias: filter 0 never fires, the other three always do.
    model.get_layer("conv").set_weights([np.zeros((3, 3, 1, 4)), np.array([-1.0, 1, 1, 1])])
    rng = np.random.default_rng(1)
    images = rng.integers(0, 255, size=(45, 4, 4, 1), dtype=np.uint8)
    split = Split(images=images, labels=rng.integers(0, 3, size=45))
    train = TrainConfig(batch_size=8)
    sample = np.array([0, 3, 9, 10, 11, 40, 44])  # rows of the padded last batch included

    spec = output_spec("sparse_categorical_crossentropy", "auto", 3)
    measured = evaluate_split(model, split, ["a", "b", "c"], spec, train,
                              dead_units_sample=sample)
    expected = dead_unit_shares(model, images[sample])
    assert set(measured["_dead_units"]) == {"conv", "mlp/hidden"} == set(expected)
    assert measured["_dead_units"] == pytest.approx(expected)
    assert measured["_dead_units"]["conv"] == pytest.approx(0.25)
    np.testing.assert_allclose(measured["_y_prob"], model.predict(images, verbose=0), atol=1e-6)
    assert measured["_y_prob"].shape == (45, 3)
    plain = evaluate_split(model, split, ["a", "b", "c"], spec, train)
    assert "_dead_units" not in plain and plain["test_accuracy"] == measured["test_accuracy"]
    assert len(dead_units_sample(45)) == 45 and len(dead_units_sample(5000)) == 512


def test_interpretation_errors_read_in_vietnamese_and_name_the_values_in_english():
    with pytest.raises(DataError) as raised:
        top_losses(np.array([0, 1, 1]), np.array([[0.5, 0.5], [0.1, 0.9]]), k=1)
    assert raised.value.text("vi").startswith("top_losses nhận 3 nhãn nhưng 2 hàng xác suất")
    assert "labels but" not in raised.value.text("vi")
    with pytest.raises(DataError) as raised:
        top_losses(np.array([0, 5]), np.array([[0.5, 0.5], [0.1, 0.9]]), k=1)
    assert "labels from 0 to 5" in raised.value.text("en")
    assert "nhãn phải là chỉ số lớp 0..1" in raised.value.text("vi")
    with pytest.raises(DataError) as raised:
        most_confused_pairs(np.eye(3, dtype=int), ["a", "b"])
    assert "shape (3, 3) but there are 2 class names" in raised.value.text("en")
    vietnamese = raised.value.text("vi")
    assert vietnamese.startswith("Ma trận nhầm lẫn có shape (3, 3) nhưng có 2 tên lớp")
    assert "must be square" not in vietnamese
    with pytest.raises(ValueError) as raised:  # still a ValueError for callers that catch one
        random_sample_indices(-1, 2)
    assert isinstance(raised.value, DataError)
    assert "got n=-1, k=2" in raised.value.text("en")
    assert "nhận được n=-1, k=2" in raised.value.text("vi")
    with pytest.raises(DataError) as raised:
        dead_unit_shares(None, np.zeros((0, 2, 2, 1)))
    assert "at least one sample image" in raised.value.text("en")
    assert raised.value.text("vi").startswith("dead_unit_shares cần ít nhất một ảnh mẫu")


def test_a_nested_model_called_on_two_inputs_is_measured_too():
    import keras

    first, second = keras.Input((2,)), keras.Input((2,))
    pair = keras.Model([first, second], keras.layers.Dense(2, activation="relu", name="mix")(
        keras.layers.Concatenate()([first, second])), name="pair")
    pair.get_layer("mix").set_weights([np.zeros((4, 2)), np.array([-1.0, 1.0])])
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(2)(pair([inputs, inputs])), name="outer")
    assert dead_unit_shares(model, np.ones((3, 2), dtype="float32")) == {
        "pair/mix": pytest.approx(0.5)}


def test_a_transfer_model_is_measured_in_one_pass_without_running_its_base_twice(monkeypatch):
    """The shape of every transfer run: a wrapper (input, flip) around the classifier, which
    holds the pretrained base as a nested model. The head's ReLUs come from the evaluation's own
    batches: one `predict_on_batch` per batch, no second run of the base on kept inputs."""
    import keras

    from visionlab.config import TrainConfig
    from visionlab.data.dataset import Split
    from visionlab.evaluation.evaluate import evaluate_split
    from visionlab.training.heads import output_spec

    keras.utils.set_random_seed(0)
    image = keras.Input((8, 8, 3))
    base = keras.Model(image, keras.layers.Conv2D(4, 3, activation="relu", name="conv")(image),
                       name=BACKBONE_LAYER)
    classifier_input = keras.Input((8, 8, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(base(classifier_input))
    hidden = keras.layers.Dense(6, activation="relu", name="head_dense_0")(pooled)
    classifier = keras.Model(classifier_input, keras.layers.Dense(
        1, activation="sigmoid", name="predictions")(hidden), name="classifier")
    classifier.get_layer("head_dense_0").set_weights([np.zeros((4, 6)),
                                                      np.array([-1.0, -1, 1, 1, 1, 1])])
    pixels = keras.Input((8, 8, 3))
    model = keras.Model(pixels, classifier(keras.layers.RandomFlip("horizontal")(pixels)))
    rng = np.random.default_rng(0)
    split = Split(images=rng.integers(0, 255, size=(20, 8, 8, 3), dtype=np.uint8),
                  labels=rng.integers(0, 2, size=20))
    calls = []
    original = keras.Model.predict_on_batch
    monkeypatch.setattr(keras.Model, "predict_on_batch",
                        lambda self, batch: calls.append(self.name) or original(self, batch))
    measured = evaluate_split(model, split, ["cat", "dog"], output_spec(
        "binary_crossentropy", "auto", 2), TrainConfig(batch_size=8),
        dead_units_sample=np.arange(20))
    assert len(calls) == 3  # 20 images in batches of 8
    assert measured["_dead_units"] == {"classifier/head_dense_0": pytest.approx(2 / 6)}
    np.testing.assert_allclose(measured["_y_prob"], model.predict(split.images, verbose=0),
                               atol=1e-6)
