"""Is this a notebook? And make matplotlib figures display inline as PNG there.

Example:
    figure = show_inline(learning_curves_figure(run.history))   # the last line of a cell
"""

from __future__ import annotations

import io
import sys
from typing import Any

from matplotlib.figure import Figure

FIGURE_DPI = 110  # the report's PNGs use the same


def ipython_shell() -> Any | None:
    """The running IPython shell, or None in plain Python (IPython is never imported here)."""
    module = sys.modules.get("IPython")
    return module.get_ipython() if module is not None else None


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code, Colab), not a terminal."""
    shell = ipython_shell()
    if shell is None:
        return False
    kind = type(shell)
    return kind.__name__ == "ZMQInteractiveShell" or kind.__module__.startswith("google.colab")


def show_inline(figure: Figure) -> Figure:
    """Return `figure`, after making IPython display `Figure`s as PNG (once, when in IPython).

    visionlab's figures are built without pyplot, so `%matplotlib inline` never sees them;
    this registers the same PNG formatter for the `Figure` type, unless one is already there.
    """
    shell = ipython_shell()
    if shell is not None:
        formatter = shell.display_formatter.formatters["image/png"]
        try:
            formatter.lookup_by_type(Figure)
        except KeyError:
            formatter.for_type(Figure, figure_png)
    return figure


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()
