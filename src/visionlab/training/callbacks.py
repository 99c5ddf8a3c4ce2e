"""Small Keras callbacks for what Keras lacks: epoch timing, NaN recovery, an atomic history CSV,
a Rich progress display and graceful Ctrl-C.

Use Keras's own `EarlyStopping`, `ModelCheckpoint`, `BackupAndRestore` and `TerminateOnNaN`
beside these. Order matters: put `EpochTimer` first so later callbacks (and `History`, which
Keras appends last) see its `seconds` and `lr` entries in the epoch logs.
Every callback resets its state in `on_train_begin`, so one instance can serve several `fit` calls.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from visionlab import i18n
from visionlab._io import write_text
from visionlab.i18n import Message, number, term
from visionlab.training.history import HISTORY_COLUMNS, format_history_csv, parse_history_csv  # noqa: F401


def current_learning_rate(optimizer: Any) -> float:
    """Return the optimizer's learning rate now as a float (schedules are evaluated at
    `optimizer.iterations`)."""
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


class EpochTimer(keras.callbacks.Callback):
    """Add `seconds` (wall time of the epoch, validation included) and `lr` to the epoch logs.

    Example:
        history = model.fit(x, y, epochs=3, callbacks=[EpochTimer()])
        history.history["lr"], history.history["seconds"]
    """

    def on_train_begin(self, logs=None):
        self._epoch_start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        if self._epoch_start is not None:
            logs["seconds"] = time.perf_counter() - self._epoch_start
        logs["lr"] = current_learning_rate(self.model.optimizer)


def _is_finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


class NanGuard(keras.callbacks.Callback):
    """Stop training on a non-finite loss and put back the last good weights.

    The weights are copied at the start of training and at the end of every finite epoch. After a
    stop, `stopped` is True, `epoch`/`batch` (1-based) say where, `last_finite_loss` holds the
    last finite batch loss and `diagnosis` explains it in one sentence the user can act on.

    Args:
        epoch_offset: added to Keras's epoch index in messages (multi-phase runs). Defaults to 0.
    """

    def __init__(self, epoch_offset: int = 0):
        super().__init__()
        self.epoch_offset = epoch_offset

    def on_train_begin(self, logs=None):
        self.stopped = False
        self.epoch = None
        self.batch = None
        self.last_finite_loss = None
        self.learning_rate = None
        self._current_epoch = 0
        self._good_weights = self.model.get_weights()

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or self.stopped:
            return
        if _is_finite(loss):
            self.last_finite_loss = float(loss)
            return
        self.stopped = True
        self.epoch = self.epoch_offset + self._current_epoch + 1
        self.batch = batch + 1
        self.learning_rate = current_learning_rate(self.model.optimizer)
        self.model.stop_training = True
        self.model.set_weights(self._good_weights)

    def on_epoch_end(self, epoch, logs=None):
        if not self.stopped and _is_finite((logs or {}).get("loss", 0.0)):
            self._good_weights = self.model.get_weights()

    @property
    def diagnosis(self) -> str | None:
        """One-sentence explanation and fix in the current language, or None when training did
        not blow up (`diagnosis_message` renders it in any language)."""
        message = self.diagnosis_message
        return message.render() if message is not None else None

    @property
    def diagnosis_message(self) -> Message | None:
        """The diagnosis as an `i18n.Message`, or None when training did not blow up."""
        if not self.stopped:
            return None
        last = (Message("training.nan.last_finite", {"loss": number(self.last_finite_loss)})
                if self.last_finite_loss is not None else term("training.nan.no_finite"))
        return Message("training.nan.diagnosis", {
            "epoch": self.epoch, "batch": self.batch, "last": last,
            "learning_rate": number(self.learning_rate)})


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """Read a history.csv written by `HistoryWriter`; numbers become floats (epoch an int).

    Useful as `HistoryWriter(..., initial_rows=read_history(path))` when resuming.
    """
    return parse_history_csv(Path(path).read_text(encoding="utf-8"))


class HistoryWriter(keras.callbacks.Callback):
    """Rewrite `history.csv` atomically after every epoch, so a crash loses at most one epoch.

    Columns: epoch (1-based, `epoch_offset` added), phase, loss, accuracy, val_loss, val_accuracy,
    lr, seconds, then any other metric in the logs (sorted). A row with the same phase and epoch
    as an earlier one replaces it, so resuming from an older checkpoint does not duplicate rows.
    Each `fit` call starts again from `initial_rows`: to resume, build a new writer with
    `initial_rows=read_history(path)`.

    Args:
        path: the CSV file.
        phase: label for this `fit` call ("head", "finetune" …). Defaults to "".
        initial_rows: rows already written (resume, earlier phases); see `read_history`.
            Defaults to None.
        epoch_offset: added to Keras's epoch index (a second phase continues the numbering).
            Defaults to 0.
    """

    def __init__(self, path: str | Path, phase: str = "",
                 initial_rows: Sequence[Mapping[str, Any]] | None = None, epoch_offset: int = 0):
        super().__init__()
        self.path = Path(path)
        self.phase = phase
        self.initial_rows = [dict(row) for row in initial_rows or []]
        self.epoch_offset = epoch_offset

    def on_train_begin(self, logs=None):
        self.rows = [dict(row) for row in self.initial_rows]

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if "learning_rate" in logs:
            # Keras logs the optimizer's rate as learning_rate; history.csv calls it lr.
            rate = logs.pop("learning_rate")
            logs.setdefault("lr", rate)
        number = self.epoch_offset + epoch + 1
        row = {"epoch": number, "phase": self.phase}
        row.update({key: _plain(value) for key, value in logs.items()
                    if key not in ("epoch", "phase")})
        self.rows = [old for old in self.rows
                     if not (old.get("epoch") == number and old.get("phase") == self.phase)]
        self.rows.append(row)
        write_text(self.path, self._render())

    def _render(self) -> str:
        return format_history_csv(self.rows)


def _plain(value: Any) -> Any:
    try:
        return float(keras.ops.convert_to_numpy(value))
    except (TypeError, ValueError):
        return value


# Epoch-log columns with a name of their own in the catalog; any other metric keeps its key.
_NAMED_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr")


def _metric_name(key: str, lang: str) -> str:
    """A Keras log key as the progress lines name it ("val_loss"; Vietnamese "mất mát kiểm
    định"); metrics without a translation keep their key."""
    key = "lr" if key == "learning_rate" else key
    return i18n.t(f"training.metric.{key}", lang) if key in _NAMED_METRICS else key


def _format_logs(logs: Mapping[str, Any], lang: str = "en") -> str:
    parts = []
    for key, value in logs.items():
        if key == "learning_rate" and "lr" in logs:
            continue  # Keras logs the rate as learning_rate; EpochTimer adds the same as lr
        if key == "seconds":
            parts.append(i18n.decimal_mark(f"{float(value):.1f}s", lang))
        elif key in ("lr", "learning_rate"):
            parts.append(f"{_metric_name(key, lang)} "
                         f"{i18n.decimal_mark(f'{float(value):.3g}', lang)}")
        elif _is_finite(value) or isinstance(value, float):
            parts.append(f"{_metric_name(key, lang)} {_decimal(value, lang)}")
    return "  ".join(parts)


def _decimal(value: Any, lang: str) -> str:
    return i18n.decimal_mark(f"{float(value):.4f}", lang)


class RichProgress(keras.callbacks.Callback):
    """Rich progress bar per epoch, one line per finished epoch and a summary table at the end.

    Use it with `model.fit(..., verbose=0)` so Keras's own progress bar stays off. When the
    console is not a terminal (CI, pipes) only the per-epoch lines and the summary are printed.

    Args:
        verbose: 0 prints nothing, 1 prints everything. Defaults to 1.
        console: a `rich.console.Console`. Defaults to a new one on stdout.
        lang: `"en"` or `"vi"`. Defaults to None: the current language when training starts
            (`i18n.current_language`, which `--lang` sets).
    """

    def __init__(self, verbose: int = 1, console: Any = None, lang: str | None = None):
        super().__init__()
        self.verbose = verbose
        self.console = console
        self.lang = lang

    def on_train_begin(self, logs=None):
        self.console = self.console or Console()
        self._lang = self.lang or i18n.current_language()
        self._progress = None
        self._task = None
        self._start = time.perf_counter()
        self.records: list[tuple[int, dict[str, Any]]] = []
        self._epochs = self.params.get("epochs")
        if self.verbose and self.console.is_terminal:
            self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                      MofNCompleteColumn(), TimeRemainingColumn(),
                                      TextColumn("{task.fields[metrics]}"),
                                      console=self.console, transient=True)
            self._progress.start()

    def on_epoch_begin(self, epoch, logs=None):
        if self._progress is not None:
            self._task = self._progress.add_task(
                self._epoch_label(epoch), total=self.params.get("steps"), metrics="")

    def on_train_batch_end(self, batch, logs=None):
        if self._progress is None or self._task is None:
            return
        logs = logs or {}
        metrics = "  ".join(f"{_metric_name(key, self._lang)} {_decimal(logs[key], self._lang)}"
                            for key in ("loss", "accuracy") if key in logs)
        self._progress.update(self._task, completed=batch + 1, metrics=metrics)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        self.records.append((epoch + 1, logs))
        if self._progress is not None and self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
        if self.verbose:
            self.console.print(f"{self._epoch_label(epoch)}  {_format_logs(logs, self._lang)}",
                               highlight=False, soft_wrap=True)

    def _epoch_label(self, epoch: int) -> str:
        return i18n.t("training.progress.epoch", self._lang, epoch=epoch + 1,
                      epochs=self._epochs)

    def on_train_end(self, logs=None):
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if self.verbose and self.records:
            self.console.print(self.summary_table())

    def best_epoch(self) -> tuple[int, dict[str, Any]] | None:
        """Return `(epoch, logs)` of the best epoch: highest val_accuracy, else lowest
        val_loss, else lowest loss."""
        for key, sign in (("val_accuracy", -1.0), ("val_loss", 1.0), ("loss", 1.0)):
            scored = [(sign * float(logs[key]), epoch, logs) for epoch, logs in self.records
                      if _is_finite(logs.get(key))]
            if scored:
                _, epoch, logs = min(scored, key=lambda item: (item[0], item[1]))
                return epoch, logs
        return None

    def summary_table(self) -> Any:
        """A `rich.table.Table` with the best epoch, its metrics and the total time."""
        lang = self._lang
        table = Table(title=i18n.t("training.summary.title", lang), show_header=False)
        best = self.best_epoch()
        if best is not None:
            epoch, logs = best
            table.add_row(i18n.t("training.summary.best_epoch", lang), str(epoch))
            for key in ("val_accuracy", "val_loss", "accuracy", "loss"):
                if _is_finite(logs.get(key)):
                    name = _metric_name(key, lang)
                    table.add_row(i18n.t("training.summary.best_metric", lang, metric=name)
                                  if key.startswith("val") else name, _decimal(logs[key], lang))
        table.add_row(i18n.t("training.summary.epochs_run", lang), str(len(self.records)))
        table.add_row(i18n.t("training.summary.total_time", lang),
                      i18n.decimal_mark(f"{time.perf_counter() - self._start:.1f}s", lang))
        return table


