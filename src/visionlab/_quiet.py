"""A quiet console: TensorFlow's C++ start-up INFO lines never reach the user's terminal.

TensorFlow 2.21 prints "WARNING: All log messages before absl::InitializeLog() ..." and
"I0000 ... oneDNN custom operations are on ..." while `import tensorflow` runs, and no
environment variable silences them (they are logged before TensorFlow reads
`TF_CPP_MIN_LOG_LEVEL`). `install()` wraps the first import of `tensorflow` so that, during that
import only, file descriptor 2 goes to a temporary file; afterwards every captured line except
those INFO lines is written back to stderr, in order. Warnings and errors still show, and so
does everything when the user set `TF_CPP_MIN_LOG_LEVEL` to 0 or 1 themselves.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

_NOISE = (
    re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\) is called"),
    re.compile(r"^I\d{4} [\d:. ]+\d+ [\w.]+:\d+\] "),  # absl INFO lines
)


def is_noise(line: str) -> bool:
    """Return True for TensorFlow's start-up INFO lines (never a warning or an error)."""
    return any(pattern.match(line) for pattern in _NOISE)


@contextlib.contextmanager
def _filtered_stderr() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True)
                    if failed or not is_noise(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader: Any):
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        module.__loader__ = self._loader  # the module sees its own loader, not this wrapper
        with _filtered_stderr():
            self._loader.exec_module(module)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "tensorflow":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)  # one import only
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def install(user_level: str | None) -> None:
    """Filter TensorFlow's import-time INFO lines, unless the user asked for INFO logging
    (`user_level`, their own `TF_CPP_MIN_LOG_LEVEL`, is "0" or "1") or TF is already loaded."""
    if user_level in {"0", "1"} or "tensorflow" in sys.modules:
        return
    if os.environ.get("VISIONLAB_TF_LOGS") or any(
            isinstance(finder, _QuietTensorFlowFinder) for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlowFinder())
