"""`visionlab models` (list registered models) and `visionlab summary` (build one, print it)."""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Annotated, Any

import typer
from rich.table import Table

from visionlab import api, i18n
from visionlab.cli.errors import console, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say
from visionlab.errors import ModelError
from visionlab.i18n import Message


def models_command(
    pattern: Annotated[str, typer.Argument(help=help_text("help.models.pattern"))] = "*",
    backbones: Annotated[bool, typer.Option(
        "--backbones", help=help_text("help.models.backbones"))] = False,
) -> None:
    """List registered models with their kind, description and arguments (with defaults)."""
    lang = language()
    with user_errors():
        kind = "backbone" if backbones else None
        names = api.list_models(pattern, kind=kind)
        if not names:
            raise ModelError(Message(
                "error.model.no_backbone_match" if kind else "error.model.no_match",
                {"pattern": pattern, "names": ", ".join(api.list_models(kind=kind)) or "–"}))
        table = Table(title=say("cli.models.title"), show_lines=True)
        table.add_column(say("cli.models.column.name"), style="bold cyan", no_wrap=True)
        table.add_column(say("cli.models.column.kind"))
        table.add_column(say("cli.models.column.description"))
        table.add_column(say("cli.models.column.arguments"))
        for name in names:
            entry = api.get_model_entry(name)
            arguments = ", ".join(
                f"{key}={api.format_default(default)}" for key, default in entry.arguments.items()
            )
            kind_key, description_key = f"model.kind.{entry.kind}", f"model.{name}.description"
            messages = i18n.MESSAGES[lang]
            table.add_row(name, messages.get(kind_key, entry.kind),
                          messages.get(description_key, entry.description), arguments)
        console.print(table)


def summary_command(
    model: Annotated[str, typer.Argument(
        help=help_text("help.summary.model"))],
    input_shape: Annotated[str, typer.Option(
        "--input-shape", help=help_text("help.summary.input_shape"))] = "224,224,3",
    num_outputs: Annotated[int, typer.Option(
        "--num-outputs", help=help_text("help.summary.num_outputs"))] = 10,
    output_activation: Annotated[str, typer.Option(
        "--output-activation", help=help_text("help.summary.output_activation"))] = "softmax",
    arguments: Annotated[list[str] | None, typer.Option(
        "--set", "--arg",
        help=help_text("help.summary.arguments"))] = None,
) -> None:
    """Build a model and print its Keras summary and parameter counts."""
    with user_errors():
        shape = _parse_input_shape(input_shape)
        keyword_arguments = _parse_arguments(arguments or [])
        built = api.create_model(model, shape, num_outputs, output_activation, **keyword_arguments)
        console.print(api.summary_text(built), highlight=False, markup=False, end="")
        trainable = sum(math.prod(weight.shape) for weight in built.trainable_weights)
        lang = language()
        console.print(say("cli.summary.counts", model=model, shape=shape, outputs=num_outputs,
                          activation=output_activation,
                          total=i18n.format_count(built.count_params(), lang),
                          trainable=i18n.format_count(trainable, lang)),
                      highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the `models` and `summary` commands to the visionlab app."""
    app.command("models", cls=LanguageCommand, help=help_text("help.models"))(models_command)
    app.command("summary", cls=LanguageCommand, help=help_text("help.summary"))(summary_command)


def _parse_input_shape(text: str) -> tuple[int, ...]:
    parts = [part for part in re.split(r"[,x\s]+", text.strip().strip("()[]")) if part]
    if len(parts) != 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ModelError(Message("error.model.input_shape", {"text": text}))
    return tuple(int(part) for part in parts)


def _parse_arguments(pairs: list[str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            raise ModelError(Message("error.model.argument_format", {"pair": pair}))
        parsed[key.strip()] = _parse_value(value.strip())
    return parsed


def _parse_value(text: str) -> Any:
    # JSON covers true/false/null and lists; Python literals cover True/None/tuples; anything
    # else (he_normal, relu) is a plain string.
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError, TypeError):
            continue
    return text
