"""Commands for the train/evaluate/predict workflow.

The commands: init, train, evaluate, recalibrate-bn, predict, runs, recipes, demo.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typer
from rich.table import Table

from visionlab import _io, api
from visionlab.cli.errors import console, error_console, user_errors
from visionlab.config import EXAMPLE_CONFIG
from visionlab.errors import TrainingInterrupted


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("train")(train)
    app.command("evaluate")(evaluate)
    app.command("recalibrate-bn")(recalibrate_bn)
    app.command("predict")(predict)
    app.command("runs")(runs)
    app.command("recipes")(recipes)
    app.command("demo")(demo)


def init(
    path: Path = typer.Argument(Path("experiment.toml"), help="Where to write the example config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented example experiment config."""
    with user_errors():
        if path.exists() and not force:
            error_console.print(f"[red]error:[/] {path} exists; pass --force to overwrite it.")
            raise typer.Exit(2)
        _io.write_text(path, EXAMPLE_CONFIG)
    console.print(f"Wrote {path}. Train it with: visionlab train {path}")


def train(
    config: str | None = typer.Argument(None, help="A config .toml file or a recipe name."),
    set_: list[str] = typer.Option([], "--set", help="Override a key: --set train.epochs=3."),
    name: str | None = typer.Option(None, "--name", help="Run name (folder prefix)."),
    resume: Path | None = typer.Option(None, "--resume", help="Continue an interrupted run."),
    repeat: int = typer.Option(1, "--repeat", min=1,
                               help="Train N times with seeds seed..seed+N-1."),
    weights: Path | None = typer.Option(None, "--weights",
                                           help="Local pretrained weights file for the backbone."),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Parent folder of runs."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip the HTML report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    track: list[str] = typer.Option(
        [], "--track", help="Also log to mlflow or tensorboard (repeatable; sets the config's "
                            "tracking)."),
    tracking_uri: str | None = typer.Option(
        None, "--tracking-uri", help="MLflow tracking URI, e.g. http://host:5000. Default: "
                                     "$MLFLOW_TRACKING_URI, else runs/mlflow.db (SQLite)."),
) -> None:
    """Train a config or recipe into a run folder (resumable, with a report)."""
    verbose = 0 if quiet else 1
    overrides = list(set_) + ([f"model.weights='{weights}'"] if weights is not None else [])
    if config is None and resume is None:
        error_console.print("[red]error:[/] give a config file or recipe name, or --resume RUN. "
                            "See `visionlab recipes`.")
        raise typer.Exit(2)
    if resume is not None:
        _refuse_options_with_resume(resume, config=config, set=set_, name=name, repeat=repeat,
                                    weights=weights, runs_dir=runs_dir, track=track,
                                    tracking_uri=tracking_uri)
    try:
        with user_errors():
            if resume is not None:
                finished = [api.resume(resume, verbose=verbose, report=not no_report)]
            else:
                finished = api.train_repeated(config, overrides=overrides, name=name,
                                              runs_dir=runs_dir, repeat=repeat, verbose=verbose,
                                              report=not no_report, track=track or None,
                                              tracking_uri=tracking_uri)
    except TrainingInterrupted as stop:
        error_console.print(f"[yellow]{stop}[/]")
        raise typer.Exit(130) from None
    for run in finished:
        _print_finished(run)


def _refuse_options_with_resume(resume: Path, **given) -> None:
    """A resumed run keeps its own config, name, folder and seed: refuse options it would ignore."""
    flags = {"config": "CONFIG", "set": "--set", "name": "--name", "repeat": "--repeat",
             "weights": "--weights", "runs_dir": "--runs-dir", "track": "--track",
             "tracking_uri": "--tracking-uri"}
    defaults = {"repeat": 1, "set": [], "track": []}
    ignored = [flags[key] for key, value in given.items()
               if value is not None and value != defaults.get(key)]
    if ignored:
        error_console.print(
            f"[red]error:[/] --resume continues '{resume}' with the config it was started with; "
            f"it cannot take {', '.join(ignored)}. Drop {'them' if len(ignored) > 1 else 'it'} "
            "to resume as it was, or start a new run without --resume (e.g. `visionlab train "
            f"{resume}/config.toml --set ...`).", highlight=False, soft_wrap=True)
        raise typer.Exit(2)


def _print_finished(run) -> None:
    accuracy = run.metrics.get("test_accuracy")
    shown = f"{accuracy:.2%}" if isinstance(accuracy, float) else "n/a"
    console.print(f"[green]Done.[/] test accuracy {shown}  run folder: [bold]{run.path}[/]")
    report = run.path / "report.html"
    if report.is_file():
        console.print(f"Report: {report}")


def evaluate(
    run: Path = typer.Argument(..., help="A run folder."),
    data: str | None = typer.Option(None, "--data", help="Another dataset name or folder."),
    data_path: str | None = typer.Option(None, "--data-path", help="Where the dataset files are."),
) -> None:
    """Evaluate a run's model on its test split or on other data."""
    with user_errors():
        metrics = api.evaluate(run, data=data, data_path=data_path)
    table = Table(title=f"{run} on {data or 'its test split'}")
    for column in ("class", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, row in metrics["per_class"].items():
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      str(row["support"]))
    console.print(table)
    console.print(f"accuracy {metrics['test_accuracy']:.2%}   loss {metrics['test_loss']:.4f}   "
                  f"macro F1 {metrics['macro_f1']:.3f}   ({metrics['test_count']} images)")


