"""The `[sweep]` table of an experiment TOML: what to vary, how to search, how to judge.

A sweep file is an ordinary experiment config (the base every trial starts from) plus:

```toml
[sweep]
metric = "val_accuracy"      # a history column, best epoch per trial
mode = "max"
num_samples = 1              # draws of the random parameters (times every grid point)
seeds = [0, 1, 2]            # repeat each point with train.seed = each
scheduler = "asha"           # or "none"; ASHA stops poor trials after `grace_period` epochs
grace_period = 1
max_concurrent = 2
cpus_per_trial = 1
reuse_actors = true          # a finished trial's process (TensorFlow imported) runs the next one

[sweep.parameters]           # config key -> one distribution
"train.learning_rate" = { loguniform = [1e-4, 1e-1] }
"model.units" = { grid = [[64], [128]] }

[sweep.variants.baseline]    # named sets of overrides (an ablation), a grid over the names
[sweep.variants.l2]
"model.kernel_l2" = 0.01
```

Keys are checked like the rest of the config: an unknown one names the nearest valid key.
"""

from __future__ import annotations

import difflib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from visionlab.config import ExperimentConfig, load_config
from visionlab.i18n import Message, joined, t, term
from visionlab.models.registry import get_model_entry
from visionlab.sweeps.errors import SweepError

DISTRIBUTIONS = ("grid", "choice", "uniform", "loguniform", "randint")
# Columns of history.csv a trial reports each epoch (Keras's logs).
METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
_SWEEP_PACKAGE = "visionlab.sweeps"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Distribution(_Strict):
    """One parameter's values: exactly one of grid, choice, uniform, loguniform, randint."""

    grid: list[Any] | None = Field(None, min_length=1)
    choice: list[Any] | None = Field(None, min_length=1)
    uniform: tuple[float, float] | None = None
    loguniform: tuple[float, float] | None = None
    randint: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Distribution:
        given = [name for name in DISTRIBUTIONS if getattr(self, name) is not None]
        if len(given) != 1:
            # pydantic keeps the text of a validator's error: it reads in the current language
            raise ValueError(t("error.sweep.one_distribution", choices=", ".join(DISTRIBUTIONS),
                               given=", ".join(given) or t("word.none")))
        low_high = self.uniform or self.loguniform or self.randint
        if low_high is not None and not low_high[0] < low_high[1]:
            raise ValueError(t("error.sweep.low_high", kind=self.kind, got=list(low_high)))
        if self.loguniform is not None and self.loguniform[0] <= 0:
            raise ValueError(t("error.sweep.loguniform_low"))
        return self

    @property
    def kind(self) -> str:
        return next(name for name in DISTRIBUTIONS if getattr(self, name) is not None)

    @property
    def values(self) -> Any:
        return getattr(self, self.kind)


class SweepSpec(_Strict):
    """The `[sweep]` table, validated."""

    metric: str = "val_accuracy"
    mode: Literal["min", "max"] = "max"
    num_samples: int = Field(1, ge=1)
    seeds: list[int] | None = Field(None, min_length=1)
    scheduler: Literal["asha", "none"] = "none"
    grace_period: int = Field(1, ge=1)
    # ASHA's longest trial; None: the base config's train.epochs.
    max_epochs: int | None = Field(None, ge=1)
    reduction_factor: float = Field(2.0, gt=1.0)
    max_concurrent: int | None = Field(None, ge=1)
    cpus_per_trial: float = Field(1.0, gt=0.0)
    # Tune's reuse_actors: the next trial runs in a finished trial's process (saves the ~5 s
    # TensorFlow import per trial); false gives each trial a fresh process, placed where Ray has
    # room when the trial is queued (on a cluster: spread over the nodes).
    reuse_actors: bool = True
    parameters: dict[str, Distribution] = Field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_metric(self) -> SweepSpec:
        if self.metric not in METRICS:
            near = difflib.get_close_matches(self.metric, METRICS, n=1, cutoff=0.5)
            hint = t("error.config.did_you_mean_key", key=near[0]) if near else ""
            raise ValueError(t("error.sweep.metric", metric=self.metric, hint=hint,
                               valid=", ".join(METRICS)))
        return self

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON/TOML-ready data (None values dropped)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data["parameters"] = {key: {dist.kind: dist.values}
                              for key, dist in self.parameters.items()}
        return json.loads(json.dumps(data))


