"""Learning-rate range test (Smith 2015; fastai's `lr_find`) and its per-epoch tutorial variant.

`find_learning_rate` trains a compiled model for a fraction of an epoch while the learning rate
grows exponentially from `start_lr` to `end_lr`, records the loss of every mini-batch, stops once
the loss explodes, suggests a rate, and then puts the model's weights and optimizer state back
exactly as they were. `per_epoch_lr_range` reads the same suggestion out of a `History` trained
with the "lr_range" schedule (one rate per epoch, `val_loss` against `lr`). The plot of either
result is `visionlab.reports.figures.lr_finder_figure`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from visionlab.errors import TrainingError
from visionlab.i18n import Message, number

RULES = ("valley", "steepest")


@dataclass
class LRFinderResult:
    """What a range test saw and suggests.

    Attributes:
        learning_rates: the rate used for each recorded step (or epoch).
        losses: the raw loss of each step (NaN/inf kept as recorded).
        smoothed_losses: the bias-corrected exponential moving average of `losses`.
        suggested_lr: the suggested rate, or None when too few finite points were recorded.
        rule: "valley" or "steepest", the rule that produced `suggested_lr`.
        stopped_early: True when the sweep stopped before `num_steps` (divergence or NaN).
        reason_message: why the sweep ended and how the suggestion was made, a catalog
            message rendered in the reader's language (`reason_in(lang)`); a plain string
            (the English text an older lr_finder.json holds) is shown as it is.
        suggestions: the rate each rule gives (for the figure).
    """

    learning_rates: list[float]
    losses: list[float]
    smoothed_losses: list[float]
    suggested_lr: float | None
    rule: str
    stopped_early: bool
    reason_message: Message | str
    suggestions: dict[str, float | None] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reason in the current language (`i18n.current_language()`)."""
        return self.reason_in(None)

    def reason_in(self, lang: str | None) -> str:
        """The reason in `lang` (`"en"`, `"vi"`, or None for the current language)."""
        if isinstance(self.reason_message, Message):
            return self.reason_message.render(lang)
        return self.reason_message


def _smooth(losses: Sequence[float], smoothing: float) -> list[float]:
    average, smoothed = 0.0, []
    for step, loss in enumerate(losses, start=1):
        if not math.isfinite(loss):
            smoothed.append(float("nan"))
            continue
        average = smoothing * average + (1.0 - smoothing) * loss
        # Bias correction: the average starts at 0, so early values are divided up.
        smoothed.append(average / (1.0 - smoothing ** step))
    return smoothed


def steepest_index(log_learning_rates: Sequence[float], losses: Sequence[float]) -> int | None:
    """Index of the most negative slope of `losses` against log learning rate (fastai's steep)."""
    if len(losses) < 3:
        return None
    gradients = np.gradient(np.asarray(losses, dtype=float), np.asarray(log_learning_rates))
    return int(np.argmin(gradients))


def valley_index(losses: Sequence[float]) -> int | None:
    """Index a little past the start of the longest descending stretch (fastai's valley).

    The stretch is the longest decreasing subsequence; the index sits half-way through its
    middle third, which lands where the loss still falls steadily.
    """
    count = len(losses)
    if count < 3:
        return None
    longest = [1] * count
    start = end = 0
    for i in range(1, count):
        for j in range(i):
            if losses[i] < losses[j] and longest[i] < longest[j] + 1:
                longest[i] = longest[j] + 1
        if longest[end] < longest[i]:
            end = i
            start = end - longest[end]
    sections = (end - start) / 3
    return min(count - 1, start + int(sections) + int(sections / 2))


