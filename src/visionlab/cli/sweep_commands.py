"""`visionlab sweep FILE_OR_NAME` (Ray Tune) and `visionlab sweeps` (the shipped sweeps)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api
from visionlab.cli.errors import console, user_errors


def register(app: typer.Typer) -> None:
    """Add the `sweep` and `sweeps` commands to `app`."""
    app.command("sweep")(sweep)
    app.command("sweeps")(sweeps)


def sweep(
    source: Annotated[str | None, typer.Argument(
        help="A TOML with a [sweep] table, or a shipped sweep (see `visionlab sweeps`).")] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help="Join a Ray cluster: auto or ray://HOST:PORT. "
                          "Defaults to a local Ray with this machine's cores.")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", help="Continue an interrupted sweep folder; finished trials are kept.")]
        = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a key: --set train.epochs=3, --set sweep.num_samples=8.")]
        = None,
    name: Annotated[str | None, typer.Option(
        "--name", help="Sweep folder prefix. Defaults to the experiment's name.")] = None,
    report: Annotated[bool, typer.Option(
        "--report/--no-report", help="Write each trial's report.html.")] = True,
) -> None:
    """Run a hyper-parameter sweep on Ray Tune; each trial is an ordinary run folder."""
    if (source is None) == (resume is None):
        console.print("[red]Give a sweep file or name, or --resume SWEEP_FOLDER (not both).")
        raise typer.Exit(2)
    with user_errors():
        result = api.sweep(source, overrides=list(set_ or []), name=name, address=address,
                           resume=resume, report=report)
    console.print(api.sweep_table(result.summary))
    console.print(f"Sweep folder: {result.path} (trials in trials/, results in sweep.json)",
                  highlight=False, soft_wrap=True)


def sweeps() -> None:
    """List the shipped sweeps (run one with `visionlab sweep NAME`)."""
    for sweep_name in api.list_sweeps():
        console.print(sweep_name, highlight=False)
