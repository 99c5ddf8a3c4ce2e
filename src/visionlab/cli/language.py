"""`--lang` on every command: the one language setting of the command line.

`--lang vi` (given before or after the command name) is the same setting as `VISIONLAB_LANG=vi`:
it sets that variable for the command's process, so the library, the reports it writes and any
worker it starts speak the same language, and `i18n.resolve_language` decides as everywhere else
(`--lang`, then `$VISIONLAB_LANG`, then the system locale). The variable is put back when the
command ends, so `CliRunner` tests and embedding programs see no change.

The same setting chooses the language of `--help` and of the parser's usage errors: commands
built with `cls=LanguageCommand` (groups: `LanguageGroup`) show their catalog help texts in it
(`cli.help_language`). The app reads `--lang` from the command line before click does, so
`train --help --lang vi` is Vietnamese although click meets `--help` first.

Example:
    app = typer.Typer(cls=LanguageGroup)     # every command of `app` takes --lang
    app.command("train", cls=LanguageCommand, help=help_text("help.train"))(train)
    say("cli.train.done", path=run.path)     # in the command's language
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from visionlab import i18n
from visionlab.cli.help_language import (
    extra_arguments_error,
    help_in_language,
    help_text,
    missing_command_error,
    typer_texts,
    unknown_command_error,
    usage_errors_in_language,
    usage_pieces,
    usage_prefix,
)
from visionlab.errors import ConfigError


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
            "--lang", metavar="LANG", help=help_text("help.option.lang"), is_eager=True,
            expose_value=False, callback=_use_language)] = None) -> None:
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


def _language_in(args: Sequence[str]) -> str | None:
    """The language that a valid `--lang` among command-line `args` chooses (the last one, as
    click keeps the last value of an option), else None. Values after `--` are not options."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value.strip().lower() in i18n.LANGUAGES:
            chosen = value.strip().lower()
    return chosen


class _SpeaksLanguage:
    """`--help`, usage lines and usage errors in the current language (`i18n.current_language`,
    which `--lang` sets)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with help_in_language(self, ctx, i18n.current_language()):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        lang = i18n.current_language()
        pieces = usage_pieces(self.collect_usage_pieces(ctx), lang)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces),
                              prefix=usage_prefix(lang))

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        with usage_errors_in_language(self):
            return super().make_context(info_name, args, parent=parent,  # type: ignore[misc]
                                        **extra)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Click refuses extra arguments inside parse_args in English: let them through, then
        # refuse them here in the reader's language.
        strict = not ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)  # type: ignore[misc]
        finally:
            ctx.allow_extra_args = not strict
        if strict and rest and not ctx.resilient_parsing:
            raise extra_arguments_error(rest, ctx)
        return rest


class LanguageCommand(_SpeaksLanguage, TyperCommand):
    """A Typer command that accepts `--lang` and shows its help and usage errors in the
    reader's language (give it `help=help_text(key)` and `help_text` option helps)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_language_option(self)


class LanguageGroup(_SpeaksLanguage, TyperGroup):
    """A Typer group whose own callback and every command it holds accept `--lang`; its help
    and usage errors are in the reader's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_language_option(self)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _add_language_option(command)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and not ctx.resilient_parsing and \
                self.get_command(ctx, name) is None:
            raise unknown_command_error(name, self.list_commands(ctx), ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        if not ctx._protected_args and not self.invoke_without_command:
            raise missing_command_error(ctx)  # click's own says "Missing command." in English
        return super().invoke(ctx)

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line in the language of its `--lang`, wherever that option stands.

        Click handles eager options in command-line order, so `train --help --lang vi` would
        print help before `--lang` is seen, and Typer prints a usage error after the command
        (and what its `--lang` set) has ended: reading `--lang` first covers both.
        """
        with i18n.language_set(_language_in(sys.argv[1:] if args is None else args)), \
                typer_texts(i18n.current_language()):
            return super().main(args, *rest, **kwargs)


def _add_language_option(command: Any) -> None:
    if not any(parameter.name == "lang" for parameter in command.params):
        command.params.append(language_option())
