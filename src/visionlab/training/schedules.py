"""Learning-rate schedules: per-epoch functions and per-step Keras schedules, found by name.

Every schedule has a per-epoch form (an `EpochSchedule`, called by
`keras.callbacks.LearningRateScheduler` at the start of each epoch, as the tutorials do).
"cosine" and "one_cycle" also have a per-step form, a
`keras.optimizers.schedules.LearningRateSchedule` passed to the optimizer, which `get_schedule`
returns by default because the learning rate then changes smoothly within an epoch. Per-step
schedules are serializable, so a checkpoint compiled with one saves and reloads with
`keras.models.load_model(..., safe_mode=True)` (visionlab imported for "one_cycle"); a run's
`model.keras` carries the rate reached instead, as a float, and needs no visionlab.

All per-epoch formulas are closed forms of the epoch index, so a resumed run continues the same
curve.

A schedule is one `ScheduleDefinition` in `SCHEDULES`: its epoch formula decorated with
`@register_schedule(name, ...)`, which also states the parameters with their defaults and ranges
and, where there is one, the per-step form. Adding a schedule means writing one such function
here; the definition type and the parameter checks are in
`visionlab.training.schedule_definition`, the per-step one-cycle Keras schedule in
`visionlab.training.one_cycle`.

"constant_then_exponential" is the closed form of the Keras `LearningRateScheduler` example
`lr if epoch < 10 else lr * exp(-0.1)`, which multiplies the rate once at epoch 10, twice at 11 …

Learning rate at epoch `e` (0-based), by name (listed from the definitions):
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import keras

from visionlab.errors import ConfigError
from visionlab.training.one_cycle import OneCycleSchedule
from visionlab.training.schedule_definition import (
    EpochFormula,
    ParameterRange,
    PerStepBuilder,
    RunCheck,
    ScheduleDefinition,
    resolve_parameters,
)

__all__ = ["SCHEDULES", "EpochSchedule", "OneCycleSchedule", "ParameterRange",
           "ScheduleDefinition", "describe_schedule", "get_schedule", "learning_rate_and_callbacks",
           "learning_rate_plan", "list_schedules", "register_schedule", "register_serializables"]


SCHEDULES: dict[str, ScheduleDefinition] = {}


def register_schedule(name: str, *, description: str,
                      defaults: Mapping[str, float] | None = None,
                      integer_parameters: Collection[str] = (),
                      ranges: Mapping[str, ParameterRange] | None = None,
                      per_step_builder: PerStepBuilder | None = None,
                      run_check: RunCheck | None = None) -> Callable[[EpochFormula], EpochFormula]:
    """Register an epoch formula as the schedule `name` (decorator); see `ScheduleDefinition`.

    Args:
        name: the name `get_schedule` accepts (lower case, underscores).
        description: the per-epoch formula in words.
        defaults: every accepted parameter and its default. Defaults to none.
        integer_parameters: parameters that are whole numbers of epochs. Defaults to none.
        ranges: parameter -> `ParameterRange`. Defaults to none.
        per_step_builder: builds the per-step Keras schedule. Defaults to None (per-epoch only).
        run_check: checks the parameters against `base_lr` and `epochs`. Defaults to None.

    Example:
        @register_schedule("exponential", description="`base_lr * decay**e`",
                           defaults={"decay": 0.6},
                           ranges={"decay": ParameterRange(0, 1, low_open=True)})
        def _exponential(epoch, base_lr, epochs, params):
            return base_lr * params["decay"] ** epoch
    """
    if name in SCHEDULES:
        raise ValueError(f"A learning-rate schedule named {name!r} is already registered.")

    def decorator(formula: EpochFormula) -> EpochFormula:
        SCHEDULES[name] = ScheduleDefinition(
            name=name, description=description, epoch_formula=formula,
            defaults=defaults or {}, integer_parameters=frozenset(integer_parameters),
            ranges=ranges or {}, per_step_builder=per_step_builder, run_check=run_check)
        return formula

    return decorator


def list_schedules() -> list[str]:
    """Return the names accepted by `get_schedule`, sorted."""
    return sorted(SCHEDULES)


def _unknown_name_error(name: str) -> ConfigError:
    close = difflib.get_close_matches(name, list(SCHEDULES), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ConfigError(f"Unknown learning-rate schedule '{name}'.{hint} "
                       f"Valid schedules: {', '.join(list_schedules())}.")


def register_serializables() -> type:
    """Register visionlab's per-step schedules with Keras and return `OneCycleSchedule`.

    Importing this module registers them already; this stays (idempotent) so callers can make
    sure of it before `keras.models.load_model` on a model compiled with "one_cycle".
    """
    return OneCycleSchedule


# The schedules, in the order the module docstring lists them.

@register_schedule("constant", description="`base_lr`")
def _constant(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    return base_lr


@register_schedule(
    "exponential", description="`base_lr * decay**e` (the tutorial's `0.01 * 0.6**epoch`)",
    defaults={"decay": 0.6}, ranges={"decay": ParameterRange(0, 1, low_open=True)})
def _exponential(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    return base_lr * params["decay"] ** epoch


@register_schedule(
    "constant_then_exponential",
    description="`base_lr` while `e < hold_epochs`, "
                "else `base_lr * exp(-rate * (e - hold_epochs + 1))`",
    defaults={"hold_epochs": 10, "rate": 0.1}, integer_parameters={"hold_epochs"},
    ranges={"rate": ParameterRange(0)})
def _constant_then_exponential(epoch: int, base_lr: float, epochs: int,
                               params: Mapping[str, float]) -> float:
    hold = params["hold_epochs"]
    return base_lr if epoch < hold else base_lr * math.exp(-params["rate"] * (epoch - hold + 1))


@register_schedule(
    "step", description="`base_lr * factor ** floor(e / step_epochs)`",
    defaults={"factor": 0.5, "step_epochs": 10}, integer_parameters={"step_epochs"},
    ranges={"factor": ParameterRange(0, 1, low_open=True), "step_epochs": ParameterRange(1)})
def _step(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    return base_lr * params["factor"] ** (epoch // int(params["step_epochs"]))


def _cosine_decay(base_lr: float, epochs: int, steps_per_epoch: int,
                  params: Mapping[str, float]) -> Any:
    warmup_steps = int(params["warmup_epochs"]) * steps_per_epoch
    decay_steps = (epochs - int(params["warmup_epochs"])) * steps_per_epoch
    if warmup_steps:
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=params["warmup_start_lr"], decay_steps=decay_steps,
            alpha=params["min_lr"] / base_lr, warmup_target=base_lr, warmup_steps=warmup_steps)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=base_lr, decay_steps=decay_steps, alpha=params["min_lr"] / base_lr)


def _check_cosine_run(base_lr: float, epochs: int, params: Mapping[str, float]) -> None:
    if params["warmup_epochs"] >= epochs:
        raise ConfigError(f"Cosine warmup_epochs ({params['warmup_epochs']}) must be smaller "
                          f"than the number of epochs ({epochs}).")
    if params["min_lr"] > base_lr:
        raise ConfigError(f"Cosine min_lr ({params['min_lr']}) must not exceed the base "
                          f"learning rate ({base_lr}).")


@register_schedule(
    "cosine",
    description="linear warm-up over `warmup_epochs`, then cosine from `base_lr` to `min_lr`",
    defaults={"warmup_epochs": 0, "min_lr": 0.0, "warmup_start_lr": 0.0},
    integer_parameters={"warmup_epochs"},
    ranges={"min_lr": ParameterRange(0), "warmup_start_lr": ParameterRange(0)},
    per_step_builder=_cosine_decay, run_check=_check_cosine_run)
def _cosine(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    warmup = int(params["warmup_epochs"])
    start, floor = params["warmup_start_lr"], params["min_lr"]
    if epoch < warmup:
        # (epoch + 1) / (warmup + 1) so the first epoch never trains at exactly warmup_start_lr.
        return start + (base_lr - start) * (epoch + 1) / (warmup + 1)
    fraction = min(1.0, (epoch - warmup) / max(1, epochs - warmup))
    return floor + (base_lr - floor) * 0.5 * (1.0 + math.cos(math.pi * fraction))


def _one_cycle_per_step(base_lr: float, epochs: int, steps_per_epoch: int,
                        params: Mapping[str, float]) -> OneCycleSchedule:
    return OneCycleSchedule(max_lr=base_lr, total_steps=epochs * steps_per_epoch,
                            pct_start=params["pct_start"], div_factor=params["div_factor"],
                            final_div=params["final_div"])


@register_schedule(
    "one_cycle",
    description="cosine warm-up from `base_lr / div_factor` to `base_lr` over `pct_start` of "
                "training, then cosine down to `base_lr / final_div`",
    defaults={"pct_start": 0.25, "div_factor": 25.0, "final_div": 1e4},
    ranges={"pct_start": ParameterRange(0, 1, low_open=True, high_open=True),
            "div_factor": ParameterRange(1), "final_div": ParameterRange(1)},
    per_step_builder=_one_cycle_per_step)
def _one_cycle(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    # The per-step curve with one step per epoch (OneCycleSchedule computes the same in keras.ops).
    warmup_steps = max(1.0, params["pct_start"] * epochs)
    low, final = base_lr / params["div_factor"], base_lr / params["final_div"]
    if epoch < warmup_steps:
        fraction = epoch / warmup_steps
        return low + (base_lr - low) * 0.5 * (1.0 - math.cos(math.pi * fraction))
    fraction = min(1.0, (epoch - warmup_steps) / max(1.0, epochs - warmup_steps))
    return final + (base_lr - final) * 0.5 * (1.0 + math.cos(math.pi * fraction))


@register_schedule(
    "codelab_decay",
    description="`min_lr + (base_lr - min_lr) * decay**e` "
                "(\"TensorFlow without a PhD\": 0.003 -> 0.0001, decay 0.666)",
    defaults={"decay": 0.666, "min_lr": 1e-4},
    ranges={"decay": ParameterRange(0, 1, low_open=True), "min_lr": ParameterRange(0)})
def _codelab_decay(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    return params["min_lr"] + (base_lr - params["min_lr"]) * params["decay"] ** epoch


@register_schedule(
    "lr_range",
    description="`base_lr * 10 ** (e / epochs_per_decade)` "
                "(the tutorial's range test `1e-3 * 10**(epoch/20)`)",
    defaults={"epochs_per_decade": 20},
    ranges={"epochs_per_decade": ParameterRange(0, low_open=True)})
def _lr_range(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    return base_lr * 10.0 ** (epoch / params["epochs_per_decade"])


if __doc__:  # None under python -OO
    __doc__ += "\n".join(f"- {definition.name}: {definition.description}"
                         + (" (also per step)" if definition.per_step_builder else "")
                         for definition in SCHEDULES.values()) + "\n"


@dataclass(frozen=True)
class EpochSchedule:
    """A per-epoch learning-rate function for `keras.callbacks.LearningRateScheduler`.

    Calling it with `(epoch, current_lr)` ignores `current_lr`: the rate is a closed form of
    the epoch, so resuming at `initial_epoch` continues the same curve.

    Example:
        schedule = get_schedule("exponential", base_lr=0.01, epochs=10, per_step=False)
        callback = keras.callbacks.LearningRateScheduler(schedule)
    """

    name: str
    base_lr: float
    epochs: int
    params: Mapping[str, float]
    function: EpochFormula | None = None

    def __call__(self, epoch: int, lr: float | None = None) -> float:
        formula = self.function or SCHEDULES[self.name].epoch_formula
        return float(formula(int(epoch), self.base_lr, self.epochs, self.params))

    def get_config(self) -> dict[str, Any]:
        """Return `{"name": ..., **params}`, accepted back by `get_schedule`."""
        return {"name": self.name, **dict(self.params)}


def get_schedule(identifier: Any = None, *, base_lr: float, epochs: int,
                 steps_per_epoch: int | None = None, per_step: bool = True) -> Any:
    """Return a learning-rate schedule from a name, a config dict or an instance.

    Args:
        identifier: a name (`"cosine"`), a dict `{"name": "exponential", "decay": 0.6}`, an
            `EpochSchedule`, a `keras.optimizers.schedules.LearningRateSchedule` (returned as
            is) or a plain `function(epoch, lr) -> lr`. Defaults to `None`, meaning "constant".
        base_lr: the starting (peak for "cosine"/"one_cycle") learning rate.
        epochs: total epochs of the run (cosine and one-cycle need it).
        steps_per_epoch: optimizer steps per epoch; needed for the per-step forms. Defaults to None.
        per_step: return the per-step Keras schedule for "cosine" and "one_cycle" (requires
            `steps_per_epoch`). Defaults to True.

    Returns:
        An `EpochSchedule` (use `keras.callbacks.LearningRateScheduler`) or a Keras
        `LearningRateSchedule` (pass as the optimizer's `learning_rate`); see
        `learning_rate_and_callbacks`.

    Example:
        schedule = get_schedule({"name": "exponential", "decay": 0.6}, base_lr=0.01, epochs=10)
        schedule(3)  # 0.01 * 0.6**3
    """
    if isinstance(identifier, (EpochSchedule, keras.optimizers.schedules.LearningRateSchedule)):
        return identifier
    if identifier is None:
        identifier = "constant"
    if callable(identifier) and not isinstance(identifier, (str, Mapping)):
        name = getattr(identifier, "__name__", "custom")
        return EpochSchedule(name, float(base_lr), int(epochs), {},
                             function=lambda e, lr, n, p: identifier(e, lr))
    name, overrides = _name_and_overrides(identifier)
    name = name.strip().lower().replace("-", "_")
    if name not in SCHEDULES:
        raise _unknown_name_error(name)
    definition = SCHEDULES[name]
    params = resolve_parameters(definition, overrides)
    _check_run_length(definition, base_lr, epochs, params)
    if per_step and definition.per_step_builder is not None:
        if not steps_per_epoch or steps_per_epoch < 1:
            raise ConfigError(f"The per-step '{name}' schedule needs steps_per_epoch >= 1, got "
                              f"{steps_per_epoch!r}; pass it or use per_step=False.")
        return definition.per_step_builder(float(base_lr), int(epochs), int(steps_per_epoch),
                                           params)
    return EpochSchedule(name, float(base_lr), int(epochs), params)


def _name_and_overrides(identifier: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(identifier, str):
        return identifier, {}
    if isinstance(identifier, Mapping):
        overrides = dict(identifier)
        name = overrides.pop("name", None)
        if not isinstance(name, str):
            raise ConfigError(f"A learning-rate schedule config needs a 'name' key, got "
                              f"{dict(identifier)!r}. Example: {{\"name\": \"exponential\", "
                              f"\"decay\": 0.6}}.")
        return name, overrides
    raise ConfigError(f"Cannot interpret {identifier!r} as a learning-rate schedule; give a "
                      f"name, a config dict with 'name', or a schedule instance.")


def _check_run_length(definition: ScheduleDefinition, base_lr: float, epochs: int,
                      params: Mapping[str, float]) -> None:
    if isinstance(base_lr, bool) or not isinstance(base_lr, (int, float)) or not base_lr > 0:
        raise ConfigError(f"The base learning rate must be a number > 0, got {base_lr!r}.")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ConfigError(f"The number of epochs must be a whole number >= 1, got {epochs!r}.")
    if definition.run_check is not None:
        definition.run_check(base_lr, epochs, params)


def learning_rate_and_callbacks(schedule: Any) -> tuple[Any, list]:
    """Split a schedule into the optimizer's `learning_rate` and the callbacks it needs.

    Args:
        schedule: what `get_schedule` returned.

    Returns:
        `(learning_rate, callbacks)`: a per-step schedule goes to the optimizer with no callback;
        an `EpochSchedule` gives its epoch-0 rate (a float, so it stays settable) and a
        `keras.callbacks.LearningRateScheduler`.
    """
    if isinstance(schedule, EpochSchedule):
        return schedule(0), [keras.callbacks.LearningRateScheduler(schedule)]
    return schedule, []


def describe_schedule(identifier: Any = None, *, base_lr: float, epochs: int,
                      steps_per_epoch: int | None = None, per_step: bool = True) -> list[float]:
    """Return the learning rate at the start of each epoch (for plots and tests).

    Arguments are those of `get_schedule`; a per-step schedule is evaluated at step
    `epoch * steps_per_epoch`.

    Example:
        describe_schedule("step", base_lr=0.1, epochs=4, per_step=False)  # [0.1, 0.1, ...]
    """
    schedule = get_schedule(identifier, base_lr=base_lr, epochs=epochs,
                            steps_per_epoch=steps_per_epoch, per_step=per_step)
    if isinstance(schedule, EpochSchedule):
        return [schedule(epoch) for epoch in range(epochs)]
    return [float(keras.ops.convert_to_numpy(schedule(epoch * (steps_per_epoch or 1))))
            for epoch in range(epochs)]


def learning_rate_plan(identifier: Any, *, base_lr: float, epochs: int, train_size: int,
                       batch_size: int) -> tuple[Any, list]:
    """Return `(learning_rate, callbacks)` for a run of `epochs` over `train_size` images.

    The one place that turns `train.schedule` into what `compile` and `fit` take: it counts
    the optimizer steps per epoch, builds the schedule (`get_schedule`) and splits it
    (`learning_rate_and_callbacks`).

    Example:
        rate, callbacks = learning_rate_plan("one_cycle", base_lr=3e-3, epochs=6,
                                             train_size=54000, batch_size=128)
    """
    steps_per_epoch = -(-int(train_size) // int(batch_size))
    schedule = get_schedule(identifier, base_lr=base_lr, epochs=epochs,
                            steps_per_epoch=steps_per_epoch)
    return learning_rate_and_callbacks(schedule)
