"""Load on `visionlab serve`: latency and throughput of POST /predict, keras vs onnx backend.

Not a test; run on demand and record the output in BENCHMARKS.md:

    .venv/bin/python benchmarks/serve_load.py                 # MNIST CNN, about 2 minutes
    .venv/bin/python benchmarks/serve_load.py --run runs/SOME-RUN --requests 400

Both backends are served at once by two `visionlab serve` processes on loopback (127.0.0.1,
free ports), each the real command a user runs. Then, `--repeats` times, interleaved (the
order alternates each repeat), `--requests` requests are sent to each server, `--concurrency`
at a time, each one real MNIST test digit as a PNG upload (multipart, the field `files`).
Every answer must be 200 with the label the other backend gives for the same file; any other
status counts as an error. Reported: medians over repeats of p50 and p99 latency (ms, from the
client's send to the full answer) and requests/s; the errors in all repeats.

The model (unless --run is given) is `benchmarks/inference.py`'s "mnist": the `mnist-cnn-fast`
recipe trained for 1 epoch on 300 real MNIST images per class.
Writes benchmarks/_out/serve-load.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
from inference import OUT, machine, train_run
from PIL import Image

BACKENDS = ("keras", "onnx")
START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(run_path: Path, backend: str) -> Iterator[str]:
    """`visionlab serve RUN --backend BACKEND` on a free loopback port; yields its address."""
    port = free_port()
    command = [sys.executable, "-m", "visionlab.cli.main", "serve", str(run_path),
               "--host", "127.0.0.1", "--port", str(port), "--backend", backend]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise SystemExit(f"visionlab serve ({backend}) exited: "
                                 f"{process.stderr.read().decode(errors='replace')[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{address}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"visionlab serve ({backend}) did not start in "
                                 f"{START_TIMEOUT_S} s")
            time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        if process.poll() is None:
            process.kill()


def png_payloads(images: np.ndarray, count: int) -> list[tuple[str, bytes]]:
    payloads = []
    for index in range(min(count, len(images))):
        pixels = images[index].astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).save(buffer, "PNG")
        payloads.append((f"test-{index:04d}.png", buffer.getvalue()))
    return payloads


async def load_pass(address: str, payloads: list[tuple[str, bytes]], requests: int,
                    concurrency: int) -> dict:
    latencies: list[float] = []
    labels: dict[int, str] = {}
    errors: list[str] = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, number: int) -> None:
        index = number % len(payloads)
        name, data = payloads[index]
        async with semaphore:
            start = time.perf_counter()
            response = await client.post("/predict", files=[("files", (name, data,
                                                                       "image/png"))])
            latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            errors.append(f"{name}: {response.status_code} {response.text[:200]}")
            return
        labels[index] = response.json()["predictions"][0]["predicted"]

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=address, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(one(client, number) for number in range(requests)))
        seconds = time.perf_counter() - start
    latencies_ms = np.array(latencies) * 1000
    return {"p50_ms": float(np.percentile(latencies_ms, 50)),
            "p99_ms": float(np.percentile(latencies_ms, 99)),
            "requests_per_s": requests / seconds, "requests": requests, "errors": errors,
            "labels": labels}


def summarize(passes: dict[str, list[dict]]) -> list[dict]:
    rows = []
    for backend, results in passes.items():
        rows.append({"backend": backend,
                     "p50_ms": statistics.median(item["p50_ms"] for item in results),
                     "p99_ms": statistics.median(item["p99_ms"] for item in results),
                     "requests_per_s": statistics.median(item["requests_per_s"]
                                                         for item in results),
                     "errors": sum(len(item["errors"]) for item in results),
                     "requests": sum(item["requests"] for item in results)})
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| backend | requests | errors | p50 ms | p99 ms | requests/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(f"| {row['backend']} | {row['requests']} | {row['errors']} "
                     f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
                     f"| {row['requests_per_s']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a finished run instead of training one")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300, help="requests per pass")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--images", type=int, default=100, help="distinct test images sent")
    arguments = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from visionlab import api

    info = machine()
    with tempfile.TemporaryDirectory() as scratch:
        run = api.load_run(arguments.run) if arguments.run else train_run("mnist", Path(scratch))
        api.export_run(run, "onnx")  # served by the onnx backend; its own parity check
        payloads = png_payloads(api.load_test_images(run), arguments.images)
        passes: dict[str, list[dict]] = {backend: [] for backend in BACKENDS}
        with served(run.path, "keras") as keras_address, served(run.path, "onnx") as onnx_address:
            addresses = {"keras": keras_address, "onnx": onnx_address}
            for address in addresses.values():  # warm-up: first calls, tracing
                asyncio.run(load_pass(address, payloads, arguments.concurrency * 2,
                                      arguments.concurrency))
            for repeat in range(arguments.repeats):
                order = BACKENDS if repeat % 2 == 0 else BACKENDS[::-1]
                for backend in order:
                    passes[backend].append(asyncio.run(load_pass(
                        addresses[backend], payloads, arguments.requests,
                        arguments.concurrency)))
    rows = summarize(passes)
    keras_labels, onnx_labels = ({index: label for item in passes[backend]
                                  for index, label in item["labels"].items()}
                                 for backend in BACKENDS)
    same = [keras_labels[index] == onnx_labels[index]
            for index in keras_labels.keys() & onnx_labels.keys()]
    report = {"run": str(arguments.run or "mnist (benchmarks/inference.py)"),
              "repeats": arguments.repeats, "requests": arguments.requests,
              "concurrency": arguments.concurrency, "images": len(payloads), "machine": info,
              "load_average_at_end": os.getloadavg()[0], "rows": rows,
              "same_label_share": float(np.mean(same)) if same else None,
              "errors": {backend: [error for item in results for error in item["errors"]][:20]
                         for backend, results in passes.items()},
              "passes": {backend: [{key: value for key, value in item.items()
                                    if key not in ("labels", "errors")} for item in results]
                         for backend, results in passes.items()}}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "serve-load.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{report['run']}: {arguments.repeats} repeats x {arguments.requests} requests, "
          f"{arguments.concurrency} concurrent, {len(payloads)} distinct PNGs, "
          f"same label keras/onnx: {report['same_label_share']:.1%}, "
          f"load {info['load_average_at_start']:.1f} -> {report['load_average_at_end']:.1f}")
    print(markdown(rows))
    print(f"Results: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
