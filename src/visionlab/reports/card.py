"""A run's summary card: dataset, model, test accuracy, best epoch, time and the diagnosis's
headline, as one HTML fragment (what a notebook shows for a `Run`).

The card reads the run folder only, like the report; its styles are inline, so it can sit in
any page without restyling it.

Example:
    IPython.display.HTML(run_card_html("runs/digits-mlp-20261123-101500", lang="vi"))
"""

from __future__ import annotations

import os
from typing import Any

from visionlab import i18n
from visionlab.evaluation.diagnosis import diagnose
from visionlab.reports.html import render_page
from visionlab.runs.run import Run

STATUS_BACKGROUNDS = {"completed": "#dafbe1", "failed": "#ffebe9"}  # others: amber
SEVERITY_COLORS = {"problem": "#cf222e", "warning": "#d4a72c", "info": "#54aeff"}


def run_card_html(run: Run | str | os.PathLike[str], *, lang: str | None = None) -> str:
    """Return the run's summary card as an HTML fragment.

    Args:
        run: a `Run` or the path of a run folder.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)
    run = run if isinstance(run, Run) else Run(run)
    info, metrics = run.info, run.metrics
    findings = diagnose(run.history, metrics=metrics, class_names=metrics.get("class_names"),
                        dead_units=info.get("dead_units"), batch_norm=run.batch_norm, lang=lang)
    headline = findings[0] if findings else None
    status_key = f"status.{run.status}"
    return render_page(
        "card.html", lang, run=run, facts=_facts(info, metrics, lang), headline=headline,
        status_text=(i18n.t(status_key, lang) if status_key in i18n.MESSAGES[lang]
                     else run.status),
        status_background=STATUS_BACKGROUNDS.get(run.status, "#fff8c5"),
        severity_color=SEVERITY_COLORS.get(headline.severity if headline else "info"))


def _facts(info: dict[str, Any], metrics: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) rows of the card, in the run's language."""
    dataset = info.get("dataset") or {}
    splits = dataset.get("splits") or {}
    shape = "x".join(str(side) for side in dataset.get("image_shape") or [])
    counts = ", ".join(f"{name} {i18n.format_count(split.get('count', 0), lang)}"
                       for name, split in splits.items())
    classes = len(dataset.get("class_names") or [])
    model = info.get("model") or {}
    best = info.get("best") or {}
    test_accuracy = metrics.get("test_accuracy", info.get("test_accuracy"))
    return [
        (i18n.t("label.dataset", lang),
         " · ".join(part for part in (dataset.get("name"), shape, counts) if part) or "–"),
        (i18n.t("label.classes", lang), i18n.format_count(classes, lang) if classes else "–"),
        (i18n.t("label.model", lang), str(model.get("name", "–"))),
        (i18n.t("label.parameters", lang), i18n.format_count(model.get("params"), lang)),
        (i18n.t("label.test_accuracy", lang),
         i18n.format_percent(test_accuracy, lang, 2) if test_accuracy is not None else "–"),
        (i18n.t("label.best_epoch", lang), _best(best, lang)),
        (i18n.t("label.time", lang), i18n.format_seconds(info.get("seconds"), lang)),
    ]


def _best(best: dict[str, Any], lang: str) -> str:
    """`3 · val_accuracy 97.20%` from run.json's `best`, or "–"."""
    if best.get("epoch") is None:
        return "–"
    metric = best.get("metric") or next(
        (key for key in ("val_accuracy", "accuracy", "val_loss") if key in best), "")
    value = best.get("value", best.get(metric))
    shown = (i18n.format_percent(value, lang, 2) if "accuracy" in metric
             else i18n.format_number(value, lang, 4))
    return f"{best['epoch']} · {metric} {shown}"
