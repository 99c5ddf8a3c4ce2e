"""The `visionlab` command: a thin Typer shell over the library.

Each command module registers its commands on the app; a command parses its arguments, calls one
library function and prints the result. No training or data logic lives here.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="visionlab",
    help="Train, evaluate, compare and use image classifiers (Keras 3).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that define `register(app)`; a missing module (work in progress) is skipped.
_COMMAND_MODULES = (
    "visionlab.cli.data_commands",
    "visionlab.cli.explore_commands",
    "visionlab.cli.model_commands",
    "visionlab.cli.train_commands",
    "visionlab.cli.report_commands",
    "visionlab.cli.inspect_commands",
)


def _register_all() -> None:
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        module.register(app)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        from visionlab import __version__

        typer.echo(__version__)
        raise typer.Exit()


_register_all()

if __name__ == "__main__":
    app()
