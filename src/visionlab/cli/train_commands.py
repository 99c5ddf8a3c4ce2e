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

from visionlab import _io, api, i18n
from visionlab.cli.errors import console, print_error, print_warning, user_errors
from visionlab.cli.help_language import help_text
from visionlab.cli.language import LanguageCommand, language, say
from visionlab.config import EXAMPLE_CONFIG
from visionlab.errors import TrainingInterrupted, VisionlabError


def register(app: typer.Typer) -> None:
    app.command("init", cls=LanguageCommand, help=help_text("help.init"))(init)
    app.command("train", cls=LanguageCommand, help=help_text("help.train"))(train)
    app.command("evaluate", cls=LanguageCommand, help=help_text("help.evaluate"))(evaluate)
    app.command("recalibrate-bn", cls=LanguageCommand,
                help=help_text("help.recalibrate_bn"))(recalibrate_bn)
    app.command("predict", cls=LanguageCommand, help=help_text("help.predict"))(predict)
    app.command("runs", cls=LanguageCommand, help=help_text("help.runs"))(runs)
    app.command("recipes", cls=LanguageCommand, help=help_text("help.recipes"))(recipes)
    app.command("demo", cls=LanguageCommand, help=help_text("help.demo"))(demo)


def init(
    path: Path = typer.Argument(Path("experiment.toml"), help=help_text("help.init.path")),
    force: bool = typer.Option(False, "--force", help=help_text("help.init.force")),
) -> None:
    """Write a commented example experiment config."""
    with user_errors():
        if path.exists() and not force:
            print_error(say("cli.init.exists", path=path))
            raise typer.Exit(2)
        _io.write_text(path, EXAMPLE_CONFIG)
    console.print(say("cli.init.wrote", path=path), highlight=False)


def train(
    config: str | None = typer.Argument(None, help=help_text("help.option.config")),
    set_: list[str] = typer.Option([], "--set", help=help_text("help.train.set")),
    name: str | None = typer.Option(None, "--name", help=help_text("help.train.name")),
    resume: Path | None = typer.Option(None, "--resume", help=help_text("help.train.resume")),
    repeat: int = typer.Option(1, "--repeat", min=1,
                               help=help_text("help.train.repeat")),
    weights: Path | None = typer.Option(None, "--weights",
                                           help=help_text("help.train.weights")),
    runs_dir: Path | None = typer.Option(None, "--runs-dir",
                                         help=help_text("help.option.runs_dir")),
    no_report: bool = typer.Option(False, "--no-report", help=help_text("help.train.no_report")),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=help_text("help.train.quiet")),
    track: list[str] = typer.Option(
        [], "--track", help=help_text("help.train.track")),
    tracking_uri: str | None = typer.Option(
        None, "--tracking-uri", help=help_text("help.train.tracking_uri")),
) -> None:
    """Train a config or recipe into a run folder (resumable, with a report)."""
    verbose = 0 if quiet else 1
    overrides = list(set_) + ([f"model.weights='{weights}'"] if weights is not None else [])
    if config is None and resume is None:
        print_error(say("cli.train.nothing_to_train"))
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
                # A config error shows before TensorFlow is imported (1 s instead of 7 s).
                api.load_config(config, overrides)
                finished = api.train_repeated(config, overrides=overrides, name=name,
                                              runs_dir=runs_dir, repeat=repeat, verbose=verbose,
                                              report=not no_report, track=track or None,
                                              tracking_uri=tracking_uri)
    except TrainingInterrupted as stop:
        print_warning(stop.text(language()))
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
        print_error(say("cli.train.resume_refuses", run=resume, options=", ".join(ignored)))
        raise typer.Exit(2)


def _print_finished(run) -> None:
    lang = language()
    accuracy = run.metrics.get("test_accuracy")
    shown = i18n.format_percent(accuracy, lang, 2) if isinstance(accuracy, float) else "–"
    console.print(f"[green]{say('cli.train.done')}[/] "
                  + say("cli.train.finished", accuracy=shown, path=run.path), highlight=False)
    report = run.path / "report.html"
    if report.is_file():
        console.print(say("cli.train.report", path=report), highlight=False)


def evaluate(
    run: Path = typer.Argument(..., help=help_text("help.option.run")),
    data: str | None = typer.Option(None, "--data", help=help_text("help.evaluate.data")),
    data_path: str | None = typer.Option(None, "--data-path",
                                         help=help_text("help.evaluate.data_path")),
) -> None:
    """Evaluate a run's model on its test split or on other data."""
    lang = language()
    with user_errors():
        metrics = api.evaluate(run, data=data, data_path=data_path)
    table = Table(title=say("cli.evaluate.title", run=run, data=data) if data else
                  say("cli.evaluate.title_test", run=run))
    for column in ("class", "precision", "recall", "f1", "support"):
        table.add_column(say(f"cli.evaluate.column.{column}"),
                         justify="left" if column == "class" else "right")
    for name, row in metrics["per_class"].items():
        table.add_row(name, *(i18n.format_decimal(row[key], lang, 3)
                              for key in ("precision", "recall", "f1")), str(row["support"]))
    console.print(table)
    console.print(say("cli.evaluate.summary",
                      accuracy=i18n.format_percent(metrics["test_accuracy"], lang, 2),
                      loss=i18n.format_decimal(metrics["test_loss"], lang, 4),
                      macro_f1=i18n.format_decimal(metrics["macro_f1"], lang, 3),
                      images=i18n.format_count(metrics["test_count"], lang)), highlight=False)


