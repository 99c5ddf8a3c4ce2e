"""`visionlab sweep FILE_OR_NAME` (Ray Tune) and `visionlab sweeps` (the shipped sweeps)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from visionlab import api
from visionlab.cli.errors import console, print_error, user_errors
from visionlab.cli.language import language, say


def register(app: typer.Typer) -> None:
    """Add the `sweep` and `sweeps` commands to `app`."""
    app.command("sweep")(sweep)
    app.command("sweeps")(sweeps)


def sweep(
    source: Annotated[str | None, typer.Argument(
        help="A TOML with a \\[sweep] table, or a shipped sweep (see `visionlab sweeps`).")] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help="Join a Ray cluster: auto, HOST:PORT or ray://HOST:PORT. "
                          "Defaults to a local Ray with this machine's cores.")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", help="Continue an interrupted sweep folder; finished trials are kept.")]
        = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a key: --set train.epochs=3, --set sweep.num_samples=8.")]
        = None,
    name: Annotated[str | None, typer.Option(
        "--name", help="Sweep folder prefix. Defaults to the experiment's name.")] = None,
    cpus: Annotated[int | None, typer.Option(
        "--cpus", help="CPUs of the local Ray. Defaults to all of this machine's cores.")]
        = None,
    cpus_per_trial: Annotated[float | None, typer.Option(
        "--cpus-per-trial", help="CPUs Ray reserves for each trial (sweep.cpus_per_trial).")]
        = None,
    temp_dir: Annotated[Path | None, typer.Option(
        "--temp-dir", help="The local Ray's session folder. Defaults to $RAY_TMPDIR or /tmp.")]
        = None,
    track: Annotated[list[str] | None, typer.Option(
        "--track", help="Also track every trial: mlflow (nested under one run for the sweep) "
                        "or tensorboard.")] = None,
    tracking_uri: Annotated[str | None, typer.Option(
        "--tracking-uri", help="MLflow's tracking URI. Defaults to sweeps/mlflow.db.")] = None,
    report: Annotated[bool, typer.Option(
        "--report/--no-report", help="Write each trial's report.html.")] = True,
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
