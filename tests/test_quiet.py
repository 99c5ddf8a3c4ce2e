"""No TensorFlow start-up INFO lines on ordinary use; the user's own TF_CPP_MIN_LOG_LEVEL and
visionlab's warnings still get through."""

from __future__ import annotations

import os
import subprocess
import sys

from visionlab import _quiet

SCRIPT = ("import sys, warnings, visionlab.api, keras; "
          "print('stderr still works', file=sys.stderr); warnings.warn('our own warning')")


def _stderr(env: dict[str, str]) -> str:
    clean = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env={**clean, **env}, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_importing_visionlab_and_keras_prints_no_tensorflow_info_lines():
    stderr = _stderr({})
    assert "oneDNN" not in stderr and "absl::InitializeLog" not in stderr
    assert "stderr still works" in stderr and "our own warning" in stderr


def test_the_user_s_own_log_level_is_respected():
    # Which INFO lines TensorFlow prints depends on the CPU (oneDNN's only on some); with the
    # user's level 0 they all get through, absl's preamble first.
    stderr = _stderr({"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert "absl::InitializeLog" in stderr
    assert any(_quiet.is_noise(line) and line.startswith("I0000") for line in stderr.splitlines())


def test_only_info_lines_count_as_noise():
    assert _quiet.is_noise("I0000 00:00:1796251339.822741    2422 port.cc:153] oneDNN ...")
    assert _quiet.is_noise("WARNING: All log messages before absl::InitializeLog() is called "
                           "are written to STDERR")
    assert not _quiet.is_noise("E0000 00:00:1796251339.822741    2422 op.cc:1] a real error")
    assert not _quiet.is_noise("UserWarning: something visionlab says")


def test_a_cli_command_starts_quietly():
    clean = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-m", "visionlab.cli.main", "models"],
                            capture_output=True, text=True, env=clean, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "mlp" in result.stdout  # it did load the model registry (and so TensorFlow)
    assert "oneDNN" not in result.stderr + result.stdout, result.stderr
