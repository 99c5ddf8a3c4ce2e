"""Every user-facing string of the reports and the diagnosis, looked up by key and language.

One module per language (`en.py`, `vi.py`) holds a `MESSAGES` dict of `str.format` templates.
Every language must hold exactly the same keys with the same placeholders (a test checks this).
Numbers are formatted per language: Vietnamese writes a decimal comma ("96,0%").
To add a language: add `xx.py` with the same keys and list it in `LANGUAGES`.

Code that decides *what* to say before it knows the reader's language (the diagnosis rules)
builds a `Message` (a key and its values) and passes numbers as `Localized` values (`percent`,
`points`, `number`, `count`, `term`); they are formatted when the message is rendered.

Example:
    t("section.diagnosis", "vi")                      # "Chẩn đoán"
    t("diagnosis.plateau.knob", "en", patience=3, epochs=6)
    Message("diagnosis.healthy.test", {"test": percent(0.96)}).render("vi")  # "... 96,0% ..."
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from visionlab.errors import ConfigError
from visionlab.i18n import en, vi

LANGUAGES = ("en", "vi")
MESSAGES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "vi": vi.MESSAGES}


def check_language(lang: str) -> str:
    """Return `lang` if reports can be written in it, else raise ConfigError naming the choices."""
    if lang not in MESSAGES:
        raise ConfigError(
            f"Unknown report language '{lang}'. Choose one of: {', '.join(LANGUAGES)} "
            "(for example --lang vi)."
        )
    return lang


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """Return the `lang` text for `key`, formatted with `fmt`.

    Args:
        key: message key, for example `"section.diagnosis"`.
        lang: `"en"` or `"vi"`. Defaults to `"en"`.
        **fmt: values for the template's `{placeholders}`.

    Raises:
        ConfigError: `lang` is not a supported language.
        KeyError: `key` is not a known message (a bug in visionlab).
    """
    template = MESSAGES[check_language(lang)][key]
    if not fmt:
        return template
    return template.format(**{name: _rendered(value, lang) for name, value in fmt.items()})


def _rendered(value: Any, lang: str) -> Any:
    return value.render(lang) if isinstance(value, (Localized, Message)) else value


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

    def render(self, lang: str = "en") -> str:
        """Return the message's text in `lang`."""
        return t(self.key, lang, **self.values)


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
