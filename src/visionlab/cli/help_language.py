"""`--help` and the command line's usage errors in the reader's language.

Command, option and argument help texts are catalog messages (keys `help.*`). The code passes
`help=help_text("help.train.set")`, the English text, because Typer wants a string; when help is
printed, the command classes of `cli.language` swap in the same key's text in the current
language (`help_in_language`). So the language is chosen when help is shown, not when the module
is imported, and `--lang`, `$VISIONLAB_LANG` and the locale all apply. Typer's own words (panel
titles, "[default: …]", "Usage:") and the usage errors of its parser ("No such option",
"Missing argument", "Invalid value for …", "No such command") come from the catalog too
(`cli.typer.*`, `cli.usage_error.*`).

Example:
    typer.Option("--name", help=help_text("help.train.name"))
    app.command("train", cls=LanguageCommand, help=help_text("help.train"))(train)
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
from collections.abc import Iterator
from functools import cache, partial
from typing import Any

import typer
from typer import rich_utils

from visionlab import i18n

# Typer raises the exceptions of the click it runs on (its own copy since Typer 0.2x, click
# itself before): reach them through the one that Typer exports.
_click_exceptions = importlib.import_module(typer.BadParameter.__module__)

# Typer's words: constants of typer.rich_utils that it reads each time it prints help or an
# error (it offers no other hook) -> the catalog key of their text.
_TYPER_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "cli.typer.arguments",
    "OPTIONS_PANEL_TITLE": "cli.typer.options",
    "COMMANDS_PANEL_TITLE": "cli.typer.commands",
    "DEFAULT_STRING": "cli.typer.default",
    "ENVVAR_STRING": "cli.typer.env_var",
    "REQUIRED_LONG_STRING": "cli.typer.required",
    "DEPRECATED_STRING": "cli.typer.deprecated",
    "ERRORS_PANEL_TITLE": "cli.typer.error",
    "ABORTED_TEXT": "cli.typer.aborted",
    "RICH_HELP": "cli.typer.try_help",
}

# Pydantic's error type (Typer checks option values with pydantic) -> the catalog key that
# says what was wrong with the value; other types keep pydantic's English words.
_VALUE_PROBLEMS = {
    "int_parsing": "cli.usage_error.value.not_integer",
    "float_parsing": "cli.usage_error.value.not_number",
    "bool_parsing": "cli.usage_error.value.not_boolean",
    "greater_than_equal": "cli.usage_error.value.at_least",
    "greater_than": "cli.usage_error.value.above",
    "less_than_equal": "cli.usage_error.value.at_most",
    "less_than": "cli.usage_error.value.below",
}


# The type names Typer shows beside each parameter ("<int>", "<list[str]>", "<int range>")
# -> the catalog key of their words; other labels (choices, metavars) are what the reader types.
_TYPE_NAMES = {"str": "cli.type.str", "int": "cli.type.int", "float": "cli.type.float",
               "bool": "cli.type.bool", "path": "cli.type.path", "Path": "cli.type.path"}


def type_label(label: str, lang: str) -> str:
    """Typer's type label of a parameter (`"<list[str]>"`) in `lang` (`"<danh sách chuỗi>"`)."""
    if lang == "en" or not (label.startswith("<") and label.endswith(">")):
        return label
    return f"<{_type_words(label[1:-1], lang)}>"


def _type_words(name: str, lang: str) -> str:
    if name.startswith("list[") and name.endswith("]"):
        return i18n.t("cli.type.list", lang, item=_type_words(name[5:-1], lang))
    if name.endswith(" range"):
        return i18n.t("cli.type.range", lang, type=_type_words(name[:-len(" range")], lang))
    return i18n.t(_TYPE_NAMES[name], lang) if name in _TYPE_NAMES else name


def help_text(key: str) -> str:
    """The English text of help message `key`, for Typer's `help=`.

    `LanguageCommand` and `LanguageGroup` show the same key's text in the reader's language.

    Args:
        key: a `help.*` catalog key, for example `"help.train.set"`.
    """
    return i18n.t(key, "en")


# Click's default placeholders in a usage line -> their catalog key.
_USAGE_WORDS = {"[OPTIONS]": "cli.usage.options", "COMMAND [ARGS]...": "cli.usage.command"}


def usage_pieces(pieces: list[str], lang: str) -> list[str]:
    """A usage line's pieces with click's placeholders (`[OPTIONS]`, `COMMAND [ARGS]...`) in
    `lang`; argument names stay as they are (they are what the reader types)."""
    return [i18n.t(_USAGE_WORDS[piece], lang) if piece in _USAGE_WORDS else piece
            for piece in pieces]


def missing_command_error(ctx: Any) -> Exception:
    """The usage error for a group called without a command, in the current language."""
    return _click_exceptions.UsageError(
        i18n.t("cli.usage_error.missing_command", i18n.current_language()), ctx)


def usage_prefix(lang: str) -> str:
    """The "Usage: " that starts a usage line, in `lang`."""
    return i18n.t("cli.typer.usage", lang)


@cache
def _help_keys() -> dict[str, str]:
    """English help text -> its key (no two help texts are the same; a test checks it)."""
    return {text: key for key, text in i18n.MESSAGES["en"].items() if key.startswith("help.")}


def _translated(text: str | None, lang: str) -> str | None:
    key = _help_keys().get(text) if text else None
    return i18n.t(key, lang) if key is not None else text


