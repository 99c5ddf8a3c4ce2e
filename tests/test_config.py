"""Experiment config: defaults, TOML, overrides, and error messages that name the fix."""

from pathlib import Path

import pytest

from visionlab.api import recipe_table
from visionlab.config import EXAMPLE_CONFIG, ExperimentConfig, load_config
from visionlab.errors import ConfigError
from visionlab.recipes import list_recipes, recipe_path


def test_defaults_are_valid():
    config = load_config()
    assert config.train.optimizer == "adam"
    assert config.data.validation_split == pytest.approx(0.1)


def test_toml_file_and_overrides(tmp_path: Path):
    path = tmp_path / "exp.toml"
    path.write_text('[train]\nepochs = 4\n[model]\nname = "mlp"\nunits = [8]\n')
    config = load_config(path, overrides=["train.epochs=7", "model.units=[16, 16]",
                                          "data.dataset=mnist", "train.schedule={name='step'}"])
    assert config.train.epochs == 7
    assert config.model.arguments == {"units": [16, 16]}
    assert config.data.dataset == "mnist"
    assert config.train.schedule == {"name": "step"}


def test_unknown_key_names_nearest_valid_key():
    with pytest.raises(ConfigError) as error:
        load_config({"train": {"optimiser": "sgd"}})
    assert "unknown key 'train.optimiser'" in str(error.value)
    assert "did you mean 'train.optimizer'" in str(error.value)


def test_wrong_value_says_what_is_allowed():
    with pytest.raises(ConfigError) as error:
        load_config({"train": {"optimizer": "adagrad"}})
    message = str(error.value)
    assert "train.optimizer" in message and "'sgd'" in message and "'adamw'" in message


def test_wrong_type_names_key():
    with pytest.raises(ConfigError, match="train.epochs"):
        load_config(overrides=["train.epochs=many"])


def test_invalid_toml_names_file(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text("[train\nepochs = 3")
    with pytest.raises(ConfigError, match="bad.toml is not valid TOML"):
        load_config(path)


def test_cross_field_rule():
    with pytest.raises(ConfigError, match="nesterov"):
        load_config({"train": {"optimizer": "adam", "nesterov": True}})


def test_label_smoothing_needs_one_hot_targets():
    with pytest.raises(ConfigError,
                       match="label_smoothing needs one-hot targets.*'categorical_crossentropy'"):
        load_config({"train": {"label_smoothing": 0.1}})
    config = load_config({"train": {"label_smoothing": 0.1, "loss": "categorical_crossentropy"}})
    assert config.train.label_smoothing == pytest.approx(0.1)
    with pytest.raises(ConfigError, match="label_smoothing"):
        load_config(overrides=["train.label_smoothing=1.5"])


def test_unknown_source_suggests_recipe():
    with pytest.raises(ConfigError, match="mnist-codelab-cnn"):
        load_config("mnist-codelab-cnm")


def test_round_trip_through_toml(tmp_path: Path):
    config = load_config("mnist-ablation-batch-8-early-stopping")
    path = tmp_path / "resolved.toml"
    path.write_text(config.to_toml())
    again = load_config(path)
    assert again == config
    assert again.train.early_stopping.patience == 3


def test_example_config_is_valid(tmp_path: Path):
    path = tmp_path / "experiment.toml"
    path.write_text(EXAMPLE_CONFIG)
    assert isinstance(load_config(path), ExperimentConfig)


@pytest.mark.parametrize("name", list_recipes())
def test_every_recipe_validates(name):
    config = load_config(recipe_path(name))
    assert config.name == name
    assert config.reference is not None and 0 < config.reference.value <= 1


def test_recipe_table_lists_published_figures():
    rows = {row["name"]: row for row in recipe_table()}
    assert rows["mnist-ablation-zeros-init"]["reference_value"] == pytest.approx(0.1135)
    assert rows["fashion-mnist-dense-128"]["reference_value"] == pytest.approx(0.845)


def test_recipe_table_tells_published_figures_from_our_own_targets():
    rows = {row["name"]: row for row in recipe_table()}
    own = {name for name, row in rows.items() if row["published"] is False}
    assert own == {"fashion-mnist-cnn-fast", "fashion-mnist-cnn", "transfer-small-data",
                   "transfer-small-data-head-only", "transfer-small-data-scratch",
                   "dogs-cats-tinyvgg-augmented"}
    for name in own:  # each says so in words too
        assert "visionlab's own" in rows[name]["source"]
    assert rows["mnist-codelab-cnn-bn"]["published"] is True
    assert rows["dogs-cats-tinyvgg"]["published"] is True
