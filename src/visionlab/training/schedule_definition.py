"""What a named learning-rate schedule is, and the checks of its parameters.

`visionlab.training.schedules` registers the built-in schedules with `@register_schedule` into
its `SCHEDULES` table and turns a name into a schedule (`get_schedule`); this module holds the
pieces every schedule shares: `ParameterRange`, `ScheduleDefinition` and the parameter checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from visionlab.errors import ConfigError

# (epoch, base_lr, epochs, params) -> learning rate at the start of that epoch.
EpochFormula = Callable[[int, float, int, Mapping[str, float]], float]
# (base_lr, epochs, steps_per_epoch, params) -> a keras LearningRateSchedule.
PerStepBuilder = Callable[[float, int, int, Mapping[str, float]], Any]
# (base_lr, epochs, params) -> None; raises ConfigError when the run cannot use the parameters.
RunCheck = Callable[[float, int, Mapping[str, float]], None]


@dataclass(frozen=True)
class ParameterRange:
    """The values a schedule parameter accepts: `low` (and `high`), each end closed or open.

    Example:
        ParameterRange(0, 1, low_open=True)  # "in (0, 1]"
        ParameterRange(1)                    # ">= 1"
    """

    low: float
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        """Return True when `value` lies in the range."""
        above = value > self.low if self.low_open else value >= self.low
        if self.high is None:
            return above
        return above and (value < self.high if self.high_open else value <= self.high)

    def describe(self) -> str:
        """The range in words for error messages: `"in (0, 1]"`, `">= 1"`, `"> 0"`."""
        if self.high is None:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return (f"in {'(' if self.low_open else '['}{self.low:g}, "
                f"{self.high:g}{')' if self.high_open else ']'}")


@dataclass(frozen=True)
class ScheduleDefinition:
    """Everything about one named schedule.

    Attributes:
        name: the name `get_schedule` accepts, e.g. `"exponential"`.
        description: the per-epoch formula in words, listed in this module's docstring.
        epoch_formula: `formula(epoch, base_lr, epochs, params) -> lr`, a closed form of the
            0-based epoch.
        defaults: every accepted parameter and its default.
        integer_parameters: parameters that are whole numbers of epochs >= 0.
        ranges: the `ParameterRange` a parameter must lie in, checked in this order.
        per_step_builder: `builder(base_lr, epochs, steps_per_epoch, params)` returning the
            per-step Keras schedule, or None when the schedule is per-epoch only.
        run_check: `check(base_lr, epochs, params)` for constraints that involve the run
            (cosine's warm-up must be shorter than the run), or None.
    """

    name: str
    description: str
    epoch_formula: EpochFormula
    defaults: Mapping[str, float] = field(default_factory=dict)
    integer_parameters: frozenset[str] = frozenset()
    ranges: Mapping[str, ParameterRange] = field(default_factory=dict)
    per_step_builder: PerStepBuilder | None = None
    run_check: RunCheck | None = None

    def __post_init__(self) -> None:
        undeclared = (set(self.integer_parameters) | set(self.ranges)) - set(self.defaults)
        if undeclared:
            raise ValueError(f"Schedule {self.name!r} constrains parameter(s) "
                             f"{', '.join(sorted(undeclared))} that have no default; add them "
                             f"to its defaults.")
        # Read-only, so no caller can change a schedule's defaults for everyone.
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        object.__setattr__(self, "ranges", MappingProxyType(dict(self.ranges)))
        object.__setattr__(self, "integer_parameters", frozenset(self.integer_parameters))


def resolve_parameters(definition: ScheduleDefinition,
                        overrides: Mapping[str, Any]) -> dict[str, float]:
    name, defaults = definition.name, definition.defaults
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
        is_integer = key in definition.integer_parameters
        if is_integer and (value != int(value) or value < 0):
            raise ConfigError(f"Parameter '{key}' of learning-rate schedule '{name}' must be a "
                              f"whole number of epochs >= 0, got {value!r}.")
        params[key] = int(value) if is_integer else float(value)
    check_ranges(definition, params)
    return params


def check_ranges(definition: ScheduleDefinition, params: Mapping[str, float]) -> None:
    problems = [f"{key} must be {allowed.describe()}, got {params[key]}"
                for key, allowed in definition.ranges.items() if not allowed.contains(params[key])]
    if problems:
        raise ConfigError(f"Invalid parameter for learning-rate schedule '{definition.name}': "
                          + "; ".join(problems) + ".")