@contextlib.contextmanager
def help_in_language(command: Any, ctx: Any, lang: str) -> Iterator[None]:
    """Show the help of `command` (its own, its parameters', its subcommands') in `lang`.

    The texts are swapped while the block runs and put back after it.
    """
    described = [command, *command.get_params(ctx)]
    if hasattr(command, "list_commands"):  # a group lists its commands with their summaries
        described += [command.get_command(ctx, name) for name in command.list_commands(ctx)]
    saved = [(item, item.help) for item in described if item is not None]
    typed = [item for item in command.get_params(ctx) if hasattr(item, "display_type_rich")]
    try:
        for item, text in saved:
            item.help = _translated(text, lang)
        for item in typed:  # the instance's own method, shadowing the class's while help shows
            item.display_type_rich = partial(_translated_type, type(item), item, lang)
        with typer_texts(lang):
            yield
    finally:
        for item, text in saved:
            item.help = text
        for item in typed:
            vars(item).pop("display_type_rich", None)


def _translated_type(kind: type, parameter: Any, lang: str, ctx: Any) -> str | None:
    label = kind.display_type_rich(parameter, ctx)
    return type_label(label, lang) if label else label


@contextlib.contextmanager
def typer_texts(lang: str) -> Iterator[None]:
    """Typer's panel titles and labels in `lang` while the block runs (put back after)."""
    names = [name for name in _TYPER_TEXTS if hasattr(rich_utils, name)]
    saved = {name: getattr(rich_utils, name) for name in names}
    try:
        for name in names:
            setattr(rich_utils, name, i18n.t(_TYPER_TEXTS[name], lang))
        yield
    finally:
        for name, value in saved.items():
            setattr(rich_utils, name, value)


@contextlib.contextmanager
def usage_errors_in_language(command: Any) -> Iterator[None]:
    """Reword the usage errors raised while `command` parses its arguments in the current
    language; errors this module has no words for pass unchanged."""
    try:
        yield
    except _click_exceptions.UsageError as error:
        text = usage_error_text(error, command, i18n.current_language())
        if text is None:
            raise
        raise _click_exceptions.UsageError(text, error.ctx) from None


def unknown_command_error(name: str, commands: list[str], ctx: Any) -> Exception:
    """The usage error for command `name` that is not among `commands`, in the current
    language, naming the closest commands as Typer does."""
    lang = i18n.current_language()
    text = i18n.t("cli.usage_error.no_such_command", lang, name=name)
    matches = difflib.get_close_matches(name, commands)
    if matches:
        text = i18n.t("cli.usage_error.did_you_mean", lang, message=text,
                      names=", ".join(f"'{match}'" for match in matches))
    return _click_exceptions.UsageError(text, ctx)


def extra_arguments_error(arguments: list[str], ctx: Any) -> Exception:
    """The usage error for command-line `arguments` that no parameter takes, in the current
    language."""
    text = i18n.t("cli.usage_error.extra_arguments", i18n.current_language(),
                  arguments=" ".join(arguments))
    return _click_exceptions.UsageError(text, ctx)


def usage_error_text(error: Any, command: Any, lang: str) -> str | None:
    """The message of click's usage `error` in `lang`, or None for an error without catalog
    words (it stays in English).

    Args:
        error: the exception Typer's parser raised.
        command: the command whose arguments were parsed.
        lang: `"en"` or `"vi"`.
    """
    exceptions = _click_exceptions
    if isinstance(error, exceptions.NoSuchOption):
        text = i18n.t("cli.usage_error.no_such_option", lang, option=error.option_name)
        if not error.possibilities:
            return text
        return i18n.t("cli.usage_error.possible_options", lang, message=text,
                      options=", ".join(sorted(error.possibilities)))
    if isinstance(error, exceptions.MissingParameter):
        kind = error.param_type or getattr(error.param, "param_type_name", "parameter")
        if kind not in ("argument", "option"):
            kind = "parameter"
        return i18n.t(f"cli.usage_error.missing.{kind}", lang, name=_hint(error))
    if isinstance(error, exceptions.BadParameter):
        problem = _value_problem(error, lang) or error.message
        return i18n.t("cli.usage_error.invalid_value", lang, name=_hint(error), problem=problem)
    if isinstance(error, exceptions.BadOptionUsage):
        option = next((parameter for parameter in command.params
                       if error.option_name in _option_names(parameter)), None)
        if option is None:
            return None
        key = "cli.usage_error.no_value" if getattr(option, "is_flag", False) else \
            "cli.usage_error.needs_value"
        return i18n.t(key, lang, option=error.option_name)
    return None


def _option_names(parameter: Any) -> tuple[str, ...]:
    """Every name of an option: `--report` and `--no-report` of `--report/--no-report`."""
    return (*getattr(parameter, "opts", ()), *getattr(parameter, "secondary_opts", ()))


def _hint(error: Any) -> str:
    """How click names the parameter of `error`: `'--repeat'`, `'--format' / '-f'`, `'DATA'`."""
    if isinstance(error.param_hint, str):
        return error.param_hint
    if error.param_hint is not None:
        return " / ".join(repr(name) for name in error.param_hint)
    parameter = error.param
    if parameter is None:
        return "–"
    if parameter.param_type_name == "option":
        return " / ".join(f"'{name}'" for name in parameter.opts)
    return f"'{parameter.metavar or parameter.name}'"


def _value_problem(error: Any, lang: str) -> str | None:
    """What pydantic found wrong with the value (the cause of Typer's BadParameter), in `lang`."""
    errors = getattr(error.__cause__, "errors", None)
    if not callable(errors) or not errors():
        return None
    first = errors()[0]
    key = _VALUE_PROBLEMS.get(first.get("type", ""))
    if key is None:
        return None
    bounds = first.get("ctx") or {}
    limit = next((bounds[name] for name in ("ge", "gt", "le", "lt") if name in bounds), "")
    if isinstance(limit, float):
        limit = i18n.number(limit)  # the language's decimal mark
    return i18n.t(key, lang, limit=limit)
