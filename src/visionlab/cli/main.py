"""The `visionlab` command: a thin Typer shell over the library.

Each command module registers its commands on the app; a command parses its arguments, calls one
library function and prints the result. No training or data logic lives here.
"""

from __future__ import annotations

import os

import typer

from visionlab import __version__
from visionlab.cli import (
    audit_commands,
    data_commands,
    explore_commands,
    export_commands,
    inspect_commands,
    model_commands,
    report_commands,
    serve_commands,
    sweep_commands,
    train_commands,
)
from visionlab.cli.errors import DEBUG_ENV
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageGroup

# LanguageGroup: `--lang` on the app and on every command (`visionlab --lang vi train …` or
# `visionlab train … --lang vi`).
app = typer.Typer(
    cls=LanguageGroup,
    name="visionlab",
    help=help_text("help.app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each command module adds its commands with `register(app)`.
_COMMAND_MODULES = (data_commands, explore_commands, audit_commands, model_commands,
                    train_commands, report_commands, inspect_commands, export_commands,
                    serve_commands, sweep_commands)


def _register_all() -> None:
    for module in _COMMAND_MODULES:
        module.register(app)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help=help_text("help.app.version")),
    debug: bool = typer.Option(False, "--debug",
                               help=help_text("help.app.debug")),
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"
    if version:
        typer.echo(__version__)
        raise typer.Exit()


_register_all()

if __name__ == "__main__":
    app()
