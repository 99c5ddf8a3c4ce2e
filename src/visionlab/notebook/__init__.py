"""Jupyter glue: the live training progress, inline figures and inline HTML pages.

Nothing here imports IPython: a notebook has imported it already, and `shell.ipython_shell()`
finds it in `sys.modules`, so plain Python and the CLI never pay for it (and need not have it).
`visionlab.api` uses these pieces: `train` shows `progress.NotebookProgress` instead of the
terminal's Rich progress, `Run.plot_*` return figures registered to display as PNG, and
`report`/`compare` return `pages.HtmlPage` paths that a notebook shows in a frame. The run's
summary card and the explore table are HTML views drawn by `visionlab.reports`.
"""