def suggest(learning_rates: Sequence[float], smoothed_losses: Sequence[float],
            skip_start: int = 0) -> dict[str, float | None]:
    """Return `{"valley": lr, "steepest": lr}` from a recorded sweep.

    Points before `skip_start` and non-finite or diverged points at the end are left out.
    """
    end = len(smoothed_losses)
    while end > 0 and not math.isfinite(smoothed_losses[end - 1]):
        end -= 1
    begin = min(skip_start, max(0, end - 3))
    rates = list(learning_rates[begin:end])
    losses = list(smoothed_losses[begin:end])
    logs = [math.log10(rate) for rate in rates]
    picks = {"valley": valley_index(losses), "steepest": steepest_index(logs, losses)}
    return {rule: (rates[index] if index is not None else None) for rule, index in picks.items()}


def _batches(data: Any, batch_size: int, seed: int):
    """Yield `(x, y)` batches forever, cycling the data (a PyDataset or `(x, y)` arrays)."""
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = np.asarray(data[0]), np.asarray(data[1])
        if len(x) != len(y) or len(x) == 0:
            raise TrainingError(Message("error.lr_find.lengths", {"x": len(x), "y": len(y)}))
        size = min(batch_size, len(x))
        generator = np.random.default_rng(seed)
        while True:
            order = generator.permutation(len(x))
            # Full batches only, so the train function is traced once.
            for begin in range(0, len(x) - size + 1, size):
                index = order[begin:begin + size]
                yield x[index], y[index]
    elif (hasattr(data, "__getitem__") and hasattr(data, "__len__")
          and not isinstance(data, (Mapping, str, bytes))):
        if len(data) == 0:
            raise TrainingError(Message("error.lr_find.no_batches"))
        while True:
            for index in range(len(data)):
                batch = data[index]
                yield batch[0], batch[1]
            if hasattr(data, "on_epoch_end"):
                data.on_epoch_end()
    else:
        raise TrainingError(Message("error.lr_find.data_type", {"type": type(data).__name__}))


def find_learning_rate(model: Any, data: Any, *, start_lr: float = 1e-7, end_lr: float = 10.0,
                       num_steps: int = 100, smoothing: float = 0.98,
                       divergence_factor: float = 4.0, skip_start: int = 5, rule: str = "valley",
                       batch_size: int = 32, seed: int = 0) -> LRFinderResult:
    """Sweep the learning rate exponentially over mini-batches and suggest a good one.

    The model must be compiled with a float learning rate (not a schedule). Its weights and the
    optimizer's state are restored exactly afterwards, so the same model can then be trained.

    Args:
        model: a compiled `keras.Model`.
        data: a `keras.utils.PyDataset` yielding `(x, y)` or an `(x, y)` pair of arrays; it is
            cycled when `num_steps` exceeds one epoch.
        start_lr: first learning rate. Defaults to 1e-7.
        end_lr: last learning rate. Defaults to 10.
        num_steps: mini-batches in the sweep. Defaults to 100.
        smoothing: weight of the loss moving average. Defaults to 0.98.
        divergence_factor: stop when the smoothed loss exceeds this times the best. Defaults to 4.
        skip_start: early steps ignored for the suggestion and the divergence test. Defaults to 5.
        rule: "valley" (fastai's default, robust) or "steepest". Defaults to "valley".
        batch_size: batch size for array data. Defaults to 32.
        seed: shuffling seed for array data. Defaults to 0.

    Returns:
        An `LRFinderResult`.

    Example:
        result = find_learning_rate(model, (x_train, y_train), num_steps=100)
        model.optimizer.learning_rate = result.suggested_lr
    """
    _check_arguments(model, start_lr, end_lr, num_steps, smoothing, divergence_factor, rule)
    batches = _batches(data, batch_size, seed)
    first_batch = next(batches)
    _build(model, first_batch[0])
    with _state_restored(model):
        sweep = _sweep(model, first_batch, batches, start_lr=start_lr, end_lr=end_lr,
                       num_steps=num_steps, smoothing=smoothing,
                       divergence_factor=divergence_factor, skip_start=skip_start)
    return _result(sweep, rule, skip_start)


