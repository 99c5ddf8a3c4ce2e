"""Live training progress in a notebook: one output block, updated in place.

The terminal's `RichProgress` prints a line per epoch, which a notebook turns into a wall of
separate outputs. `NotebookProgress` shows one block instead: a bar for the epoch in progress
with its batches, the time left in the epoch and in the whole fit and the running metrics, and
below it a table of the finished epochs. It updates that block through IPython's display ids
(at most every `min_interval` seconds within an epoch), so a saved notebook keeps only the
final state.

Example:
    trainer = Trainer(config, dataset, spec, folder, progress=notebook_progress(verbose=1))
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from typing import Any

import keras

from visionlab import i18n
from visionlab.notebook.shell import in_notebook

# Columns of the finished-epochs table, in this order when present; other metrics follow.
COLUMNS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds")
RUNNING = ("loss", "accuracy")  # the batch metrics shown beside the bar
MAX_ROWS = 15  # finished epochs shown; older ones are in history.csv
STYLE = ("font-family: var(--jp-code-font-family, monospace); font-size: 12px; "
         "line-height: 1.6")
CELL = "padding: 1px 10px; text-align: right; border-bottom: 1px solid #e5e5e5"


def notebook_progress(verbose: int, lang: str | None = None) -> NotebookProgress | None:
    """A `NotebookProgress` inside a notebook when `verbose`, else None (the terminal's)."""
    return NotebookProgress(lang=lang) if verbose and in_notebook() else None


class NotebookProgress(keras.callbacks.Callback):
    """One HTML block per `fit`: the epoch's bar, ETA and metrics, then the finished epochs.

    Use it with `model.fit(..., verbose=0)`. Epochs cut short (Ctrl-C, a NaN loss) are not
    listed, as history.csv does not list them.

    Args:
        min_interval: seconds between two updates within an epoch. Defaults to 0.5.
        display: a function like `IPython.display.display` (called with a MIME bundle,
            `raw=True, display_id=True`, returning a handle with `update`). Defaults to
            IPython's.
        lang: the language of the block, `"en"` or `"vi"`. Defaults to None
            (`i18n.resolve_language` when training begins).
    """

    def __init__(self, min_interval: float = 0.5, display: Callable[..., Any] | None = None,
                 lang: str | None = None):
        super().__init__()
        self.min_interval = min_interval
        self.display = display
        self.lang = lang

    def _say(self, key: str, **values: Any) -> str:
        return i18n.t(key, self._lang, **values)

    def on_train_begin(self, logs=None):
        self._lang = i18n.resolve_language(self.lang)
        self.rows: list[tuple[int, dict[str, float]]] = []
        self._epochs = int(self.params.get("epochs") or 0)
        self._steps = self.params.get("steps")
        self._epoch = 0
        self._batches = 0
        self._running: dict[str, float] = {}
        self._started = self._epoch_started = self._updated = time.perf_counter()
        self._finished = False
        display = self.display or _ipython_display()
        self._handle = display(self._bundle(), raw=True, display_id=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._batches = 0
        self._running = {}
        self._epoch_started = time.perf_counter()
        self._update()

    def on_train_batch_end(self, batch, logs=None):
        self._batches = batch + 1
        self._running = _numbers(logs, RUNNING)
        if time.perf_counter() - self._updated >= self.min_interval:
            self._update()

    def on_epoch_end(self, epoch, logs=None):
        if not self._steps or self._batches >= self._steps:
            self.rows.append((epoch + 1, _numbers(logs)))
        self._update()

    def on_train_end(self, logs=None):
        self._finished = True
        self._update()

    def _update(self) -> None:
        self._updated = time.perf_counter()
        self._handle.update(self._bundle(), raw=True)

    def _bundle(self) -> dict[str, str]:
        return {"text/html": self.render_html(), "text/plain": self.render_text()}

    # -- what is shown ------------------------------------------------------------------------

    def _head(self) -> tuple[str, str]:
        """The line above the table: (HTML, plain text)."""
        now = time.perf_counter()
        if self._finished:
            done = len(self.rows)
            text = self._say("notebook.progress.trained", epochs=done,
                             time=_clock(now - self._started))
            if done:
                text += " " + self._say("notebook.progress.per_epoch",
                                        time=_clock((now - self._started) / done))
            return html.escape(text), text
        title = self._say("notebook.progress.epoch", epoch=self._epoch + 1, epochs=self._epochs)
        steps = self._steps or 0
        parts = [f"{self._batches}/{steps}" if steps else
                 self._say("notebook.progress.batches", batches=self._batches)]
        left = self._seconds_left(now)
        if left is not None:
            parts.append(self._say("notebook.progress.left", epoch=_clock(left[0]),
                                   all=_clock(left[1])))
        parts += [f"{self._metric(key)} {_cell(key, value, self._lang)}"
                  for key, value in self._running.items()]
        details = " · ".join(parts)
        bar = (f'<progress value="{self._batches}" max="{steps}" style="width: 16em; '
               'vertical-align: middle"></progress> ' if steps else "")
        filled = round(20 * self._batches / steps) if steps else 0
        return (f"<b>{title}</b> {bar}{html.escape(details)}",
                f"{title} [{'#' * filled}{'.' * (20 - filled)}] {details}")

    def _seconds_left(self, now: float) -> tuple[float, float] | None:
        """(seconds left in this epoch, seconds left in the fit), once a batch has run."""
        if not self._steps or not self._batches:
            return None
        epoch_seconds = (now - self._epoch_started) * self._steps / self._batches
        in_epoch = epoch_seconds - (now - self._epoch_started)
        if self.rows:
            seconds = [row.get("seconds") for _, row in self.rows]
            known = [value for value in seconds if value is not None]
            epoch_seconds = sum(known) / len(known) if known else epoch_seconds
        later = max(0, self._epochs - self._epoch - 1)
        return in_epoch, in_epoch + later * epoch_seconds

    def _columns(self) -> list[str]:
        keys = {key for _, row in self.rows for key in row}
        return [*[key for key in COLUMNS if key in keys], *sorted(keys - set(COLUMNS))]

    def render_html(self) -> str:
        """The block as HTML."""
        head, _ = self._head()
        parts = [f'<div class="visionlab-progress" style="{STYLE}">', f"<div>{head}</div>"]
        if self.rows:
            columns = self._columns()
            shown = self.rows[-MAX_ROWS:]
            header = "".join(f'<th style="{CELL}">{html.escape(name)}</th>'
                             for name in [self._say("notebook.progress.column.epoch"),
                                          *map(self._metric, columns)])
            body = "".join(
                "<tr>" + f'<td style="{CELL}">{epoch}</td>'
                + "".join(f'<td style="{CELL}">{_cell(name, row.get(name), self._lang)}</td>'
                          for name in columns) + "</tr>"
                for epoch, row in shown)
            parts.append(f'<table style="border-collapse: collapse; margin-top: 4px">'
                         f"<tr>{header}</tr>{body}</table>")
            if len(self.rows) > len(shown):
                parts.append("<div>" + html.escape(self._say(
                    "notebook.progress.earlier", epochs=len(self.rows) - len(shown))) + "</div>")
        parts.append("</div>")
        return "".join(parts)

    def render_text(self) -> str:
        """The block as plain text (for front ends without HTML)."""
        _, head = self._head()
        lines = [head]
        columns = self._columns()
        for epoch, row in self.rows[-MAX_ROWS:]:
            lines.append(self._say("notebook.progress.row", epoch=epoch) + " " + "  ".join(
                f"{self._metric(name)} {_cell(name, row.get(name), self._lang)}"
                for name in columns))
        return "\n".join(lines)

    def _metric(self, name: str) -> str:
        """A column's name in the block's language ("val_accuracy" -> "độ chính xác (kiểm
        định)"); metrics without a catalog entry keep their Keras name."""
        key = f"notebook.progress.metric.{name}"
        return self._say(key) if key in i18n.MESSAGES[self._lang] else name


def _ipython_display() -> Callable[..., Any]:
    from IPython.display import display  # optional: present in every notebook kernel

    return display


def _numbers(logs: Mapping[str, Any] | None, keys: tuple[str, ...] | None = None
             ) -> dict[str, float]:
    """The logs' numeric values as floats (Keras's `learning_rate` as `lr`), `keys` only."""
    values = dict(logs or {})
    if "learning_rate" in values:
        values.setdefault("lr", values.pop("learning_rate"))
    numbers = {}
    for key in keys if keys is not None else values:
        try:
            numbers[key] = float(keras.ops.convert_to_numpy(values[key]))
        except (KeyError, TypeError, ValueError):
            continue
    return numbers


def _cell(name: str, value: float | None, lang: str = "en") -> str:
    if value is None:
        return ""
    if name == "lr":
        return i18n.format_number(value, lang, 3)
    if name == "seconds":
        return i18n.decimal_mark(f"{value:.1f}s", lang)
    return i18n.format_decimal(value, lang, 4)


def _clock(seconds: float) -> str:
    """Seconds as `m:ss`, or `h:mm:ss` from an hour on."""
    whole = max(0, int(round(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
