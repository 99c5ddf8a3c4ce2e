"""Every user-facing string of visionlab, looked up by key and language.

One module per language (`en.py`, `vi.py`) holds a `MESSAGES` dict of `str.format` templates.
Every language must hold exactly the same keys with the same placeholders (a test checks this).
Numbers are formatted per language: Vietnamese writes a decimal comma ("96,0%").
To add a language: add `xx.py` with the same keys and list it in `LANGUAGES`.

One setting chooses the language of everything visionlab says (`resolve_language`): an explicit
`lang=` / `--lang`, else the `VISIONLAB_LANG` environment variable, else the system locale
(`LC_ALL`, `LC_MESSAGES`, `LANG` starting with "vi"), else English. `t(key)` without a language
uses that setting.

Code that decides *what* to say before it knows the reader's language (the diagnosis rules)
builds a `Message` (a key and its values) and passes numbers as `Localized` values (`percent`,
`points`, `number`, `count`, `term`); they are formatted when the message is rendered. A name
that is also stored as text (a place in the dataset lookup order) is a `Label`: a `str` of its
English text that a message renders in the reader's language.

Example:
    t("section.diagnosis", "vi")                      # "Chẩn đoán"
    t("diagnosis.plateau.knob", "en", patience=3, epochs=6)
    Message("diagnosis.healthy.test", {"test": percent(0.96)}).render("vi")  # "... 96,0% ..."
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from visionlab.errors import ConfigError
from visionlab.i18n import en, vi

LANGUAGES = ("en", "vi")
MESSAGES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "vi": vi.MESSAGES}


LANGUAGE_ENV = "VISIONLAB_LANG"  # the environment variable that sets the language
LOCALE_ENVS = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first one set wins


def check_language(lang: str, setting: str = "--lang") -> str:
    """Return `lang` if visionlab speaks it, else raise ConfigError naming it and the choices.

    Args:
        lang: a language code such as `"vi"`.
        setting: where the value came from, named in the error. Defaults to `"--lang"`.
    """
    if lang not in MESSAGES:
        raise ConfigError(Message("error.language.unknown", {
            "value": lang, "setting": setting, "choices": ", ".join(LANGUAGES)}))
    return lang


def chosen_language(explicit: str | None = None) -> str | None:
    """The language the user chose: `explicit`, else `$VISIONLAB_LANG`, else None (no choice).

    Unlike `resolve_language` the system locale is not consulted, for outputs that have a
    better default of their own (a web page follows the browser's Accept-Language).

    Raises:
        ConfigError: the chosen value is not a supported language.
    """
    if explicit is not None:
        return check_language(explicit.strip().lower(), "--lang / lang=")
    from_environment = os.environ.get(LANGUAGE_ENV, "").strip()
    if from_environment:
        return check_language(from_environment.lower(), LANGUAGE_ENV)
    return None


def resolve_language(explicit: str | None = None) -> str:
    """The language of visionlab's output: the one place that decides it.

    `explicit` (a `--lang` option or a `lang=` argument) beats `$VISIONLAB_LANG`, which beats
    the system locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`: "vi_VN.UTF-8" -> "vi");
    anything else is English.

    Args:
        explicit: the language asked for, or None to follow the environment. Defaults to None.

    Raises:
        ConfigError: `explicit` or `$VISIONLAB_LANG` is not a supported language (the message
            names the value, where it came from and the choices).

    Example:
        resolve_language("vi")   # "vi"
        resolve_language(None)   # "vi" when VISIONLAB_LANG=vi or LANG=vi_VN.UTF-8
    """
    chosen = chosen_language(explicit)
    return chosen if chosen is not None else locale_language()


def locale_language() -> str:
    """The supported language of the system locale ("vi_VN.UTF-8" -> "vi"), else "en"."""
    for name in LOCALE_ENVS:
        value = os.environ.get(name, "")
        if value:  # the first locale variable that is set decides, as in POSIX
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in MESSAGES else "en"
    return "en"


@contextlib.contextmanager
def language_set(lang: str | None) -> Iterator[None]:
    """`$VISIONLAB_LANG` is `lang` while the block runs, put back after it (unchanged when
    `lang` is None): a command's `--lang`, a sweep trial's language in a reused worker."""
    if lang is None:
        yield
        return
    before = os.environ.get(LANGUAGE_ENV)
    os.environ[LANGUAGE_ENV] = lang
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(LANGUAGE_ENV, None)
        else:
            os.environ[LANGUAGE_ENV] = before


def current_language() -> str:
    """`resolve_language(None)`, or English when `$VISIONLAB_LANG` is invalid.

    For text that must render whatever the setting (an error message about that very
    setting); entry points call `resolve_language` so an invalid value is reported.
    """
    try:
        return resolve_language(None)
    except ConfigError:
        return "en"


def t(key: str, lang: str | None = None, /, **fmt: Any) -> str:
    """Return the `lang` text for `key`, formatted with `fmt`.

    Args:
        key: message key, for example `"section.diagnosis"`.
        lang: `"en"` or `"vi"`. Defaults to None (`current_language()`: $VISIONLAB_LANG, else
            the locale).
        **fmt: values for the template's `{placeholders}`.

    Raises:
        ConfigError: `lang` is not a supported language.
        KeyError: `key` is not a known message (a bug in visionlab).
    """
    lang = current_language() if lang is None else lang
    template = MESSAGES[check_language(lang)][key]
    if not fmt:
        return template
    return template.format(**{name: _rendered(value, lang) for name, value in fmt.items()})


def _rendered(value: Any, lang: str) -> Any:
    return value.render(lang) if isinstance(value, (Localized, Message, Label)) else value


@dataclass(frozen=True)
class Localized:
    """A value whose text depends on the language: a number, a percentage, a term (a key).

    Build one with `percent`, `points`, `number`, `count` or `term`; `t()` renders it.
    """

    kind: str
    value: Any
    digits: int | None = None

    def render(self, lang: str = "en") -> str:
        """Return the value's text in `lang`."""
        if self.kind == "term":
            return t(self.value, lang)
        if self.kind == "join":
            separator, items = self.value
            return separator.join(str(_rendered(item, lang)) for item in items)
        if self.kind == "signed_percent":
            return ("−" if self.value < 0 else "+") + format_percent(abs(self.value), lang,
                                                                     self.digits or 0)
        if self.kind == "signed_points":
            return ("−" if self.value < 0 else "+") + format_points(abs(self.value), lang,
                                                                    self.digits or 1)
        formatter = _FORMATTERS[self.kind]
        if self.digits is None:
            return formatter(self.value, lang)
        return formatter(self.value, lang, self.digits)


def percent(value: float | None, digits: int = 1) -> Localized:
    """A fraction shown as a percentage (`format_percent`) once the language is known."""
    return Localized("percent", value, digits)


def points(value: float, digits: int = 1) -> Localized:
    """A difference of fractions in percentage points (`format_points`)."""
    return Localized("points", value, digits)


def number(value: float | None, digits: int = 4) -> Localized:
    """A float with `digits` significant digits (`format_number`)."""
    return Localized("number", value, digits)


def count(value: int | None) -> Localized:
    """An integer with thousands separators (`format_count`)."""
    return Localized("count", value)


def term(key: str) -> Localized:
    """A word or phrase of the catalog, looked up by `key` in the reader's language."""
    return Localized("term", key)


def joined(items: list[Any], separator: str = "; ") -> Localized:
    """Several values or messages shown as one, each rendered in the reader's language."""
    return Localized("join", (separator, tuple(items)))


@dataclass(frozen=True)
class Message:
    """A catalog key and its values, rendered in any language later.

    Example:
        Message("diagnosis.plateau.message", {"epochs": 4}).render("vi")
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        """Return the message's text in `lang`. Defaults to None (`current_language()`)."""
        return t(self.key, lang, **self.values)


class Label(str):
    """A catalog word that is also a plain `str`: its English text.

    For names that are stored and compared as text (a dataset's `found_in` in run.json, a
    place in the lookup order) but read in the reader's language inside a message: `t()` renders
    a `Label` value by its `key`. Unlike `term(key)` it can stand wherever a string is expected.

    Example:
        place = Label("data.place.keras_cache")   # == "Keras cache"
        t("data.location.copied", "vi", source="~/.keras", place=place)  # "... (bộ nhớ đệm ...)"
    """

    key: str

    def __new__(cls, key: str) -> Label:
        label = super().__new__(cls, t(key, "en"))
        label.key = key
        return label

    def __getnewargs__(self) -> tuple[str]:  # pickling builds it again from its key
        return (self.key,)

    def render(self, lang: str | None = None) -> str:
        """Return the label in `lang`. Defaults to None (`current_language()`)."""
        return t(self.key, lang)


def format_number(value: float | None, lang: str = "en", digits: int = 4) -> str:
    """Format a float with `digits` significant digits and the language's decimal mark.

    Missing values (None, NaN) read "–".

    Example:
        format_number(0.23456, "vi")  # "0,2346"
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.{digits}g}"
    return decimal_mark(text, lang)


def format_decimal(value: float | None, lang: str = "en", digits: int = 3) -> str:
    """Format a float with `digits` decimals, `0.8 -> "0.800"` (Vietnamese: "0,800")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return decimal_mark(f"{value:.{digits}f}", lang)


def format_percent(value: float | None, lang: str = "en", digits: int = 1) -> str:
    """Format a fraction as a percentage, `0.96 -> "96.0%"` (Vietnamese: "96,0%")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return decimal_mark(f"{100 * value:.{digits}f}%", lang)


def format_points(value: float, lang: str = "en", digits: int = 1) -> str:
    """Format a difference of two fractions in percentage points, `0.039 -> "3.9"`."""
    return decimal_mark(f"{100 * value:.{digits}f}", lang)


def format_count(value: int | None, lang: str = "en") -> str:
    """Format an integer with thousands separators, `60000 -> "60,000"` (Vietnamese: "60.000")."""
    if value is None:
        return "–"
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_seconds(seconds: float | None, lang: str = "en") -> str:
    """Format a duration as `"1 h 02 min"`, `"3 min 05 s"` or `"12.3 s"`."""
    if seconds is None or (isinstance(seconds, float) and not math.isfinite(seconds)):
        return "–"
    seconds = float(seconds)
    if seconds < 60:
        return decimal_mark(f"{seconds:.1f} s", lang)
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def decimal_mark(text: str, lang: str) -> str:
    """Swap the decimal point of already formatted `text` for the language's mark.

    Example:
        decimal_mark("0.25", "vi")  # "0,25"
    """
    return text.replace(".", ",") if lang == "vi" else text


_FORMATTERS = {"number": format_number, "decimal": format_decimal, "percent": format_percent,
               "points": format_points, "count": format_count, "seconds": format_seconds}
