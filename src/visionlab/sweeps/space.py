"""A `SweepSpec` as Ray Tune's search space, and a trial's config back as dotted overrides.

The space has three entries: `params` (one Tune domain per config key), `variant` (a grid over
the variant names) and `seed` (a grid over `seeds`). Grids multiply; `num_samples` repeats the
whole grid with fresh draws of the random domains.
"""

from __future__ import annotations

from typing import Any

from visionlab.sweeps.spec import Distribution, SweepSpec


def search_space(spec: SweepSpec) -> dict[str, Any]:
    """Return Tune's `param_space` for `spec`.

    Example:
        search_space(spec)  # {"params": {"train.learning_rate": tune.loguniform(1e-4, 0.1)},
                            #  "variant": tune.grid_search(["baseline", "l2"]), ...}
    """
    from ray import tune  # optional heavy dependency: the `sweep` extra

    space: dict[str, Any] = {
        "params": {key: _domain(tune, distribution)
                   for key, distribution in spec.parameters.items()},
    }
    if spec.variants:
        space["variant"] = tune.grid_search(list(spec.variants))
    if spec.seeds:
        space["seed"] = tune.grid_search(list(spec.seeds))
    return space


def _domain(tune: Any, distribution: Distribution) -> Any:
    values = distribution.values
    if distribution.kind == "grid":
        return tune.grid_search(list(values))
    if distribution.kind == "choice":
        return tune.choice(list(values))
    if distribution.kind == "uniform":
        return tune.uniform(*values)
    if distribution.kind == "loguniform":
        return tune.loguniform(*values)
    return tune.randint(*values)  # Tune's high is exclusive, as Python's range


def trial_values(trial_config: dict[str, Any],
                 variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the dotted config keys a trial sets: its variant's, its parameters', its seed.

    Later ones win: a parameter overrides a variant's value of the same key.
    """
    values: dict[str, Any] = {}
    variant = trial_config.get("variant")
    if variant is not None:
        values.update(variants[variant])
    values.update(trial_config.get("params") or {})
    if trial_config.get("seed") is not None:
        values["train.seed"] = trial_config["seed"]
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    """A numpy scalar from Tune's samplers as the Python number pydantic and TOML expect."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
