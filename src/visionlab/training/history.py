"""history.csv: one row per epoch, standard columns first, then any other metric.

Written by `callbacks.HistoryWriter` after every epoch and read back by run folders and reports.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

HISTORY_COLUMNS = (
    "epoch", "phase", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds",
)


def parse_history_csv(text: str) -> list[dict[str, Any]]:
    """Parse history.csv text into rows; numeric cells become floats (empty -> NaN)."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("phase",):
                row[key] = value or ""
                continue
            try:
                row[key] = float(value) if value not in ("", None) else math.nan
            except ValueError:
                row[key] = value
        if isinstance(row.get("epoch"), float) and row["epoch"].is_integer():
            row["epoch"] = int(row["epoch"])
        rows.append(row)
    return rows


def format_history_csv(rows: list[dict[str, Any]]) -> str:
    """Format history rows as CSV text with the standard columns first, then any extra metrics."""
    extra = sorted({key for row in rows for key in row} - set(HISTORY_COLUMNS))
    columns = [*HISTORY_COLUMNS, *extra]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _format_cell(row.get(key)) for key in columns})
    return buffer.getvalue()


def _format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, np.generic):
        return _format_cell(value.item())
    return str(value)


def is_finite_number(value: Any) -> bool:
    """True for an int or float history value that is neither NaN nor infinite."""
    return isinstance(value, (int, float)) and math.isfinite(value)


def history_column(rows: Sequence[Mapping[str, Any]], key: str) -> np.ndarray:
    """Return `key` of every row as floats; missing, empty or non-numeric values become NaN."""
    values = np.full(len(rows), np.nan)
    for index, row in enumerate(rows):
        with contextlib.suppress(TypeError, ValueError):
            values[index] = float(row.get(key))  # type: ignore[arg-type]
    return values