# ----------------------------------------------------------------------------------------------
# Shipped sweeps: TOMLs beside this module, found by name like recipes


def list_sweeps() -> list[str]:
    """Return the names of the shipped sweeps, sorted."""
    return sorted(path.stem for path in _sweep_dir().glob("*.toml"))


def sweep_path(name: str) -> Path | None:
    """Return the TOML file of shipped sweep `name`, or None when there is none."""
    path = _sweep_dir() / f"{name}.toml"
    return path if path.is_file() else None


def _sweep_dir() -> Path:
    return Path(str(resources.files(_SWEEP_PACKAGE)))


# ----------------------------------------------------------------------------------------------
# Loading and validation


def load_sweep(source: str | os.PathLike[str] | dict[str, Any],
               overrides: list[str] | None = None) -> tuple[ExperimentConfig, SweepSpec]:
    """Read a sweep file (or shipped sweep name, or dict) into its base config and spec.

    Args:
        source: a TOML path with a `[sweep]` table, a shipped sweep name (`visionlab sweeps`),
            or the same structure as a dict.
        overrides: `"key=value"` strings; `sweep.*` keys change the spec, the others the base
            experiment (as `visionlab train --set`). Defaults to None.

    Raises:
        SweepError: no `[sweep]` table, an unknown key (naming the nearest valid one), a bad
            distribution, or a parameter/variant key that the config does not have.
        ConfigError: the base experiment itself is invalid.
    """
    data, origin = _read(source)
    sweep_overrides = [item for item in overrides or [] if item.strip().startswith("sweep.")]
    config_overrides = [item for item in overrides or [] if item not in sweep_overrides]
    raw_spec = data.pop("sweep", None)
    if not isinstance(raw_spec, dict):
        raise SweepError(Message("error.sweep.no_table", {
            "origin": origin or term("sweep.the_sweep_data")}))
    for override in sweep_overrides:
        key, value = _parse_override(override)
        _set_dotted(raw_spec, key.removeprefix("sweep."), value)
    spec = validate_spec(raw_spec, origin)
    base = load_config(data, config_overrides)
    check_keys(spec, base)
    return base, spec


def _read(source: str | os.PathLike[str] | dict[str, Any]
          ) -> tuple[dict[str, Any], str | Message | None]:
    """The sweep's data and where it came from (a file or shipped sweep; None for a dict)."""
    if isinstance(source, dict):
        return json.loads(json.dumps(source)), None
    path = Path(source)
    origin = str(path)
    if not path.is_file():
        shipped = sweep_path(str(source))
        if shipped is None:
            near = difflib.get_close_matches(str(source), list_sweeps(), n=1)
            hint = Message("error.sweep.did_you_mean", {"name": near[0]}) if near else ""
            raise SweepError(Message("error.sweep.no_source", {"source": source, "hint": hint}))
        path, origin = shipped, Message("sweep.shipped_origin", {"name": source})
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), origin
    except tomllib.TOMLDecodeError as error:
        raise SweepError(Message("error.config.bad_toml", {"path": path, "error": error})) \
            from None


def validate_spec(raw: dict[str, Any], origin: Any = None) -> SweepSpec:
    """Validate a `[sweep]` table, turning pydantic errors into one readable `SweepError`.

    Args:
        raw: the `[sweep]` table as plain data.
        origin: the file or shipped sweep it came from, named in the error. Defaults to None.
    """
    try:
        return SweepSpec.model_validate(raw)
    except ValidationError as error:
        messages = joined([_explain(item) for item in error.errors()], "\n  - ")
        key = "error.sweep.invalid_in" if origin else "error.sweep.invalid"
        raise SweepError(Message(key, {"origin": origin or "", "problems": messages})) \
            from None


