"""`visionlab sweep FILE_OR_NAME` (Ray Tune) and `visionlab sweeps` (the shipped sweeps)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api
from visionlab.cli.errors import console, print_error, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say


def register(app: typer.Typer) -> None:
    """Add the `sweep` and `sweeps` commands to `app`."""
    app.command("sweep", cls=LanguageCommand, help=help_text("help.sweep"))(sweep)
    app.command("sweeps", cls=LanguageCommand, help=help_text("help.sweeps"))(sweeps)


def sweep(
    source: Annotated[str | None, typer.Argument(
        help=help_text("help.sweep.source"))] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help=help_text("help.sweep.address"))] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", help=help_text("help.sweep.resume"))]
        = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help=help_text("help.sweep.set"))]
        = None,
    name: Annotated[str | None, typer.Option(
        "--name", help=help_text("help.sweep.name"))] = None,
    cpus: Annotated[int | None, typer.Option(
        "--cpus", help=help_text("help.sweep.cpus"))]
        = None,
    cpus_per_trial: Annotated[float | None, typer.Option(
        "--cpus-per-trial", help=help_text("help.sweep.cpus_per_trial"))]
        = None,
    temp_dir: Annotated[Path | None, typer.Option(
        "--temp-dir", help=help_text("help.sweep.temp_dir"))]
        = None,
    track: Annotated[list[str] | None, typer.Option(
        "--track", help=help_text("help.sweep.track"))] = None,
    tracking_uri: Annotated[str | None, typer.Option(
        "--tracking-uri", help=help_text("help.sweep.tracking_uri"))] = None,
    report: Annotated[bool, typer.Option(
        "--report/--no-report", help=help_text("help.sweep.report"))] = True,
) -> None:
    """Run a hyper-parameter sweep on Ray Tune; each trial is an ordinary run folder."""
    lang = language()
    if (source is None) == (resume is None):
        print_error(say("cli.sweep.source_or_resume"))
        raise typer.Exit(2)
    with user_errors():
        result = api.sweep(source, overrides=list(set_ or []), name=name, address=address,
                           resume=resume, cpus=cpus, cpus_per_trial=cpus_per_trial,
                           temp_dir=temp_dir, track=track or None, tracking_uri=tracking_uri,
                           report=report, lang=lang)
    console.print(api.sweep_table(result.summary, lang=lang))
    console.print(say("cli.sweep.folder", path=result.path), highlight=False, soft_wrap=True)


def sweeps() -> None:
    """List the shipped sweeps (run one with `visionlab sweep NAME`)."""
    for sweep_name in api.list_sweeps():
        console.print(sweep_name, highlight=False)
