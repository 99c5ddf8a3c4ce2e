"""Loss / output layer / label encoding combinations."""

import pytest

from visionlab.errors import ConfigError
from visionlab.training.heads import output_spec


def test_sparse_softmax():
    spec = output_spec("sparse_categorical_crossentropy", "auto", 10)
    assert (spec.num_outputs, spec.activation, spec.one_hot) == (10, "softmax", False)


def test_categorical_uses_one_hot():
    assert output_spec("categorical_crossentropy", "auto", 10).one_hot


def test_binary_two_classes_is_one_sigmoid_unit():
    spec = output_spec("binary_crossentropy", "auto", 2)
    assert (spec.num_outputs, spec.activation, spec.one_hot) == (1, "sigmoid", False)


def test_binary_many_classes_is_sigmoid_per_class_with_one_hot():
    spec = output_spec("binary_crossentropy", "auto", 10)
    assert (spec.num_outputs, spec.activation, spec.one_hot) == (10, "sigmoid", True)


def test_binary_with_softmax_is_refused_with_fix():
    with pytest.raises(ConfigError, match="output_activation = 'sigmoid'"):
        output_spec("binary_crossentropy", "softmax", 2)


def test_categorical_with_sigmoid_is_refused():
    with pytest.raises(ConfigError, match="softmax"):
        output_spec("sparse_categorical_crossentropy", "sigmoid", 10)


def test_single_class_is_refused():
    with pytest.raises(ConfigError, match="at least 2"):
        output_spec("sparse_categorical_crossentropy", "auto", 1)
