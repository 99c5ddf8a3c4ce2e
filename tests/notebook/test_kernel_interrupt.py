"""Interrupting a real Jupyter kernel during `visionlab.train` behaves like Ctrl-C in a terminal:
the complete epochs are kept in a resumable run folder, the cell ends with one message that says
how to resume, and `visionlab.resume` in the same kernel finishes the run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from needs import needs_module

pytestmark = pytest.mark.xdist_group("notebook")

TRAIN = """\
import time, keras, visionlab
slow = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.3))
config = {"name": "digits-interrupted", "data": {"dataset": "digits", "validation_split": 0.2},
          "model": {"name": "mlp", "units": [16]},
          "train": {"epochs": 30, "batch_size": 64, "learning_rate": 0.01, "seed": 2}}
run = visionlab.train(config, runs_dir="runs", report=False, callbacks=[slow])
"""


def _messages(client, msg_id: str, timeout: float = 240) -> list[dict]:
    """The iopub messages (outputs, errors) of request `msg_id`, once the kernel is idle."""
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = client.get_iopub_msg(timeout=deadline - time.monotonic())
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "status" and \
                message["content"]["execution_state"] == "idle":
            return messages
        messages.append(message)
    raise TimeoutError(f"the kernel did not finish request {msg_id} in {timeout} s")


def _wait_for_an_epoch(runs: Path, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for history in runs.glob("*/history.csv"):
            if len(history.read_text(encoding="utf-8").splitlines()) >= 2:  # header + a row
                return history.parent
        time.sleep(0.05)
    raise TimeoutError("no epoch was completed")


def test_a_kernel_interrupt_keeps_a_resumable_run_and_says_how_to_resume(tmp_path: Path):
    needs_module("ipykernel", "notebook")
    manager_module = needs_module("jupyter_client.manager", "notebook")
    manager, client = manager_module.start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        msg_id = client.execute(TRAIN)
        run_dir = _wait_for_an_epoch(tmp_path / "runs")
        manager.interrupt_kernel()  # the notebook's ■ button: SIGINT to the kernel
        messages = _messages(client, msg_id)
        (error,) = [message["content"] for message in messages
                    if message["msg_type"] == "error"]
        assert error["ename"] == "TrainingInterrupted"
        (shown,) = error["traceback"]  # the message alone, no traceback
        assert f"visionlab.resume('{run_dir.relative_to(tmp_path)}')" in shown
        assert f"visionlab train --resume {run_dir.relative_to(tmp_path)}" in shown

        info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        assert info["status"] == "interrupted"
        kept = len((run_dir / "history.csv").read_text(encoding="utf-8").splitlines()) - 1
        assert 1 <= kept < 30

        code = (f"resumed = visionlab.resume({str(run_dir.relative_to(tmp_path))!r}, "
                "report=False)\nprint(resumed.status, [row['epoch'] for row in resumed.history]"
                " == list(range(1, 31)))")
        outputs = _messages(client, client.execute(code))
        assert not [message for message in outputs if message["msg_type"] == "error"]
        printed = "".join(message["content"].get("text", "") for message in outputs
                          if message["msg_type"] == "stream")
        assert "completed True" in printed
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
