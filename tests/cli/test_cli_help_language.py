"""`--help` and the parser's usage errors speak the command line's language (cli/help_language.py):
every command's help in Vietnamese holds none of its English texts, and English is unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import typer.main
from typer import rich_utils
from typer.testing import CliRunner

from visionlab import i18n
from visionlab.cli.main import app

runner = CliRunner()
VIETNAMESE = {i18n.LANGUAGE_ENV: "vi"}
ENGLISH = {i18n.LANGUAGE_ENV: "en"}
# Typer's own words in help, and what they read in Vietnamese.
TYPER_WORDS = {"Usage:": "Cách dùng:", "Options": "Tùy chọn", "Show this message and exit.":
               "Hiện trợ giúp này rồi thoát.", "[OPTIONS]": "[TÙY_CHỌN]", "<bool>": "<có/không>"}
# Typer's type labels beside parameters (`<int>`, `<list[str]>`, `<int range>`) in English.
ENGLISH_TYPE = re.compile(r"<(?:str|int|float|bool|path|Path|list\[[^\]]*\]|\w+ range)>")
# ... and in the usage line of a group.
GROUP_WORDS = {"COMMAND [ARGS]...": "LỆNH [ĐỐI_SỐ]..."}


def _command_paths(group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of names of the app, every group and every command in it."""
    paths = [path]
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            paths += _command_paths(command, (*path, name))
        else:
            paths.append((*path, name))
    return paths


def _command(path: tuple[str, ...]):
    command = typer.main.get_command(app)
    for name in path:
        command = command.get_command(None, name)
    return command


COMMANDS = _command_paths(typer.main.get_command(app))


def _help_texts(path: tuple[str, ...]) -> list[str]:
    """The English help texts of a command: its own, its parameters', its subcommands'."""
    command = _command(path)
    texts = [item.help for item in (command, *command.params) if getattr(item, "help", None)]
    if hasattr(command, "list_commands"):  # a group lists the first paragraph of each command
        texts += [command.get_command(None, name).help.split("\n\n")[0]
                  for name in command.list_commands(None)]
    # One line each (the rendering wraps), as Rich prints an escaped "\[".
    return [_flat(text.replace("\\[", "[")) for text in texts]


