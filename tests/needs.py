"""Tests that need data, a package or a browser: skip on a developer's machine, fail under CI.

CI (`CI=true`) has everything `make test` installs, so a missing input there is a broken set-up,
not a reason to skip. Use these instead of `pytest.importorskip` / `pytest.mark.skipif`.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def needs(available: bool, what: str, fix: str = "run `make test`, which installs it") -> None:
    """Skip the calling test when `available` is false (fail instead under `CI=true`)."""
    if available:
        return
    message = f"{what} is missing; {fix}"
    if IN_CI:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def needs_module(name: str, extra: str | None = None) -> ModuleType:
    """Import and return module `name`, or skip (fail under `CI=true`) naming the extra."""
    try:
        return importlib.import_module(name)
    except ImportError:
        fix = (f"pip install 'visionlab[{extra}]' (make test installs it)" if extra
               else "run `make test`, which installs it")
        needs(False, f"the Python package '{name}'", fix)
        raise  # unreachable: needs() skipped or failed
