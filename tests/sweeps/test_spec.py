"""The `[sweep]` table: validation with did-you-mean, expansion, results (no Ray needed)."""

from __future__ import annotations

import pytest

from visionlab.config import load_config
from visionlab.errors import ConfigError
from visionlab.recipes import list_recipes
from visionlab.sweeps.errors import SweepError
from visionlab.sweeps.results import differing_keys, summarize_points, sweep_table
from visionlab.sweeps.space import trial_values
from visionlab.sweeps.spec import apply_values, list_sweeps, load_sweep

BASE = {
    "name": "digits-sweep",
    "data": {"dataset": "digits"},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 2},
}


def sweep_file(**sweep) -> dict:
    return {**BASE, "sweep": sweep}


def error_of(data: dict, overrides: list[str] | None = None) -> str:
    with pytest.raises(SweepError) as caught:
        load_sweep(data, overrides)
    return str(caught.value)


def test_valid_sweep_resolves_base_and_spec():
    base, spec = load_sweep(sweep_file(
        metric="val_loss", mode="min", seeds=[0, 1], scheduler="asha",
        parameters={"train.learning_rate": {"loguniform": [1e-4, 1e-1]},
                    "model.units": {"grid": [[16], [32]]}},
        variants={"baseline": {}, "l2": {"model.kernel_l2": 0.01}}),
        overrides=["train.epochs=3", "sweep.num_samples=4"])
    assert base.train.epochs == 3
    assert spec.num_samples == 4
    assert spec.parameters["train.learning_rate"].kind == "loguniform"
    assert list(spec.variants) == ["baseline", "l2"]
    assert spec.to_dict()["parameters"]["model.units"] == {"grid": [[16], [32]]}


def test_unknown_sweep_key_names_the_nearest():
    message = error_of(sweep_file(num_sample=3))
    assert "unknown key 'sweep.num_sample'" in message
    assert "did you mean 'sweep.num_samples'" in message


def test_unknown_distribution_names_the_nearest():
    message = error_of(sweep_file(parameters={"train.learning_rate": {"logunifrom": [1, 2]}}))
    assert "did you mean 'sweep.parameters.train.learning_rate.loguniform'" in message


@pytest.mark.parametrize(("key", "nearest"), [
    ("train.learning_rat", "train.learning_rate"),
    ("model.unit", "model.units"),
    ("augment.rotate", "augment.rotation"),
])
def test_parameter_missing_from_the_config_names_the_nearest(key, nearest):
    message = error_of(sweep_file(parameters={key: {"choice": [1, 2]}}))
    assert f"'{key}' is not a key of the experiment config" in message
    assert f"did you mean '{nearest}'" in message


def test_variant_key_missing_from_the_config_names_the_nearest():
    message = error_of(sweep_file(variants={"l2": {"model.kernel_l": 0.01}}))
    assert "sweep.variants.l2" in message
    assert "did you mean 'model.kernel_l2'" in message


@pytest.mark.parametrize(("distribution", "expected"), [
    ({"uniform": [0.5, 0.1]}, "needs low < high"),
    ({"loguniform": [0.0, 0.1]}, "loguniform needs low > 0"),
    ({"grid": [1], "choice": [2]}, "give exactly one of"),
    ({"grid": []}, "at least 1"),
])
def test_bad_distribution_says_why(distribution, expected):
    assert expected in error_of(sweep_file(parameters={"train.batch_size": distribution}))


def test_bad_metric_mode_and_scheduler_are_refused():
    assert "did you mean 'val_accuracy'" in error_of(sweep_file(metric="val_acuracy"))
    assert "'sweep.mode'" in error_of(sweep_file(mode="maximum"))
    assert "'sweep.scheduler'" in error_of(sweep_file(scheduler="hyperband"))


def test_missing_sweep_table_and_unknown_name_say_the_fix():
    assert "has no [sweep] table" in error_of(dict(BASE))
    with pytest.raises(SweepError, match="Did you mean the sweep 'mnist-ablation'"):
        load_sweep("mnist-ablaton")


def test_trial_values_apply_variant_then_parameters_then_seed():
    variants = {"l2": {"model.kernel_l2": 0.01, "train.learning_rate": 0.1}}
    values = trial_values({"variant": "l2", "params": {"train.learning_rate": 0.5}, "seed": 2},
                          variants)
    assert values == {"model.kernel_l2": 0.01, "train.learning_rate": 0.5, "train.seed": 2}
    config = load_config(apply_values(BASE, values))
    assert config.train.seed == 2
    assert config.model.arguments["kernel_l2"] == 0.01


def _trial(trial_id, variant, seed, value, status="completed", **values):
    return {"trial_id": trial_id, "variant": variant, "seed": seed, "status": status,
            "values": {"train.seed": seed, **values}, "best_value": value}


def test_points_average_over_seeds_best_first_and_show_differences_only():
    trials = [
        _trial("a", "baseline", 0, 0.80, **{"train.batch_size": 32}),
        _trial("b", "baseline", 1, 0.90, **{"train.batch_size": 32}),
        _trial("c", "l2", 0, 0.95, **{"train.batch_size": 32, "model.kernel_l2": 0.01}),
        _trial("d", "l2", 1, None, "failed", **{"train.batch_size": 32, "model.kernel_l2": 0.01}),
    ]
    points = summarize_points(trials, mode="max")
    assert [point["variant"] for point in points] == ["l2", "baseline"]
    assert points[1]["mean"] == pytest.approx(0.85)
    assert points[1]["std"] == pytest.approx(0.0707, abs=1e-4)
    assert points[0]["statuses"] == {"completed": 1, "failed": 1}
    assert differing_keys(points) == ["model.kernel_l2"]
    table = sweep_table({"name": "s", "spec": {"metric": "val_accuracy", "mode": "max"},
                         "points": points})
    headers = [column.header for column in table.columns]
    assert "train.batch_size" not in headers
    assert "model.kernel_l2" in headers


@pytest.mark.parametrize("name", list_sweeps())
def test_shipped_sweep_validates(name):
    base, spec = load_sweep(name)
    assert spec.parameters or spec.variants


def test_mnist_ablation_variants_mirror_the_recipes():
    base, spec = load_sweep("mnist-ablation")
    assert {f"mnist-ablation-{variant}" for variant in spec.variants} == {
        recipe for recipe in list_recipes() if recipe.startswith("mnist-ablation-")}
    for variant, overrides in spec.variants.items():
        trial = load_config(apply_values(base.to_dict(), overrides)).to_dict()
        recipe = load_config(f"mnist-ablation-{variant}").to_dict()
        for key in ("name", "description", "reference"):
            trial.pop(key, None)
            recipe.pop(key, None)
        assert trial == recipe, variant


def test_an_invalid_base_config_given_as_data_says_invalid_configuration():
    with pytest.raises(ConfigError) as caught:
        load_sweep({**BASE, "train": {"epochs": "many"}, "sweep": {}})
    message = str(caught.value)
    assert message.startswith("Invalid configuration:\n")
    assert "Invalid the" not in message
    with pytest.raises(ConfigError, match=r"^Invalid configuration:\n"):
        load_config({"train": {"epochs": 0}})


def test_an_invalid_sweep_table_names_its_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[sweep]\nmode = "maximum"\n')
    with pytest.raises(SweepError, match=rf"^Invalid \[sweep\] table in {path}:\n"):
        load_sweep(path)
    assert error_of(sweep_file(mode="maximum")).startswith("Invalid [sweep] table:\n")
