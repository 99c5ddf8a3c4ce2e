"""Run comparison: only differing config keys, mean ± std for seed groups, self-contained page."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from visionlab import _io
from visionlab.errors import ConfigError, RunError
from visionlab.reports.compare import compare_runs, comparison_figure
from visionlab.runs import folder as runs
from visionlab.runs.compare import comparison_table, flatten_config
from visionlab.training.history import format_history_csv


def write_run(folder: Path, *, name: str, seed: int, learning_rate: float = 0.001,
              peak: float = 0.9, test_accuracy: float = 0.88, seconds: float = 30.0,
              group: str | None = None, description: str = "") -> Path:
    """A minimal run folder: config.toml, run.json, history.csv and metrics.json."""
    folder.mkdir(parents=True)
    _io.write_text(folder / runs.CONFIG_FILE,
                   f'name = "{name}"\ndescription = "{description}"\n'
                   '[model]\nname = "cnn"\nfilters = [8, 16]\n'
                   f"[train]\nepochs = 4\nbatch_size = 32\nlearning_rate = {learning_rate}\n"
                   f"seed = {seed}\n")
    info = {"name": name, "status": "completed", "seconds": seconds}
    if group:
        info["group"] = group
    _io.write_json(folder / runs.INFO_FILE, info)
    # val_loss grows with peak so that accuracy and loss pick different leaders.
    history = [{"epoch": epoch, "phase": "", "loss": 1.0 / epoch, "accuracy": peak * epoch / 4,
                "val_loss": peak / epoch, "val_accuracy": peak * epoch / 4 - 0.01,
                "lr": learning_rate, "seconds": seconds / 4} for epoch in range(1, 5)]
    _io.write_text(folder / runs.HISTORY_FILE, format_history_csv(history))
    _io.write_json(folder / runs.METRICS_FILE, {"test_accuracy": test_accuracy})
    return folder


@pytest.fixture
def seed_group_and_variant(tmp_path):
    """Three seeds of one config (peaks 0.90/0.92/0.94) and one run with a larger learning rate."""
    seeds = [write_run(tmp_path / f"cnn-seed{seed}", name=f"cnn-seed{seed}", seed=seed,
                       peak=0.90 + 0.02 * seed, test_accuracy=0.88 + 0.01 * seed,
                       seconds=30.0 + seed)
             for seed in range(3)]
    variant = write_run(tmp_path / "cnn-lr", name="cnn-lr", seed=0, learning_rate=0.01,
                        peak=0.8, test_accuracy=0.79, description="a faster learning rate")
    return [*seeds, variant]


def test_flatten_config_uses_dotted_keys():
    assert flatten_config({"name": "a", "train": {"seed": 1, "early": {"patience": 3}},
                           "model": {"units": [64]}}) == {
        "name": "a", "train.seed": 1, "train.early.patience": 3, "model.units": [64]}


def test_table_keeps_only_differing_keys_and_aggregates_seeds(seed_group_and_variant):
    comparison = comparison_table(seed_group_and_variant)
    assert comparison.config_keys == ["train.learning_rate", "train.seed"]
    group, variant = comparison.rows
    assert group.is_group and len(group.runs) == 3 and not variant.is_group
    assert group.label == "cnn-seed" and variant.label == "cnn-lr"
    assert group.config == {"train.learning_rate": "0.001", "train.seed": "0, 1, 2"}
    bests = np.array([0.89, 0.91, 0.93])
    assert group.best.mean == pytest.approx(bests.mean())
    assert group.best.std == pytest.approx(bests.std())
    assert group.test_accuracy.mean == pytest.approx(0.89)
    assert group.seconds.mean == pytest.approx(31.0)
    assert variant.best.mean == pytest.approx(0.79) and variant.best.count == 1
    assert comparison.leader("best") == 0 and comparison.leader("test_accuracy") == 0


def test_loss_metric_takes_the_minimum(seed_group_and_variant):
    comparison = comparison_table(seed_group_and_variant, metric="val_loss")
    assert comparison.rows[1].best.mean == pytest.approx(0.8 / 4)
    assert comparison.rows[1].final.mean == pytest.approx(0.8 / 4)
    assert comparison.leader("best") == 1  # lower loss wins


def test_runs_group_by_recorded_group(tmp_path):
    first = write_run(tmp_path / "a", name="a", seed=0, learning_rate=0.001, group="sweep-1")
    second = write_run(tmp_path / "b", name="b", seed=1, learning_rate=0.002, group="sweep-1")
    comparison = comparison_table([first, second])
    assert [row.label for row in comparison.rows] == ["sweep-1"]
    assert comparison.rows[0].config["train.learning_rate"] == "0.001, 0.002"


def test_compare_writes_self_contained_page_and_figure(seed_group_and_variant, tmp_path):
    output = compare_runs(seed_group_and_variant, output_dir=tmp_path / "comparison")
    assert output == tmp_path / "comparison" / "compare.html"
    assert (tmp_path / "comparison" / "compare.png").stat().st_size > 10_000
    text = output.read_text(encoding="utf-8")
    header_keys = re.findall(r'<th class="config-key">([^<]+)</th>', text)
    assert header_keys == ["train.learning_rate", "train.seed"]
    assert "train.batch_size" not in text and "model.filters" not in text
    assert "faster learning rate" not in text  # descriptions are not knobs
    assert "91.00% ± 1.63%" in text      # best val_accuracy of the seed group
    assert "3 runs" in text
    sources = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert sources and all(source.startswith(("data:image/png;base64,", "#"))
                           for source in sources)
    assert "http://" not in text and "https://" not in text


def test_compare_in_vietnamese(seed_group_and_variant, tmp_path):
    text = compare_runs(seed_group_and_variant, output_dir=tmp_path, lang="vi").read_text(
        encoding="utf-8")
    assert "So sánh các lần chạy" in text and "91,00% ± 1,63%" in text


def test_comparison_figure_follows_the_language(seed_group_and_variant):
    grouped = comparison_table(seed_group_and_variant)
    english = comparison_figure(grouped).axes[0]
    assert english.get_title() == "val accuracy" and english.get_xlabel() == "epoch"
    assert [line.get_label() for line in english.lines] == ["cnn-seed (n=3)", "cnn-lr (n=1)"]
    axes = comparison_figure(grouped, lang="vi").axes[0]
    assert axes.get_title() == "độ chính xác (kiểm định)"
    assert axes.get_ylabel() == "độ chính xác (kiểm định)"
    assert axes.yaxis.get_major_formatter().format_ticks([0.5]) == ["0,5"]
    single = comparison_table(seed_group_and_variant[2:], metric="val_loss")
    axes = comparison_figure(single, lang="vi").axes[0]
    assert axes.get_title() == "loss (kiểm định) – nét đứt: loss trên tập huấn luyện"


def test_compare_errors_name_the_fix(seed_group_and_variant, tmp_path):
    with pytest.raises(ConfigError, match="'val_f1'.*val_accuracy"):
        compare_runs(seed_group_and_variant, metric="val_f1", output_dir=tmp_path)
    with pytest.raises(RunError, match="at least two runs"):
        compare_runs(seed_group_and_variant[:1], output_dir=tmp_path)
    with pytest.raises(ConfigError, match="'fr'"):
        compare_runs(seed_group_and_variant, output_dir=tmp_path, lang="fr")
