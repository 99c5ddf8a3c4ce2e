"""Built-in datasets are registered by importing `visionlab.data`, and a broken one fails loudly."""

from __future__ import annotations

import subprocess
import sys


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_importing_the_registry_alone_registers_every_builtin():
    result = run_python("from visionlab.data.registry import list_datasets; "
                        "print(list_datasets())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == \
        "['cifar10', 'digits', 'dogs_vs_cats', 'fashion_mnist', 'mnist']"


def test_a_builtin_module_that_fails_to_import_is_an_error_naming_it():
    result = run_python("import sys; sys.modules['visionlab.data.npz'] = None; "
                        "import visionlab.data.registry")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "Error" in last_line and "visionlab.data.npz" in last_line  # ModuleNotFoundError
    assert "visionlab/data/builtin.py" in result.stderr  # the traceback runs through builtin
