"""`visionlab serve RUN` from the command line: options, errors, and a real server process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from visionlab.cli.main import app

runner = CliRunner()


def test_help_lists_the_options():
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--backend", "--lang", "--max-upload-mb", "--max-files",
                   "--top-k"):
        assert option in result.output


def test_a_bad_backend_or_run_is_one_clear_line(digits_run, tmp_path):
    result = runner.invoke(app, ["serve", str(digits_run.path), "--backend", "torch"])
    assert result.exit_code == 2
    assert "Unknown serving backend 'torch'" in result.output
    # CliRunner catches every exception: a clean exit is a SystemExit, a crash is not.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    result = runner.invoke(app, ["serve", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_command_serves_until_ctrl_c(digits_run, digit_files):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "visionlab.cli.main", "serve", str(digits_run.path),
         "--port", str(port), "--lang", "vi", "--max-files", "2", "--top-k", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.25)
        metadata = httpx.get(f"{url}/metadata").json()
        assert (metadata["top_k"], metadata["limits"]["max_files"]) == (2, 2)
        assert '<html lang="vi">' in httpx.get(url, headers={"accept-language": "en"}).text
        photo = digit_files[3]
        answer = httpx.post(f"{url}/predict", files=[
            ("files", (photo.name, photo.read_bytes(), "image/png"))]).json()
        assert len(answer["predictions"][0]["top"]) == 2
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"Đang nạp {digits_run.path} (keras)" in output  # --lang vi: the command's own lines
    assert f"http://127.0.0.1:{port}" in output  # uvicorn's own line