def _flat(text: str) -> str:
    """`text` without the boxes and line wraps of Rich's panels."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _help(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, [*args, "--help"], env=env)
    assert result.exit_code == 0, result.output
    return _flat(result.output)


def test_the_app_has_commands_and_groups_to_check():
    assert len(COMMANDS) > 20 and ("datasets", "fetch") in COMMANDS and () in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "visionlab")
def test_every_command_help_is_vietnamese_and_english_is_unchanged(path):
    texts = _help_texts(path)
    assert texts, path
    english = _help(*path, env=ENGLISH)
    vietnamese = _help("--lang", "vi", *path)
    assert [text for text in texts if text not in english] == []
    assert [text for text in texts if text in vietnamese] == []
    group = hasattr(_command(path), "list_commands")
    for word, translated in [*TYPER_WORDS.items(), *(GROUP_WORDS.items() if group else [])]:
        assert word in english and word not in vietnamese and translated in vietnamese
    assert ENGLISH_TYPE.findall(vietnamese) == []
    summary = _command(path).help
    key = next(key for key, text in i18n.MESSAGES["en"].items()
               if key.startswith("help.") and text == summary)
    assert _flat(i18n.t(key, "vi").replace("\\[", "[")) in vietnamese


def test_type_labels_read_in_vietnamese_and_stay_as_typer_wrote_them_in_english():
    english, vietnamese = _help("train", env=ENGLISH), _help("--lang", "vi", "train")
    for label, translated in [("<list[str]>", "<danh sách chuỗi>"), ("<path>", "<đường dẫn>"),
                              ("<int range>", "<số nguyên trong khoảng>"), ("<str>", "<chuỗi>")]:
        assert label in english and translated in vietnamese
    # Put back after the Vietnamese help: the next English help shows Typer's own labels.
    assert _help("train", env=ENGLISH) == english


def test_help_texts_are_unique_so_each_names_its_catalog_key():
    english = [text for key, text in i18n.MESSAGES["en"].items() if key.startswith("help.")]
    assert len(english) == len(set(english)) > 100


@pytest.mark.parametrize("args, env", [
    (["--lang", "vi", "train"], None),
    (["train", "--lang", "vi"], None),
    (["train"], VIETNAMESE),
    (["--lang=vi", "train"], None),
], ids=["before the command", "after the command", "environment", "with ="])
def test_every_way_of_choosing_the_language_applies_to_help(args, env):
    output = _help(*args, env=env)
    assert "Huấn luyện một cấu hình hoặc công thức" in output and "Tùy chọn" in output
    assert "Train a config or recipe" not in output


def test_lang_after_help_still_counts():
    # Click runs eager options in command-line order: the app reads --lang before it.
    result = runner.invoke(app, ["train", "--help", "--lang", "vi"])
    assert result.exit_code == 0 and "Ghi đè một khóa" in result.output, result.output


def test_the_app_help_and_the_environment_language_win_over_the_locale():
    output = _help("--lang", "vi")
    assert "Lệnh" in output and "Huấn luyện, đánh giá, so sánh" in output
    assert "Commands" not in output
    output = _help(env={i18n.LANGUAGE_ENV: None, "LC_ALL": None, "LC_MESSAGES": None,
                        "LANG": "vi_VN.UTF-8"})
    assert "Lệnh" in output


def test_typer_words_and_the_language_are_put_back_after_a_vietnamese_help():
    before = os.environ.get(i18n.LANGUAGE_ENV)
    _help("--lang", "vi", "train")
    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"
    assert rich_utils.DEFAULT_STRING == "[default: {}]"
    assert os.environ.get(i18n.LANGUAGE_ENV) == before
    assert "Options" in _help("train", env=ENGLISH)


@pytest.mark.parametrize("args, vietnamese, english", [
    (["train", "--repeat", "x"], "Giá trị không hợp lệ cho '--repeat': giá trị phải là một số "
     "nguyên", "Invalid value for '--repeat': Input should be a valid integer"),
    (["train", "--repeat", "0"], "giá trị phải lớn hơn hoặc bằng 1",
     "Input should be greater than or equal to 1"),
    (["train", "--foo"], "Không có tùy chọn --foo", "No such option: --foo"),
    (["train", "--reapet", "2"], "Có phải ý bạn là: --no-report, --repeat, --resume?",
     "(Possible options: --no-report, --repeat, --resume)"),
    (["lr-find"], "Thiếu đối số 'config'.", "Missing argument 'config'."),
    (["export", "runs/x"], "Thiếu tùy chọn '--format' / '-f'.",
     "Missing option '--format' / '-f'."),
    (["train", "--set"], "Tùy chọn '--set' cần một giá trị.",
     "Option '--set' requires an argument."),
    (["train", "--quiet=1"], "Tùy chọn '--quiet' không nhận giá trị.",
     "Option '--quiet' does not take a value."),
    (["trian"], "Không có lệnh 'trian'. Có phải ý bạn là 'train'?",
     "No such command 'trian'. Did you mean 'train'?"),
    (["init", "a", "b", "c"], "Có đối số thừa không mong đợi: b c",
     "Got unexpected extra argument(s) (b c)"),
])
def test_usage_errors_speak_the_language(args, vietnamese, english):
    result = runner.invoke(app, args, env=VIETNAMESE)
    assert result.exit_code == 2 and vietnamese in _flat(result.output), result.output
    assert "Error" not in result.output and english not in _flat(result.output)
    result = runner.invoke(app, args, env=ENGLISH)
    assert result.exit_code == 2 and english in _flat(result.output), result.output


@pytest.mark.parametrize(("lang", "words"), [
    ("vi", ["Thiếu lệnh.", "Cách dùng: visionlab [TÙY_CHỌN] LỆNH [ĐỐI_SỐ]..."]),
    ("en", ["Missing command.", "Usage: visionlab [OPTIONS] COMMAND [ARGS]..."])])
def test_a_missing_command_and_the_usage_placeholders_speak_the_language(lang, words):
    result = runner.invoke(app, ["--lang", lang])
    assert result.exit_code == 2
    assert [word for word in words if word not in _flat(result.output)] == [], result.output


def test_usage_error_framing_is_vietnamese_with_lang_anywhere():
    result = runner.invoke(app, ["train", "--repeat", "x", "--lang", "vi"])
    output = _flat(result.output)
    assert result.exit_code == 2
    assert "Cách dùng: visionlab train" in output and "Lỗi" in output
    assert "Xem 'visionlab train --help' để được trợ giúp." in output
    result = runner.invoke(app, ["train", "--repeat", "x"], env=ENGLISH)
    assert "Try 'visionlab train --help' for help." in _flat(result.output)


def test_help_in_a_fresh_process_is_vietnamese_without_loading_tensorflow():
    code = ("import sys\nfrom visionlab.cli.main import app\ntry:\n    app(['train', '--help'])\n"
            "except SystemExit:\n    pass\n"
            "print('heavy:', sorted(set(sys.modules) & {'tensorflow', 'keras', 'jax', 'torch'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **VIETNAMESE})
    assert done.returncode == 0, done.stderr
    assert "Tùy chọn" in done.stdout and "Ghi đè một khóa" in done.stdout
    assert "heavy: []" in done.stdout