@dataclass
class _Sweep:
    """What the sweep recorded, before a rate is suggested."""

    rates: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    stopped_early: bool = False
    reason: Message | None = None  # why it ended; every way out of `_sweep` sets it


def _build(model: Any, sample_x: Any) -> None:
    """Create the model's and optimizer's variables, so their state can be saved first."""
    if not model.built:
        model(sample_x[:1])
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


@contextmanager
def _state_restored(model: Any) -> Iterator[None]:
    """Put the weights, optimizer variables and learning rate back on exit, error or not."""
    optimizer = model.optimizer
    saved_weights = model.get_weights()
    saved_optimizer = [keras.ops.convert_to_numpy(variable) for variable in optimizer.variables]
    saved_lr = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    try:
        yield
    finally:
        model.set_weights(saved_weights)
        for variable, value in zip(optimizer.variables, saved_optimizer):
            variable.assign(value)
        optimizer.learning_rate = saved_lr
        model.reset_metrics()


def _sweep(model: Any, first_batch: tuple[Any, Any], batches: Iterator[tuple[Any, Any]], *,
           start_lr: float, end_lr: float, num_steps: int, smoothing: float,
           divergence_factor: float, skip_start: int) -> _Sweep:
    """Train one batch per rate, the rate growing by a constant ratio; stop on divergence."""
    ratio = (end_lr / start_lr) ** (1.0 / max(1, num_steps - 1))
    sweep, best, batch = _Sweep(), math.inf, first_batch
    for step in range(num_steps):
        rate = start_lr * ratio ** step
        model.optimizer.learning_rate = rate
        logs = model.train_on_batch(batch[0], batch[1], return_dict=True)
        loss = float(np.asarray(logs["loss"]))
        sweep.rates.append(rate)
        sweep.losses.append(loss)
        sweep.smoothed = _smooth(sweep.losses, smoothing)
        if not math.isfinite(loss):
            sweep.stopped_early = step < num_steps - 1
            sweep.reason = Message("lr_find.reason.not_finite", {
                "loss": loss, "rate": number(rate, 3), "step": step + 1})
            return sweep
        if step >= skip_start:
            best = min(best, sweep.smoothed[-1])
            if sweep.smoothed[-1] > divergence_factor * best:
                sweep.stopped_early = step < num_steps - 1
                sweep.reason = Message("lr_find.reason.diverged", {
                    "smoothed": number(sweep.smoothed[-1]), "factor": number(divergence_factor),
                    "best": number(best), "rate": number(rate, 3), "step": step + 1})
                return sweep
        batch = next(batches)
    sweep.reason = Message("lr_find.reason.reached_end", {"end_lr": number(end_lr, 6),
                                                          "steps": num_steps})
    return sweep


def _result(sweep: _Sweep, rule: str, skip_start: int) -> LRFinderResult:
    """Suggest a rate from the sweep by `rule` and say how in the reason."""
    suggestions = suggest(sweep.rates, _drop_diverged(sweep.smoothed, sweep.stopped_early),
                          skip_start)
    suggested = suggestions[rule]
    outcome = (Message("lr_find.reason.too_few_steps") if suggested is None else
               Message("lr_find.reason.suggested", {"lr": number(suggested, 3), "rule": rule}))
    reason = Message("lr_find.reason", {"ended": sweep.reason, "outcome": outcome})
    return LRFinderResult(sweep.rates, sweep.losses, sweep.smoothed, suggested, rule,
                          sweep.stopped_early, reason, suggestions)


def _drop_diverged(smoothed: list[float], stopped_early: bool) -> list[float]:
    # The point that triggered a divergence stop is past the useful range; leave it out.
    # (A non-finite last point is trimmed by `suggest` anyway.)
    if stopped_early and smoothed and math.isfinite(smoothed[-1]):
        return smoothed[:-1]
    return smoothed


