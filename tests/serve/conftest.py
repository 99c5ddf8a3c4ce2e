"""One real run for every serving test: a small MLP trained on scikit-learn's 8x8 digits.

The digit images the tests upload are real digits too (the last ones of each class, written
as 8-bit PNGs the way `tests/cli/test_cli_train.py` writes them).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits

from needs import needs_module

DIGITS_RUN = {
    "name": "serve-digits",
    "data": {"dataset": "digits", "validation_split": 0.2},
    "model": {"name": "mlp", "units": [32]},
    "train": {"epochs": 3, "batch_size": 64, "learning_rate": 0.01, "seed": 5},
}


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory):
    needs_module("fastapi", extra="serve")
    from visionlab import api

    return api.train(DIGITS_RUN, runs_dir=tmp_path_factory.mktemp("runs"), verbose=0,
                     report=False)


@pytest.fixture(scope="session")
def digit_files(tmp_path_factory) -> list[Path]:
    """Twenty real digit images (two per class) as PNG files, named `<label>-<index>.png`."""
    digits = load_digits()
    folder = tmp_path_factory.mktemp("digits")
    paths = []
    for label in range(10):
        for index in np.flatnonzero(digits.target == label)[-2:]:
            pixels = (digits.images[index] * 255 / 16).round().astype(np.uint8)
            path = folder / f"{label}-{index}.png"
            Image.fromarray(pixels).save(path)
            paths.append(path)
    return paths


@pytest.fixture(scope="session")
def app(digits_run):
    from visionlab import api

    return api.serving_app(digits_run, max_upload_mb=0.0625, max_files=4)  # 64 KiB per file


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a real uvicorn on 127.0.0.1 (a free port), in a background thread."""
    uvicorn = needs_module("uvicorn", extra="serve")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()