def recalibrate_bn(
    run: Path = typer.Argument(..., help="A run folder."),
    report: bool = typer.Option(True, "--report/--no-report", help="Rewrite report.html."),
) -> None:
    """Recompute a run's batch-norm statistics exactly (precise BN) and evaluate it again."""
    with user_errors():
        record = api.recalibrate_bn(run, report=report)
    console.print(f"Recomputed {record['layers']} batch-norm layer(s) over {record['images']:,} "
                  f"training images ({record['batches']} batches, {record['seconds']:.1f}s).",
                  highlight=False)
    for label, key in (("validation accuracy", "validation_accuracy"),
                       ("test accuracy", "test_accuracy")):
        if key in record:
            console.print(f"{label}: {record[key + '_before']:.2%} -> {record[key]:.2%}",
                          highlight=False)
    console.print(f"model.keras, metrics and predictions updated in {run}", highlight=False,
                  soft_wrap=True)


def predict(
    run: Path = typer.Argument(..., help="A run folder."),
    images: list[Path] = typer.Argument(..., help="Image files or folders."),
    top_k: int = typer.Option(3, "--top-k", min=1, help="How many classes to show per image."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
    plot: Path | None = typer.Option(None, "--plot",
                                     help="Save a figure per image in this folder."),
) -> None:
    """Predict the class of new images with a trained run (bad files are reported, not fatal)."""
    with user_errors():
        results = api.predict(run, images, top_k=top_k, plot=plot)
    if as_json:
        typer.echo(json.dumps(results, indent=2))
    elif as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["path", "rank", "class", "probability", "error"])
        for result in results:
            for rank, top in enumerate(result.get("top", []), start=1):
                writer.writerow([result["path"], rank, top["class"],
                                 f"{top['probability']:.6f}", ""])
            if "error" in result:
                writer.writerow([result["path"], "", "", "", result["error"]])
        typer.echo(buffer.getvalue(), nl=False)
    else:
        table = Table()
        table.add_column("image")
        table.add_column("prediction")
        table.add_column(f"top {top_k}")
        for result in results:
            if "error" in result:
                table.add_row(result["path"], "[red]unreadable[/]", result["error"])
                continue
            tops = ", ".join(f"{t['class']} {t['probability']:.1%}" for t in result["top"])
            table.add_row(result["path"],
                          f"{result['predicted']} ({result['probability']:.1%})", tops)
        console.print(table)
    if any("error" in result for result in results):
        bad = sum("error" in result for result in results)
        error_console.print(f"[yellow]{bad} file(s) could not be read (see above).[/]")


def runs(
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Parent folder of runs."),
) -> None:
    """List runs: name, dataset, model, best validation accuracy, test accuracy, time."""
    def skipped(error: Exception) -> None:
        error_console.print(f"[yellow]Skipped a damaged run: {error}[/]")

    with user_errors():
        found = api.list_runs(runs_dir, on_error=skipped)
    if not found:
        console.print("No runs yet. Train one with `visionlab train RECIPE` "
                      "(see `visionlab recipes`).")
        return
    table = Table(title="Runs")
    for column in ("run", "status", "dataset", "model", "epochs", "best val acc", "test acc",
                   "time"):
        table.add_column(column, justify="right" if "acc" in column or column in ("epochs", "time")
                         else "left")
    for run in found:
        info = run.info
        best = info.get("best") or {}
        test = info.get("test_accuracy")
        table.add_row(
            str(run.path), info.get("status", "?"), info.get("dataset", {}).get("name", "?"),
            info.get("model", {}).get("name", "?"),
            str(info.get("epochs_completed", len(run.history))),
            f"{best['value']:.2%}" if best.get("metric") == "val_accuracy" else "-",
            f"{test:.2%}" if isinstance(test, float) else "-",
            f"{info.get('seconds', 0):.0f}s",
        )
    console.print(table)


def recipes() -> None:
    """List the built-in recipes with the tutorial's published figure (or our own target)."""
    table = Table(title="Built-in recipes  (run one: visionlab train NAME)",
                  caption="figure: published = the tutorial's own number; "
                          "target = visionlab's own goal (no tutorial publishes one)")
    for column in ("recipe", "dataset", "model", "epochs", "figure"):
        table.add_column(column, no_wrap=True)
    table.add_column("description", overflow="fold", ratio=1)
    for row in api.recipe_table():
        value = row["reference_value"]
        kind = "published" if row["published"] else "target"
        figure = f"{value:.2%} {kind}" if isinstance(value, float) else "-"
        table.add_row(row["name"], row["dataset"], row["model"], str(row["epochs"]), figure,
                      row["description"])
    console.print(table)


def demo(
    epochs: int = typer.Option(2, "--epochs", min=1, help="Epochs to train."),
    recipe: str = typer.Option("fashion-mnist-cnn", "--recipe", help="Recipe to train."),
) -> None:
    """Train the default recipe on real Fashion-MNIST for a couple of epochs and show the run."""
    train(config=recipe, set_=[f"train.epochs={epochs}"], name=f"demo-{recipe}", resume=None,
          repeat=1, weights=None, runs_dir=None, no_report=False, quiet=False, track=[],
          tracking_uri=None)