def _explain(item: dict[str, Any]) -> Any:
    location = [str(part) for part in item["loc"]]
    # pydantic names a tuple's position and a failed model validator's class; drop both
    if location and location[-1].isdigit():
        location = location[:-1]
    key = ".".join(["sweep", *location])
    if item["type"] == "extra_forbidden":
        if len(location) == 1:
            valid: list[str] = sorted(SweepSpec.model_fields)
        else:  # sweep.parameters.<key>.<distribution>
            valid = list(DISTRIBUTIONS)
        parent = ".".join(["sweep", *location[:-1]])
        near = difflib.get_close_matches(location[-1], valid, n=1, cutoff=0.5)
        hint = (Message("error.config.did_you_mean_key", {"key": f"{parent}.{near[0]}"})
                if near else "")
        return Message("error.config.unknown_key", {"key": key, "hint": hint,
                                                    "valid": ", ".join(valid)})
    message = item["msg"].removeprefix("Value error, ")
    if item["type"] == "value_error":
        return message if not location else f"'{key}': {message}"
    return Message("error.config.bad_value", {"key": key, "reason": message,
                                              "value": repr(item.get("input"))})


def check_keys(spec: SweepSpec, base: ExperimentConfig) -> None:
    """Check that every parameter and variant key exists in the experiment config.

    `model.*` keys are the model factory's own arguments (the base model's, and any model a
    variant names).

    Raises:
        SweepError: naming each unknown key and the nearest valid one.
    """
    model_names = {base.model.name} | {
        str(overrides["model.name"]) for overrides in spec.variants.values()
        if "model.name" in overrides}
    valid = config_keys(model_names)
    used = [(f"sweep.parameters.\"{key}\"", key) for key in spec.parameters]
    used += [(f"sweep.variants.{name}.\"{key}\"", key)
             for name, overrides in spec.variants.items() for key in overrides]
    problems: list[Message] = []
    for where, key in used:
        if key in valid or _any_model_argument(key, model_names) or key.startswith("sweep."):
            if key.startswith("sweep."):
                problems.append(Message("error.sweep.varies_itself", {"where": where}))
            continue
        near = difflib.get_close_matches(key, sorted(valid), n=1, cutoff=0.6)
        hint = Message("error.config.did_you_mean_key", {"key": near[0]}) if near else ""
        problems.append(Message("error.sweep.not_a_config_key",
                                {"where": where, "key": key, "hint": hint}))
    if problems:
        raise SweepError(Message("error.sweep.invalid_parameters",
                                 {"problems": joined(problems, "\n  - ")}))


def config_keys(model_names: set[str] | None = None) -> set[str]:
    """Every dotted key of the experiment config, `model.*` from the named models' arguments."""
    keys = _model_keys(ExperimentConfig, "")
    keys.discard("model")
    keys.add("model.name")
    for name in model_names or ():
        keys.update(f"model.{argument}" for argument in get_model_entry(name).arguments)
    return keys


def _model_keys(model: type[BaseModel], prefix: str) -> set[str]:
    keys: set[str] = set()
    for field_name, field in model.model_fields.items():
        key = f"{prefix}{field_name}"
        candidates = getattr(field.annotation, "__args__", (field.annotation,))
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)
                  and c.model_config.get("extra") == "forbid"]
        keys.add(key)
        if nested:
            keys.update(_model_keys(nested[0], f"{key}."))
    return keys


def _any_model_argument(key: str, model_names: set[str]) -> bool:
    """True for `model.X` when a named model takes `**kwargs` (any argument passes through)."""
    return key.startswith("model.") and any(
        get_model_entry(name).accepts_any for name in model_names)


def _parse_override(override: str) -> tuple[str, Any]:
    if "=" not in override:
        raise SweepError(Message("error.sweep.override_format", {"override": override}))
    key, raw_value = (part.strip() for part in override.split("=", 1))
    try:
        return key, tomllib.loads(f"value = {raw_value}")["value"]
    except tomllib.TOMLDecodeError:
        return key, raw_value  # a bare word such as sweep.scheduler=asha


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise SweepError(Message("error.sweep.override_not_table", {"key": key,
                                                                         "part": part}))
    node[parts[-1]] = value


def apply_values(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of config data with each dotted key of `values` set (a trial's config)."""
    result = json.loads(json.dumps(data))
    for key, value in values.items():
        _set_dotted(result, key, value)
    return result
