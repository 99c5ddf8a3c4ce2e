"""Every main command speaks Vietnamese with `--lang vi` or `VISIONLAB_LANG=vi`: no English
user-facing words are left (identifiers, paths, dataset and model names aside)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import typer.main
from PIL import Image
from typer.testing import CliRunner

from visionlab import i18n
from visionlab.cli.main import app

pytestmark = pytest.mark.xdist_group("training")
runner = CliRunner()

# Common English words of visionlab's messages; none may survive in Vietnamese output.
ENGLISH = {
    "the", "and", "or", "of", "in", "on", "with", "to", "is", "are", "not", "no", "yes", "run",
    "runs", "saved", "wrote", "written", "error", "accuracy", "file", "files", "found", "images",
    "image", "test", "train", "validation", "report", "done", "class", "classes", "model",
    "dataset", "time", "status", "loss", "skipped", "total", "mean", "folder", "does", "exist",
    "unknown", "key", "did", "you", "invalid", "completed", "stopped", "early", "weights",
    "prediction", "pixel", "sizes", "per", "there", "must", "look", "like",
}
# Names that read the same in both languages: loanwords of the field and proper names.
ALLOWED = {"epoch", "keras", "mnist", "visionlab", "tensorflow", "rgb", "rgba", "f1", "toml"}
# What `train` printed in English before issue 17 (progress lines, summary table, start lines).
TRAIN_ENGLISH = ("Training summary", "best epoch", "epochs run", "total time", "Run folder",
                 "Data:", "Model:", "parameters", "classes", "val_accuracy", "val_loss",
                 " loss ", "accuracy ", "lr ", "Tracking:", "warning:", "Skipped")


def english_words(text: str) -> set[str]:
    """The English words of `text` once paths, quoted names, commands and keys are removed."""
    text = re.sub(r"`[^`]*`", " ", text)                 # commands to type
    text = re.sub(r"hợp lệ: [^)]*", " ", text)           # lists of valid config keys
    text = re.sub(r"'[^']*'", " ", text)                 # quoted inputs (keys, paths)
    text = re.sub(r"\S*[/\\]\S*", " ", text)             # paths
    text = re.sub(r"\S*[=_.]\S*", " ", text)             # keys, file names, key=value
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
    return (words & ENGLISH) - ALLOWED


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def assert_vietnamese(result, code: int = 0) -> None:
    assert result.exit_code == code, result.output
    assert english_words(result.output) == set(), result.output


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A tiny real run (an MLP on scikit-learn's digits, 2 epochs) trained in Vietnamese, with
    its progress: the per-epoch lines, the summary table and the start lines are checked."""
    root = tmp_path_factory.mktemp("vi")
    result = invoke("train", str(_config(root)), "--lang", "vi",
                    "--runs-dir", str(root / "runs"), "--name", "vi-digits")
    assert_vietnamese(result)
    assert "Xong." in result.output and "độ chính xác" in result.output
    for vietnamese in ("Thư mục lần chạy:", "Dữ liệu: digits (huấn luyện", "Mô hình:",
                       "Epoch 2/2", "mất mát kiểm định", "Tóm tắt quá trình huấn luyện",
                       "epoch tốt nhất", "tổng thời gian"):
        assert vietnamese in result.output, result.output
    assert [text for text in TRAIN_ENGLISH if text in result.output] == [], result.output
    (run,) = (root / "runs").iterdir()
    return run


def _config(root: Path) -> Path:
    config = root / "digits.toml"
    config.write_text(
        'name = "digits"\n[data]\ndataset = "digits"\n[model]\nname = "mlp"\nunits = [16]\n'
        "batch_norm = false\ndropout = 0.0\n[train]\nepochs = 2\nbatch_size = 32\n"
        'schedule = "constant"\n', encoding="utf-8")
    return config


