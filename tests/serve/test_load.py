"""A bounded load test: 200 predictions, 8 at a time, against uvicorn on loopback."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

pytestmark = pytest.mark.slow

REQUESTS = 200
CONCURRENCY = 8
TIME_LIMIT_S = 60  # ~4 s on the 2-core dev container; the limit only catches a hang


def test_two_hundred_requests_eight_at_a_time_without_an_error(live_server, digit_files):
    payloads = [path.read_bytes() for path in digit_files]
    labels = {}

    async def one(client, semaphore, number):
        async with semaphore:
            index = number % len(payloads)
            response = await client.post(
                "/predict", files=[("files", (digit_files[index].name, payloads[index],
                                              "image/png"))])
            response.raise_for_status()
            labels.setdefault(index, set()).add(response.json()["predictions"][0]["predicted"])

    async def run():
        semaphore = asyncio.Semaphore(CONCURRENCY)
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(base_url=live_server, limits=limits, timeout=30) as client:
            await asyncio.gather(*(one(client, semaphore, number) for number in range(REQUESTS)))

    start = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT_S
    assert len(labels) == len(payloads)
    assert all(len(seen) == 1 for seen in labels.values())  # the same file, the same answer
    assert httpx.get(f"{live_server}/health").json()["status"] == "ok"
