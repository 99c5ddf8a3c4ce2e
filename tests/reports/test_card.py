"""The run's summary card (what a notebook shows for a run), on a fake run folder."""

from __future__ import annotations

import html
from pathlib import Path

from visionlab import i18n
from visionlab.evaluation.diagnosis import diagnose
from visionlab.reports.card import run_card_html
from visionlab.runs.run import Run


def test_card_has_dataset_model_accuracy_best_epoch_time_and_diagnosis(fake_run):
    run = Run(fake_run.path)
    card = html.unescape(run_card_html(fake_run.path))
    assert card.startswith('<div class="visionlab-run"')
    assert "<style" not in card  # inline styles only: the notebook page keeps its own
    for text in ("shapes-cnn-20261123-101500", "completed", "shapes · 28x28x1 · train 400, "
                 "test 48", "cnn", "12,345", "41.7 s",
                 i18n.format_percent(run.metrics["test_accuracy"], "en", 2)):
        assert text in card, text
    best = run.info["best"]
    assert f"{best['epoch']} · val_accuracy {best['val_accuracy']:.2%}" in card
    headline = diagnose(run.history, metrics=run.metrics, lang="en")[0]
    assert i18n.t(f"rule.{headline.rule}", "en") in card
    assert headline.message in card


def test_card_in_vietnamese(fake_run):
    card = html.unescape(run_card_html(fake_run.path, lang="vi"))
    for key in ("label.dataset", "label.test_accuracy", "label.best_epoch", "label.time",
                "section.diagnosis", "status.completed"):
        assert i18n.t(key, "vi") in card, key
    assert "12.345" in card and "41,7 s" in card


def test_card_of_a_run_without_test_metrics(make_fake_run, tmp_path: Path):
    fake = make_fake_run(tmp_path / "no-test", with_test=False)
    card = html.unescape(run_card_html(fake.path))
    assert f"{i18n.t('label.test_accuracy', 'en')}</th>" in card
    assert "–" in card
