"""The finding a diagnosis rule reports, shared by the curve rules and the per-class rules.

`visionlab.evaluation.diagnosis` (training curves, `diagnose`) and
`visionlab.evaluation.class_findings` (per-class test metrics, dead units) both build their
findings here. A finding carries message keys and raw values (`visionlab.i18n.Message`), not
text: `finding.message_in("vi")` renders it in any language, `finding.message` in the language
the diagnosis was asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from visionlab.i18n import Message, check_language

Severity = Literal["info", "warning", "problem"]
SEVERITY_ORDER = {"problem": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One diagnosis: the rule that fired, how serious it is, what it saw and what to try.

    Attributes:
        rule: rule name, for example `"overfitting"` (stable across languages).
        severity: `"info"`, `"warning"` or `"problem"`.
        sentences: the messages (catalog key + values) that explain it, in order.
        numbers: the raw numbers the message quotes (fractions, epochs, counts).
        knob_values: values for the rule's `diagnosis.<rule>.knob` message.
        lang: the language of `message` and `knob`. Defaults to `"en"`.
    """

    rule: str
    severity: Severity
    sentences: tuple[Message, ...]
    numbers: dict[str, Any] = field(default_factory=dict)
    knob_values: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "en"

    @property
    def message(self) -> str:
        """Plain sentences with the numbers behind the finding, in `lang`."""
        return self.message_in(self.lang)

    @property
    def knob(self) -> str:
        """The setting(s) to change, in `lang`."""
        return self.knob_in(self.lang)

    def message_in(self, lang: str) -> str:
        """The finding's sentences rendered in `lang`."""
        return " ".join(sentence.render(lang) for sentence in self.sentences)

    def knob_in(self, lang: str) -> str:
        """The rule's advice rendered in `lang`."""
        return Message(f"diagnosis.{self.rule}.knob", self.knob_values).render(lang)

    def in_language(self, lang: str) -> Finding:
        """The same finding, with `message` and `knob` in `lang`."""
        return dataclasses.replace(self, lang=check_language(lang))


def make_finding(rule: str, severity: Severity, numbers: dict[str, Any],
                 sentences: list[tuple[str, dict[str, Any]]], **knob_values: Any) -> Finding:
    """Build a `Finding` from `sentences` (catalog key, values) and the knob's values.

    Numbers among the values should be `visionlab.i18n` `Localized` values (`percent(x)`, …)
    so that they are formatted in the language the finding is read in.
    """
    return Finding(rule, severity, tuple(Message(key, values) for key, values in sentences),
                   numbers, knob_values)
