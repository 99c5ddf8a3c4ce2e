"""A sweep on a real two-node Ray cluster started on this machine: trials run on both nodes.

Two `ray start` nodes on 127.0.0.1 (a head and a worker), one CPU each; the sweep joins with
`address=` and asks one CPU per trial, so two trials at once must use both nodes. Each trial
records its node in its run folder's trial.json and in sweep.json; `reuse_actors = false`, so
each trial gets its own process where Ray reserved its CPU. Both nodes are stopped
whatever happens (`ray stop` would stop every Ray on the machine: only this test's processes
are ended, by their process group). About 30 s on two cores.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from needs import needs_module
from visionlab import api
from visionlab.sweeps.trial import TRIAL_FILE

SWEEP = {
    "name": "digits-cluster",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [16]},
    "train": {"epochs": 2, "batch_size": 64},
    "sweep": {
        "metric": "val_accuracy", "mode": "max", "cpus_per_trial": 1, "max_concurrent": 2,
        # A reused actor would take the second trial whenever the first one ends before the
        # worker node's process is up (seen in CI): fresh processes go where the CPUs are free.
        "reuse_actors": False,
        "parameters": {"train.learning_rate": {"grid": [0.003, 0.03]}},
    },
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ray_env(temp_dir: str) -> dict[str, str]:
    return {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled",
            "RAY_TMPDIR": temp_dir}


def _ray_start(arguments: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """`ray start --block` in its own process group, so the test can end exactly its own."""
    ray_cli = Path(sys.executable).with_name("ray")
    with log.open("w") as output:
        return subprocess.Popen([str(ray_cli), "start", "--block", *arguments], env=env,
                                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_nodes(ray, count: int, timeout: float = 60.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [node for node in ray.nodes() if node.get("Alive")]
        if len(alive) >= count:
            return alive
        time.sleep(0.5)
    raise AssertionError(f"only {len(alive)} of {count} Ray nodes came up")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # `ray start --block` stops its node on SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_a_sweep_on_a_two_node_cluster_runs_trials_on_both_nodes(tmp_path: Path, monkeypatch):
    ray = needs_module("ray", extra="sweep")
    # Ray's socket paths must stay under ~107 characters: a short folder, not tmp_path.
    temp_dir = tempfile.mkdtemp(prefix="vlc-", dir="/tmp")
    env = _ray_env(temp_dir)
    for key in ("RAY_USAGE_STATS_ENABLED", "RAY_AUTH_MODE", "RAY_TMPDIR"):
        monkeypatch.setenv(key, env[key])
    port = _free_port()
    address = f"127.0.0.1:{port}"
    head = _ray_start(["--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
                       "--num-cpus", "1", "--include-dashboard", "false",
                       "--temp-dir", temp_dir, "--disable-usage-stats"], env, tmp_path / "head.log")
    worker = None
    try:
        worker = _ray_start(["--address", address, "--node-ip-address", "127.0.0.1",
                             "--num-cpus", "1", "--temp-dir", temp_dir], env,
                            tmp_path / "worker.log")
        ray.init(address=address, log_to_driver=False)
        try:
            nodes = _wait_for_nodes(ray, 2)
        finally:
            ray.shutdown()  # the sweep joins the cluster itself
        result = api.sweep(SWEEP, sweeps_dir=tmp_path / "sweeps", address=address, report=False)
    finally:
        for process in (worker, head):
            if process is not None:
                _stop(process)
        shutil.rmtree(temp_dir, ignore_errors=True)

    summary = json.loads((result.path / "sweep.json").read_text())
    assert summary["ray"]["address"] == address
    assert {node["id"] for node in summary["ray"]["nodes"]} == {node["NodeID"] for node in nodes}
    trials = summary["trials"]
    assert len(trials) == 2
    assert {trial["status"] for trial in trials} == {"completed"}
    for trial in trials:  # recorded in the trial's own run folder too
        recorded = json.loads((result.path / trial["run_dir"] / TRIAL_FILE).read_text())
        assert recorded["node"] == trial["node"]
        assert trial["node"]["ip"] and trial["node"]["pid"] > 0
    assert {trial["node"]["id"] for trial in trials} == {node["NodeID"] for node in nodes}