class GracefulInterrupt(keras.callbacks.Callback):
    """First Ctrl-C: finish the current batch, then stop; a second Ctrl-C stops at once.

    After `fit` returns, `interrupted` is True when the user asked to stop, so the caller can
    save a checkpoint and print a resume hint; `epoch` is the epoch cut short (1-based), or None
    when Ctrl-C came after the last batch and every epoch is complete. The previous SIGINT
    handler is restored in `on_train_end`; call `restore_handler()` in a `finally` block too,
    because Keras skips `on_train_end` when an exception escapes `fit`. Outside the main thread
    it does nothing.
    """

    def __init__(self):
        super().__init__()
        self._previous_handler = None
        self._installed = False

    def on_train_begin(self, logs=None):
        self.interrupted = False
        self.requested = False
        self.epoch = None
        self.batch = None
        self._current_epoch = 0
        if threading.current_thread() is threading.main_thread() and not self._installed:
            self._previous_handler = signal.signal(signal.SIGINT, self._handle)
            self._installed = True

    def _handle(self, signum, frame):
        if self.requested:
            self.restore_handler()
            raise KeyboardInterrupt
        self.requested = True

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.requested and not self.interrupted:
            self.interrupted = True
            self.epoch = self._current_epoch + 1
            self.batch = batch + 1
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.requested and not self.interrupted:
            # Ctrl-C after the last batch (during the last validation, history or checkpoint
            # write): every epoch is complete, but the user still asked to stop, so the caller
            # must not go on to the next phase or the evaluation. No epoch was cut short.
            self.interrupted = True
        self.restore_handler()

    def restore_handler(self) -> None:
        """Put back the SIGINT handler that was active before training (idempotent)."""
        if self._installed:
            signal.signal(signal.SIGINT, self._previous_handler or signal.default_int_handler)
            self._installed = False
