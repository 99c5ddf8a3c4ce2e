"""The layer contracts of pyproject.toml hold, and they catch an upward import when one appears."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(source_root: Path, config: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run([str(LINT_IMPORTS), str(config), "--no-cache"],
                          capture_output=True, text=True, env=environment, timeout=120,
                          cwd=source_root)


def test_the_package_keeps_its_contracts():
    result = _lint(ROOT / "src", ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("lower, upper", [
    ("training/trainer.py", "visionlab.api"),
    ("data/prepare.py", "visionlab.reports.figures"),
    ("models/registry.py", "visionlab.cli.main"),
    ("evaluation/metrics.py", "visionlab.runs.run"),
])
def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path, lower: str, upper: str):
    source = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "visionlab", source / "visionlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    module = source / "visionlab" / lower
    module.write_text(module.read_text(encoding="utf-8") + f"\nimport {upper}  # noqa\n",
                      encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = _lint(source, tmp_path / "pyproject.toml")
    assert result.returncode != 0
    importer = "visionlab." + lower.removesuffix(".py").replace("/", ".")
    assert "BROKEN" in result.stdout and importer in result.stdout, result.stdout
