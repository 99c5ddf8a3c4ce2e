"""sweep.html and the sweep table from a sweep.json written here (no Ray): in English and in
Vietnamese, with the figures drawn and the trials' learning curves read from their run folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from visionlab import i18n
from visionlab.sweeps.page import PAGE_FILE, write_sweep_page
from visionlab.sweeps.results import summarize_points, sweep_table

ENGLISH_HEADINGS = ("Trials, best first", "per trial", "against each swept parameter",
                    "Learning curves of the best", "stopped early", "best epoch", "run folder")


def _trial(number: int, variant: str, learning_rate: float, status: str,
           value: float | None, run_dir: str | None) -> dict:
    return {"trial_id": f"abc_{number:05d}", "variant": variant, "seed": 0,
            "values": {"train.learning_rate": learning_rate, "train.seed": 0},
            "status": status, "epochs": 2 if value is not None else 0,
            "best_epoch": 2 if value is not None else None, "best_value": value,
            "run_dir": run_dir, "node": {"id": "0123456789abcdef", "ip": "127.0.0.1"},
            "error": "train.optimizer 'adamx' is not allowed" if status == "failed" else None}


@pytest.fixture
def sweep_dir(tmp_path: Path) -> tuple[Path, dict]:
    """A finished sweep's folder: sweep.json and two trials' run folders with a history."""
    trials = [_trial(0, "baseline", 0.01, "completed", 0.9, "trials/abc_00000-baseline"),
              _trial(1, "wide", 0.1, "stopped_early", 0.6, "trials/abc_00001-wide"),
              _trial(2, "bad", 0.01, "failed", None, None)]
    for trial in trials[:2]:
        run = tmp_path / trial["run_dir"]
        run.mkdir(parents=True)
        (run / "run.json").write_text(json.dumps({"status": trial["status"]}))
        (run / "history.csv").write_text(
            "epoch,phase,loss,accuracy,val_loss,val_accuracy,lr,seconds\n"
            f"1,,0.9,0.6,0.8,0.5,0.01,1.0\n2,,0.5,0.8,0.6,{trial['best_value']},0.01,1.0\n")
    spec = {"metric": "val_accuracy", "mode": "max", "variants": {"baseline": {}, "wide": {},
                                                                  "bad": {}},
            "parameters": {"train.learning_rate": {"grid": [0.01, 0.1]}}}
    summary = {"name": "digits-sweep", "status": "finished", "spec": spec,
               "ray": {"version": "2.0", "address": "local", "nodes": [{"id": "0123"}]},
               "trials": trials, "points": summarize_points(trials, "max")}
    (tmp_path / "sweep.json").write_text(json.dumps(summary))
    return tmp_path, summary


def test_the_sweep_page_speaks_vietnamese(sweep_dir):
    folder, summary = sweep_dir
    page = write_sweep_page(folder, summary, lang="vi").read_text(encoding="utf-8")
    assert 'lang="vi"' in page
    for vietnamese in ("Các lần thử, tốt nhất trước", "theo từng tham số được quét",
                       "Đường cong học của 2 lần thử tốt nhất", "dừng sớm", "thất bại",
                       "epoch tốt nhất", "thư mục lần chạy", "Quét siêu tham số digits-sweep"):
        assert vietnamese in page, vietnamese
    assert [text for text in ENGLISH_HEADINGS if text in page] == []
    assert page.count("data:image/png;base64,") == 4  # per trial, 2 parameters, curves
    assert {path.name for path in (folder / "figures").iterdir()} == {
        "trials.png", "parameter-variant.png", "parameter-train-learning-rate.png",
        "curves.png"}


def test_the_sweep_page_follows_the_language_setting(sweep_dir, monkeypatch):
    folder, summary = sweep_dir
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    page = write_sweep_page(folder, summary).read_text(encoding="utf-8")
    assert (folder / PAGE_FILE).is_file()
    assert 'lang="en"' in page and "Trials, best first" in page
    assert "Learning curves of the best 2 trial(s)" in page and "stopped early" in page
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "vi")
    assert "Các lần thử, tốt nhất trước" in write_sweep_page(folder, summary).read_text(
        encoding="utf-8")


def test_the_sweep_table_speaks_vietnamese(sweep_dir):
    _, summary = sweep_dir
    table = sweep_table(summary, lang="vi")
    headers = [str(column.header) for column in table.columns]
    assert "biến thể" in headers and "số lần thử" in headers and "trạng thái" in headers
    assert "trung bình ± độ lệch chuẩn" in str(table.title)
    statuses = [str(cell) for cell in table.columns[-1].cells]
    assert "1 dừng sớm" in statuses and "1 thất bại" in statuses
    assert "0,9000" in [str(cell) for cell in table.columns[-3].cells]
    english = sweep_table(summary, lang="en")
    assert "mean ± std over seeds" in str(english.title)
    assert "1 stopped early" in [str(cell) for cell in english.columns[-1].cells]
