"""Plain-language diagnosis of a training run from its history, test metrics and dead units.

Each rule reads the numbers a teacher would look at (train vs validation accuracy, the shape of
the loss curves, accuracy against chance, per-class recall …) and, when it fires, says what it
saw, the numbers behind it and the knob to turn. This module holds `diagnose` and the rules
on the training curves, with their thresholds as the module constants below; the rules on
per-class test metrics and dead units are in `visionlab.evaluation.class_findings`, and the
`Finding` they all return is in `visionlab.evaluation.findings`.

Example:
    for finding in diagnose(run.history, metrics=run.metrics, class_names=run.class_names):
        print(finding.severity, finding.message, "->", finding.knob)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from visionlab.evaluation.class_findings import class_imbalance, dead_units_finding, recall_spread
from visionlab.evaluation.findings import SEVERITY_ORDER, Finding, Severity, make_finding
from visionlab.i18n import Localized, Message, number, percent, points, resolve_language, term
from visionlab.training.history import history_column

# Accuracies are fractions; gaps are differences of fractions (0.03 = 3 percentage points).
OVERFITTING_GAP = 0.03             # final train - validation accuracy that counts as overfitting
OVERFITTING_GAP_PROBLEM = 0.10     # ... and as a problem rather than a warning
VALIDATION_LOSS_RISE = 0.10        # final validation loss this much above its minimum ...
MIN_EPOCHS_AFTER_BEST_LOSS = 2     # ... at least this many epochs after the minimum
UNDERFITTING_ACCURACY = 0.80       # train and validation accuracy both below this
TREND_EPOCHS = 3                   # epochs looked back on to call a loss "still falling"
STILL_FALLING_PER_EPOCH = 0.02     # relative train-loss drop per epoch that counts as falling
CHANCE_MARGIN = 0.05               # accuracy within this of chance (or the majority class)
DIVERGENCE_FACTOR = 3.0            # train loss peak this many times its first value
NOISY_MIN_EPOCHS = 6               # epochs needed before judging oscillation
NOISY_RELATIVE_STEP = 0.05         # a validation-loss step counts when >= 5% of its median
NOISY_MIN_REVERSALS = 3            # reversals between counted steps ...
NOISY_REVERSAL_SHARE = 0.4         # ... and their share of all consecutive step pairs
PLATEAU_MIN_DELTA = 0.001          # validation accuracy gain (or relative loss drop) that counts
PLATEAU_PATIENCE = 5               # epochs without such a gain that make a plateau
SUGGESTED_PATIENCE = 3             # EarlyStopping patience suggested for a plateau
VALIDATION_ABOVE_TRAIN_GAP = 0.01  # validation accuracy this far above train accuracy
# Batch-norm statistics lag: a model with trainable BN that reached this train accuracy ...
BN_LAG_TRAIN_ACCURACY = 0.80
BN_LAG_EARLY_EPOCHS = 2            # ... while validation, over the first epochs, was ...
BN_LAG_EARLY_GAP = 0.30            # ... this far below train accuracy ...
BN_LAG_NEAR_CHANCE = 0.10          # ... or within this of chance, ...
BN_LAG_MAX_HORIZONS = 10           # ... in at most 10 / (1 - momentum) steps (1,000 at 0.99)


def diagnose(
    history: Sequence[Mapping[str, Any]],
    *,
    metrics: Mapping[str, Any] | None = None,
    num_classes: int | None = None,
    class_names: Sequence[str] | None = None,
    dead_units: Mapping[str, float] | None = None,
    batch_norm: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """Diagnose a run from its per-epoch history (and test metrics when available).

    Args:
        history: history.csv rows with `loss, accuracy, val_loss, val_accuracy, lr, epoch`.
        metrics: metrics.json content (`test_accuracy`, `per_class`, `confusion_matrix`).
            Defaults to None (history-only rules).
        num_classes: number of classes, for the chance level. Defaults to the length of
            `class_names` or of `metrics["class_names"]`.
        class_names: class display names. Defaults to `metrics["class_names"]`.
        dead_units: layer name -> share of ReLU units that never activate
            (`interpretation.dead_unit_shares`). Defaults to None (rule skipped).
        batch_norm: the run's batch-norm facts, `run.batch_norm`: `trainable_layers`,
            `momentum`, `steps_per_epoch`, with its `precise_bn` decision and a
            `recalibrated` record (`visionlab recalibrate-bn`) when there are any. Defaults
            to None (the batch-norm rule is skipped).
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).

    Returns:
        Findings ordered problems first, then warnings, then information. A run with no
        warning or problem starts with one `"healthy"` finding.
    """
    lang = resolve_language(lang)
    metrics = metrics or {}
    class_names = list(class_names or metrics.get("class_names") or [])
    if num_classes is None and class_names:
        num_classes = len(class_names)
    if num_classes is None and metrics.get("confusion_matrix"):
        num_classes = len(metrics["confusion_matrix"])
    if not history:
        return [make_finding("no_history", "info", {},
                             [("diagnosis.no_history.message", {})]).in_language(lang)]

    curves = _Curves(history)
    findings: list[Finding] = []
    diverged = _divergence(curves)
    # Lagging batch-norm statistics distort every validation number, so when they explain the
    # curves, the rules that read validation (overfitting, chance level …) would only mislead.
    lag = _batch_norm_lag(curves, batch_norm or {}, num_classes) if diverged is None else None
    chance = _learned_nothing(curves, metrics, num_classes) if lag is None else None
    for found in (diverged, lag, chance):
        if found is not None:
            findings.append(found)
    if diverged is None and chance is None and lag is None:
        for rule in (_overfitting, _underfitting, _high_learning_rate, _plateau,
                     _validation_above_train):
            found = rule(curves)
            if found is not None:
                findings.append(found)
        found = recall_spread(metrics)
        if found is not None:
            findings.append(found)
    for found in (class_imbalance(metrics), dead_units_finding(dead_units)):
        if found is not None:
            findings.append(found)
    if not any(finding.severity != "info" for finding in findings):
        findings.insert(0, _healthy(curves, metrics))
    # The rules decide what to say; the language only changes how it reads.
    return [finding.in_language(lang) for finding in
            sorted(findings, key=lambda finding: SEVERITY_ORDER[finding.severity])]


class _Curves:
    """History columns as float arrays (NaN where missing) plus display epoch numbers."""

    def __init__(self, history: Sequence[Mapping[str, Any]]):
        self.length = len(history)
        self.columns = {key: history_column(history, key)
                        for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr")}
        epochs = history_column(history, "epoch")
        # history.csv numbers epochs from 1; fall back to the row position when absent.
        self.epochs = np.where(np.isfinite(epochs), epochs, np.arange(1, self.length + 1))

    def __getitem__(self, key: str) -> np.ndarray:
        return self.columns[key]

    def has(self, key: str) -> bool:
        return bool(np.isfinite(self.columns[key]).any())

    def last(self, key: str) -> float:
        finite = self.columns[key][np.isfinite(self.columns[key])]
        return float(finite[-1]) if len(finite) else math.nan

    def epoch(self, index: int) -> int:
        return int(self.epochs[index])


def _healthy(curves: _Curves, metrics: Mapping[str, Any]) -> Finding:
    train, validation = curves.last("accuracy"), curves.last("val_accuracy")
    best_index = (int(np.nanargmax(curves["val_accuracy"])) if curves.has("val_accuracy")
                  else curves.length - 1)
    best = float(curves["val_accuracy"][best_index]) if curves.has("val_accuracy") else math.nan
    numbers = {"train_accuracy": train, "val_accuracy": validation, "best_val_accuracy": best,
               "best_epoch": curves.epoch(best_index), "gap": train - validation}
    sentences = [("diagnosis.healthy.message", {
        "validation": percent(validation), "best": percent(best),
        "best_epoch": curves.epoch(best_index), "train": percent(train),
        "gap": points(train - validation) if math.isfinite(train - validation)
        else "–"})]
    test_accuracy = metrics.get("test_accuracy")
    if test_accuracy is not None:
        numbers["test_accuracy"] = float(test_accuracy)
        sentences.append(("diagnosis.healthy.test",
                          {"test": percent(float(test_accuracy))}))
    return make_finding("healthy", "info", numbers, sentences)


def _divergence(curves: _Curves) -> Finding | None:
    for column, partner in (("loss", "accuracy"), ("val_loss", "val_accuracy")):
        values = curves[column]
        # An empty cell reads back as NaN too: a loss counts as logged when it or its partner
        # accuracy holds a number somewhere.
        if not (curves.has(column) or curves.has(partner) or np.isinf(values).any()):
            continue
        first_finite = np.flatnonzero(np.isfinite(values))
        start = first_finite[0] if len(first_finite) else 0
        bad = np.flatnonzero(~np.isfinite(values[start:]))
        if len(bad):
            index = int(start + bad[0])
            numbers = {"column": column, "epoch": curves.epoch(index)}
            return make_finding("divergence", "problem", numbers,
                                [("diagnosis.divergence.nan", numbers)])
    losses = curves["loss"]
    finite = np.flatnonzero(np.isfinite(losses))
    if len(finite) >= 2:
        first, rest = finite[0], finite[1:]
        peak_index = int(rest[np.argmax(losses[rest])])
        factor = losses[peak_index] / losses[first] if losses[first] > 0 else math.inf
        if factor >= DIVERGENCE_FACTOR:
            numbers = {"first_loss": float(losses[first]), "peak_loss": float(losses[peak_index]),
                       "first_epoch": curves.epoch(first), "epoch": curves.epoch(peak_index),
                       "factor": float(factor)}
            return make_finding("divergence", "problem", numbers, [(
                "diagnosis.divergence.exploding", {
                    "first": number(numbers["first_loss"]),
                    "peak": number(numbers["peak_loss"]),
                    "first_epoch": numbers["first_epoch"], "epoch": numbers["epoch"],
                    "factor": number(factor, 3)})])
    return None


def _learned_nothing(curves: _Curves, metrics: Mapping[str, Any],
                     num_classes: int | None) -> Finding | None:
    if not num_classes or num_classes < 2:
        return None
    if metrics.get("test_accuracy") is not None:
        which, accuracy = "test", float(metrics["test_accuracy"])
    elif curves.has("val_accuracy"):
        which, accuracy = "validation", curves.last("val_accuracy")
    elif curves.has("accuracy"):
        which, accuracy = "train", curves.last("accuracy")
    else:
        return None
    chance = 1.0 / num_classes
    supports = [float(entry.get("support", 0)) for entry in
                (metrics.get("per_class") or {}).values()]
    majority = max(supports) / sum(supports) if supports and sum(supports) > 0 else None
    baseline = max(chance, majority or 0.0)
    if accuracy > baseline + CHANCE_MARGIN:
        return None
    numbers: dict[str, Any] = {"which": which, "accuracy": accuracy, "chance": chance,
                               "num_classes": num_classes}
    sentences = [("diagnosis.learned_nothing.message", {
        "which": term(f"diagnosis.which.{which}"), "accuracy": percent(accuracy, 2),
        "chance": percent(chance, 2), "num_classes": num_classes})]
    if majority is not None and majority > chance + 0.005:
        numbers["majority_share"] = majority
        sentences.append(("diagnosis.learned_nothing.majority",
                          {"majority": percent(majority, 2)}))
    matrix = np.asarray(metrics.get("confusion_matrix") or [], dtype=float)
    if matrix.ndim == 2 and matrix.size:
        predicted = int((matrix.sum(axis=0) > 0).sum())
        numbers["predicted_classes"] = predicted
        if predicted < num_classes:
            sentences.append(("diagnosis.learned_nothing.one_class",
                              {"predicted": predicted, "num_classes": num_classes}))
    sentences.append(("diagnosis.learned_nothing.symmetry", {}))
    return make_finding("learned_nothing", "problem", numbers, sentences)


def _batch_norm_lag(curves: _Curves, facts: Mapping[str, Any],
                    num_classes: int | None) -> Finding | None:
    """Validation far below training from the start, on few steps, with trainable batch norm."""
    layers, momentum = int(facts.get("trainable_layers") or 0), facts.get("momentum")
    steps_per_epoch = facts.get("steps_per_epoch")
    if not layers or momentum is None or not steps_per_epoch:
        return None
    if (facts.get("precise_bn") or {}).get("active"):
        return None  # validation used recomputed statistics: the gap is not theirs
    steps = int(steps_per_epoch) * curves.length
    if steps * (1.0 - float(momentum)) > BN_LAG_MAX_HORIZONS:
        return None
    train, validation = curves["accuracy"], curves["val_accuracy"]
    early = slice(0, min(BN_LAG_EARLY_EPOCHS, curves.length))
    final_train, final_validation = curves.last("accuracy"), curves.last("val_accuracy")
    if not (math.isfinite(final_train) and math.isfinite(final_validation)):
        return None
    if final_train < BN_LAG_TRAIN_ACCURACY or final_train - final_validation < OVERFITTING_GAP:
        return None
    early_gap = float(np.nanmean(train[early] - validation[early]))
    early_validation = float(np.nanmean(validation[early]))
    near_chance = bool(num_classes) and early_validation <= 1.0 / num_classes + BN_LAG_NEAR_CHANCE
    if not (early_gap >= BN_LAG_EARLY_GAP or near_chance):
        return None
    start_share = float(momentum) ** steps
    numbers: dict[str, Any] = {
        "train_accuracy": final_train, "val_accuracy": final_validation,
        "first_val_accuracy": float(validation[0]), "early_gap": early_gap, "steps": steps,
        "momentum": float(momentum), "trainable_layers": layers, "start_share": start_share}
    sentences = [("diagnosis.bn_lag.message", {
        "train": percent(final_train), "first_validation": percent(float(validation[0])),
        "validation": percent(final_validation), "layers": layers, "steps": steps}),
        ("diagnosis.bn_lag.cause", {
            "momentum": number(float(momentum), 3), "step_share": percent(1 - float(momentum)),
            "steps": steps, "start_share": percent(start_share)})]
    recalibrated = facts.get("recalibrated") or {}
    before, after = recalibrated.get("test_accuracy_before"), recalibrated.get("test_accuracy")
    if before is not None and after is not None:
        numbers.update(recalibrated_test_accuracy_before=float(before),
                       recalibrated_test_accuracy=float(after))
        sentences.append(("diagnosis.bn_lag.recalibrated", {
            "before": percent(float(before)), "after": percent(float(after))}))
    return make_finding("bn_lag", "problem", numbers, sentences)


def _overfitting(curves: _Curves) -> Finding | None:
    numbers: dict[str, Any] = {}
    sentences: list[tuple[str, dict[str, Any]]] = []
    train, validation = curves.last("accuracy"), curves.last("val_accuracy")
    gap = train - validation
    if math.isfinite(gap) and gap >= OVERFITTING_GAP:
        numbers.update(train_accuracy=train, val_accuracy=validation, gap=gap)
        if curves.has("val_accuracy"):
            best = int(np.nanargmax(curves["val_accuracy"]))
            numbers["gap_at_best_epoch"] = float(curves["accuracy"][best]
                                                 - curves["val_accuracy"][best])
        sentences.append(("diagnosis.overfitting.gap", {
            "train": percent(train), "validation": percent(validation),
            "gap": points(gap)}))
    validation_loss, train_loss = curves["val_loss"], curves["loss"]
    if curves.has("val_loss") and curves.has("loss"):
        best = int(np.nanargmin(validation_loss))
        final = curves.last("val_loss")
        rise = final / validation_loss[best] - 1 if validation_loss[best] > 0 else 0.0
        epochs_after = curves.length - 1 - best
        if (epochs_after >= MIN_EPOCHS_AFTER_BEST_LOSS and rise >= VALIDATION_LOSS_RISE
                and curves.last("loss") < train_loss[best]):
            numbers.update(loss_rise_from_epoch=curves.epoch(best),
                           best_val_loss=float(validation_loss[best]), final_val_loss=final,
                           val_loss_rise=float(rise))
            sentences.append(("diagnosis.overfitting.loss_rise", {
                "epoch": curves.epoch(best),
                "best_loss": number(validation_loss[best]),
                "final_loss": number(final), "rise": percent(rise, 0),
                "train_then": number(train_loss[best]),
                "train_final": number(curves.last("loss"))}))
    if not sentences:
        return None
    severity: Severity = "problem" if numbers.get("gap", 0.0) >= OVERFITTING_GAP_PROBLEM \
        else "warning"
    return make_finding("overfitting", severity, numbers, sentences)


def _underfitting(curves: _Curves) -> Finding | None:
    train, validation = curves.last("accuracy"), curves.last("val_accuracy")
    if not (math.isfinite(train) and math.isfinite(validation)):
        return None
    if not (train < UNDERFITTING_ACCURACY and validation < UNDERFITTING_ACCURACY
            and train - validation < OVERFITTING_GAP):
        return None
    numbers: dict[str, Any] = {"train_accuracy": train, "val_accuracy": validation,
                               "threshold": UNDERFITTING_ACCURACY}
    sentences = [("diagnosis.underfitting.message", {
        "train": percent(train), "validation": percent(validation),
        "threshold": percent(UNDERFITTING_ACCURACY, 0)})]
    losses = curves["loss"][np.isfinite(curves["loss"])]
    if len(losses) > TREND_EPOCHS and losses[-1 - TREND_EPOCHS] > 0:
        change = losses[-1] / losses[-1 - TREND_EPOCHS] - 1
        numbers["train_loss_change"] = float(change)
        key = ("still_falling" if change <= -STILL_FALLING_PER_EPOCH * TREND_EPOCHS else "flat")
        sentences.append((f"diagnosis.underfitting.{key}", {
            "change": Localized("signed_percent", change, 0), "epochs": TREND_EPOCHS}))
    return make_finding("underfitting", "warning", numbers, sentences)


def _high_learning_rate(curves: _Curves) -> Finding | None:
    values = curves["val_loss"][np.isfinite(curves["val_loss"])]
    if len(values) < NOISY_MIN_EPOCHS:
        return None
    steps = np.diff(values)
    level = float(np.median(values))
    if level <= 0:
        return None
    counted = np.abs(steps) >= NOISY_RELATIVE_STEP * level
    reversals = int(np.sum(counted[:-1] & counted[1:]
                           & (np.sign(steps[:-1]) != np.sign(steps[1:]))))
    share = reversals / (len(steps) - 1)
    if reversals < NOISY_MIN_REVERSALS or share < NOISY_REVERSAL_SHARE:
        return None
    mean_step = float(np.mean(np.abs(steps)) / level)
    numbers: dict[str, Any] = {"reversals": reversals, "epochs": len(values),
                               "mean_relative_step": mean_step}
    sentences = [("diagnosis.high_learning_rate.message", {
        "reversals": reversals, "epochs": len(values),
        "step": percent(mean_step, 0)})]
    learning_rate = curves.last("lr")
    if math.isfinite(learning_rate):
        numbers["learning_rate"] = learning_rate
        sentences.append(("diagnosis.high_learning_rate.current",
                          {"learning_rate": number(learning_rate, 3)}))
    return make_finding("high_learning_rate", "warning", numbers, sentences)


def _plateau(curves: _Curves) -> Finding | None:
    use_accuracy = curves.has("val_accuracy")
    values = curves["val_accuracy"] if use_accuracy else -curves["val_loss"]
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite) <= PLATEAU_PATIENCE:
        return None
    best_value, last_improvement = values[finite[0]], finite[0]
    for index in finite[1:]:
        # Loss improvements are relative (its scale varies); accuracy gains are absolute.
        delta = PLATEAU_MIN_DELTA if use_accuracy else PLATEAU_MIN_DELTA * abs(best_value)
        if values[index] > best_value + delta:
            best_value, last_improvement = values[index], index
    waited = int(finite[-1] - last_improvement)
    if waited < PLATEAU_PATIENCE:
        return None
    metric = "accuracy" if use_accuracy else "loss"

    def shown(value: float) -> str:
        return percent(value) if use_accuracy else number(-value)

    best_index = int(finite[np.argmax(values[finite])])
    sign = 1.0 if use_accuracy else -1.0
    numbers = {"metric": f"val_{metric}", "epochs_without_improvement": waited,
               "since_epoch": curves.epoch(int(last_improvement)),
               "since_value": float(sign * best_value),
               "best": float(sign * values[best_index]), "best_epoch": curves.epoch(best_index),
               "min_delta": PLATEAU_MIN_DELTA}
    min_delta = (Message("diagnosis.points", {"value": points(PLATEAU_MIN_DELTA)})
                 if use_accuracy else percent(PLATEAU_MIN_DELTA))
    return make_finding("plateau", "info", numbers, [("diagnosis.plateau.message", {
        "metric": term(f"diagnosis.metric.{metric}"), "min_delta": min_delta,
        "since_epoch": numbers["since_epoch"], "since": shown(best_value),
        "best": shown(values[best_index]), "best_epoch": numbers["best_epoch"],
        "epochs": waited})],
        patience=SUGGESTED_PATIENCE, epochs=max(0, waited - SUGGESTED_PATIENCE))


def _validation_above_train(curves: _Curves) -> Finding | None:
    train, validation = curves.last("accuracy"), curves.last("val_accuracy")
    gap = validation - train
    if not math.isfinite(gap) or gap < VALIDATION_ABOVE_TRAIN_GAP:
        return None
    numbers = {"train_accuracy": train, "val_accuracy": validation, "gap": gap}
    return make_finding("validation_above_train", "info", numbers, [(
        "diagnosis.validation_above_train.message", {
            "train": percent(train), "validation": percent(validation),
            "gap": points(gap)})])
