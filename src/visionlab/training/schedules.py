"""Learning-rate schedules: per-epoch functions and per-step Keras schedules, found by name.

Every schedule has a per-epoch form (an `EpochSchedule`, called by
`keras.callbacks.LearningRateScheduler` at the start of each epoch, as the tutorials do).
"cosine" and "one_cycle" also have a per-step form, a
`keras.optimizers.schedules.LearningRateSchedule` passed to the optimizer, which `get_schedule`
returns by default because the learning rate then changes smoothly within an epoch. Per-step
schedules are serializable, so a model compiled with one saves and reloads with
`keras.models.load_model(..., safe_mode=True)`.

All per-epoch formulas are closed forms of the epoch index, so a resumed run continues the same
curve.

Learning rate at epoch `e` (0-based), by name:

- constant: `base_lr`
- exponential: `base_lr * decay**e` (the tutorial's `0.01 * 0.6**epoch`)
- constant_then_exponential: `base_lr` while `e < hold_epochs`,
  else `base_lr * exp(-rate * (e - hold_epochs + 1))`
- step: `base_lr * factor ** floor(e / step_epochs)`
- cosine: linear warm-up over `warmup_epochs`, then cosine from `base_lr` to `min_lr`
- one_cycle: cosine warm-up from `base_lr / div_factor` to `base_lr` over `pct_start` of
  training, then cosine down to `base_lr / final_div`
- codelab_decay: `min_lr + (base_lr - min_lr) * decay**e`
  ("TensorFlow without a PhD": 0.003 -> 0.0001, decay 0.666)
- lr_range: `base_lr * 10 ** (e / epochs_per_decade)`
  (the tutorial's range test `1e-3 * 10**(epoch/20)`)

"constant_then_exponential" is the closed form of the Keras `LearningRateScheduler` example
`lr if epoch < 10 else lr * exp(-0.1)`, which multiplies the rate once at epoch 10, twice at 11 …
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from visionlab.errors import ConfigError

# name -> default parameters; every accepted parameter appears here.
_DEFAULTS: dict[str, dict[str, float]] = {
    "constant": {},
    "exponential": {"decay": 0.6},
    "constant_then_exponential": {"hold_epochs": 10, "rate": 0.1},
    "step": {"factor": 0.5, "step_epochs": 10},
    "cosine": {"warmup_epochs": 0, "min_lr": 0.0, "warmup_start_lr": 0.0},
    "one_cycle": {"pct_start": 0.25, "div_factor": 25.0, "final_div": 1e4},
    "codelab_decay": {"decay": 0.666, "min_lr": 1e-4},
    "lr_range": {"epochs_per_decade": 20},
}
_INTEGER_PARAMETERS = {"hold_epochs", "step_epochs", "warmup_epochs"}
_PER_STEP_NAMES = {"cosine", "one_cycle"}


def list_schedules() -> list[str]:
    """Return the names accepted by `get_schedule`, sorted."""
    return sorted(_DEFAULTS)


def _cosine_epoch(epoch: int, base_lr: float, epochs: int, params: Mapping[str, float]) -> float:
    warmup = int(params["warmup_epochs"])
    start, floor = params["warmup_start_lr"], params["min_lr"]
    if epoch < warmup:
        # (epoch + 1) / (warmup + 1) so the first epoch never trains at exactly warmup_start_lr.
        return start + (base_lr - start) * (epoch + 1) / (warmup + 1)
    fraction = min(1.0, (epoch - warmup) / max(1, epochs - warmup))
    return floor + (base_lr - floor) * 0.5 * (1.0 + math.cos(math.pi * fraction))


def _one_cycle_value(step: float, total_steps: float, max_lr: float,
                     params: Mapping[str, float]) -> float:
    warmup_steps = max(1.0, params["pct_start"] * total_steps)
    low, final = max_lr / params["div_factor"], max_lr / params["final_div"]
    if step < warmup_steps:
        fraction = step / warmup_steps
        return low + (max_lr - low) * 0.5 * (1.0 - math.cos(math.pi * fraction))
    fraction = min(1.0, (step - warmup_steps) / max(1.0, total_steps - warmup_steps))
    return final + (max_lr - final) * 0.5 * (1.0 + math.cos(math.pi * fraction))


_EPOCH_FORMULAS: dict[str, Callable[[int, float, int, Mapping[str, float]], float]] = {
    "constant": lambda e, lr, n, p: lr,
    "exponential": lambda e, lr, n, p: lr * p["decay"] ** e,
    "constant_then_exponential": lambda e, lr, n, p: (
        lr if e < p["hold_epochs"] else lr * math.exp(-p["rate"] * (e - p["hold_epochs"] + 1))),
    "step": lambda e, lr, n, p: lr * p["factor"] ** (e // int(p["step_epochs"])),
    "cosine": _cosine_epoch,
    "one_cycle": lambda e, lr, n, p: _one_cycle_value(e, n, lr, p),
    "codelab_decay": lambda e, lr, n, p: p["min_lr"] + (lr - p["min_lr"]) * p["decay"] ** e,
    "lr_range": lambda e, lr, n, p: lr * 10.0 ** (e / p["epochs_per_decade"]),
}


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
    function: Callable[[int, float, int, Mapping[str, float]], float] | None = None

    def __call__(self, epoch: int, lr: float | None = None) -> float:
        formula = self.function or _EPOCH_FORMULAS[self.name]
        return float(formula(int(epoch), self.base_lr, self.epochs, self.params))

    def get_config(self) -> dict[str, Any]:
        """Return `{"name": ..., **params}`, accepted back by `get_schedule`."""
        return {"name": self.name, **dict(self.params)}


def _register_per_step_classes() -> type:
    import keras

    @keras.saving.register_keras_serializable(package="visionlab")
    class OneCycleSchedule(keras.optimizers.schedules.LearningRateSchedule):
        """Per-step one-cycle schedule (Smith; fastai's `fit_one_cycle`), cosine in both phases.

        Args:
            max_lr: peak learning rate.
            total_steps: optimizer steps in the whole run (epochs * steps_per_epoch).
            pct_start: fraction of the steps spent warming up. Defaults to 0.25.
            div_factor: the run starts at `max_lr / div_factor`. Defaults to 25.
            final_div: the run ends at `max_lr / final_div`. Defaults to 1e4.
        """

        def __init__(self, max_lr, total_steps, pct_start=0.25, div_factor=25.0,
                     final_div=1e4, name="OneCycle"):
            super().__init__()
            self.max_lr = float(max_lr)
            self.total_steps = int(total_steps)
            self.pct_start = float(pct_start)
            self.div_factor = float(div_factor)
            self.final_div = float(final_div)
            self.name = name

        def __call__(self, step):
            from keras import ops

            step = ops.cast(step, "float32")
            warmup_steps = max(1.0, self.pct_start * self.total_steps)
            low, final = self.max_lr / self.div_factor, self.max_lr / self.final_div
            rising = ops.minimum(step / warmup_steps, 1.0)
            falling = ops.clip((step - warmup_steps)
                               / max(1.0, self.total_steps - warmup_steps), 0.0, 1.0)
            warm = low + (self.max_lr - low) * 0.5 * (1.0 - ops.cos(math.pi * rising))
            anneal = final + (self.max_lr - final) * 0.5 * (1.0 + ops.cos(math.pi * falling))
            return ops.where(step < warmup_steps, warm, anneal)

        def get_config(self):
            return {"max_lr": self.max_lr, "total_steps": self.total_steps,
                    "pct_start": self.pct_start, "div_factor": self.div_factor,
                    "final_div": self.final_div, "name": self.name}

    return OneCycleSchedule


_ONE_CYCLE_CLASS: list[type] = []


def register_serializables() -> type:
    """Register visionlab's per-step schedules with Keras and return `OneCycleSchedule`.

    The class is built on first use so importing this module does not import Keras. Call this
    (it is idempotent) before `keras.models.load_model` on a model compiled with "one_cycle";
    `schedules.OneCycleSchedule` does the same.
    """
    if not _ONE_CYCLE_CLASS:
        _ONE_CYCLE_CLASS.append(_register_per_step_classes())
    return _ONE_CYCLE_CLASS[0]


def __getattr__(name: str) -> Any:
    # Lazy attribute so `from visionlab.training.schedules import OneCycleSchedule` works.
    if name == "OneCycleSchedule":
        return register_serializables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _resolve_parameters(name: str, overrides: Mapping[str, Any]) -> dict[str, float]:
    defaults = _DEFAULTS[name]
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        accepted = ", ".join(sorted(defaults)) or "none"
        raise ConfigError(
            f"Learning-rate schedule '{name}' does not accept parameter(s) {', '.join(unknown)}; "
            f"its accepted parameters are: {accepted}. Remove or rename the parameter.")
    params = dict(defaults)
    for key, value in overrides.items():
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value)):
            raise ConfigError(f"Parameter '{key}' of learning-rate schedule '{name}' must be a "
                              f"finite number, got {value!r}.")
        if key in _INTEGER_PARAMETERS and (value != int(value) or value < 0):
            raise ConfigError(f"Parameter '{key}' of learning-rate schedule '{name}' must be a "
                              f"whole number of epochs >= 0, got {value!r}.")
        params[key] = int(value) if key in _INTEGER_PARAMETERS else float(value)
    _check_ranges(name, params)
    return params


def _check_ranges(name: str, params: Mapping[str, float]) -> None:
    problems = []
    if "decay" in params and not 0 < params["decay"] <= 1:
        problems.append(f"decay must be in (0, 1], got {params['decay']}")
    if "factor" in params and not 0 < params["factor"] <= 1:
        problems.append(f"factor must be in (0, 1], got {params['factor']}")
    if "step_epochs" in params and params["step_epochs"] < 1:
        problems.append(f"step_epochs must be >= 1, got {params['step_epochs']}")
    if "rate" in params and params["rate"] < 0:
        problems.append(f"rate must be >= 0, got {params['rate']}")
    if "pct_start" in params and not 0 < params["pct_start"] < 1:
        problems.append(f"pct_start must be in (0, 1), got {params['pct_start']}")
    for key in ("div_factor", "final_div"):
        if key in params and params[key] < 1:
            problems.append(f"{key} must be >= 1, got {params[key]}")
    for key in ("min_lr", "warmup_start_lr"):
        if key in params and params[key] < 0:
            problems.append(f"{key} must be >= 0, got {params[key]}")
    if "epochs_per_decade" in params and params["epochs_per_decade"] <= 0:
        problems.append(f"epochs_per_decade must be > 0, got {params['epochs_per_decade']}")
    if problems:
        raise ConfigError(f"Invalid parameter for learning-rate schedule '{name}': "
                          + "; ".join(problems) + ".")


def _unknown_name_error(name: str) -> ConfigError:
    close = difflib.get_close_matches(name, list(_DEFAULTS), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ConfigError(f"Unknown learning-rate schedule '{name}'.{hint} "
                       f"Valid schedules: {', '.join(list_schedules())}.")


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
    import keras

    if isinstance(identifier, (EpochSchedule, keras.optimizers.schedules.LearningRateSchedule)):
        return identifier
    if identifier is None:
        identifier = "constant"
    if callable(identifier) and not isinstance(identifier, (str, Mapping)):
        name = getattr(identifier, "__name__", "custom")
        return EpochSchedule(name, float(base_lr), int(epochs), {},
                             function=lambda e, lr, n, p: identifier(e, lr))
    if isinstance(identifier, str):
        name, overrides = identifier, {}
    elif isinstance(identifier, Mapping):
        overrides = dict(identifier)
        name = overrides.pop("name", None)
        if not isinstance(name, str):
            raise ConfigError(f"A learning-rate schedule config needs a 'name' key, got "
                              f"{dict(identifier)!r}. Example: {{\"name\": \"exponential\", "
                              f"\"decay\": 0.6}}.")
    else:
        raise ConfigError(f"Cannot interpret {identifier!r} as a learning-rate schedule; give a "
                          f"name, a config dict with 'name', or a schedule instance.")
    name = name.strip().lower().replace("-", "_")
    if name not in _DEFAULTS:
        raise _unknown_name_error(name)
    params = _resolve_parameters(name, overrides)
    _check_run_length(name, base_lr, epochs, params)
    if per_step and name in _PER_STEP_NAMES:
        if not steps_per_epoch or steps_per_epoch < 1:
            raise ConfigError(f"The per-step '{name}' schedule needs steps_per_epoch >= 1, got "
                              f"{steps_per_epoch!r}; pass it or use per_step=False.")
        return _per_step_schedule(name, float(base_lr), int(epochs), int(steps_per_epoch), params)
    return EpochSchedule(name, float(base_lr), int(epochs), params)


def _check_run_length(name: str, base_lr: float, epochs: int,
                      params: Mapping[str, float]) -> None:
    if isinstance(base_lr, bool) or not isinstance(base_lr, (int, float)) or not base_lr > 0:
        raise ConfigError(f"The base learning rate must be a number > 0, got {base_lr!r}.")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ConfigError(f"The number of epochs must be a whole number >= 1, got {epochs!r}.")
    if name == "cosine":
        if params["warmup_epochs"] >= epochs:
            raise ConfigError(f"Cosine warmup_epochs ({params['warmup_epochs']}) must be smaller "
                              f"than the number of epochs ({epochs}).")
        if params["min_lr"] > base_lr:
            raise ConfigError(f"Cosine min_lr ({params['min_lr']}) must not exceed the base "
                              f"learning rate ({base_lr}).")


def _per_step_schedule(name: str, base_lr: float, epochs: int, steps_per_epoch: int,
                       params: Mapping[str, float]) -> Any:
    import keras

    if name == "one_cycle":
        return register_serializables()(
            max_lr=base_lr, total_steps=epochs * steps_per_epoch, pct_start=params["pct_start"],
            div_factor=params["div_factor"], final_div=params["final_div"])
    warmup_steps = int(params["warmup_epochs"]) * steps_per_epoch
    decay_steps = (epochs - int(params["warmup_epochs"])) * steps_per_epoch
    if warmup_steps:
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=params["warmup_start_lr"], decay_steps=decay_steps,
            alpha=params["min_lr"] / base_lr, warmup_target=base_lr, warmup_steps=warmup_steps)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=base_lr, decay_steps=decay_steps, alpha=params["min_lr"] / base_lr)


def learning_rate_and_callbacks(schedule: Any) -> tuple[Any, list]:
    """Split a schedule into the optimizer's `learning_rate` and the callbacks it needs.

    Args:
        schedule: what `get_schedule` returned.

    Returns:
        `(learning_rate, callbacks)`: a per-step schedule goes to the optimizer with no callback;
        an `EpochSchedule` gives its epoch-0 rate (a float, so it stays settable) and a
        `keras.callbacks.LearningRateScheduler`.
    """
    import keras

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
    import keras

    return [float(keras.ops.convert_to_numpy(schedule(epoch * (steps_per_epoch or 1))))
            for epoch in range(epochs)]
