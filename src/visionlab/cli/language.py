"""`--lang` on every command: the one language setting of the command line.

`--lang vi` (given before or after the command name) is the same setting as `VISIONLAB_LANG=vi`:
it sets that variable for the command's process, so the library, the reports it writes and any
worker it starts speak the same language, and `i18n.resolve_language` decides as everywhere else
(`--lang`, then `$VISIONLAB_LANG`, then the system locale). The variable is put back when the
command ends, so `CliRunner` tests and embedding programs see no change.

Example:
    app = typer.Typer(cls=LanguageGroup)     # every command of `app` takes --lang
    say("cli.train.done", path=run.path)     # in the command's language
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from visionlab import i18n
from visionlab.errors import ConfigError

LANG_HELP = "Language of the output: en or vi. Defaults to $VISIONLAB_LANG, else the locale."


def language() -> str:
    """The language of this command's output (`i18n.resolve_language`).

    An invalid `--lang` or `$VISIONLAB_LANG` is one error line naming the value and the
    choices, and exit status 2.
    """
    try:
        return i18n.resolve_language(None)
    except ConfigError as error:
        typer.echo(f"{i18n.t('cli.error.label', 'en')} {error.text('en')}", err=True)
        raise typer.Exit(2) from None


def say(key: str, **values: Any) -> str:
    """The catalog message `key` in this command's language."""
    return i18n.t(key, language(), **values)


def language_option() -> Any:
    """A fresh `--lang` option, built by Typer itself from a one-option command (Typer carries
    its own copy of click, whose parameters its commands expect)."""
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def _probe(lang: Annotated[str | None, typer.Option(
            "--lang", metavar="LANG", help=LANG_HELP, is_eager=True, expose_value=False,
            callback=_use_language)] = None) -> None:
        """Never run."""

    return next(parameter for parameter in typer.main.get_command(probe).params
                if parameter.name == "lang")


def _use_language(context: typer.Context, value: str | None) -> None:
    if value is None:
        return
    try:
        lang = i18n.check_language(value.strip().lower())
    except ConfigError as error:
        typer.echo(f"{i18n.t('cli.error.label', 'en')} {error.text('en')}", err=True)
        raise typer.Exit(2) from None
    root = context.find_root()
    previous = os.environ.get(i18n.LANGUAGE_ENV)
    os.environ[i18n.LANGUAGE_ENV] = lang
    root.call_on_close(lambda: _restore(previous))


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop(i18n.LANGUAGE_ENV, None)
    else:
        os.environ[i18n.LANGUAGE_ENV] = previous


class LanguageGroup(TyperGroup):
    """A Typer group whose own callback and every command it holds accept `--lang`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_language_option(self)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _add_language_option(command)
        return command


def _add_language_option(command: Any) -> None:
    if not any(parameter.name == "lang" for parameter in command.params):
        command.params.append(language_option())