def _check_arguments(model: Any, start_lr: float, end_lr: float, num_steps: int, smoothing: float,
                     divergence_factor: float, rule: str) -> None:
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise TrainingError(Message("error.lr_find.not_compiled"))
    # The public `learning_rate` getter evaluates a schedule, so look at what was passed in.
    if isinstance(getattr(model.optimizer, "_learning_rate", None),
                  keras.optimizers.schedules.LearningRateSchedule):
        raise TrainingError(Message("error.lr_find.schedule"))
    if not 0 < start_lr < end_lr:
        raise TrainingError(Message("error.lr_find.range", {"start_lr": start_lr,
                                                             "end_lr": end_lr}))
    if num_steps < 2:
        raise TrainingError(Message("error.lr_find.num_steps", {"num_steps": num_steps}))
    if not 0 <= smoothing < 1:
        raise TrainingError(Message("error.lr_find.smoothing", {"smoothing": smoothing}))
    if divergence_factor <= 1:
        raise TrainingError(Message("error.lr_find.divergence_factor",
                                    {"divergence_factor": divergence_factor}))
    _check_rule(rule)


def _check_rule(rule: str) -> None:
    if rule not in RULES:
        raise TrainingError(Message("error.lr_find.rule", {"rule": rule,
                                                            "rules": ", ".join(RULES)}))


def per_epoch_lr_range(history: Any, *, monitor: str = "val_loss", rule: str = "valley",
                       smoothing: float = 0.0) -> LRFinderResult:
    """Read a range test out of a run trained with the "lr_range" schedule (the tutorial's way).

    The tutorial trains about 100 epochs with `lr = 1e-3 * 10**(epoch / 20)` and plots `val_loss`
    against `lr`; this returns that curve and a suggestion in the same shape as
    `find_learning_rate`.

    Args:
        history: a `keras.callbacks.History` or its `.history` dict, or a list of history.csv rows
            (`read_history`); it needs `lr` (from `EpochTimer`) or `learning_rate`.
        monitor: the loss to read. Defaults to "val_loss".
        rule: "valley" or "steepest". Defaults to "valley".
        smoothing: moving-average weight (epochs are few, so none by default). Defaults to 0.0.
    """
    _check_rule(rule)
    columns = _history_columns(history)
    rates = columns.get("lr") or columns.get("learning_rate")
    if not rates:
        raise TrainingError(Message("error.lr_find.no_lr_column"))
    if monitor not in columns:
        raise TrainingError(Message("error.lr_find.no_column", {
            "monitor": monitor, "available": ", ".join(sorted(columns))}))
    losses = [float(value) for value in columns[monitor]]
    rates = [float(value) for value in rates]
    smoothed = _smooth(losses, smoothing)
    non_finite = [index for index, loss in enumerate(losses) if not math.isfinite(loss)]
    usable = smoothed[:non_finite[0]] if non_finite else smoothed
    suggestions = suggest(rates[:len(usable)], usable, 0)
    suggested = suggestions[rule]
    outcome = (Message("lr_find.reason.suggested", {"lr": number(suggested, 3), "rule": rule})
               if suggested is not None else Message("lr_find.reason.too_few_epochs"))
    reason = Message("lr_find.reason", {
        "ended": Message("lr_find.reason.per_epoch", {"epochs": len(losses), "monitor": monitor}),
        "outcome": outcome})
    return LRFinderResult(rates, losses, smoothed, suggested, rule, bool(non_finite), reason,
                          suggestions)


def _history_columns(history: Any) -> dict[str, list[Any]]:
    if hasattr(history, "history"):
        history = history.history
    if isinstance(history, Mapping):
        return {key: list(values) for key, values in history.items()}
    if isinstance(history, Sequence):
        keys = {key for row in history for key in row}
        return {key: [row.get(key, float("nan")) for row in history] for key in keys}
    raise TrainingError(Message("error.lr_find.history_type", {"type": type(history).__name__}))
