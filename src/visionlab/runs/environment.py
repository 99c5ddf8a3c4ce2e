"""What a run records about the machine and software it ran on."""

from __future__ import annotations

import os
import platform
import subprocess
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


def git_commit(directory: str | None = None) -> str | None:
    """Return the git commit of the project in `directory` (default: cwd), or None."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def environment_info() -> dict[str, Any]:
    """Return versions (visionlab, Keras, backend, Python, NumPy), CPU, cores and git commit."""
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
        "git_commit": git_commit(),
    }