def test_the_run_report_written_by_train_is_vietnamese(trained: Path):
    page = (trained / "report.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in page and "Chẩn đoán" in page


@pytest.mark.parametrize("how", ["option", "environment"])
def test_run_commands_speak_vietnamese(trained: Path, tmp_path: Path, how: str):
    option, env = (["--lang", "vi"], None) if how == "option" else ([], {i18n.LANGUAGE_ENV: "vi"})
    image = tmp_path / "seven.png"
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(image)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    checks = [
        (["runs", "--runs-dir", str(trained.parent)], "Các lần chạy"),
        (["evaluate", str(trained)], "độ chính xác"),
        (["predict", str(trained), str(image)], "dự đoán"),
        (["report", str(trained), "--no-images"], "Đã ghi báo cáo"),
        (["compare", str(trained), str(trained), "-o", str(tmp_path / "cmp")], "Đã ghi"),
        (["weights", str(trained), "--output", str(tmp_path / "w.png")], "Trọng số"),
    ]
    for args, expected in checks:
        result = invoke(*args, *option, env=env)
        assert_vietnamese(result)
        assert expected in result.output, result.output
    result = invoke("predict", str(trained), str(bad), *option, env=env)
    assert "không đọc được" in result.output and "Có 1 tệp" in result.output
    result = invoke("predict", str(trained), str(bad), "--json", *option, env=env)
    (unreadable,) = json.loads(result.stdout)
    assert unreadable["error"].startswith("Không dùng được ảnh") and "tệp rỗng" in \
        unreadable["error"]  # the decoder's reason too, not only its framing


def test_a_transfer_run_names_its_phases_with_vietnamese_numbers(trained: Path, tmp_path: Path):
    config = tmp_path / "transfer.toml"
    config.write_text(
        'name = "digits-transfer"\n[data]\ndataset = "digits"\nnormalize = "none"\n'
        f'[model]\nname = "run:{trained.as_posix()}"\n[train]\nbatch_size = 32\n'
        '[transfer]\nstrategy = "warmup-finetune"\nwarmup_epochs = 1\nfinetune_epochs = 1\n'
        "warmup_learning_rate = 0.01\nfinetune_learning_rate = 0.0003\n"
        "unfreeze_top_layers = 1\n", encoding="utf-8")
    result = invoke("train", str(config), "--lang", "vi", "--runs-dir", str(tmp_path / "runs"),
                    "--no-report")
    assert_vietnamese(result)
    output = " ".join(result.output.split())
    # The learning rates with the Vietnamese decimal comma, as in the epoch lines.
    assert "Giai đoạn warmup: epoch 1-1 với tốc độ học 0,01," in output, output
    assert "Giai đoạn finetune: epoch 2-2 với tốc độ học 0,0003," in output, output


def test_data_and_config_commands_speak_vietnamese(tmp_path: Path):
    result = invoke("explore", "digits", "-o", str(tmp_path / "explore"), "--lang", "vi")
    assert_vietnamese(result)
    assert "Số ảnh mỗi lớp" in result.output and "huấn luyện" in result.output
    result = invoke("init", str(tmp_path / "x.toml"), env={i18n.LANGUAGE_ENV: "vi"})
    assert_vietnamese(result)
    result = invoke("summary", "mlp", "--input-shape", "8,8,1", "--lang", "vi")
    assert result.exit_code == 0 and "tổng số tham số" in result.output
    for args, title in ((["datasets"], "Các bộ dữ liệu có sẵn"), (["recipes"], "công thức"),
                        (["models", "mlp"], "tham số (mặc định)")):
        result = invoke(*args, "--lang", "vi")
        assert result.exit_code == 0 and title in result.output, result.output


@pytest.mark.parametrize("args, fragment", [
    (["evaluate", "nowhere-run"], "không tồn tại"),
    (["explore", "mnsit"], "Có phải ý bạn là"),
    (["train", "digits.toml"], "không phải tệp cấu hình"),
    (["models", "zzz*"], "Không có mô hình nào"),
    (["summary", "mlp", "--input-shape", "8,8"], "ba số nguyên dương"),
])
def test_errors_speak_vietnamese(tmp_path: Path, args, fragment, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, "--lang", "vi")
    assert_vietnamese(result, code=2)
    assert result.output.startswith("lỗi:") and fragment in result.output, result.output


def test_config_errors_speak_vietnamese(tmp_path: Path):
    config = _config(tmp_path)
    result = invoke("train", str(config), "--set", "train.optimiser='adam'",
                    "--runs-dir", str(tmp_path / "runs"), env={i18n.LANGUAGE_ENV: "vi"})
    assert_vietnamese(result, code=2)
    assert "không tồn tại — có phải ý bạn là 'train.optimizer'" in result.output
    result = invoke("train", str(config), "--set", "train", "--lang", "vi")
    assert_vietnamese(result, code=2)
    result = invoke("explore", str(tmp_path / "empty-folder"), "--lang", "vi")
    assert result.exit_code == 2 and "không phải" in result.output


def test_sweep_refusals_speak_vietnamese(tmp_path: Path):
    result = invoke("sweep", "--lang", "vi")  # neither a sweep nor --resume: refused before Ray
    assert_vietnamese(result, code=2)
    assert result.output.startswith("lỗi:") and "--resume" in result.output


def test_lang_beats_the_environment_and_the_locale(trained: Path):
    result = invoke("runs", "--runs-dir", str(trained.parent), "--lang", "en",
                    env={i18n.LANGUAGE_ENV: "vi", "LANG": "vi_VN.UTF-8"})
    assert result.exit_code == 0 and "Runs" in result.output
    result = invoke("runs", "--runs-dir", str(trained.parent),
                    env={i18n.LANGUAGE_ENV: None, "LC_ALL": None, "LC_MESSAGES": None,
                         "LANG": "vi_VN.UTF-8"})
    assert result.exit_code == 0 and "Các lần chạy" in result.output


def test_lang_before_the_command_works_too(trained: Path):
    result = invoke("--lang", "vi", "runs", "--runs-dir", str(trained.parent))
    assert result.exit_code == 0 and "Các lần chạy" in result.output


def test_an_invalid_language_is_one_clear_error():
    result = invoke("runs", "--lang", "fr")
    assert result.exit_code == 2
    assert "Unknown language 'fr'" in result.output and "en, vi" in result.output
    result = invoke("runs", env={i18n.LANGUAGE_ENV: "xx"})
    assert result.exit_code == 2 and "VISIONLAB_LANG" in result.output


def test_every_command_accepts_lang():
    group = typer.main.get_command(app)
    names = group.list_commands(None)
    assert len(names) > 15
    for name in names:
        command = group.get_command(None, name)
        assert any(parameter.name == "lang" for parameter in command.params), name
