"""Diagnosis rules on the test set's per-class metrics and on the model's dead units.

Part of `diagnose` (`visionlab.evaluation.diagnosis`), which decides when each rule runs; the
rules on the training curves live there. Thresholds are the module constants below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from visionlab.evaluation.findings import Finding, Severity, make_finding
from visionlab.i18n import Message, count, joined, number, percent, points

RECALL_SPREAD = 0.20               # best - worst per-class recall
SUPPORT_RATIO = 3.0                # largest / smallest class support in the test set
DEAD_UNITS_SHARE = 0.25            # share of never-active ReLU units in a layer
DEAD_UNITS_PROBLEM_SHARE = 0.50


def _per_class(metrics: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    per_class = metrics.get("per_class") or {}
    return {str(name): entry for name, entry in per_class.items()
            if float(entry.get("support", 0)) > 0}


def recall_spread(metrics: Mapping[str, Any]) -> Finding | None:
    per_class = _per_class(metrics)
    if len(per_class) < 2:
        return None
    recalls = {name: float(entry["recall"]) for name, entry in per_class.items()
               if entry.get("recall") is not None}
    if len(recalls) < 2:
        return None
    worst = min(recalls, key=recalls.__getitem__)
    best = max(recalls, key=recalls.__getitem__)
    spread = recalls[best] - recalls[worst]
    if spread < RECALL_SPREAD:
        return None
    numbers = {"worst_class": worst, "worst_recall": recalls[worst], "best_class": best,
               "best_recall": recalls[best], "spread": spread}
    return make_finding("recall_spread", "warning", numbers, [(
        "diagnosis.recall_spread.message", {
            "worst": percent(recalls[worst]), "worst_class": worst,
            "best": percent(recalls[best]), "best_class": best,
            "spread": points(spread)})])


def class_imbalance(metrics: Mapping[str, Any]) -> Finding | None:
    supports = {name: int(entry["support"]) for name, entry in _per_class(metrics).items()}
    if len(supports) < 2:
        return None
    largest = max(supports, key=supports.__getitem__)
    smallest = min(supports, key=supports.__getitem__)
    ratio = supports[largest] / supports[smallest]
    if ratio < SUPPORT_RATIO:
        return None
    numbers = {"largest_class": largest, "largest_support": supports[largest],
               "smallest_class": smallest, "smallest_support": supports[smallest],
               "ratio": ratio}
    return make_finding("class_imbalance", "warning", numbers, [(
        "diagnosis.class_imbalance.message", {
            "largest": largest, "largest_count": count(supports[largest]),
            "smallest": smallest, "smallest_count": count(supports[smallest]),
            "ratio": number(ratio, 3)})])


def dead_units_finding(dead_units: Mapping[str, float] | None) -> Finding | None:
    flagged = {layer: float(share) for layer, share in (dead_units or {}).items()
               if float(share) >= DEAD_UNITS_SHARE}
    if not flagged:
        return None
    layers = joined([Message("diagnosis.dead_units.layer", {"layer": layer,
                                                            "share": percent(share, 0)})
                     for layer, share in flagged.items()])
    severity: Severity = ("problem" if max(flagged.values()) >= DEAD_UNITS_PROBLEM_SHARE
                          else "warning")
    return make_finding("dead_units", severity, {"layers": flagged},
                        [("diagnosis.dead_units.message", {"layers": layers})])
