"""One language setting: `--lang` / `lang=` beats `$VISIONLAB_LANG` beats the system locale."""

from __future__ import annotations

import json
import pickle
import re
import string
from pathlib import Path

import pytest

from visionlab import i18n
from visionlab.errors import ConfigError, RunError
from visionlab.i18n import Message

SOURCE = Path(i18n.__file__).parents[1]


@pytest.fixture
def clean_environment(monkeypatch):
    for name in (i18n.LANGUAGE_ENV, *i18n.LOCALE_ENVS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_any_setting_the_language_is_english(clean_environment):
    assert i18n.resolve_language(None) == "en"


@pytest.mark.parametrize("variable", i18n.LOCALE_ENVS)
def test_a_vietnamese_locale_chooses_vietnamese(clean_environment, variable):
    clean_environment.setenv(variable, "vi_VN.UTF-8")
    assert i18n.resolve_language(None) == "vi"


def test_the_first_locale_variable_set_decides_and_unknown_locales_are_english(
        clean_environment):
    clean_environment.setenv("LANG", "vi_VN.UTF-8")
    clean_environment.setenv("LC_ALL", "de_DE.UTF-8")
    assert i18n.resolve_language(None) == "en"  # LC_ALL wins, German is not offered
    clean_environment.setenv("LC_ALL", "C")
    assert i18n.resolve_language(None) == "en"


def test_explicit_beats_environment_beats_locale(clean_environment):
    clean_environment.setenv("LANG", "vi_VN.UTF-8")
    clean_environment.setenv(i18n.LANGUAGE_ENV, "en")
    assert i18n.resolve_language(None) == "en"
    clean_environment.setenv(i18n.LANGUAGE_ENV, "vi")
    assert i18n.resolve_language(None) == "vi"
    assert i18n.resolve_language("en") == "en"
    assert i18n.chosen_language(None) == "vi"


def test_an_invalid_language_names_itself_the_setting_and_the_choices(clean_environment):
    with pytest.raises(ConfigError, match=r"'fr' \(from --lang.*en, vi"):
        i18n.resolve_language("fr")
    clean_environment.setenv(i18n.LANGUAGE_ENV, "klingon")
    with pytest.raises(ConfigError, match=r"'klingon' \(from VISIONLAB_LANG\).*en, vi"):
        i18n.resolve_language(None)
    assert i18n.current_language() == "en"  # text about the bad setting still renders


def test_t_without_a_language_follows_the_setting(clean_environment):
    clean_environment.setenv(i18n.LANGUAGE_ENV, "vi")
    assert i18n.t("cli.train.done") == "Xong."


def test_an_error_raised_with_a_message_reads_in_any_language(clean_environment):
    error = RunError(Message("error.run.missing", {"path": "runs/x"}))
    assert error.text("en").startswith("Run folder 'runs/x' does not exist")
    assert error.text("vi").startswith("Thư mục lần chạy 'runs/x' không tồn tại")
    assert str(error) == error.text("en")
    clean_environment.setenv(i18n.LANGUAGE_ENV, "vi")
    assert str(error) == error.text("vi")


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_language_has_every_key_with_the_same_placeholders():
    english = i18n.MESSAGES["en"]
    for lang in i18n.LANGUAGES:
        assert set(i18n.MESSAGES[lang]) == set(english), lang
        for key, template in i18n.MESSAGES[lang].items():
            assert _placeholders(template) == _placeholders(english[key]), (lang, key)
            assert "lang" not in _placeholders(template), key  # t()'s own argument


# say("key"), t("key"), Message("key"), help_text("key"), Label("key"): every literal key in the
# code is in the catalog
_LITERAL_KEY = re.compile(
    r"""(?:\bsay|\bt|\bMessage|\bterm|_say|\bhelp_text|\bLabel)\(\s*"((?:cli|error|explore|"""
    r"""notebook|figure|split|training|lr_find|train|tracking|sweep|data|augment|report|weights|"""
    r"""word|preflight|help)\.[a-z_.]+)\"""")


def test_every_literal_message_key_in_the_code_is_in_the_catalog():
    used = {key for path in SOURCE.rglob("*.py")
            for key in _LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 100
    assert {"help.train.set", "data.place.keras_cache"} <= used  # help texts and labels too
    assert sorted(used - set(i18n.MESSAGES["en"])) == []


def test_a_label_is_its_english_text_and_reads_in_any_language_inside_a_message(
        clean_environment):
    place = i18n.Label("data.place.keras_cache")
    assert place == "Keras cache" and json.dumps([place]) == '["Keras cache"]'
    assert pickle.loads(pickle.dumps(place)).key == "data.place.keras_cache"
    line = Message("data.place.describe", {"path": "/data", "place": place})
    assert line.render("vi") == "/data (bộ nhớ đệm của Keras)"
    assert line.render("en") == "/data (Keras cache)"
