"""The finding a diagnosis rule reports, shared by the curve rules and the per-class rules.

`visionlab.evaluation.diagnosis` (training curves, `diagnose`) and
`visionlab.evaluation.class_findings` (per-class test metrics, dead units) both build their
findings here; the message and knob texts come from `visionlab.reports.i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from visionlab.i18n import t

Severity = Literal["info", "warning", "problem"]
SEVERITY_ORDER = {"problem": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One diagnosis: the rule that fired, how serious it is, what it saw and what to try.

    Attributes:
        rule: rule name, for example `"overfitting"` (stable across languages).
        severity: `"info"`, `"warning"` or `"problem"`.
        message: plain sentences with the numbers behind the finding.
        numbers: the raw numbers the message quotes (fractions, epochs, counts).
        knob: the setting(s) to change.
    """

    rule: str
    severity: Severity
    message: str
    numbers: dict[str, Any] = field(default_factory=dict)
    knob: str = ""


def make_finding(rule: str, severity: Severity, lang: str, numbers: dict[str, Any],
                 sentences: list[tuple[str, dict[str, Any]]], **knob_fmt: Any) -> Finding:
    """Build a `Finding` whose message joins the translated `sentences` (key, format values)
    and whose knob is the rule's `diagnosis.<rule>.knob` text formatted with `knob_fmt`."""
    message = " ".join(t(key, lang, **fmt) for key, fmt in sentences)
    return Finding(rule, severity, message, numbers, t(f"diagnosis.{rule}.knob", lang, **knob_fmt))