def recalibrate_bn(
    run: Path = typer.Argument(..., help=help_text("help.option.run")),
    report: bool = typer.Option(True, "--report/--no-report",
                                help=help_text("help.recalibrate_bn.report")),
) -> None:
    """Recompute a run's batch-norm statistics exactly (precise BN) and evaluate it again."""
    lang = language()
    with user_errors():
        record = api.recalibrate_bn(run, report=report)
    console.print(say("cli.recalibrate.done", layers=record["layers"],
                      images=i18n.format_count(record["images"], lang), batches=record["batches"],
                      seconds=i18n.format_seconds(record["seconds"], lang)), highlight=False)
    for key in ("validation_accuracy", "test_accuracy"):
        if key in record:
            console.print(say(f"cli.recalibrate.{key}",
                              before=i18n.format_percent(record[key + "_before"], lang, 2),
                              after=i18n.format_percent(record[key], lang, 2)), highlight=False)
    console.print(say("cli.recalibrate.updated", run=run), highlight=False, soft_wrap=True)


def predict(
    run: Path = typer.Argument(..., help=help_text("help.option.run")),
    images: list[Path] = typer.Argument(..., help=help_text("help.predict.images")),
    top_k: int = typer.Option(3, "--top-k", min=1, help=help_text("help.predict.top_k")),
    as_json: bool = typer.Option(False, "--json", help=help_text("help.predict.json")),
    as_csv: bool = typer.Option(False, "--csv", help=help_text("help.predict.csv")),
    plot: Path | None = typer.Option(None, "--plot",
                                     help=help_text("help.predict.plot")),
) -> None:
    """Predict the class of new images with a trained run (bad files are reported, not fatal)."""
    lang = language()
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
        table.add_column(say("cli.predict.column.image"))
        table.add_column(say("cli.predict.column.prediction"))
        table.add_column(say("cli.predict.column.top", k=top_k))
        for result in results:
            if "error" in result:
                table.add_row(result["path"], f"[red]{say('cli.predict.unreadable')}[/]",
                              result["error"])
                continue
            tops = ", ".join(f"{top['class']} {i18n.format_percent(top['probability'], lang)}"
                             for top in result["top"])
            table.add_row(result["path"], f"{result['predicted']} "
                          f"({i18n.format_percent(result['probability'], lang)})", tops)
        console.print(table)
    if any("error" in result for result in results):
        bad = sum("error" in result for result in results)
        print_warning(say("cli.predict.unreadable_count", count=bad))


def runs(
    runs_dir: Path | None = typer.Option(None, "--runs-dir",
                                         help=help_text("help.option.runs_dir")),
) -> None:
    """List runs: name, dataset, model, best validation accuracy, test accuracy, time."""
    lang = language()

    def skipped(error: Exception) -> None:
        text = error.text(lang) if isinstance(error, VisionlabError) else str(error)
        print_warning(say("cli.runs.skipped", error=text))

    with user_errors():
        found = api.list_runs(runs_dir, on_error=skipped)
    if not found:
        console.print(say("cli.runs.none"), highlight=False)
        return
    table = Table(title=say("cli.runs.title"))
    for column in ("run", "status", "dataset", "model", "epochs", "best_val_acc", "test_acc",
                   "time"):
        table.add_column(say(f"cli.runs.column.{column}"),
                         justify="right" if "acc" in column or column in ("epochs", "time")
                         else "left")
    for run in found:
        info = run.info
        best = info.get("best") or {}
        test = info.get("test_accuracy")
        status = info.get("status", "?")
        table.add_row(
            str(run.path), _status_text(status, lang), info.get("dataset", {}).get("name", "?"),
            info.get("model", {}).get("name", "?"),
            str(info.get("epochs_completed", len(run.history))),
            i18n.format_percent(best["value"], lang, 2) if best.get("metric") == "val_accuracy"
            else "-",
            i18n.format_percent(test, lang, 2) if isinstance(test, float) else "-",
            i18n.format_seconds(info.get("seconds", 0), lang),
        )
    console.print(table)


def _status_text(status: str, lang: str) -> str:
    """A run's status ("completed", "interrupted" …) in `lang`, as the report shows it."""
    key = f"status.{status}"
    return i18n.t(key, lang) if key in i18n.MESSAGES[lang] else status


def recipes() -> None:
    """List the built-in recipes with the tutorial's published figure (or our own target)."""
    lang = language()
    table = Table(title=say("cli.recipes.title"), caption=say("cli.recipes.caption"))
    for column in ("recipe", "dataset", "model", "epochs", "figure"):
        table.add_column(say(f"cli.recipes.column.{column}"), no_wrap=True)
    table.add_column(say("cli.recipes.column.description"), overflow="fold", ratio=1)
    for row in api.recipe_table():
        value = row["reference_value"]
        kind = say("cli.recipes.published" if row["published"] else "cli.recipes.target")
        figure = f"{i18n.format_percent(value, lang, 2)} {kind}" if isinstance(value, float) \
            else "-"
        description_key = f"recipe.{row['name']}.description"
        description = i18n.t(description_key, lang) if description_key in i18n.MESSAGES[lang] \
            else row["description"]
        table.add_row(row["name"], row["dataset"], row["model"], str(row["epochs"]), figure,
                      description)
    console.print(table)


def demo(
    epochs: int = typer.Option(2, "--epochs", min=1, help=help_text("help.demo.epochs")),
    recipe: str = typer.Option("fashion-mnist-cnn", "--recipe", help=help_text("help.demo.recipe")),
) -> None:
    """Train the default recipe on real Fashion-MNIST for a couple of epochs and show the run."""
    train(config=recipe, set_=[f"train.epochs={epochs}"], name=f"demo-{recipe}", resume=None,
          repeat=1, weights=None, runs_dir=None, no_report=False, quiet=False, track=[],
          tracking_uri=None)
