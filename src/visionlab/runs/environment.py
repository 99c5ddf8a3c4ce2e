"""What a run records about the machine and software it ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import keras
import numpy

from visionlab import __version__


def cpu_model() -> str:
    """Return the CPU model name (from /proc/cpuinfo on Linux), or platform's best guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit(directory: str | os.PathLike[str] | None = None) -> str | None:
    """Return the commit checked out in the git repository holding `directory` (default: cwd).

    None when `directory` is not inside a git work tree or git is unavailable.
    """
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def visionlab_commit() -> str | None:
    """Return the commit of visionlab's own source checkout, or None for an installed release.

    Only a checkout whose top holds visionlab's `pyproject.toml` counts, so a wheel installed
    inside some other repository never reports that repository's commit.
    """
    package = Path(__file__).resolve().parents[1]  # .../src/visionlab
    top = package.parents[1]                        # the checkout root for a src/ layout
    pyproject = top / "pyproject.toml"
    try:
        if not pyproject.is_file() or 'name = "visionlab"' not in pyproject.read_text("utf-8"):
            return None
    except OSError:
        return None
    return git_commit(top)


def project_commit() -> str | None:
    """Return the commit of the user's project (the git repository of the working directory).

    None outside a git repository, or when that repository is visionlab's own checkout.
    """
    commit = git_commit()
    if commit is None:
        return None
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return commit
    own = Path(__file__).resolve().parents[3]
    return None if top and Path(top).resolve() == own else commit


def environment_info() -> dict[str, Any]:
    """Return versions (visionlab and its source commit, Keras, backend, Python, NumPy), CPU,
    cores, and the commit of the user's project (`project_commit`, the working directory's git
    repository) when there is one."""
    backend = keras.backend.backend()
    backend_version = None
    try:
        module = __import__({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
                            .get(backend, backend))
        backend_version = getattr(module, "__version__", None)
    except ImportError:
        pass
    return {
        "visionlab": __version__,
        "keras": keras.__version__,
        "backend": backend,
        "backend_version": backend_version,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "visionlab_commit": visionlab_commit(),
        "project_commit": project_commit(),
    }
